"""Negative sampling and word2vec's other tricks: CBOW over the whole vocabulary, fast.

The course's model ends in a softmax over all V words, so every example costs
O(V * N): the whole output matrix W2 is read, and its gradient written. word2vec
replaces the softmax by K + 1 binary questions ("is this the centre word?"): one
for the true centre word, asked to say yes, and one for each of K *negative*
words drawn from a noise distribution, asked to say no. An example then costs
O((K + 1) * N), whatever V is.

For one window, with h the mean of the context words' input vectors::

    h = mean of the columns of W1 of the context words          (N,)
    J = -log sigmoid(W2[o] . h) - sum_k log sigmoid(-W2[n_k] . h)

where o is the centre word and n_1 .. n_K the negatives. There is no ReLU and
no bias (word2vec has neither). A batch's J is the mean over its m windows.

The tricks that come with it, one function each:

- ``unigram_table``: the noise distribution, counts ** 0.75, as word2vec's table;
- ``keep_probabilities`` / ``subsample``: frequent words are dropped at random;
- ``linear_decay``: the learning rate falls linearly to nearly 0 over training;

Its windows (``reduced_windows``, ``dynamic_contexts``) are in ``windows.py``, its vocabulary
(``corpus_ids``) in ``vocabulary.py``. The trainer, ``train_negative_sampling``, is in ``negative_sampling_trainer.py``; its
step on a batch, ``negative_sampling_step``, in ``engine/negative_sampling_step.py``.

Shapes follow the course: W1 is (N, V) (column k belongs to word k), W2 is
(V, N) (row k belongs to word k), and examples are columns, as in ``back_prop``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .engine.checks import negative_sampling_inputs, non_negative_number, positive_int, word_counts
from .gradient_check import compare_gradients

# ----------------------------------------------------------------------------- the loss


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, element-wise, without overflow (``scipy.special.expit``).

    Introduced in notebook 09 (negative sampling).

    >>> print(np.round(sigmoid(np.array([-800.0, -2.0, 0.0, 2.0, 800.0])), 4))
    [0.     0.1192 0.5    0.8808 1.    ]

    ``1 / (1 + np.exp(800.0))`` would warn of an overflow on the way to its 0.
    """
    return expit(z)


def negative_sampling_loss(W1, W2, context, center, negatives) -> float:
    """The negative-sampling cost J of a batch: the mean over its m windows.

    Introduced in notebook 09 (negative sampling).

    Parameters
    ----------
    W1 : (N, V) array, the input weights (column k: word k's input vector)
    W2 : (V, N) array, the output weights (row k: word k's output vector)
    context : (m, 2C) int array, the context word ids of each window
    center : (m,) int array, the centre word id o of each window
    negatives : (m, K) int array, the K negative word ids of each window

    Returns
    -------
    float
        ``mean_j [ -log sigmoid(W2[o_j] . h_j) - sum_k log sigmoid(-W2[n_jk] . h_j) ]``
        with ``h_j`` the mean of W1's columns ``context[j]``.

    Examples
    --------
    With all weights 0, each of the K + 1 answers is a coin toss: J = (K + 1) log 2.

    >>> W1, W2 = np.zeros((3, 5)), np.zeros((5, 3))  # N = 3, V = 5
    >>> J = negative_sampling_loss(W1, W2, [[0, 2]], [1], [[3, 4]])  # one window, K = 2
    >>> print(round(J, 4), round(3 * np.log(2), 4))
    2.0794 2.0794
    """
    W1, W2, context, center, negatives = negative_sampling_inputs(
        W1, W2, context, center, negatives
    )
    h = W1[:, context].mean(axis=2)  # (N, m)
    s_pos = np.einsum("mn,nm->m", W2[center], h)
    s_neg = np.einsum("mkn,nm->mk", W2[negatives], h)
    # -log sigmoid(s) = log(1 + exp(-s)), computed without overflow
    return float(np.mean(np.logaddexp(0, -s_pos) + np.logaddexp(0, s_neg).sum(axis=1)))


def negative_sampling_gradients(W1, W2, context, center, negatives):
    """J and its true gradient with respect to W1 and W2.

    Introduced in notebook 09 (negative sampling).

    With s = W2[t] . h for a target t (the centre word, label y = 1, or a
    negative, y = 0), dJ/ds = sigmoid(s) - y. By the chain rule, per window::

        dJ/dW2[t] += (sigmoid(s_t) - y_t) h / m
        dJ/dh      = sum_t (sigmoid(s_t) - y_t) W2[t] / m
        dJ/dW1[:, c] += dJ/dh / (2C)        for each context word c (h is their mean)

    Returns
    -------
    J : float
    grad_W1 : (N, V) array
    grad_W2 : (V, N) array
    """
    W1, W2, context, center, negatives = negative_sampling_inputs(
        W1, W2, context, center, negatives
    )
    m, two_c = context.shape
    targets = np.concatenate([center[:, None], negatives], axis=1)  # (m, K+1)
    labels = np.zeros(targets.shape)
    labels[:, 0] = 1.0
    h = W1[:, context].mean(axis=2)  # (N, m)
    scores = np.einsum("mkn,nm->mk", W2[targets], h)
    J = float(np.mean(np.logaddexp(0, -scores[:, 0]) + np.logaddexp(0, scores[:, 1:]).sum(axis=1)))
    dscores = (sigmoid(scores) - labels) / m  # (m, K+1)
    grad_W2 = np.zeros_like(W2)
    np.add.at(grad_W2, targets, dscores[:, :, None] * h.T[:, None, :])
    dh = np.einsum("mk,mkn->nm", dscores, W2[targets])  # (N, m)
    grad_W1 = np.zeros_like(W1)
    np.add.at(grad_W1.T, context, np.repeat(dh.T[:, None, :] / two_c, two_c, axis=1))
    return J, grad_W1, grad_W2


def check_negative_sampling_gradients(
    W1, W2, context, center, negatives, grads=None, *, eps: float = 1e-6, tol: float = 1e-6
):
    """Compare ``negative_sampling_gradients`` with central differences of ``negative_sampling_loss``.

    Introduced in notebook 09 (negative sampling).

    The same check as ``check_gradients`` for the softmax model (``numerical_gradient``
    for every entry, relative error per tensor). ``grads`` = ``(grad_W1, grad_W2)``
    to check; by default the ones ``negative_sampling_gradients`` computes.

    Returns
    -------
    dict
        ``{name: {"max_abs_diff": float, "rel_error": float}}`` for W1 and W2
        (print it with ``format_gradient_report``).

    Raises
    ------
    GradientCheckError
        If a tensor's relative error exceeds ``tol``.
    """
    W1, W2, context, center, negatives = negative_sampling_inputs(
        W1, W2, context, center, negatives
    )
    params = {"W1": W1.copy(), "W2": W2.copy()}
    if grads is None:
        _, *grads = negative_sampling_gradients(W1, W2, context, center, negatives)

    def cost() -> float:
        return negative_sampling_loss(params["W1"], params["W2"], context, center, negatives)

    return compare_gradients(cost, params, grads, eps=eps, tol=tol)


# ----------------------------------------------------------------------------- the tricks


def noise_distribution(counts, power: float = 0.75) -> np.ndarray:
    """word2vec's noise distribution: P(k) proportional to ``counts[k] ** power``.

    Introduced in notebook 09 (negative sampling), which computes ``counts**0.75`` by hand;
    an exercise there calls it with other powers.

    ``power`` = 1 is the unigram distribution, 0 the uniform one; 0.75 (word2vec's
    choice) lifts rare words a little, so they are drawn as negatives more often
    than their share of the corpus.

    Returns
    -------
    (V,) float64 array summing to 1

    Examples
    --------
    The rarest of four words makes up 0.6% of the corpus, and 1.9% of the negatives:

    >>> counts = np.array([500, 100, 20, 4])
    >>> print(np.round(noise_distribution(counts, power=1), 4))
    [0.8013 0.1603 0.0321 0.0064]
    >>> print(np.round(noise_distribution(counts), 4))
    [0.7066 0.2113 0.0632 0.0189]
    """
    counts = word_counts(counts)
    power = non_negative_number("power", power, "the exponent of the counts")
    weights = counts**power
    return weights / weights.sum()


def unigram_table(counts, power: float = 0.75, size: int = 10_000_000) -> np.ndarray:
    """word2vec's noise table: word k fills a share P(k) of ``size`` slots.

    Drawing a negative is then one random slot, ``table[rng.integers(size)]``:
    constant time, whatever V is. The slot boundaries are the cumulative
    probabilities rounded to whole slots, so every word's share is within
    1/size of P(k) (a word with P(k) < 0.5/size may get no slot).

    Introduced in notebook 09 (negative sampling).

    Returns
    -------
    (size,) int32 array of word ids, in increasing order

    Examples
    --------
    Word 0 is seen 3 times as often as word 1; with power 0.75 it gets 7 of 10 slots, not 7.5:

    >>> unigram_table([3, 1], size=10)
    array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1], dtype=int32)
    """
    size = positive_int("size", size, "the number of slots in the table")
    p = noise_distribution(counts, power)
    bounds = np.round(np.cumsum(p) * size).astype(np.int64)
    bounds[-1] = size
    slots = np.diff(bounds, prepend=0)
    return np.repeat(np.arange(len(p), dtype=np.int32), slots)


def sample_negatives(table: np.ndarray, shape, rng: np.random.Generator) -> np.ndarray:
    """Negative word ids of the given shape, drawn from a ``unigram_table`` with ``rng``.

    Introduced in notebook 09 (negative sampling).
    """
    table = np.asarray(table)
    if table.ndim != 1 or table.size == 0:
        raise ValueError(
            f"table must be a non-empty 1-D array from unigram_table, got shape {table.shape}"
        )
    return table[rng.integers(0, table.size, size=shape)]


def keep_probabilities(counts, sample: float = 1e-3) -> np.ndarray:
    """The chance that each occurrence of a word survives subsampling (word2vec's formula).

    With f = count / total, a word is kept with probability
    ``(sqrt(f / sample) + 1) * sample / f``, capped at 1: words with f below
    about 2.6 * sample are always kept, and a word with f far above ``sample``
    keeps about ``sqrt(sample / f)`` of its occurrences. (The paper's formula,
    ``sqrt(sample / f)``, is the same idea; this is the one word2vec's code and
    gensim use.) ``sample`` = 0 turns subsampling off.

    Introduced in notebook 09 (negative sampling).

    Returns
    -------
    (V,) float64 array in (0, 1]

    Examples
    --------
    With ``sample=0.01``, the word that makes up 80% of the corpus keeps 12% of its
    occurrences; the rarest words keep all of theirs:

    >>> print(np.round(keep_probabilities(np.array([500, 100, 20, 4]), sample=0.01), 4))
    [0.1242 0.3122 0.8706 1.    ]
    """
    counts = word_counts(counts)
    sample = non_negative_number("sample", sample, "the subsampling threshold; 0: no subsampling")
    if sample == 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()
    return np.minimum((np.sqrt(counts / threshold) + 1) * threshold / counts, 1.0)


def subsample(ids: np.ndarray, keep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The token ids that survive: each occurrence of word k is kept with probability ``keep[k]``.

    Introduced in notebook 09 (negative sampling).
    """
    ids = np.asarray(ids)
    return ids[rng.random(len(ids)) < keep[ids]]


def linear_decay(start: float, end: float, progress):
    """The learning rate after a share ``progress`` (0 .. 1) of training: from ``start`` down to ``end``.

    Introduced in notebook 09 (negative sampling).

    >>> linear_decay(0.025, 0.0001, 0.5)
    0.01255
    >>> print(linear_decay(0.025, 0.0001, np.array([0, 0.5, 1])))
    [2.500e-02 1.255e-02 1.000e-04]
    """
    progress = np.asarray(progress, dtype=float)
    if np.any((progress < 0) | (progress > 1)) or not np.all(np.isfinite(progress)):
        raise ValueError(f"progress must lie in [0, 1], got {progress!r}")
    if not (0 <= end <= start):
        raise ValueError(f"expected 0 <= end <= start, got start={start!r} and end={end!r}")
    rate = start - (start - end) * progress
    return float(rate) if rate.ndim == 0 else rate
