"""Negative sampling with negatives shared by a group of windows: the output layer as matrix products.

Per-window negatives (``negative_sampling_step``) give each of the m windows of a batch its own
K negatives: the output layer is m small (K+1, N) @ (N,) products, each reading K+1 rows of W2
that no other window shares, so the step is bound by memory traffic. Here the windows of a batch
come in groups of ``group_size`` consecutive windows, and the windows of a group share the same K
negatives (HogBatch, Ji et al. 2016; BlazingText, Gupta and Khare 2017). For one group of B
windows, with H the (B, N) hidden layers (means of context rows of W1, a gather as before)::

    s_pos = rowwise H . W2[centre]                       (B,)        one row per window
    S     = H @ W2[neg].T                                (B, K)      a matrix product
    g_pos = lr * (1 - sigmoid(s_pos))                    (B,)
    G     = -lr * scale * sigmoid(S) * keep              (B, K)      keep: 0 where neg = centre
    dH    = g_pos * W2[centre] + G @ W2[neg]             (B, N)      a matrix product
    W2[neg]    += G.T @ H                                (K, N)      a matrix product
    W2[centre] += g_pos * H                              rowwise, scatter-added
    W1 rows of the context += scatter_weights * dH       scatter-added, as before

The three products read each of the K rows once for all B windows (level-3 BLAS). Each window
still answers K + 1 questions, so ``scale`` = 1 keeps a window's step the size of word2vec's with
K negatives; a shared negative row gets the summed step of B windows.

**Threads.** A step has two phases. First the groups are split between the workers: each
computes its windows' H, scores, errors, dH and its groups' G.T @ H from the weights as they were
(nothing is written yet). Then the rows of W1 and W2 are split: worker i adds every update that
goes to a word whose id is i modulo the number of workers, in the same order as one worker would.
Every number is computed the same way whatever the number of workers, so the weights come out
the same for 1 or 2 workers (only the batch's loss, a float64 sum, may differ in its last bits).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from . import TINY
from .kernels import KERNELS


def shared_negatives_step(
    W_in,
    W_out,
    indptr,
    indices,
    centers,
    negatives,
    learning_rate,
    *,
    kernel="sparsetools",
    mean_weights=None,
    scatter_weights=None,
    scale=1.0,
    workers=1,
    pool=None,
) -> float:
    """One SGD step on m windows in groups sharing negatives, in place; returns the batch's mean J.

    Parameters
    ----------
    W_in : (V, N) float32 C-contiguous array, W1 transposed; updated
    W_out : (V, N) float32 C-contiguous array, W2; updated
    indptr, indices : window j's context is ``indices[indptr[j]:indptr[j+1]]`` (int32)
    centers : (m,) int32 array, the centre word of each window
    negatives : (G, K) int32 array: group g (windows g*B .. g*B + B - 1, B = ceil(m / G)) shares
        the K negatives ``negatives[g]``
    learning_rate : float
    kernel : {"sparsetools", "public"}, how rows are gathered and scatter-added (``kernels.py``)
    mean_weights, scatter_weights : (nnz,) float32 arrays as in ``negative_sampling_step``
    scale : float, multiplies the negatives' gradient (and their terms of J)
    workers : int; ``pool``: a ThreadPoolExecutor with ``workers - 1`` threads or more

    Returns
    -------
    float
        The mean over the m windows of ``-log sigmoid(s_pos) - scale * sum_k log sigmoid(-s_k)``
        before the update (negatives equal to the window's centre word left out).
    """
    m, N = len(centers), W_in.shape[1]
    G, K = negatives.shape
    B = -(-m // G)
    if mean_weights is None:
        counts = np.diff(indptr)
        mean_weights = np.repeat((1.0 / counts).astype(W_in.dtype), counts)
    if scatter_weights is None:
        scatter_weights = np.ones(len(indices), dtype=W_in.dtype)
    dtype = W_in.dtype  # float32 in the trainer; float64 for the gradient checks
    state = dict(
        W_in=W_in, W_out=W_out, m=m, B=B, kernels=KERNELS[kernel], lr=dtype.type(learning_rate),
        scale=dtype.type(scale), indptr=indptr, indices=indices, centers=centers,
        negatives=negatives, mean_weights=mean_weights, scatter_weights=scatter_weights,
        H=np.zeros((G * B, N), dtype), dH=np.empty((G * B, N), dtype),
        g_pos=np.empty(m, dtype), dW_neg=np.empty((G, K, N), dtype), workers=workers,
    )  # fmt: skip
    shares = [(i * G // workers, (i + 1) * G // workers) for i in range(workers)]
    loss = sum(_run(_forward_groups, state, shares, pool))
    _run(_update_rows, state, range(workers), pool)
    return float(loss / m)


def _run(fn, state, items, pool):
    """``[fn(state, item) for item in items]``, the items after the first on ``pool``."""
    items = list(items)
    if len(items) == 1:
        return [_quietly(fn, state, items[0])]
    if pool is None:
        raise ValueError(
            "shared_negatives_step with workers > 1 needs a pool (a ThreadPoolExecutor)"
        )
    futures = [pool.submit(_quietly, fn, state, item) for item in items[1:]]
    first = _quietly(fn, state, items[0])
    return [first] + [f.result() for f in futures]


def _quietly(fn, state, item):
    """``fn(state, item)`` without numpy's overflow warnings (errstate is per thread): a diverging
    run is caught by the trainer's divergence watch, which says what to do."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return fn(state, item)


def _forward_groups(state, groups) -> float:
    """Groups g0 .. g1-1: H, the scores, g_pos, dH and dW_neg, from the old weights; returns their J."""
    g0, g1 = groups
    B, m, lr = state["B"], state["m"], state["lr"]
    w0, w1 = min(g0 * B, m), min(g1 * B, m)
    if w0 == w1:
        return 0.0
    gather, _ = state["kernels"]
    W_in, W_out, indptr = state["W_in"], state["W_out"], state["indptr"]
    lo, hi = indptr[w0], indptr[w1]
    H = state["H"][g0 * B : g1 * B]  # (g * B, N), padded windows stay 0
    gather(
        W_in,
        indptr[w0 : w1 + 1] - lo,
        state["indices"][lo:hi],
        state["mean_weights"][lo:hi],
        H[: w1 - w0],
    )
    centers, negatives = state["centers"][w0:w1], state["negatives"][g0:g1]
    W_pos = W_out.take(centers, axis=0)  # (w, N)
    W_neg = W_out.take(negatives.reshape(-1), axis=0).reshape(g1 - g0, -1, W_out.shape[1])
    f_pos = expit(np.einsum("ij,ij->i", H[: w1 - w0], W_pos))
    Hg = H.reshape(g1 - g0, B, -1)
    f_neg = expit(np.matmul(Hg, W_neg.transpose(0, 2, 1)))  # (g, B, K)
    keep = np.zeros(f_neg.shape, f_neg.dtype).reshape(-1, f_neg.shape[2])
    keep[: w1 - w0] = np.repeat(negatives, B, axis=0)[: w1 - w0] != centers[:, None]
    keep = keep.reshape(f_neg.shape)
    with np.errstate(divide="ignore"):
        loss = -np.log(np.maximum(f_pos, TINY)).sum(dtype=np.float64) - state["scale"] * (
            np.log(np.maximum(1 - f_neg, TINY)) * keep
        ).sum(dtype=np.float64)
    g_neg = f_neg * keep
    g_neg *= -lr * state["scale"]
    g_pos = state["g_pos"][w0:w1]
    np.subtract(1, f_pos, out=g_pos)
    g_pos *= lr
    dH = state["dH"][g0 * B : g1 * B]
    np.matmul(g_neg, W_neg, out=dH.reshape(g1 - g0, B, -1))
    dH[: w1 - w0] += g_pos[:, None] * W_pos
    np.matmul(g_neg.transpose(0, 2, 1), Hg, out=state["dW_neg"][g0:g1])
    return float(loss)


def _update_rows(state, part) -> None:
    """Add every update to the words whose id is ``part`` modulo the number of workers."""
    _, scatter = state["kernels"]
    P, m, N = state["workers"], state["m"], state["W_in"].shape[1]
    W_in, W_out, centers = state["W_in"], state["W_out"], state["centers"]
    negatives = state["negatives"].reshape(-1)
    dW_neg = state["dW_neg"].reshape(-1, N)
    H, dH, g_pos = state["H"][:m], state["dH"][:m], state["g_pos"]
    indptr, indices, weights = state["indptr"], state["indices"], state["scatter_weights"]
    if P > 1:
        mine = np.flatnonzero(centers % P == part)
        centers, H, g_pos = centers[mine], H[mine], g_pos[mine]
        mine = np.flatnonzero(negatives % P == part)
        negatives, dW_neg = negatives[mine], dW_neg[mine]
        mine = indices % P == part
        window = np.repeat(np.arange(m), np.diff(indptr))
        indptr = np.zeros(m + 1, np.int32)
        np.cumsum(np.bincount(window[mine], minlength=m), out=indptr[1:])
        indices, weights = indices[mine], weights[mine]
    scatter(W_out, np.arange(len(centers) + 1, dtype=np.int32), centers, g_pos, H)
    ones = np.ones(len(negatives), W_out.dtype)
    scatter(W_out, np.arange(len(negatives) + 1, dtype=np.int32), negatives, ones, dW_neg)
    scatter(W_in, indptr, indices, weights, dH)
