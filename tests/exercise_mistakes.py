"""Wrong answers a student could plausibly write, for every exercise (see test_exercises.py).

MUTANTS: (exercise, the mistake key its hint must name, or None where no hint names it yet, the
wrong function(s)). Every one must fail its check; at least 80% must get a hint naming their
mistake. RIGHT: answers written differently from the course's that must pass. Kept apart from
the tests so that the student-facing checks and these wrong answers are easy to read side by side.
"""

import re

import emoji
import numpy as np
from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer, word_tokenize

import cbow_helpers
from cbow_helpers import compute_pca, get_dict, get_windows, gradient_check, model


def _steps(
    corpus, lower=True, keep=lambda t: t.isalpha() or t == "." or emoji.is_emoji(t), merge=True
):
    text = re.sub(r"[,!?;-]+", ".", corpus) if merge else corpus
    sentences = PunktSentenceTokenizer().tokenize(text)
    tokens = [t for sentence in sentences for t in NLTKWordTokenizer().tokenize(sentence)]
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


def batches_built_up_front(data, word2Ind, V, C, batch_size):
    """The right batches, from the vectors of every window built before the first one."""
    examples = _examples(data, word2Ind, V, C)
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


def loss_unclipped(y_hat, y):
    return float(-np.sum(y * np.log(y_hat)))


def loss_swapped_arguments(y, y_hat):
    """The parameters in the wrong order: called prediction first, it computes -sum y_hat log y."""
    return float(-np.sum(y * np.log(np.clip(y_hat, 1e-12, 1.0))))


def loss_swapped_unclipped(y, y_hat):
    return float(-np.sum(y * np.log(y_hat)))


def loss_of_the_centre_words(y_hat, y):
    """Right, written differently: -log of the probabilities at the one-hot y's 1s."""
    return float(-np.log(np.clip(y_hat[y == 1], np.finfo(float).tiny, 1.0)).sum())


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


NOTEBOOK_Z1 = np.zeros((7, 3))  # a variable of the notebook, left over from its worked cells


def back_prop_global_z1(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    """Uses the notebook's z1 instead of its own h: an error inside the gradient check."""
    dz2 = (yhat - y) / batch_size
    dz1 = (W2.T @ dz2) * (NOTEBOOK_Z1 > 0)
    return dz1 @ x.T, dz2 @ h.T, dz1.sum(axis=1, keepdims=True), dz2.sum(axis=1, keepdims=True)


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
            costs.append(model.compute_cost(yhat, y, batch_size))
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


# ----------------------------------------------------------------------------- more wrong answers


def tokenize_period_glued(corpus):
    text = re.sub(r"[,!?;-]+", ".", corpus)
    tokens = word_tokenize(text, preserve_line=True)
    return [t.lower() for t in tokens if t.isalpha() or t == "." or emoji.is_emoji(t)]


def tokenize_drops_emoji(corpus):
    return _steps(corpus, keep=lambda t: t.isalpha() or t == ".")


def tokenize_split_on_spaces(corpus):
    return [t.lower() for t in re.sub(r"[,!?;-]+", ".", corpus).split()]


def tokenize_no_plus(corpus):
    """Each punctuation mark becomes its own '.': '!!!' gives '...' (no hint names this yet)."""
    text = re.sub(r"[,!?;-]", ".", corpus)
    return _steps(text, merge=False, keep=lambda t: t.isalpha() or t == "." or emoji.is_emoji(t))


def windows_short_at_edges(words, C):
    for i in range(len(words)):
        yield words[max(0, i - C) : i] + words[i + 1 : i + C + 1], words[i]


def windows_context_order(words, C):
    for i in range(C, len(words) - C):
        yield words[i + 1 : i + C + 1] + words[i - C : i], words[i]


def windows_step_two(words, C):
    """Skips every other centre word (no hint names this yet)."""
    for i in range(C, len(words) - C, 2):
        yield words[i - C : i] + words[i + 1 : i + C + 1], words[i]


def dict_starts_at_one(data):
    word2Ind = {w: i for i, w in enumerate(sorted(set(data)), start=1)}
    return word2Ind, {i: w for w, i in word2Ind.items()}


def one_hot_returns_index(word, word2Ind, V):
    return word2Ind[word]


def context_divided_by_v(context_words, word2Ind, V):
    return np.sum([_one_hot(w, word2Ind, V) for w in context_words], axis=0) / V


def context_not_averaged(context_words, word2Ind, V):
    return np.array([_one_hot(w, word2Ind, V) for w in context_words])


def context_wrong_axis(context_words, word2Ind, V):
    return np.mean([_one_hot(w, word2Ind, V) for w in context_words], axis=1)


def batches_stop(data, word2Ind, V, C, batch_size):
    examples = _examples(data, word2Ind, V, C)
    for start in range(0, len(examples) - batch_size + 1, batch_size):
        chunk = examples[start : start + batch_size]
        yield np.stack([x for x, _ in chunk], axis=1), np.stack([y for _, y in chunk], axis=1)


def relu_np_max(z):
    return np.max(z, 0)


def relu_python_max(z):
    return max(0, z)


def relu_abs(z):
    """Absolute value (no hint names this yet)."""
    return np.abs(z)


def softmax_min_shift(z):
    e = np.exp(z - z.min(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_mean_shift(z):
    e = np.exp(z - z.mean(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_axis_one(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_global_max(z):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=0, keepdims=True)


def softmax_in_place(z):
    z -= z.max(axis=0, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=0, keepdims=True)


def back_prop_in_place(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = yhat
    dz2 -= y
    dz2 /= batch_size
    dz1 = (W2.T @ dz2) * (h > 0)
    return dz1 @ x.T, dz2 @ h.T, dz1.sum(axis=1, keepdims=True), dz2.sum(axis=1, keepdims=True)


def loss_divided_by_m(y_hat, y):
    return float(-np.sum(y * np.log(y_hat)) / y.shape[1])


def loss_log10(y_hat, y):
    """log base 10 (no hint names this yet)."""
    return float(-np.sum(y * np.log10(y_hat)))


def forward_transposed_w1(x, W1, W2, b1, b2):
    h = np.maximum(W1.T @ x + b1, 0)
    return W2 @ h + b2, h


def forward_relu_output(x, W1, W2, b1, b2):
    h = np.maximum(W1 @ x + b1, 0)
    return np.maximum(W2 @ h + b2, 0), h


def forward_returns_z1(x, W1, W2, b1, b2):
    z1 = W1 @ x + b1
    return W2 @ np.maximum(z1, 0) + b2, z1


def forward_bias_after_relu(x, W1, W2, b1, b2):
    h = np.maximum(W1 @ x, 0) + b1
    return W2 @ h + b2, h


def forward_sigmoid(x, W1, W2, b1, b2):
    """A sigmoid hidden layer (no hint names this yet)."""
    h = 1 / (1 + np.exp(-(W1 @ x + b1)))
    return W2 @ h + b2, h


def numgrad_no_return(f, param, eps=1e-6):
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        plus = f()
        param[idx] = old - eps
        minus = f()
        param[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)


def numgrad_whole_array(f, param, eps=1e-6):
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        param += eps
        plus = f()
        param -= 2 * eps
        minus = f()
        param += eps
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def numgrad_precedence(f, param, eps=1e-6):
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        plus = f()
        param[idx] = old - eps
        minus = f()
        param[idx] = old
        grad[idx] = (plus - minus) / 2 * eps
    return grad


def numgrad_restored_by_arithmetic(f, param, eps=1e-6):
    """Right: restores with += eps; -= 2 * eps; += eps (the entry may move by one rounding step)."""
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        param[idx] += eps
        plus = f()
        param[idx] -= 2 * eps
        minus = f()
        param[idx] += eps
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def numgrad_large_eps(f, param, eps=1e-6):
    """A fixed step of 0.1 (no hint names this yet)."""
    return gradient_check.numerical_gradient(f, param, 0.1)


def _backward(dz1_of, bias=lambda d: d.sum(axis=1, keepdims=True), scale=1.0, w2=None):
    def back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size):
        dz2 = (yhat - y) / batch_size * scale
        dz1 = dz1_of(W2, dz2, h)
        grad_W2 = dz2 @ h.T if w2 is None else w2(dz2, h)
        return dz1 @ x.T * scale, grad_W2 * scale, bias(dz1) * scale, bias(dz2) * scale

    return back_prop


def _mask(W2, dz2, h):
    """The true gradient of the hidden layer, for the variants below."""
    return (W2.T @ dz2) * (h > 0)


back_prop_missing_transpose = _backward(lambda W2, dz2, h: (W2 @ dz2) * (h > 0))
back_prop_grad_w2_transposed = _backward(_mask, w2=lambda dz2, h: h @ dz2.T)
back_prop_bias_axis0 = _backward(_mask, bias=lambda d: d.sum(axis=0, keepdims=True))
back_prop_bias_mean = _backward(_mask, bias=lambda d: d.mean(axis=1, keepdims=True))
back_prop_times_h = _backward(lambda W2, dz2, h: (W2.T @ dz2) * h)
back_prop_mask_ge = _backward(lambda W2, dz2, h: (W2.T @ dz2) * (h >= 0))
back_prop_sign = _backward(lambda W2, dz2, h: -(W2.T @ dz2) * (h > 0))


def back_prop_divided_by_m_twice(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = (yhat - y) / batch_size
    dz1 = (W2.T @ dz2) * (h > 0)
    m = batch_size
    return (
        dz1 @ x.T / m,
        dz2 @ h.T / m,
        dz1.sum(axis=1, keepdims=True) / m,
        dz2.sum(1, keepdims=True) / m,
    )


def back_prop_x_not_transposed(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = (yhat - y) / batch_size
    dz1 = (W2.T @ dz2) * (h > 0)
    return dz1 @ x, dz2 @ h.T, dz1.sum(axis=1, keepdims=True), dz2.sum(axis=1, keepdims=True)


def relative_errors(
    back_prop,
    numerical_gradient,
    x,
    y,
    W1,
    W2,
    b1,
    b2,
    *,
    summed=False,
    norm=None,
    logits=False,
    copy_params=False,
    relative=True,
    zero_guard=True,
    swapped=False,
):
    """The guided gradient check, right by default; each keyword is one classic slip."""
    m = x.shape[1]
    params = [W1, W2, b1, b2]
    read = [p.copy() for p in params] if copy_params else params
    norm = norm or np.linalg.norm

    def cost():
        z, _ = model.forward_prop(x, *read[:2], *read[2:])
        y_hat = model.softmax(z)
        cost = model.compute_cost(y, y_hat, m) if swapped else model.compute_cost(y_hat, y, m)
        return cost * m if summed else cost

    z, h = model.forward_prop(x, W1, W2, b1, b2)
    grads = back_prop(x, z if logits else model.softmax(z), y, h, W1, W2, b1, b2, m)
    errors = {}
    for name, param, a in zip(("W1", "W2", "b1", "b2"), params, grads):
        n = numerical_gradient(cost, param)
        scale = (norm(a) + norm(n)) if relative else 1.0
        errors[name] = norm(a - n) / (max(scale, 1e-12) if zero_guard else scale)
    return errors


def _errors(**slip):
    return lambda *args: relative_errors(*args, **slip)


def gd_same_batch(data, word2Ind, N, V, num_iters, alpha=0.03, C=2, batch_size=128, random_seed=1):
    W1, W2, b1, b2 = model.initialize_model(N, V, random_seed=random_seed)
    x, y = next(model.get_batches(data, word2Ind, V, C, batch_size))
    costs = []
    for _ in range(num_iters):
        z, h = model.forward_prop(x, W1, W2, b1, b2)
        yhat = model.softmax(z)
        costs.append(model.compute_cost(yhat, y, batch_size))
        g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size)
        W1, W2, b1, b2 = (w - alpha * d for w, d in zip((W1, W2, b1, b2), g))
    return W1, W2, b1, b2, costs


def gd_cost_swapped_arguments(
    data, word2Ind, N, V, num_iters, alpha=0.03, C=2, batch_size=128, random_seed=1
):
    """The cost called in the old order, compute_cost(y, yhat, m): the weights are right."""
    W1, W2, b1, b2 = model.initialize_model(N, V, random_seed=random_seed)
    batches = model.get_batches(data, word2Ind, V, C, batch_size)
    costs = []
    for _ in range(num_iters):
        x, y = next(batches)
        z, h = model.forward_prop(x, W1, W2, b1, b2)
        yhat = model.softmax(z)
        costs.append(model.compute_cost(y, yhat, batch_size))
        g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size)
        W1, W2, b1, b2 = (w - alpha * d for w, d in zip((W1, W2, b1, b2), g))
    return W1, W2, b1, b2, costs


def gd_cost_after_step(
    data, word2Ind, N, V, num_iters, alpha=0.03, C=2, batch_size=128, random_seed=1
):
    W1, W2, b1, b2 = model.initialize_model(N, V, random_seed=random_seed)
    batches = model.get_batches(data, word2Ind, V, C, batch_size)
    costs = []
    for _ in range(num_iters):
        x, y = next(batches)
        z, h = model.forward_prop(x, W1, W2, b1, b2)
        g = model.back_prop(x, model.softmax(z), y, h, W1, W2, b1, b2, batch_size)
        W1, W2, b1, b2 = (w - alpha * d for w, d in zip((W1, W2, b1, b2), g))
        z, _ = model.forward_prop(x, W1, W2, b1, b2)
        costs.append(model.compute_cost(model.softmax(z), y, batch_size))
    return W1, W2, b1, b2, costs


def gd_no_return(data, word2Ind, N, V, num_iters, alpha=0.03, C=2, batch_size=128, random_seed=1):
    model.gradient_descent(
        data, word2Ind, N, V, num_iters, alpha, C=C, batch_size=batch_size, random_seed=random_seed
    )


def gd_alpha_per_batch(
    data, word2Ind, N, V, num_iters, alpha=0.03, C=2, batch_size=128, random_seed=1
):
    """Divides alpha by the batch size once more (no hint names this yet)."""
    return model.gradient_descent(
        data,
        word2Ind,
        N,
        V,
        num_iters,
        alpha / batch_size,
        C=C,
        batch_size=batch_size,
        random_seed=random_seed,
    )


def pca_rows_not_columns(data, n_components=2):
    centred = data - data.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred / (len(data) - 1))
    return centred @ vectors[np.argsort(values)[::-1][:n_components]].T


def pca_covariance_of_rows(data, n_components=2):
    centred = data - data.mean(axis=0)
    values, vectors = np.linalg.eigh(centred @ centred.T / (len(data) - 1))
    return centred @ vectors[:, np.argsort(values)[::-1][:n_components]]


def pca_normalised(data, n_components=2):
    """Divides each column by its standard deviation first (no hint names this yet)."""
    scaled = (data - data.mean(axis=0)) / data.std(axis=0)
    values, vectors = np.linalg.eigh(np.cov(scaled, rowvar=False))
    return scaled @ vectors[:, np.argsort(values)[::-1][:n_components]]


def _train(alpha=None, batch_size=None, own=True, returns="W1"):
    """my_train, right by default: each keyword is one classic slip (own=False: the course's step
    functions instead of the ones it is given; returns: which matrix it hands back)."""

    def train(tokens, N, num_iters, alpha_given, batch_size_given, forward, soft, backward):
        if not own:
            forward, soft, backward = model.forward_prop, model.softmax, model.back_prop
        word2Ind, Ind2word = get_dict(tokens)
        W1, W2, b1, b2 = model.initialize_model(N, len(word2Ind), random_seed=1)
        m = batch_size or batch_size_given
        batches = model.get_batches(tokens, word2Ind, len(word2Ind), 2, m)
        costs = []
        for _ in range(num_iters):
            x, y = next(batches)
            z, h = forward(x, W1, W2, b1, b2)
            yhat = soft(z)
            costs.append(model.compute_cost(yhat, y, m))
            g = backward(x, yhat, y, h, W1, W2, b1, b2, m)
            W1, W2, b1, b2 = (w - (alpha or alpha_given) * d for w, d in zip((W1, W2, b1, b2), g))
        matrix = {"W1": W1, "W2.T": W2.T, "random": np.random.default_rng(0).random(W1.shape)}
        return [Ind2word[k] for k in range(len(Ind2word))], matrix[returns], costs

    return lambda tokens, N, num_iters, alpha, batch_size, forward_prop, softmax, back_prop: train(
        tokens, N, num_iters, alpha, batch_size, forward_prop, softmax, back_prop
    )


COURSE_STEPS = (model.forward_prop, model.softmax, model.back_prop)


def one_hot_unknown_is_word_0(word, word2Ind, V):
    """An unknown word silently becomes word 0."""
    vector = np.zeros(V)
    vector[word2Ind.get(word, 0)] = 1
    return vector


def one_hot_unknown_is_zero_vector(word, word2Ind, V):
    """An unknown word silently becomes a zero vector."""
    vector = np.zeros(V)
    if word in word2Ind:
        vector[word2Ind[word]] = 1
    return vector


def windows_as_a_list(words, C):
    """Returns a list of the windows where the docstring says it yields them: right all the same."""
    return list(get_windows(words, C))


def numgrad_nudges_a_copy(f, param, eps=1e-6):
    """Nudges a copy of param, which f never reads: all zeros."""
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        work = param.copy()
        work[index] += eps
        plus = f()
        work[index] -= 2 * eps
        grad[index] = (plus - f()) / (2 * eps)
    return grad


def back_prop_bias_no_keepdims(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    dz2 = (yhat - y) / batch_size
    dz1 = (W2.T @ dz2) * (h > 0)
    return dz1 @ x.T, dz2 @ h.T, dz1.sum(axis=1), dz2.sum(axis=1)


def back_prop_weights_first(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    """(grad_W1, grad_b1, grad_W2, grad_b2): each layer's two gradients together."""
    dz2 = (yhat - y) / batch_size
    dz1 = (W2.T @ dz2) * (h > 0)
    return dz1 @ x.T, dz1.sum(axis=1, keepdims=True), dz2 @ h.T, dz2.sum(axis=1, keepdims=True)


def windows_short_on_the_right(words, C):
    for i in range(C, len(words) - C):
        yield words[i - C : i] + words[i + 1 : i + C], words[i]


def batches_partial_last(data, word2Ind, V, C, batch_size):
    """One pass, the last batch short, no wrap-around."""
    examples = _examples(data, word2Ind, V, C)
    for start in range(0, len(examples), batch_size):
        chunk = examples[start : start + batch_size]
        yield np.stack([x for x, _ in chunk], axis=1), np.stack([y for _, y in chunk], axis=1)


def pca_centred_rows(data, n_components=2):
    centred = data - data.mean(axis=1, keepdims=True)
    values, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    return centred @ vectors[:, np.argsort(values)[::-1][:n_components]]


# ----------------------------------------------------------------------------- the course's own, called


def relu_calls_the_course(z):
    return model.relu(z)


def softmax_calls_the_course(z):
    return model.softmax(z - 0)


_course_forward = model.forward_prop  # an alias of the course's function, used through a helper


def _forward_helper(x, W1, W2, b1, b2):
    return _course_forward(x, W1, W2, b1, b2)


def forward_through_a_helper(x, W1, W2, b1, b2):
    z, h = _forward_helper(x, W1, W2, b1, b2)
    return z, h


def _loss_from_a_closure():
    loss = model.cross_entropy_loss
    return lambda y_hat, y: loss(y_hat, y)


def numgrad_calls_the_course(f, param, eps=1e-6):
    return gradient_check.numerical_gradient(f, param, eps)


def forward_with_the_course_relu(x, W1, W2, b1, b2):
    """Right: forward_prop may use the course's relu, it only must not hand its work to forward_prop."""
    h = model.relu(W1 @ x + b1)
    return W2 @ h + b2, h


def pca_wraps_the_imported_name(data, n_components=2):
    """The course's compute_pca called by the name the notebook imports, not written."""
    return compute_pca(data, n_components)


def pca_wraps_the_package(data, n_components=2):
    """The course's compute_pca called through the package, not written."""
    return cbow_helpers.compute_pca(data, n_components)


def _ns_parts(W1, W2, context, center, negatives):
    h = W1[:, context].mean(axis=1)
    targets = np.concatenate([[center], negatives])
    ds = cbow_helpers.sigmoid(W2[targets] @ h) - (np.arange(len(targets)) == 0)
    return h, targets, ds


def ns_labels_flipped(W1, W2, context, center, negatives):
    h, targets, ds = _ns_parts(W1, W2, context, center, negatives)
    grad_W2, grad_W1 = np.zeros_like(W2), np.zeros_like(W1)
    np.add.at(grad_W2, targets, np.outer(-ds, h))
    np.add.at(grad_W1.T, context, -ds @ W2[targets] / len(context))
    return grad_W1, grad_W2


def ns_repeats_added_once(W1, W2, context, center, negatives):
    h, targets, ds = _ns_parts(W1, W2, context, center, negatives)
    grad_W2, grad_W1 = np.zeros_like(W2), np.zeros_like(W1)
    grad_W2[targets] += np.outer(ds, h)
    grad_W1.T[context] += ds @ W2[targets] / len(context)
    return grad_W1, grad_W2


def ns_whole_error(W1, W2, context, center, negatives):
    h, targets, ds = _ns_parts(W1, W2, context, center, negatives)
    grad_W2, grad_W1 = np.zeros_like(W2), np.zeros_like(W1)
    np.add.at(grad_W2, targets, np.outer(ds, h))
    np.add.at(grad_W1.T, context, ds @ W2[targets])
    return grad_W1, grad_W2


def ns_no_negatives(W1, W2, context, center, negatives):
    return ns_whole_error(W1, W2, context, center, negatives[:0])


def ns_wraps_the_package(W1, W2, context, center, negatives):
    _, grad_W1, grad_W2 = cbow_helpers.negative_sampling_gradients(
        W1, W2, context[None], np.array([center]), negatives[None]
    )
    return grad_W1, grad_W2


def ns_rows_by_loop(W1, W2, context, center, negatives):
    """Right, written with loops instead of np.add.at."""
    h, targets, ds = _ns_parts(W1, W2, context, center, negatives)
    grad_W2, grad_W1 = np.zeros_like(W2), np.zeros_like(W1)
    for t, d in zip(targets, ds):
        grad_W2[t] += d * h
    for c in context:
        grad_W1[:, c] += ds @ W2[targets] / len(context)
    return [grad_W1, grad_W2]


MUTANTS = [
    ("numerical_gradient", "numgrad-nudges-copy", (numgrad_nudges_a_copy,)),
    ("back_prop", "backprop-bias-keepdims", (back_prop_bias_no_keepdims,)),
    ("back_prop", "backprop-order", (back_prop_weights_first,)),
    ("get_windows", "window-short-right", (windows_short_on_the_right,)),
    ("get_batches", "batch-stops", (batches_partial_last,)),
    ("compute_pca", "pca-centred-wrong-axis", (pca_centred_rows,)),
    ("word_to_one_hot_vector", "one-hot-unknown-word", (one_hot_unknown_is_word_0,)),
    ("word_to_one_hot_vector", "one-hot-unknown-word", (one_hot_unknown_is_zero_vector,)),
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
    ("get_batches", "batch-builds-everything", (batches_built_up_front,)),
    ("relu", "calls-the-course-function", (relu_calls_the_course,)),
    ("softmax", "calls-the-course-function", (softmax_calls_the_course,)),
    ("forward_prop", "calls-the-course-function", (forward_through_a_helper,)),
    ("cross_entropy_loss", "calls-the-course-function", (_loss_from_a_closure(),)),
    ("numerical_gradient", "calls-the-course-function", (numgrad_calls_the_course,)),
    ("back_prop", "calls-the-course-function", (model.back_prop,)),
    ("relu", "relu-modifies-input", (relu_in_place,)),
    ("relu", "relu-derivative", (relu_derivative,)),
    ("softmax", "softmax-overflow", (softmax_naive,)),
    ("softmax", "softmax-rows", (softmax_rows,)),
    ("softmax", "softmax-whole-matrix", (softmax_whole,)),
    ("cross_entropy_loss", "loss-sign", (loss_sign,)),
    ("cross_entropy_loss", "loss-not-weighted", (loss_not_weighted,)),
    ("cross_entropy_loss", "loss-averaged", (loss_averaged,)),
    ("cross_entropy_loss", "loss-log-zero", (loss_unclipped,)),
    ("cross_entropy_loss", "loss-swapped-arguments", (loss_swapped_arguments,)),
    ("cross_entropy_loss", "loss-swapped-arguments", (loss_swapped_unclipped,)),
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
    ("gradient_descent", "gd-ascent", (gd_ascent,)),
    ("gradient_descent", "gd-biases-not-updated", (gd_biases_not_updated,)),
    ("compute_pca", "pca-not-centred", (pca_not_centred,)),
    ("compute_pca", "pca-wrong-order", (pca_wrong_order,)),
    ("compute_pca", "pca-modifies-input", (pca_in_place,)),
    # the mistakes students really make (the classic ones, and more)
    ("tokenize", "tokenize-period-glued", (tokenize_period_glued,)),
    ("tokenize", "tokenize-drops-emoji", (tokenize_drops_emoji,)),
    ("tokenize", "tokenize-split-on-spaces", (tokenize_split_on_spaces,)),
    ("tokenize", None, (tokenize_no_plus,)),
    ("get_windows", "window-short-at-edges", (windows_short_at_edges,)),
    ("get_windows", "window-context-order", (windows_context_order,)),
    ("get_windows", None, (windows_step_two,)),
    ("get_dict", "dict-starts-at-one", (dict_starts_at_one,)),
    ("word_to_one_hot_vector", "one-hot-returns-index", (one_hot_returns_index,)),
    ("context_words_to_vector", "context-divided-by-V", (context_divided_by_v,)),
    ("context_words_to_vector", "context-not-averaged", (context_not_averaged,)),
    ("context_words_to_vector", "context-wrong-axis", (context_wrong_axis,)),
    ("get_batches", "batch-stops", (batches_stop,)),
    ("relu", "relu-max-reduces", (relu_np_max,)),
    ("relu", "relu-python-max", (relu_python_max,)),
    ("relu", None, (relu_abs,)),
    ("softmax", "softmax-overflow", (softmax_min_shift,)),
    ("softmax", "softmax-overflow", (softmax_mean_shift,)),
    ("softmax", "softmax-rows", (softmax_axis_one,)),
    ("softmax", "softmax-global-max", (softmax_global_max,)),
    ("softmax", "softmax-modifies-input", (softmax_in_place,)),
    ("back_prop", "backprop-modifies-input", (back_prop_in_place,)),
    ("cross_entropy_loss", "loss-divided-by-m", (loss_divided_by_m,)),
    ("cross_entropy_loss", None, (loss_log10,)),
    ("forward_prop", "forward-transpose", (forward_transposed_w1,)),
    ("forward_prop", "forward-relu-output", (forward_relu_output,)),
    ("forward_prop", "forward-returns-z1", (forward_returns_z1,)),
    ("forward_prop", "forward-bias-after-relu", (forward_bias_after_relu,)),
    ("forward_prop", None, (forward_sigmoid,)),
    ("numerical_gradient", "forgot-return", (numgrad_no_return,)),
    ("numerical_gradient", "numgrad-whole-array", (numgrad_whole_array,)),
    ("numerical_gradient", "numgrad-precedence", (numgrad_precedence,)),
    ("numerical_gradient", None, (numgrad_large_eps,)),
    ("back_prop", "backprop-missing-transpose", (back_prop_missing_transpose,)),
    ("back_prop", "backprop-missing-transpose", (back_prop_x_not_transposed,)),
    ("back_prop", "backprop-grad-transposed", (back_prop_grad_w2_transposed,)),
    ("back_prop", "backprop-bias-axis", (back_prop_bias_axis0,)),
    ("back_prop", "backprop-bias-mean", (back_prop_bias_mean,)),
    ("back_prop", "backprop-divided-twice", (back_prop_divided_by_m_twice,)),
    ("back_prop", "backprop-times-h", (back_prop_times_h,)),
    ("back_prop", "backprop-no-mask", (back_prop_mask_ge,)),
    ("back_prop", None, (back_prop_sign,)),
    (
        "gradient_check",
        "gradcheck-mismatch",
        (relative_errors, back_prop_notes, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-mismatch",
        (relative_errors, _true_back_prop, numgrad_factor_two),
    ),
    (
        "gradient_check",
        None,
        (relative_errors, back_prop_global_z1, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-formula",
        (_errors(relative=False), _true_back_prop, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-formula",
        (
            _errors(norm=lambda a: np.max(np.abs(a))),
            _true_back_prop,
            gradient_check.numerical_gradient,
        ),
    ),
    (
        "gradient_check",
        "gradcheck-cost-not-averaged",
        (_errors(summed=True), _true_back_prop, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-yhat-is-logits",
        (_errors(logits=True), _true_back_prop, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-zero-norm",
        (_errors(zero_guard=False), _true_back_prop, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-cost-swapped-arguments",
        (_errors(swapped=True), _true_back_prop, gradient_check.numerical_gradient),
    ),
    (
        "gradient_check",
        "gradcheck-cost-ignores-param",
        (_errors(copy_params=True), _true_back_prop, gradient_check.numerical_gradient),
    ),
    ("gradient_descent", "gd-same-batch", (gd_same_batch,)),
    ("gradient_descent", "gd-cost-after-step", (gd_cost_after_step,)),
    ("gradient_descent", "gd-cost-swapped-arguments", (gd_cost_swapped_arguments,)),
    ("gradient_descent", "forgot-return", (gd_no_return,)),
    ("gradient_descent", None, (gd_alpha_per_batch,)),
    ("compute_pca", "pca-rows-not-columns", (pca_rows_not_columns,)),
    ("compute_pca", "pca-covariance-shape", (pca_covariance_of_rows,)),
    ("compute_pca", None, (pca_normalised,)),
    ("compute_pca", "calls-the-course-function", (pca_wraps_the_imported_name,)),
    ("compute_pca", "calls-the-course-function", (pca_wraps_the_package,)),
    ("capstone", "capstone-settings", (_train(alpha=0.03), *COURSE_STEPS)),
    ("capstone", "capstone-settings", (_train(batch_size=128), *COURSE_STEPS)),
    ("capstone", "capstone-own-functions", (_train(), forward_no_relu, *COURSE_STEPS[1:])),
    ("capstone", "capstone-own-functions", (_train(), *COURSE_STEPS[:2], back_prop_notes)),
    (
        "capstone",
        "capstone-unused-functions",
        (_train(own=False), forward_no_relu, *COURSE_STEPS[1:]),
    ),
    ("capstone", "capstone-wrong-matrix", (_train(returns="W2.T"), *COURSE_STEPS)),
    ("capstone", "capstone-wrong-matrix", (_train(returns="random"), *COURSE_STEPS)),
    ("negative_sampling_gradients", "ns-labels-flipped", (ns_labels_flipped,)),
    ("negative_sampling_gradients", "ns-repeats-added-once", (ns_repeats_added_once,)),
    ("negative_sampling_gradients", "ns-whole-error", (ns_whole_error,)),
    ("negative_sampling_gradients", None, (ns_no_negatives,)),
    ("negative_sampling_gradients", "calls-the-course-function", (ns_wraps_the_package,)),
]

#: Right answers written differently from the course's: each must pass.
RIGHT = [
    ("get_windows", (windows_as_a_list,)),
    ("numerical_gradient", (numgrad_restored_by_arithmetic,)),
    ("gradient_check", (relative_errors, _true_back_prop, gradient_check.numerical_gradient)),
    ("softmax", (lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0),)),
    ("relu", (lambda z: z * (z > 0),)),
    ("forward_prop", (forward_with_the_course_relu,)),
    ("cross_entropy_loss", (loss_of_the_centre_words,)),
    ("negative_sampling_gradients", (ns_rows_by_loop,)),
]
