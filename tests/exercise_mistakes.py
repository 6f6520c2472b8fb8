"""Small wrong implementations, one per classic mistake the exercise checks name (see test_exercises.py).

Each entry: (exercise, mistake key, the wrong function(s)). Kept apart from the tests so that the
student-facing checks and these mutants are easy to read side by side.
"""

import re

import emoji
import numpy as np
from nltk.tokenize import word_tokenize

from cbow_helpers import get_windows, model


def _steps(
    corpus, lower=True, keep=lambda t: t.isalpha() or t == "." or emoji.is_emoji(t), merge=True
):
    text = re.sub(r"[,!?;-]+", ".", corpus) if merge else corpus
    tokens = []
    for token in word_tokenize(text, preserve_line=True):
        tokens += (
            [token[:-1], "."]
            if len(token) > 1 and token.endswith(".") and token.strip(".")
            else [token]
        )
    return [t.lower() if lower else t for t in tokens if keep(t)]


def tokenize_not_lowercased(corpus):
    return _steps(corpus, lower=False)


def tokenize_keeps_numbers(corpus):
    return _steps(corpus, keep=lambda t: t.isalnum() or t == "." or emoji.is_emoji(t))


def tokenize_punctuation_kept(corpus):
    return _steps(corpus, keep=lambda t: t.isalpha() or not t.isalnum(), merge=False)


def windows_with_centre(words, C):
    for i in range(C, len(words) - C):
        yield words[i - C : i + C + 1], words[i]


def windows_off_by_one(words, C):
    for i in range(C, len(words) - C - 1):
        yield words[i - C : i] + words[i + 1 : i + C + 1], words[i]


def windows_one_side(words, C):
    for i in range(C, len(words) - C):
        yield words[i - C : i], words[i]


def windows_swapped(words, C):
    for i in range(C, len(words) - C):
        yield words[i], words[i - C : i] + words[i + 1 : i + C + 1]


def dict_first_seen(data):
    word2Ind = {}
    for word in data:
        word2Ind.setdefault(word, len(word2Ind))
    return word2Ind, {i: w for w, i in word2Ind.items()}


def dict_with_duplicates(data):
    word2Ind = {w: i for i, w in enumerate(data)}
    return word2Ind, {i: w for w, i in word2Ind.items()}


def dict_not_inverse(data):
    word2Ind = {w: i for i, w in enumerate(sorted(set(data)))}
    return word2Ind, dict(word2Ind)


def one_hot_column(word, word2Ind, V):
    vector = np.zeros((V, 1))
    vector[word2Ind[word]] = 1
    return vector


def one_hot_wrong_index(word, word2Ind, V):
    vector = np.zeros(V)
    vector[word2Ind[word] - 1] = 1
    return vector


def _one_hot(word, word2Ind, V):
    vector = np.zeros(V)
    vector[word2Ind[word]] = 1
    return vector


def context_summed(context_words, word2Ind, V):
    return np.sum([_one_hot(w, word2Ind, V) for w in context_words], axis=0)


def context_unique(context_words, word2Ind, V):
    return np.mean([_one_hot(w, word2Ind, V) for w in set(context_words)], axis=0)


def _examples(data, word2Ind, V, C):
    return [
        (np.mean([_one_hot(w, word2Ind, V) for w in ctx], axis=0), _one_hot(c, word2Ind, V))
        for ctx, c in get_windows(data, C)
    ]


def batches_restart(data, word2Ind, V, C, batch_size):
    """Every batch starts again from window 0: batches repeat the same windows."""
    examples = _examples(data, word2Ind, V, C)
    while True:
        yield (
            np.stack([x for x, _ in examples[:batch_size]], axis=1),
            np.stack([y for _, y in examples[:batch_size]], axis=1),
        )


def batches_overlap(data, word2Ind, V, C, batch_size):
    """Each batch starts with the last window of the previous one."""
    examples = _examples(data, word2Ind, V, C)
    start = 0
    while True:
        idx = [(start + j) % len(examples) for j in range(batch_size)]
        yield (
            np.stack([examples[i][0] for i in idx], axis=1),
            np.stack([examples[i][1] for i in idx], axis=1),
        )
        start += batch_size - 1


def batches_transposed(data, word2Ind, V, C, batch_size):
    examples = _examples(data, word2Ind, V, C)
    start = 0
    while True:
        idx = [(start + j) % len(examples) for j in range(batch_size)]
        yield np.stack([examples[i][0] for i in idx]), np.stack([examples[i][1] for i in idx])
        start += batch_size


def batches_drop_last(data, word2Ind, V, C, batch_size):
    """An off-by-one: the last window is never used."""
    examples = _examples(data, word2Ind, V, C)[:-1]
    start = 0
    while True:
        idx = [(start + j) % len(examples) for j in range(batch_size)]
        yield (
            np.stack([examples[i][0] for i in idx], axis=1),
            np.stack([examples[i][1] for i in idx], axis=1),
        )
        start += batch_size


def relu_in_place(z):
    z[z < 0] = 0
    return z


def relu_derivative(z):
    return (z > 0).astype(float)


def softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=0, keepdims=True)


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_whole(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def loss_sign(y_hat, y):
    return float(np.sum(y * np.log(y_hat)))


def loss_not_weighted(y_hat, y):
    return float(-np.sum(np.log(y_hat)))


def loss_averaged(y_hat, y):
    return float(-np.mean(y * np.log(y_hat)))


def forward_no_relu(x, W1, W2, b1, b2):
    h = W1 @ x + b1
    return W2 @ h + b2, h


def forward_softmax(x, W1, W2, b1, b2):
    h = np.maximum(W1 @ x + b1, 0)
    return model.softmax(W2 @ h + b2), h


def forward_no_bias(x, W1, W2, b1, b2):
    h = np.maximum(W1 @ x, 0)
    return W2 @ h, h


def forward_swapped(x, W1, W2, b1, b2):
    h = np.maximum(W1 @ x + b1, 0)
    return h, W2 @ h + b2


def back_prop_notes(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    """The notes' formula: ReLU applied to the back-propagated gradient."""
    dz2 = (yhat - y) / batch_size
    dz1 = np.maximum(W2.T @ dz2, 0)
    return dz1 @ x.T, dz2 @ h.T, dz1.sum(axis=1, keepdims=True), dz2.sum(axis=1, keepdims=True)


def back_prop_no_mask(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = (yhat - y) / batch_size
    dz1 = W2.T @ dz2
    return dz1 @ x.T, dz2 @ h.T, dz1.sum(axis=1, keepdims=True), dz2.sum(axis=1, keepdims=True)


def back_prop_not_averaged(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = yhat - y
    dz1 = (W2.T @ dz2) * (h > 0)
    return dz1 @ x.T, dz2 @ h.T, dz1.sum(axis=1, keepdims=True), dz2.sum(axis=1, keepdims=True)


def back_prop_bias_not_summed(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = (yhat - y) / batch_size
    dz1 = (W2.T @ dz2) * (h > 0)
    return dz1 @ x.T, dz2 @ h.T, dz1, dz2


def numgrad_forward(f, param, eps=1e-6):
    grad = np.zeros_like(param, dtype=float)
    base = f()
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        grad[idx] = (f() - base) / eps
        param[idx] = old
    return grad


def numgrad_not_restored(f, param, eps=1e-6):
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        plus = f()
        param[idx] = old - eps
        minus = f()
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def numgrad_factor_two(f, param, eps=1e-6):
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        plus = f()
        param[idx] = old - eps
        minus = f()
        param[idx] = old
        grad[idx] = (plus - minus) / eps
    return grad


def _descent(sign, update_biases):
    def gradient_descent(
        data, word2Ind, N, V, num_iters, alpha=0.03, C=2, batch_size=128, random_seed=1
    ):
        W1, W2, b1, b2 = model.initialize_model(N, V, random_seed=random_seed)
        batches = model.get_batches(data, word2Ind, V, C, batch_size)
        costs = []
        for _ in range(num_iters):
            x, y = next(batches)
            z, h = model.forward_prop(x, W1, W2, b1, b2)
            yhat = model.softmax(z)
            costs.append(model.compute_cost(y, yhat, batch_size))
            g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size)
            W1, W2 = W1 - sign * alpha * g[0], W2 - sign * alpha * g[1]
            if update_biases:
                b1, b2 = b1 - sign * alpha * g[2], b2 - sign * alpha * g[3]
        return W1, W2, b1, b2, costs

    return gradient_descent


gd_ascent = _descent(-1.0, True)
gd_biases_not_updated = _descent(1.0, False)


def pca_not_centred(data, n_components=2):
    covariance = np.cov(data, rowvar=False)
    values, vectors = np.linalg.eigh(covariance)
    order = np.argsort(values)[::-1][:n_components]
    return data @ vectors[:, order]


def pca_wrong_order(data, n_components=2):
    centred = data - data.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred / (len(data) - 1))
    return centred @ vectors[:, :n_components]


def pca_in_place(data, n_components=2):
    data -= data.mean(axis=0)
    values, vectors = np.linalg.eigh(data.T @ data / (len(data) - 1))
    return data @ vectors[:, np.argsort(values)[::-1][:n_components]]


def _true_back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    return model.back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size)


MUTANTS = [
    ("tokenize", "tokenize-not-lowercased", (tokenize_not_lowercased,)),
    ("tokenize", "tokenize-keeps-numbers", (tokenize_keeps_numbers,)),
    ("tokenize", "tokenize-punctuation-kept", (tokenize_punctuation_kept,)),
    ("get_windows", "window-includes-centre", (windows_with_centre,)),
    ("get_windows", "window-off-by-one", (windows_off_by_one,)),
    ("get_windows", "window-one-side", (windows_one_side,)),
    ("get_windows", "window-swapped", (windows_swapped,)),
    ("get_dict", "dict-not-sorted", (dict_first_seen,)),
    ("get_dict", "dict-counts-duplicates", (dict_with_duplicates,)),
    ("get_dict", "dict-not-inverse", (dict_not_inverse,)),
    ("word_to_one_hot_vector", "one-hot-column", (one_hot_column,)),
    ("word_to_one_hot_vector", "one-hot-wrong-index", (one_hot_wrong_index,)),
    ("context_words_to_vector", "context-summed", (context_summed,)),
    ("context_words_to_vector", "context-unique-words", (context_unique,)),
    ("get_batches", "batch-repeats-window", (batches_restart,)),
    ("get_batches", "batch-repeats-window", (batches_overlap,)),
    ("get_batches", "batch-transposed", (batches_transposed,)),
    ("get_batches", "batch-drops-window", (batches_drop_last,)),
    ("relu", "relu-modifies-input", (relu_in_place,)),
    ("relu", "relu-derivative", (relu_derivative,)),
    ("softmax", "softmax-overflow", (softmax_naive,)),
    ("softmax", "softmax-rows", (softmax_rows,)),
    ("softmax", "softmax-whole-matrix", (softmax_whole,)),
    ("cross_entropy_loss", "loss-sign", (loss_sign,)),
    ("cross_entropy_loss", "loss-not-weighted", (loss_not_weighted,)),
    ("cross_entropy_loss", "loss-averaged", (loss_averaged,)),
    ("forward_prop", "forward-no-relu", (forward_no_relu,)),
    ("forward_prop", "forward-softmax", (forward_softmax,)),
    ("forward_prop", "forward-no-bias", (forward_no_bias,)),
    ("forward_prop", "forward-swapped", (forward_swapped,)),
    ("back_prop", "backprop-relu-on-gradient", (back_prop_notes,)),
    ("back_prop", "backprop-no-mask", (back_prop_no_mask,)),
    ("back_prop", "backprop-not-averaged", (back_prop_not_averaged,)),
    ("back_prop", "backprop-bias-not-summed", (back_prop_bias_not_summed,)),
    ("numerical_gradient", "numgrad-forward-difference", (numgrad_forward,)),
    ("numerical_gradient", "numgrad-not-restored", (numgrad_not_restored,)),
    ("numerical_gradient", "numgrad-factor-two", (numgrad_factor_two,)),
    ("gradient_check", "gradcheck-mismatch", (back_prop_notes, model.numerical_gradient)),
    ("gradient_descent", "gd-ascent", (gd_ascent,)),
    ("gradient_descent", "gd-biases-not-updated", (gd_biases_not_updated,)),
    ("compute_pca", "pca-not-centred", (pca_not_centred,)),
    ("compute_pca", "pca-wrong-order", (pca_wrong_order,)),
    ("compute_pca", "pca-modifies-input", (pca_in_place,)),
]
