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
- ``reduced_windows`` / ``dynamic_contexts``: each centre word's window is a
  random size from 1 to C, so near words count more than far ones;
- ``linear_decay``: the learning rate falls linearly to nearly 0 over training;
- ``corpus_ids``: word2vec's vocabulary (rare words dropped, no ``'<unk>'``);
- ``negative_sampling_step``: one SGD step on a batch of windows of any sizes;
- ``train_negative_sampling``: the batched trainer, with word2vec's update rule
  (see its docstring for why that rule is not the gradient of J).

Rows of W1 and W2 are gathered and scatter-added with scipy's compiled sparse
kernels (``kernel="sparsetools"``, private scipy functions) or with public APIs
only (``kernel="public"``); both add the same numbers in the same order.

Shapes follow the course: W1 is (N, V) (column k belongs to word k), W2 is
(V, N) (row k belongs to word k), and examples are columns, as in ``back_prop``.
The trainer stores W1 transposed internally so that a word's vector is a row.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import time
from collections.abc import Sequence

import numpy as np
import scipy.sparse
from scipy.special import expit
from tqdm import tqdm

from ._checks import (
    check_flag,
    check_memory,
    non_negative_number,
    positive_int,
    positive_number,
    seed_value,
    token_list,
)
from .model import compare_gradients
from .text import UNK, build_vocabulary, encode
from .trainer import (
    _LOSS_FACTOR,
    _LOSS_WINDOW,
    _WEIGHT_LIMIT,
    WordEmbeddings,
    divergence_error,
    loss_rose,
)

try:  # scipy's compiled sparse kernels (private: a public path below gives the same numbers)
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - a future scipy may move them
    _sparsetools = None

_TINY = np.finfo(np.float64).tiny  # a window's probability is clipped to this before the log

# ----------------------------------------------------------------------------- the loss


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, element-wise, without overflow (``scipy.special.expit``).

    Introduced in notebook 09 (negative sampling).

    >>> print(np.round(sigmoid(np.array([-800.0, -2.0, 0.0, 2.0, 800.0])), 4))
    [0.     0.1192 0.5    0.8808 1.    ]

    ``1 / (1 + np.exp(800.0))`` would warn of an overflow on the way to its 0.
    """
    return expit(z)


def _check_ids(name: str, ids, V: int, ndim: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != ndim or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"{name} must be a {ndim}-D array of word ids, got dtype {ids.dtype} and shape {ids.shape}"
        )
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        bad = ids[(ids < 0) | (ids >= V)].flat[0]
        raise ValueError(f"{name} holds the word id {bad}, outside 0 .. V-1 = {V - 1}")
    return ids


def _check_ns_inputs(W1, W2, context, center, negatives):
    W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
    if W1.ndim != 2:
        raise ValueError(f"W1 must be a 2-D (N, V) array, got shape {W1.shape}")
    N, V = W1.shape
    if W2.shape != (V, N):
        raise ValueError(
            f"W2 has shape {W2.shape} but W1 has shape {W1.shape}, so W2 must have shape {(V, N)}"
        )
    context = _check_ids("context", context, V, 2)
    center = _check_ids("center", center, V, 1)
    negatives = _check_ids("negatives", negatives, V, 2)
    m = len(center)
    if context.shape[0] != m or negatives.shape[0] != m or m == 0:
        raise ValueError(
            f"context {context.shape}, center {center.shape} and negatives {negatives.shape} "
            "must describe the same m >= 1 windows (one row each)"
        )
    if context.shape[1] == 0:
        raise ValueError("context has no columns: a window needs at least one context word")
    return W1, W2, context, center, negatives


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
    >>> print(round(J, 4), round(3 * math.log(2), 4))
    2.0794 2.0794
    """
    W1, W2, context, center, negatives = _check_ns_inputs(W1, W2, context, center, negatives)
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
    W1, W2, context, center, negatives = _check_ns_inputs(W1, W2, context, center, negatives)
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
    W1, W2, context, center, negatives = _check_ns_inputs(W1, W2, context, center, negatives)
    params = {"W1": W1.copy(), "W2": W2.copy()}
    if grads is None:
        _, *grads = negative_sampling_gradients(W1, W2, context, center, negatives)

    def cost() -> float:
        return negative_sampling_loss(params["W1"], params["W2"], context, center, negatives)

    return compare_gradients(cost, params, grads, eps=eps, tol=tol)


# ----------------------------------------------------------------------------- the tricks


def corpus_ids(tokens: Sequence[str], min_count: int = 5):
    """word2vec's vocabulary: words seen at least ``min_count`` times, most frequent first, and the corpus as ids.

    Introduced in notebook 09 (negative sampling).

    Rarer words are *dropped* from the corpus (so a window reaches past them), not
    replaced by ``'<unk>'`` as ``build_vocabulary`` does for the softmax model.

    Returns
    -------
    word2Ind : dict
    Ind2word : dict
    ids : (n,) int32 array, the kept tokens' ids in corpus order

    Examples
    --------
    >>> corpus_ids("the king and the queen and the fool".split(), min_count=2)
    ({'the': 0, 'and': 1}, {0: 'the', 1: 'and'}, array([0, 1, 0, 1, 0], dtype=int32))
    """
    min_count = positive_int("min_count", min_count)
    tokens = token_list("corpus_ids", tokens)
    word2Ind, Ind2word = build_vocabulary(tokens, None, min_count)
    ids = encode(tokens, word2Ind)
    if UNK in word2Ind and word2Ind[UNK] == len(word2Ind) - 1:  # dropped, not kept as a word
        ids = ids[ids != word2Ind.pop(UNK)]
        del Ind2word[len(word2Ind)]
    return word2Ind, Ind2word, ids


def _check_counts(counts) -> np.ndarray:
    counts = np.asarray(counts)
    if counts.ndim != 1 or counts.size == 0 or not np.issubdtype(counts.dtype, np.number):
        raise ValueError(
            f"counts must be a non-empty 1-D array of word counts, got shape {counts.shape}"
        )
    if not np.all(np.isfinite(counts)) or counts.min() <= 0:
        raise ValueError(
            f"every count must be a positive finite number, got a minimum of {counts.min()!r}"
        )
    return counts.astype(np.float64)


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
    counts = _check_counts(counts)
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
    counts = _check_counts(counts)
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


def reduced_windows(n: int, C: int, rng: np.random.Generator) -> np.ndarray:
    """A random window half-size for each of ``n`` centre words, uniform in 1 .. C (word2vec's ``b``).

    A context word at distance d is then used with probability (C - d + 1) / C:
    near words weigh more than far ones, at no cost.

    Introduced in notebook 09 (negative sampling).

    Returns
    -------
    (n,) int32 array

    Examples
    --------
    >>> reduced_windows(5, 2, np.random.default_rng(0))
    array([1, 1, 1, 2, 2], dtype=int32)
    """
    C = positive_int("C", C, "the largest window half-size")
    return C - rng.integers(0, C, size=n, dtype=np.int32)


def dynamic_contexts(ids: np.ndarray, C: int, rng: np.random.Generator | None = None):
    """The context of every position of ``ids``, with reduced windows, in compressed-row form.

    Position i's context is positions i-b .. i+b except i, cut at the ends of
    the sequence, with b from ``reduced_windows`` (or b = C when ``rng`` is None).

    Introduced in notebook 09 (negative sampling).

    Returns
    -------
    indptr : (n + 1,) int32 array; position i's context is ``indices[indptr[i]:indptr[i+1]]``
    indices : (nnz,) int32 array of word ids: each context's left words from far to near,
        then its right words from near to far

    Examples
    --------
    >>> ids = np.array([10, 11, 12, 13, 14])
    >>> indptr, indices = dynamic_contexts(ids, 2)  # full windows, C = 2
    >>> [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(len(ids))]
    [[11, 12], [10, 12, 13], [10, 11, 13, 14], [11, 12, 14], [12, 13]]

    With the same ``rng`` as in ``reduced_windows``' example, b = 1, 1, 1, 2, 2:

    >>> indptr, indices = dynamic_contexts(ids, 2, np.random.default_rng(0))
    >>> [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(len(ids))]
    [[11], [10, 12], [11, 13], [11, 12, 14], [12, 13]]
    """
    ids = np.asarray(ids, dtype=np.int32)
    C = positive_int("C", C, "the largest window half-size")
    n = len(ids)
    b = np.full(n, C, dtype=np.int32) if rng is None else reduced_windows(n, C, rng)
    offsets = np.concatenate([np.arange(-C, 0), np.arange(1, C + 1)])  # (2C,)
    padded = np.concatenate(
        [np.full(C, -1, np.int32), ids, np.full(C, -1, np.int32)]
    )  # -1: off the ends
    window = np.lib.stride_tricks.sliding_window_view(padded, 2 * C + 1)[
        :, offsets + C
    ]  # (n, 2C) word ids
    valid = (np.abs(offsets).astype(np.int32) <= b[:, None]) & (window >= 0)
    indices = window[valid]
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.count_nonzero(valid, axis=1), out=indptr[1:])
    return indptr, indices


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


# ----------------------------------------------------------------------------- sparse kernels


def gather_mean_public(W, indptr, indices, weights, out) -> None:
    """``out[i] = sum_j weights[j] * W[indices[j]]`` over row i's entries (public path).

    A product with the (m, V) sparse matrix of the weights, through the public
    ``scipy.sparse.csr_matrix``: it adds the terms in the same order as the
    compiled kernel of ``gather_mean_sparsetools``, so both give the same
    numbers. (``np.add.reduceat`` would sum in another order, which changes
    the last bits.)
    """
    A = scipy.sparse.csr_matrix((weights, indices, indptr), shape=(len(indptr) - 1, W.shape[0]))
    out[:] = A @ W


def scatter_add_public(W, indptr, indices, weights, X) -> None:
    """``W[indices[j]] += weights[j] * X[i]`` for every entry j of row i, in place (public path).

    ``np.add.at`` on flat indices adds repeated rows correctly (a plain
    ``W[idx] += ...`` would keep only one of them) and is ~3x faster than on
    2-D indices.
    """
    N = W.shape[1]
    counts = np.diff(indptr)
    values = np.repeat(X, counts, axis=0) * weights[:, None]
    flat = (indices.astype(np.int64)[:, None] * N + np.arange(N)).ravel()
    np.add.at(W.reshape(-1), flat, values.ravel())


def gather_mean_sparsetools(W, indptr, indices, weights, out) -> None:
    """As ``gather_mean_public``, with scipy's compiled CSR kernel (``out`` must be C-contiguous)."""
    out[:] = 0
    _sparsetools.csr_matvecs(
        len(indptr) - 1, W.shape[0], W.shape[1], indptr, indices, weights, W.ravel(), out.ravel()
    )


def scatter_add_sparsetools(W, indptr, indices, weights, X) -> None:
    """As ``scatter_add_public``, with scipy's compiled CSC kernel, in place on W (C-contiguous)."""
    _sparsetools.csc_matvecs(
        W.shape[0], len(indptr) - 1, W.shape[1], indptr, indices, weights, X.ravel(), W.ravel()
    )


KERNELS = {
    "public": (gather_mean_public, scatter_add_public),
    "sparsetools": (gather_mean_sparsetools, scatter_add_sparsetools),
}


# ----------------------------------------------------------------------------- the trainer


def negative_sampling_step(
    W_in,
    W_out,
    indptr,
    indices,
    targets,
    learning_rate,
    *,
    mean_weights=None,
    scatter_weights=None,
    keep=None,
    kernel="sparsetools",
    h=None,
    workers=1,
    pool=None,
) -> float:
    """One SGD step of CBOW with negative sampling on a batch of m windows, in place; returns the batch's J.

    Introduced in notebook 09 (negative sampling).

    The windows may have different sizes, so their contexts come in
    compressed-row form (as from ``dynamic_contexts``)::

        h_j = sum of mean_weights[e] * W_in[indices[e]]   over window j's entries e
        s_jt = W_out[targets[j, t]] . h_j                 (t = 0: the centre word; 1..K: negatives)
        g_jt = learning_rate * (y_t - sigmoid(s_jt)) * keep[j, t]    (y_0 = 1, else 0)
        W_out[targets[j, t]] += g_jt h_j
        W_in[indices[e]]     += scatter_weights[e] * sum_t g_jt W_out[targets[j, t]]   (the old W_out)

    Each window takes a step of ``learning_rate`` on its own J (word2vec's
    step: the batch's updates are summed, not averaged).

    Parameters
    ----------
    W_in : (V, N) float32 C-contiguous array, W1 transposed (row k: word k's input vector); updated
    W_out : (V, N) float32 C-contiguous array, W2; updated
    indptr : (m + 1,) int32 array, starting at 0: window j's context is ``indices[indptr[j]:indptr[j+1]]``
    indices : (nnz,) int32 array of context word ids
    targets : (m, K + 1) int32 array: the centre word, then K negatives
    learning_rate : float
    mean_weights : (nnz,) float32 array, default 1 / (window j's size): h is the mean of the context
    scatter_weights : (nnz,) float32 array, default 1: word2vec's rule, every context word gets the
        whole error (the true gradient of the mean would be ``mean_weights``)
    keep : (m, K) float32 array of 0 / 1, default all 1: 0 skips a negative (word2vec skips a
        negative equal to the centre word)
    kernel : {"sparsetools", "public"}, see ``train_negative_sampling``
    h : optional (m, N) float32 C-contiguous buffer for the hidden layer
    workers : int, default 1
        Threads for the part before the update (the gathers, scores and errors of the
        windows), which each take a share of the rows; ``pool`` (a
        ``concurrent.futures.ThreadPoolExecutor`` with ``workers - 1`` threads or more) runs
        all but the first share. The update itself runs on the calling thread. The weights
        come out the same for any number of workers.

    Returns
    -------
    float
        The batch's mean J before the update (each window's probability is clipped
        to the smallest float64 before the log, so J is finite).
    """
    gather, scatter = KERNELS[kernel]
    m, K1 = targets.shape
    N = W_in.shape[1]
    if mean_weights is None:
        counts = np.diff(indptr)
        mean_weights = np.repeat((1.0 / counts).astype(np.float32), counts)
    if scatter_weights is None:
        scatter_weights = np.ones(len(indices), dtype=np.float32)
    if h is None:
        h = np.empty((m, N), dtype=np.float32)
    g = np.empty((m, K1), dtype=np.float32)
    err = np.empty((m, N), dtype=np.float32)
    batch = (
        W_in,
        W_out,
        indptr,
        indices,
        targets,
        learning_rate,
        mean_weights,
        keep,
        gather,
        h,
        g,
        err,
    )
    parts = [(i * m // workers, (i + 1) * m // workers) for i in range(workers)]
    if workers == 1:
        loss = _forward_rows(batch, parts[0])
    else:  # the rows of the batch are independent until the update: split them over threads
        if pool is None:
            raise ValueError(
                "negative_sampling_step with workers > 1 needs a pool (a ThreadPoolExecutor)"
            )
        futures = [pool.submit(_forward_rows, batch, part) for part in parts[1:]]
        loss = _forward_rows(batch, parts[0]) + sum(f.result() for f in futures)
    # The update, on this thread: every row of W_out and W_in may be met by any window.
    scatter(
        W_out, np.arange(0, m * K1 + 1, K1, dtype=np.int32), targets.reshape(-1), g.reshape(-1), h
    )
    scatter(W_in, indptr, indices, scatter_weights, err)
    return float(loss / m)


def _forward_rows(batch, rows) -> float:
    """Windows ``rows`` of a batch: h, the scores, g = lr * (y - sigmoid(s)) and err = g @ W_out rows.

    Returns the sum of their J. Each window's numbers do not depend on the others', so a
    batch split over threads gives the same h, g and err as one thread.
    """
    W_in, W_out, indptr, indices, targets, learning_rate, mean_weights, keep, gather, h, g, err = (
        batch
    )
    r0, r1 = rows
    if r0 == r1:
        return 0.0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # errstate is per thread
        lo, hi = indptr[r0], indptr[r1]
        hr = h[r0:r1]
        gather(
            W_in, indptr[r0 : r1 + 1] - lo, indices[lo:hi], mean_weights[lo:hi], hr
        )  # mean of the context rows
        m, K1 = r1 - r0, targets.shape[1]
        # (m, K+1, N): the target rows; take is 2x faster than W_out[targets]
        WT = W_out.take(targets[r0:r1].reshape(-1), axis=0).reshape(m, K1, W_out.shape[1])
        scores = np.matmul(WT, hr[:, :, None])[:, :, 0]  # (m, K+1)
        f = expit(scores)  # sigmoid: the probability of "yes, this is the centre word"
        gr = g[r0:r1]
        np.negative(f, out=gr)  # y - sigmoid(s) = -dJ/ds
        gr[:, 0] += 1
        if keep is not None:
            gr[:, 1:] *= keep[r0:r1]
        # J = -log of the product of the K+1 answers' probabilities (f for the centre word, 1 - f
        # for a negative; a skipped negative's factor is 1): one log per window, not K+1.
        answers = 1 - np.abs(gr, dtype=np.float64)
        answers[:, 0] = f[:, 0]
        loss = -np.log(np.maximum(answers.prod(axis=1), _TINY)).sum()
        gr *= np.float32(learning_rate)
        np.matmul(gr[:, None, :], WT, out=err[r0:r1, None, :])  # -lr * dJ/dh, from the old W_out
    return float(loss)


@dataclasses.dataclass
class NegativeSamplingResult(WordEmbeddings):
    """A CBOW model trained with negative sampling (``train_negative_sampling``).

    Not in the notebooks by name: notebook 09 uses the ``NegativeSamplingResult`` that
    ``train_negative_sampling`` returns.

    It works wherever a ``CBOWResult`` does: ``nearest_neighbors``,
    ``evaluate_all``, ``save_vectors(path, result.words, result.embeddings)``.

    Attributes
    ----------
    W1 : (N, V) float32 array, the input weights; column k belongs to word k
    W2 : (V, N) float32 array, the output weights; row k belongs to word k
    word2Ind, Ind2word : dicts between words and indices 0 .. V-1, most frequent first
        (words rarer than ``min_count`` are dropped, as word2vec does, not mapped to ``'<unk>'``)
    losses : (steps,) float64 array, the mean J of every batch (before its update)
    words_per_second : float, corpus words (before subsampling) times epochs, per second of training
    config : dict, the arguments of ``train_negative_sampling`` and a few facts (V, n_tokens)
    """

    W1: np.ndarray
    W2: np.ndarray
    word2Ind: dict
    Ind2word: dict
    losses: np.ndarray
    words_per_second: float
    config: dict


UPDATE_RULES = ("word2vec", "gradient")


@dataclasses.dataclass(frozen=True)
class NegativeSamplingConfig:
    """The settings of ``train_negative_sampling``, with their defaults: the one place they are written.

    Not in the notebooks: ``train_negative_sampling``'s keyword arguments take their defaults
    from here, and so does the command line (``python -m cbow_helpers train``, which changes one:
    its window is C=3; ``train --help`` prints them).

    The defaults are gensim's ``Word2Vec(sg=0)`` defaults, except ``batch_size`` (gensim
    updates after every window) and ``workers`` (gensim's is 3); see ``train_negative_sampling``
    for every field's meaning.
    Each field is checked when the config is made (a wrong type is a TypeError, a bad value a
    ValueError, naming the field).

    Examples
    --------
    >>> config = NegativeSamplingConfig(N=50)
    >>> config.N, config.C, config.negative, config.learning_rate, config.min_learning_rate
    (50, 5, 5, 0.025, 0.0001)
    >>> NegativeSamplingConfig(learning_rate=0.01, min_learning_rate=0.05)
    Traceback (most recent call last):
    ...
    ValueError: min_learning_rate must be at most learning_rate=0.01, got 0.05
    """

    N: int = 100
    C: int = 5
    negative: int = 5
    sample: float = 1e-3
    min_count: int = 5
    epochs: int = 5
    learning_rate: float = 0.025
    min_learning_rate: float = 0.0001
    batch_size: int = 1024
    dynamic_window: bool = True
    update_rule: str = "word2vec"
    power: float = 0.75
    seed: int = 1
    kernel: str = "auto"
    workers: int = 1

    def __post_init__(self):
        checked = {
            name: positive_int(name, getattr(self, name))
            for name in ("N", "C", "negative", "min_count", "epochs", "batch_size", "workers")
        }
        learning_rate = checked["learning_rate"] = positive_number(
            "learning_rate", self.learning_rate
        )
        min_learning_rate = checked["min_learning_rate"] = non_negative_number(
            "min_learning_rate", self.min_learning_rate
        )
        if min_learning_rate > learning_rate:
            raise ValueError(
                f"min_learning_rate must be at most learning_rate={learning_rate}, "
                f"got {self.min_learning_rate!r}"
            )
        keep_probabilities(np.ones(1), self.sample)  # checks sample
        noise_distribution(np.ones(1), self.power)  # checks power
        checked["dynamic_window"] = check_flag("dynamic_window", self.dynamic_window)
        if self.update_rule not in UPDATE_RULES:
            raise ValueError(f"update_rule must be one of {UPDATE_RULES}, got {self.update_rule!r}")
        if self.kernel != "auto" and self.kernel not in KERNELS:
            raise ValueError(
                f"kernel must be 'auto', 'sparsetools' or 'public', got {self.kernel!r}"
            )
        if self.kernel == "sparsetools" and _sparsetools is None:
            raise ValueError(
                "kernel='sparsetools' needs scipy.sparse._sparsetools, which this scipy lacks: use 'public'"
            )
        checked["seed"] = seed_value("seed", self.seed)
        for name, value in checked.items():  # stored as plain int / float / bool
            object.__setattr__(self, name, value)


_DEFAULTS = NegativeSamplingConfig()


def train_negative_sampling(
    tokens: Sequence[str],
    *,
    N: int = _DEFAULTS.N,
    C: int = _DEFAULTS.C,
    negative: int = _DEFAULTS.negative,
    sample: float = _DEFAULTS.sample,
    min_count: int = _DEFAULTS.min_count,
    epochs: int = _DEFAULTS.epochs,
    learning_rate: float = _DEFAULTS.learning_rate,
    min_learning_rate: float = _DEFAULTS.min_learning_rate,
    batch_size: int = _DEFAULTS.batch_size,
    dynamic_window: bool = _DEFAULTS.dynamic_window,
    update_rule: str = _DEFAULTS.update_rule,
    power: float = _DEFAULTS.power,
    seed: int = _DEFAULTS.seed,
    kernel: str = _DEFAULTS.kernel,
    workers: int = _DEFAULTS.workers,
    progress: bool = True,
) -> NegativeSamplingResult:
    """Train CBOW with negative sampling on a list of tokens, over the whole vocabulary.

    Introduced in notebook 09 (negative sampling).

    word2vec's recipe (the defaults are gensim's ``Word2Vec(sg=0)`` defaults,
    except ``batch_size`` and ``workers``): each epoch subsamples the corpus (``sample``), gives
    each centre word a reduced window of 1 .. C words each side
    (``dynamic_window``), draws ``negative`` noise words per window from the
    unigram ** ``power`` table, and takes SGD steps on batches of
    ``batch_size`` windows, the learning rate falling linearly from
    ``learning_rate`` to ``min_learning_rate``. W1 starts uniform in
    [-0.5/N, 0.5/N), W2 at zero, as in word2vec.

    **The update rule.** h is the *mean* of the context vectors, so the true
    gradient of J gives each context word ``dJ/dh / n`` (n words in the window:
    ``update_rule="gradient"``). word2vec (and gensim with ``cbow_mean=1``)
    instead adds the whole ``dJ/dh`` to every context word
    (``update_rule="word2vec"``, the default). That is not the gradient of J:
    it is the gradient step with an n times larger learning rate for W1 than
    for W2 (n is up to 2C = 10). With the true gradient, W1 moves n times
    slower than W2 while it starts from tiny random values and W2 from zero,
    so at word2vec's learning rate the input vectors move far less from their
    random start, and the embeddings (W1) score worse (one run on
    Shakespeare, seed 1: WordSim-353 0.07 against 0.16). The
    "true" gradient of a model is not always the best update rule: what
    matters is the step each parameter takes.

    **Batches.** word2vec updates after every window; here a batch of windows
    reads the weights once and writes all its updates at once (a word met
    twice in a batch gets both updates, summed). A frequent word is met many
    times per batch (``.`` is about 5% of the negatives), and its summed
    update grows with the batch. So a batch ends early when one more window would
    make it meet a word more than ``MAX_REPEATS_PER_BATCH`` times among its
    context words or its targets: with the default subsampling no word of
    Shakespeare comes that close and every batch is whole, while without it
    (``sample=0``) the batches around ``'.'`` get shorter instead of diverging.

    The defaults of the keyword arguments are those of ``NegativeSamplingConfig``, which checks them.

    Parameters
    ----------
    tokens : sequence of str
        The corpus, e.g. ``tokenize_shakespeare()``, as one sequence.
    N : int
        Embedding size.
    C : int
        Largest context half-size (word2vec's ``window``).
    negative : int
        K, negatives per window.
    sample : float
        Subsampling threshold (``keep_probabilities``); 0 turns it off.
    min_count : int
        Words seen fewer times are dropped from the corpus.
    epochs : int
    learning_rate, min_learning_rate : float
        Start and end of the linear decay (``linear_decay``).
    batch_size : int
        Windows per step.
    dynamic_window : bool
        Reduced windows (True) or always C words each side.
    update_rule : {"word2vec", "gradient"}
        See above.
    power : float
        Exponent of the noise distribution.
    seed : int
        Seeds the initial weights and every random draw.
    kernel : {"auto", "sparsetools", "public"}
        How rows of W1 and W2 are gathered and scatter-added: scipy's compiled
        sparse kernels, called in place (fast; private scipy functions), or
        public APIs only: a ``scipy.sparse.csr_matrix`` product and
        ``np.add.at`` (about 2.5x slower on Shakespeare, the same numbers).
        ``"auto"``: sparsetools when this scipy has them.
    workers : int
        Threads that share each batch's gathers and scores (numpy and scipy
        release the GIL there); the update runs on one. The result is the same
        for any number of workers (a test checks it). On the 2-core machine this
        was measured on, 2 workers were no faster than 1 (the step is bound by
        memory traffic), so the default is 1.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    NegativeSamplingResult

    Raises
    ------
    TypeError
        For an argument of the wrong type (naming it), or a str instead of a list of tokens.
    ValueError
        For an argument with a bad value (naming it), or a corpus with no window, or a
        single word, left after ``min_count``, or a ``sample`` so small that subsampling
        keeps fewer than 2 tokens (checked on the expected count before training, and on
        each epoch's draw).
    TrainingDivergedError
        If the loss becomes NaN or infinite, if the mean loss of the last 20 batches
        rises above twice the loss of the first batch, or if an entry of W1 or W2
        grows larger than 1e4 (checked after each epoch): try a smaller learning rate
        or batch size.
    NotEnoughMemoryError
        (a ValueError and a MemoryError) if training would need more memory than the
        machine has available; raised before allocating.
    """
    config = NegativeSamplingConfig(
        N=N,
        C=C,
        negative=negative,
        sample=sample,
        min_count=min_count,
        epochs=epochs,
        learning_rate=learning_rate,
        min_learning_rate=min_learning_rate,
        batch_size=batch_size,
        dynamic_window=dynamic_window,
        update_rule=update_rule,
        power=power,
        seed=seed,
        kernel=kernel,
        workers=workers,
    )
    N, C, negative, min_count = config.N, config.C, config.negative, config.min_count
    epochs, batch_size, workers = config.epochs, config.batch_size, config.workers
    learning_rate, dynamic_window = config.learning_rate, config.dynamic_window
    if kernel == "auto":
        kernel = "sparsetools" if _sparsetools is not None else "public"
    tokens = token_list("train_negative_sampling", tokens)

    word2Ind, Ind2word, ids = corpus_ids(tokens, min_count)
    V = len(word2Ind)
    if len(ids) < 2:
        raise ValueError(
            f"after dropping words seen fewer than min_count={min_count} times, {len(ids)} token(s) remain: "
            "a window needs at least 2 (lower min_count or use a larger corpus)"
        )
    if V < 2:
        raise ValueError(
            f"the vocabulary has a single word, {Ind2word[0]!r}: CBOW needs at least 2 distinct words to tell "
            "apart (use a corpus with more distinct words"
            + (", or a smaller min_count)" if min_count > 1 else ")")
        )
    _check_memory(len(ids), V, N, C, negative, batch_size, epochs)
    counts = np.bincount(ids, minlength=V).astype(np.float64)
    keep = keep_probabilities(counts, sample)
    _check_kept(counts @ keep, len(ids), sample, "are expected to survive each epoch's")
    table = unigram_table(counts, power)

    rng = np.random.default_rng(seed)
    W_in = ((rng.random((V, N), dtype=np.float32) - 0.5) / N).astype(
        np.float32
    )  # W1.T: row k is word k
    W_out = np.zeros((V, N), dtype=np.float32)  # W2
    K1 = negative + 1
    total_words = len(tokens) * epochs
    H = np.empty((batch_size, N), dtype=np.float32)
    losses = []
    first_loss = None
    bar = tqdm(
        total=epochs,
        disable=not progress,
        unit="epoch",
        desc="training CBOW (negative sampling)",
        mininterval=0,
        maxinterval=float("inf"),
    )
    pool = concurrent.futures.ThreadPoolExecutor(workers - 1) if workers > 1 else None
    start = time.perf_counter()
    try:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                kept = subsample(ids, keep, rng)
                _check_kept(len(kept), len(ids), sample, f"survived epoch {epoch + 1}'s")
                indptr, indices = dynamic_contexts(kept, C, rng if dynamic_window else None)
                n_context = np.diff(indptr)
                has_context = n_context > 0
                if not has_context.all():  # only a one-word corpus leaves a word without context
                    kept, indptr, indices, n_context = _drop_empty(
                        kept, indptr, indices, has_context
                    )
                n = len(kept)
                mean_w = np.repeat((1.0 / n_context).astype(np.float32), n_context)
                scatter_w = np.ones_like(mean_w) if update_rule == "word2vec" else mean_w
                targets = np.empty((n, K1), dtype=np.int32)
                targets[:, 0] = kept
                targets[:, 1:] = sample_negatives(table, (n, negative), rng)
                # word2vec skips a negative that happens to be the centre word: its weight is 0.
                not_center = (targets[:, 1:] != targets[:, :1]).astype(np.float32)
                n_batches = -(-n // batch_size)  # the batches of batch_size windows
                epoch_loss = []
                a = 0
                while a < n:
                    b = _batch_end(a, min(a + batch_size, n), indptr, indices, targets)
                    step = len(epoch_loss)
                    # The rate falls with the share of the corpus done: a / (n_batches * batch_size)
                    # is step / n_batches when every batch is whole.
                    done = (epoch + a / (n_batches * batch_size)) * len(tokens) / total_words
                    lo, hi = indptr[a], indptr[b]
                    loss = negative_sampling_step(
                        W_in,
                        W_out,
                        indptr[a : b + 1] - lo,
                        indices[lo:hi],
                        targets[a:b],
                        linear_decay(learning_rate, min_learning_rate, done),
                        mean_weights=mean_w[lo:hi],
                        scatter_weights=scatter_w[lo:hi],
                        keep=not_center[a:b],
                        kernel=kernel,
                        h=H[: b - a],
                        workers=workers,
                        pool=pool,
                    )
                    epoch_loss.append(loss)
                    a = b
                    # Divergence, as in train_cbow: a loss that is NaN or infinite, or whose recent mean
                    # rose far above the first batch's (a finite loss can still mean a diverged run).
                    if first_loss is None:
                        first_loss = loss
                    recent = np.mean(epoch_loss[max(0, step + 1 - _LOSS_WINDOW) :])
                    if not math.isfinite(loss) or recent > _LOSS_FACTOR * first_loss:
                        reason = (
                            f"the loss became {loss}"
                            if not math.isfinite(loss)
                            else loss_rose(recent, first_loss, min(step + 1, _LOSS_WINDOW))
                        )
                        raise divergence_error(reason, step, epoch, learning_rate, _DIVERGED_ADVICE)
                if not (np.abs(W_in).max() < _WEIGHT_LIMIT and np.abs(W_out).max() < _WEIGHT_LIMIT):
                    reason = (
                        f"the weights exploded (largest entry of W1 {np.abs(W_in).max():.3g}, "
                        f"of W2 {np.abs(W_out).max():.3g})"
                    )
                    raise divergence_error(
                        reason, len(epoch_loss) - 1, epoch, learning_rate, _DIVERGED_ADVICE
                    )
                losses.append(epoch_loss)
                if progress:
                    bar.set_postfix(
                        loss=f"{np.mean(epoch_loss[-max(1, len(epoch_loss) // 20) :]):.3f}",
                        refresh=False,
                    )
                    bar.update(1)
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown()
    seconds = time.perf_counter() - start
    config = dict(dataclasses.asdict(config), kernel=kernel, V=V, n_tokens=len(tokens))
    return NegativeSamplingResult(
        W1=np.ascontiguousarray(W_in.T),
        W2=W_out,
        word2Ind=word2Ind,
        Ind2word=Ind2word,
        losses=np.concatenate(losses),
        words_per_second=total_words / max(seconds, 1e-9),
        config=config,
    )


_DIVERGED_ADVICE = (
    "try a smaller learning rate or batch size (a batch sums the updates of a frequent word's "
    "every occurrence)"
)


def _check_memory(
    n_tokens: int, V: int, N: int, C: int, negative: int, m: int, epochs: int
) -> None:
    """NotEnoughMemoryError if ``train_negative_sampling`` would need more memory than is available.

    The peak, in bytes: the weights W1 and W2 in float32 with the temporaries of W1's random
    start (about 16 V N); per epoch, for each of the n kept tokens, its id, its window's start,
    up to 2C context ids with two weights each, K+1 targets and K masks (4 (3 + 6C + 2K) n);
    a batch's hidden layer (4 m N); the loss of every step (8 per batch of every epoch).
    """
    steps = epochs * -(-n_tokens // m)
    parts = {
        f"the weights (V={V:,} words x N={N:,}; use a smaller N)": 16.0 * V * N,
        f"the windows of {n_tokens:,} tokens (use a smaller corpus or window)": 4.0
        * (3 + 6 * C + 2 * negative)
        * n_tokens,
        f"a batch (m={m:,} windows x N={N:,}; use a smaller batch size)": 4.0 * m * N,
        f"the losses of {steps:,} steps (use fewer epochs)": 8.0 * steps,
    }
    largest = max(parts, key=parts.get)
    check_memory(sum(parts.values()), "training", f"the largest part is {largest}")


# A batch meets one word at most this many times among its context words, and as many times among
# its targets (centre words and negatives): a word met more often would get the sum of all those
# updates in one step, computed from the same old weights, where word2vec takes them one after the
# other. Without subsampling (sample=0) '.' is about 16% of Shakespeare's tokens and a batch of
# 1,024 windows met it some 1,000 times among its contexts: the summed step diverged. Subsampling
# at the default 1e-3 keeps every word under this limit on Shakespeare, so such batches are whole.
MAX_REPEATS_PER_BATCH = 400


def _batch_end(a: int, b: int, indptr, indices, targets) -> int:
    """Where the batch that starts at window ``a`` ends: ``b``, or earlier, so that no word is met
    more than ``MAX_REPEATS_PER_BATCH`` times among its context words or among its targets."""

    def fits(end: int) -> bool:
        context = indices[indptr[a] : indptr[end]]
        return (
            np.bincount(context).max(initial=0) <= MAX_REPEATS_PER_BATCH
            and np.bincount(targets[a:end].reshape(-1)).max(initial=0) <= MAX_REPEATS_PER_BATCH
        )

    if fits(b):
        return b
    short, long = (
        a + 1,
        b,
    )  # the batch [a, short) fits (one window meets a word 2C + K + 1 times at most)
    while long - short > 1:
        middle = (short + long) // 2
        short, long = (middle, long) if fits(middle) else (short, middle)
    return short


def _check_kept(kept: float, total: int, sample: float, when: str) -> None:
    """A ValueError in the course's words if subsampling leaves fewer than 2 tokens (no window)."""
    if kept < 2:
        raise ValueError(
            f"only {kept:,.3g} of the corpus's {total:,} tokens (after min_count) {when} subsampling "
            f"with sample={sample:g}: a window needs at least 2 (use a larger sample, 0 for no "
            "subsampling, or a larger corpus)"
        )


def _drop_empty(kept, indptr, indices, has_context):
    n_context = np.diff(indptr)[has_context]
    indices = indices[np.repeat(has_context, np.diff(indptr))]
    indptr = np.zeros(len(n_context) + 1, dtype=np.int32)
    np.cumsum(n_context, out=indptr[1:])
    return kept[has_context], indptr, indices, n_context
