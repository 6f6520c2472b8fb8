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

The trainer runs this step on one thread per batch; its workers train separate batches at once
(``negative_sampling_loop.py``).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .kernels import KERNELS, check_windows


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
    loss=True,
) -> float | None:
    """One SGD step on m windows in groups sharing negatives, in place; returns the batch's mean J
    (None with ``loss=False``).

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
    loss : bool, whether to compute J (False: the same update, without J's logarithms)

    Returns
    -------
    float or None
        The mean over the m windows of ``-log sigmoid(s_pos) - scale * sum_k log sigmoid(-s_k)``
        before the update (negatives equal to the window's centre word left out); None when
        ``loss`` is False.
    """
    gather, scatter = KERNELS[kernel]
    m, N, dtype = len(centers), W_in.shape[1], W_in.dtype  # float32; float64 for gradient checks
    G, K = negatives.shape
    B = -(-m // G)
    check_windows(indptr, indices, m, "centre words")
    if mean_weights is None:
        counts = np.diff(indptr)
        mean_weights = np.repeat((1.0 / counts).astype(dtype), counts)
    if scatter_weights is None:
        scatter_weights = np.ones(len(indices), dtype=dtype)
    H = np.empty((G * B, N), dtype)  # the windows' hidden layers; the last group's padding is 0
    H[m:] = 0
    gather(W_in, indptr, indices, mean_weights, H[:m])  # the gather zeroes H[:m] first
    J, g_pos, W_pos, g_neg, W_neg = _scores_and_errors(
        W_out, H, centers, negatives, dtype.type(learning_rate), dtype.type(scale), loss
    )
    dH = np.matmul(g_neg, W_neg).reshape(G * B, N)[:m]  # -lr dJ/dH, from the old W_out
    W_pos *= g_pos[:, None]  # W_pos is not read again
    dH += W_pos
    dW_neg = np.matmul(g_neg.transpose(0, 2, 1), H.reshape(G, B, N))  # (G, K, N); padding adds 0
    rows = np.arange(max(m, G * K) + 1, dtype=np.int32)  # one row of updates per target
    scatter(W_out, rows[: m + 1], centers, g_pos, H[:m])
    scatter(
        W_out,
        rows[: G * K + 1],
        negatives.reshape(-1),
        np.ones(G * K, dtype),
        dW_neg.reshape(-1, N),
    )
    scatter(W_in, indptr, indices, scatter_weights, dH)
    return None if J is None else float(J / m)


def _scores_and_errors(W_out, H, centers, negatives, lr, scale, loss: bool):
    """The batch's J (None unless ``loss``), and ``g_pos`` (m,) and ``g_neg`` (G, B, K): -lr dJ/ds, with the target rows.

    A negative equal to its window's centre word is left out (word2vec skips it): its terms of J
    and of ``g_neg`` are 0. The padding windows of the last group (rows m .. G*B-1 of H, all 0)
    count in neither J nor any update.
    """
    m, (G, K), N = len(centers), negatives.shape, H.shape[1]
    B = len(H) // G
    W_pos = W_out.take(centers, axis=0)  # (m, N)
    W_neg = W_out.take(negatives.reshape(-1), axis=0).reshape(G, K, N)
    s_pos = np.einsum("ij,ij->i", H[:m], W_pos)  # (m,)
    S = np.matmul(H.reshape(G, B, N), W_neg.transpose(0, 2, 1))  # (G, B, K)
    clash = np.repeat(negatives, B, axis=0)[:m] == centers[:, None]  # (m, K)
    J = None
    if loss:
        neg_terms = _softplus(S.reshape(-1, K)[:m])  # -log sigmoid(-s), a negative's term of J
        np.copyto(neg_terms, 0, where=clash)
        J = _softplus(-s_pos).sum(dtype=np.float64) + scale * neg_terms.sum(dtype=np.float64)
    g_pos = expit(-s_pos)  # 1 - sigmoid(s): y - sigmoid(s) for the centre word, y = 1
    g_pos *= lr
    g_neg = expit(S)  # y - sigmoid(s) for a negative, y = 0, with its sign flipped below
    g_neg *= -lr * scale
    np.copyto(g_neg.reshape(-1, K)[:m], 0, where=clash)
    return J, g_pos, W_pos, g_neg, W_neg


def _softplus(x):
    """log(1 + exp(x)) = -log sigmoid(-x), as max(x, 0) + log(1 + exp(-|x|)): exact for any x
    (where float32's sigmoid rounds to 0 or 1), and cheaper than ``np.logaddexp``."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
