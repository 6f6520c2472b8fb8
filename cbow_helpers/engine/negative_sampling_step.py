"""One SGD step of CBOW with negative sampling on a batch of windows of any sizes, in place.

The weights are kept with a word per row: ``W_in`` is W1 transposed, (V, N), ``W_out`` is W2.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .kernels import KERNELS, check_windows


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
    not_center=None,
    kernel="sparsetools",
    h=None,
    loss=True,
) -> float | None:
    """One SGD step of CBOW with negative sampling on a batch of m windows, in place; returns the batch's J.

    Introduced in notebook 09 (negative sampling).

    The windows may have different sizes, so their contexts come in
    compressed-row form (as from ``dynamic_contexts``)::

        h_j = sum of mean_weights[e] * W_in[indices[e]]   over window j's entries e
        s_jt = W_out[targets[j, t]] . h_j                 (t = 0: the centre word; 1..K: negatives)
        g_jt = learning_rate * (y_t - sigmoid(s_jt)) * not_center[j, t]   (y_0 = 1, else 0)
             = -learning_rate * dJ/ds_jt   (so the updates below add g: a step down J)
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
    not_center : (m, K) float32 array of 0 / 1, default all 1: 0 skips a negative (word2vec skips a
        negative equal to the centre word)
    kernel : {"sparsetools", "public"}, see ``train_negative_sampling``
    h : optional (m, N) float32 C-contiguous buffer for the hidden layer
    loss : bool, whether to compute J (False: the same update, without J's logarithms)

    Returns
    -------
    float or None
        The batch's mean J before the update, from the scores (``-log sigmoid(s)`` as
        ``max(-s, 0) + log(1 + exp(-|s|))``), so it stays exact when a score is far from 0;
        None when ``loss`` is False.
    """
    gather, scatter = KERNELS[kernel]
    m, K1 = targets.shape
    N = W_in.shape[1]
    check_windows(indptr, indices, m, "rows of targets")
    if mean_weights is None:
        counts = np.diff(indptr)
        mean_weights = np.repeat((1.0 / counts).astype(np.float32), counts)
    if scatter_weights is None:
        scatter_weights = np.ones(len(indices), dtype=np.float32)
    if h is None:
        h = np.empty((m, N), dtype=np.float32)
    g = np.empty((m, K1), dtype=np.float32)
    err = np.empty((m, N), dtype=np.float32)
    batch = (W_in, W_out, indptr, indices, targets, learning_rate, mean_weights, not_center, gather, h, g, err)  # fmt: skip
    J = _forward_rows(batch, (0, m), loss)
    # The update: a word met by several windows gets the sum of their updates.
    scatter(
        W_out, np.arange(0, m * K1 + 1, K1, dtype=np.int32), targets.reshape(-1), g.reshape(-1), h
    )
    scatter(W_in, indptr, indices, scatter_weights, err)
    return None if J is None else float(J / m)


def _forward_rows(batch, rows, loss: bool = True) -> float | None:
    """Windows ``rows`` of a batch: h, the scores, g = lr * (y - sigmoid(s)) and err = g @ W_out rows.

    Returns the sum of their J (None unless ``loss``). Each window's numbers do not depend on the
    others'.
    """
    W_in, W_out, indptr, indices, targets, learning_rate, mean_weights, not_center, gather, h, g, err = batch  # fmt: skip
    r0, r1 = rows
    if r0 == r1:
        return 0.0 if loss else None
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # errstate is per thread
        lo, hi = indptr[r0], indptr[r1]
        hr = h[r0:r1]
        gather(
            W_in, indptr[r0 : r1 + 1] - lo, indices[lo:hi], mean_weights[lo:hi], hr
        )  # mean of the context rows
        m, K1 = r1 - r0, targets.shape[1]
        # (m, K+1, N): the target rows; take is faster than W_out[targets]
        WT = W_out.take(targets[r0:r1].reshape(-1), axis=0).reshape(m, K1, W_out.shape[1])
        scores = np.matmul(WT, hr[:, :, None])[:, :, 0]  # (m, K+1)
        f = expit(scores)  # sigmoid: the probability of "yes, this is the centre word"
        gr = g[r0:r1]
        np.negative(f, out=gr)  # y - sigmoid(s) = -dJ/ds
        gr[:, 0] += 1
        if not_center is not None:
            gr[:, 1:] *= not_center[r0:r1]
        J = None
        if loss:  # scores are not needed after f
            J = _loss_of(scores, None if not_center is None else not_center[r0:r1])
        gr *= np.float32(learning_rate)  # g = lr * (y - sigmoid(s)) = -lr * dJ/ds
        np.matmul(gr[:, None, :], WT, out=err[r0:r1, None, :])  # -lr * dJ/dh, from the old W_out
    return J


def _loss_of(scores, not_center) -> float:
    """The sum of J over windows of (m, K+1) ``scores`` (overwritten), negatives weighted by
    ``not_center`` (m, K) or all kept (None).

    J = the sum of softplus(x) = -log sigmoid(-x) over the answers, x = -s for the centre word and
    s for a kept negative, as max(x, 0) + log(1 + exp(-|x|)): exact where float32's sigmoid rounds
    to 0 or 1 (|s| above ~17), and one log per window.
    """
    x = scores
    x[:, 0] *= -1
    tail = np.exp(-np.abs(x))
    np.maximum(x, 0, out=x)
    if not_center is not None:
        x[:, 1:] *= not_center
        tail[:, 1:] *= not_center
    return float(x.sum(dtype=np.float64) + np.log((1 + tail.astype(np.float64)).prod(axis=1)).sum())
