"""One SGD step of the course's CBOW model on a batch of word-id windows: plain, then fast.

Both steps store the model with examples as *rows*, the transpose of the notes' columns:
a batch's hidden layer is ``h`` (m, N), its logits ``z2`` (m, V), and the input weights are
kept as ``W1T`` (V, N), so that each of an example's 2C context words is one contiguous row.

``reference_step`` is the step written plainly, in about 20 lines: gather and average, a
stable softmax, three matrix products and ``np.add.at``. Read it first.

``FastCBOW.step`` computes the same numbers (tested against ``reference_step``) with five
optimisations, each measured in notebook 10 (inside the fast trainer):

1. **Extended matrices.** ``W2x`` (V, N + 2) is ``[W2 | 1 | b2]`` and ``h1`` (m, N + 2) is
   ``[h | 0 | 1]``: the product ``h1 @ W2x.T`` adds the bias b2, and the product that
   back-propagates into h, ``e @ W2x[:, :N + 1]``, also returns each row's sum of ``e`` from
   the column of ones. No separate passes for ``+ b2`` or ``e.sum(axis=1)``.
2. **No division by the sum.** ``y_hat = e / s`` is never formed: ``dJ/dz2 = (e - s y) / (m s)``,
   and the per-row factor ``learning_rate / (m s)`` is applied to the small matrices the
   gradient meets (``h1`` and ``dJ/dh``), not to the m x V one.
3. **The max shift only when needed.** ``|z2| <= |h1 row| * max |W2x row|`` (Cauchy-Schwarz),
   so when that bound is below 40, ``exp`` cannot overflow and the pass over the logits to
   find each row's maximum is skipped. When the bound fails, one pass finds the row maxima,
   and the scores are shifted only if one of them lies outside +-40.
4. **A sorted sparse scatter-add.** W1's gradient goes to the 2C context rows of each
   example. Sorting the (word, example) pairs by word turns ``np.add.at`` into a sparse
   matrix product: faster than ``np.add.at`` in isolation, a few percent of a step.
5. **Two worker threads.** numpy's element-wise functions run on one core, so the step splits
   its work itself: first the rows of the batch, then the rows of the vocabulary, each over
   two threads with BLAS limited to one thread each (``train_cbow`` sets that limit).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math

import numpy as np
import scipy.sparse

from .checks import positive_int

# For |z| < 40, exp(z) lies between 4.2e-18 and 2.4e17: no float32 overflow, even summed
# over a billion words (2.4e26 < 3.4e38), and no row's sum can underflow to 0 (its largest
# term is at least 4.2e-18). Below this bound the softmax needs no max shift.
_EXP_SAFE = 40.0

# Threads that share the work of a step. A fixed number, not the machine's core count: the
# split changes the last bits of float32 sums, and SGD at a high learning rate amplifies them,
# so a fixed split gives the same results on every machine with the same CPU and libraries.
_WORKERS = 2


def reference_step(W1T, b1, W2, b2, context, center, learning_rate: float) -> float:
    """One SGD step of the course's CBOW model on a batch of windows, written plainly.

    Introduced in notebook 10 (inside the fast trainer), where ``FastCBOW.step`` is built from it.

    The model of notebooks 04 and 05 with examples as rows.

    Parameters
    ----------
    W1T : (V, N) float array, W1 transposed (row k belongs to word k); updated in place
    b1 : (N,) float array; updated in place
    W2 : (V, N) float array; updated in place
    b2 : (V,) float array; updated in place
    context : (m, 2C) int array, the context word ids of m windows
    center : (m,) int array, their centre word ids
    learning_rate : float, alpha

    Returns
    -------
    float, the batch's mean cross-entropy J before the update

    Examples
    --------
    Three steps on a batch of two windows (C = 1) over V = 5 words: the loss falls.

    >>> from cbow_helpers import initialize_model
    >>> W1, W2, b1, b2 = initialize_model(3, 5, random_seed=0)  # N = 3, V = 5
    >>> W1T, b1, b2 = W1.T.copy(), b1.ravel(), b2.ravel()  # the rows layout
    >>> context, center = np.array([[0, 2], [1, 3]]), np.array([1, 2])
    >>> for _ in range(3):
    ...     print(round(reference_step(W1T, b1, W2, b2, context, center, 1.0), 4))
    1.6267
    1.351
    1.1773
    """
    m, two_c = context.shape
    rows = np.arange(m)
    z1 = W1T[context].mean(axis=1) + b1  # (m, N): W1 x + b1, x the mean of 2C one-hots
    h = np.maximum(z1, 0)  # ReLU
    z2 = h @ W2.T + b2  # (m, V)
    z2 = z2 - z2.max(axis=1, keepdims=True)  # stable softmax: the same y_hat, no overflow
    e = np.exp(z2)
    s = e.sum(axis=1)
    J = np.mean(np.log(s) - z2[rows, center])  # -log y_hat[center], never log(0)
    dz2 = e / s[:, None]  # y_hat ...
    dz2[rows, center] -= 1  # ... - y
    dz2 /= m  # dJ/dz2 = (y_hat - y) / m
    dz1 = (dz2 @ W2) * (z1 > 0)  # dJ/dz1 = W2^T dJ/dz2, times ReLU's derivative
    dW1T = np.zeros_like(W1T)
    np.add.at(dW1T, context, dz1[:, None, :] / two_c)  # each context word gets dz1 / 2C
    W1T -= learning_rate * dW1T
    b1 -= learning_rate * dz1.sum(axis=0)
    W2 -= learning_rate * (dz2.T @ h)
    b2 -= learning_rate * dz2.sum(axis=0)
    return float(J)


@dataclasses.dataclass
class _StepBuffers:
    """The arrays of one step on m windows, one per meaning (allocated once per batch size)."""

    z1: np.ndarray  # (m, N)       W1 x + b1
    h1: np.ndarray  # (m, N + 2)   [h | 0 | 1], h extended (notebook 10's h1), not a second layer
    z2: np.ndarray  # (m, V)       the logits, shifted by each row's maximum when needed
    g: np.ndarray  # (m, V)        exp(z2), then exp(z2) - s y = s (y_hat - y)
    e_w2: np.ndarray  # (m, N + 1) [g @ W2 | s]: the sums s come from W2x's column of ones
    lr_dz1: np.ndarray  # (m, N)   learning_rate * dJ/dz1 (model.py's dz1 is dJ/dz1 alone)
    h1_scaled: np.ndarray  # (m, N + 2)  each row of h1 times learning_rate / (m s)
    grad_w2x: np.ndarray  # (V, N + 2)   learning_rate * dJ/d[W2 | 1 | b2] (0 for the ones)
    losses: np.ndarray  # (m,)     float64, -log y_hat[center] per window

    @classmethod
    def allocate(cls, m: int, N: int, V: int) -> _StepBuffers:
        h1 = np.empty((m, N + 2), dtype=np.float32)
        h1[:, N] = 0.0
        h1[:, N + 1] = 1.0
        f32 = dict(dtype=np.float32)
        return cls(
            z1=np.empty((m, N), **f32),
            h1=h1,
            z2=np.empty((m, V), **f32),
            g=np.empty((m, V), **f32),
            e_w2=np.empty((m, N + 1), **f32),
            lr_dz1=np.empty((m, N), **f32),
            h1_scaled=np.empty((m, N + 2), **f32),
            grad_w2x=np.empty((V, N + 2), **f32),
            losses=np.empty(m),
        )


class FastCBOW:
    """The course's CBOW model in float32, trained by SGD on batches of word-id windows.

    Introduced in notebook 06 (training), opened up in notebook 10 (inside the fast trainer).
    ``step`` computes what ``reference_step`` computes; the module's docstring lists how.

    Parameters
    ----------
    W1 : (N, V), W2 : (V, N), b1 : (N, 1), b2 : (V, 1) arrays, the course's weights
        (e.g. from ``initialize_model``). They are stored as ``W1T`` (V, N), ``b1`` (N,)
        and ``W2x`` (V, N + 2) = [W2 | 1 | b2]; ``weights()`` returns them in the
        course's shapes.
    workers : int, default 2
        The threads that share a step's work (optimisation 5). Keep the default to get the
        same numbers as ``train_cbow``: the split changes the last bits of float32 sums.
    """

    def __init__(self, W1, W2, b1, b2, *, workers: int = _WORKERS):
        W1, W2, b1, b2 = (np.asarray(a, dtype=np.float32) for a in (W1, W2, b1, b2))
        self.N, self.V = W1.shape
        self.W1T = np.ascontiguousarray(W1.T)
        self.b1 = np.ascontiguousarray(b1.reshape(-1))
        self.W2x = np.ascontiguousarray(
            np.hstack([W2, np.ones((self.V, 1), np.float32), b2.reshape(-1, 1)])
        )
        self._buffers: dict[int, _StepBuffers] = {}
        self.workers = positive_int("workers", workers)
        self._executor = None
        # The longest row of W2x, for the Cauchy-Schwarz bound on the logits (optimisation 3).
        self.w2_norm_max = float(np.linalg.norm(self.W2x, axis=1).max())
        self._part_norms: dict[int, float] = {}

    # ------------------------------------------------------------------ the step
    def step(self, context: np.ndarray, center: np.ndarray, learning_rate: float) -> float:
        """One SGD step on a batch of m windows; returns the batch's mean loss (before the update).

        Phase 1 runs over the rows of the batch (``_batch_rows``: hidden layer, logits,
        softmax, loss, dJ/dz1), phase 2 over the rows of the vocabulary
        (``_vocabulary_rows``: the W2 update and the scatter-add into W1), each split
        between the ``workers`` threads (two by default). A NaN or infinite loss is returned before any
        weight changes.

        Parameters
        ----------
        context : (m, 2C) int array, context word ids
        center : (m,) int array, centre word ids
        learning_rate : float
        """
        m = len(center)
        if m not in self._buffers:
            self._buffers[m] = _StepBuffers.allocate(m, self.N, self.V)
        buf = self._buffers[m]
        scale = learning_rate / m
        W = min(self.workers, m)
        batch_parts = [slice(i * m // W, (i + 1) * m // W) for i in range(W)]
        self._run(lambda rows: self._batch_rows(rows, context, center, scale, buf), batch_parts)
        loss = float(buf.losses.mean())
        if not math.isfinite(loss):
            return loss
        self.b1 -= buf.lr_dz1.sum(axis=0)
        pairs = _pairs_by_word(context)
        self._run(
            lambda part: self._vocabulary_rows(*part, buf, pairs),
            self._vocabulary_parts(pairs[0]),
        )
        self.w2_norm_max = max(self._part_norms.values())
        return loss

    def _batch_rows(self, rows: slice, context, center, scale: float, buf: _StepBuffers) -> None:
        """Phase 1 for rows ``rows`` of the batch: the forward pass, the loss, and lr * dJ/dz1."""
        with np.errstate(over="ignore", invalid="ignore"):  # errstate is per thread
            self._hidden_layer(rows, context, buf)
            self._logits(rows, buf)
            self._softmax_and_loss(rows, center[rows], buf)
            self._hidden_gradient(rows, center[rows], scale, buf)

    def _hidden_layer(self, rows: slice, context, buf: _StepBuffers) -> None:
        """z1 = W1 x + b1 (the mean of 2C rows of W1T, a gather), and h1 = [ReLU(z1) | 0 | 1]."""
        z1 = buf.z1[rows]
        np.add.reduce(self.W1T[context[rows]], axis=1, out=z1)  # np.mean's sum, then its
        z1 /= context.shape[1]  # division, with less overhead for these small arrays
        z1 += self.b1
        np.maximum(z1, 0.0, out=buf.h1[rows, : self.N])

    def _logits(self, rows: slice, buf: _StepBuffers) -> None:
        """z2 = h1 @ [W2 | 1 | b2].T = W2 h + b2, shifted by each row's maximum only if exp could overflow."""
        h1, z2 = buf.h1[rows], buf.z2[rows]
        np.matmul(h1, self.W2x.T, out=z2)
        h_norm = float(np.sqrt(np.einsum("ij,ij->i", h1, h1).max()))
        if not h_norm * self.w2_norm_max < _EXP_SAFE:  # the bound fails (or is NaN): look
            row_max = z2.max(axis=1)
            if not (row_max.max() < _EXP_SAFE and row_max.min() > -_EXP_SAFE):
                z2 -= row_max[:, None]  # the stable softmax's shift

    def _softmax_and_loss(self, rows: slice, center, buf: _StepBuffers) -> None:
        """g = exp(z2) and its row sums s (from one product with [W2 | 1]), and the losses."""
        z2, g, e_w2 = buf.z2[rows], buf.g[rows], buf.e_w2[rows]
        np.exp(z2, out=g)
        np.matmul(g, self.W2x[:, : self.N + 1], out=e_w2)  # [e @ W2 | s], s = sum(e) per row
        s = e_w2[:, self.N]
        r = np.arange(len(center))
        buf.losses[rows] = np.log(s.astype(np.float64)) - z2[r, center].astype(np.float64)
        g[r, center] -= s  # e - s y: s (y_hat - y), dJ/dz2 up to the factor 1 / (m s)

    def _hidden_gradient(self, rows: slice, center, scale: float, buf: _StepBuffers) -> None:
        """lr_dz1 = d (W2^T (e - s y)) * ReLU'(z1), with d = lr / (m s) per row; and h1_scaled = d h1."""
        e_w2, s = buf.e_w2[rows], buf.e_w2[rows, self.N]
        d = (scale / s.astype(np.float64)).astype(np.float32)[:, None]
        np.multiply(buf.h1[rows], d, out=buf.h1_scaled[rows])  # for W2's gradient in phase 2
        lr_dz1 = buf.lr_dz1[rows]
        np.subtract(e_w2[:, : self.N], s[:, None] * self.W2x[center, : self.N], out=lr_dz1)
        lr_dz1 *= d
        lr_dz1 *= buf.z1[rows] > 0  # ReLU's derivative

    def _vocabulary_parts(self, words) -> list[tuple[slice, slice]]:
        """Phase 2's split: (rows of W2x, word ids of the W1 scatter) for each worker.

        W2x's rows are split evenly. The frequent words have low ids, so the scatter is
        split by its number of (word, example) pairs instead, at word boundaries, so that
        the workers write disjoint rows of W1T.
        """
        W, V = self.workers, self.V
        cuts = [0, *(int(words[i * len(words) // W]) for i in range(1, W)), V]
        return [
            (slice(i * V // W, (i + 1) * V // W), slice(cuts[i], cuts[i + 1])) for i in range(W)
        ]

    def _vocabulary_rows(self, vocab: slice, scatter_words: slice, buf: _StepBuffers, pairs):
        """Phase 2: rows ``vocab`` of [W2 | 1 | b2] and rows ``scatter_words`` of W1T -= lr * their gradients."""
        grad = buf.grad_w2x[vocab]
        np.matmul(buf.g[:, vocab].T, buf.h1_scaled, out=grad)  # its ones column gets 0
        w2x = self.W2x[vocab]
        w2x -= grad
        self._part_norms[vocab.start] = float(np.sqrt(np.einsum("ij,ij->i", w2x, w2x).max()))
        self._scatter_into_w1(scatter_words, pairs, buf.lr_dz1)

    def _scatter_into_w1(self, vocab: slice, pairs, lr_dz1) -> None:
        """Rows ``vocab`` (a range of word ids) of W1T -= lr * dJ/dW1, given lr_dz1 = lr * dJ/dz1 (m, N).

        ``pairs`` = (words, examples, 1/(2C)): the context word ids sorted, the example each
        came from. As a product: S (U x m), holding 1/(2C) where example j has word u in its
        context (once per occurrence), times lr_dz1, gives the U rows to subtract: the same
        numbers as ``np.add.at(W1T, context, -lr_dz1[:, None, :] / (2C))``.
        """
        words, examples, weight = pairs
        lo, hi = np.searchsorted(words, [vocab.start, vocab.stop])
        if lo == hi:
            return
        words = words[lo:hi]
        starts = np.flatnonzero(words[1:] != words[:-1]) + 1  # where a new word begins
        indptr = np.concatenate(([0], starts, [hi - lo]))
        S = scipy.sparse.csr_matrix(
            (np.full(hi - lo, weight, dtype=np.float32), examples[lo:hi], indptr),
            shape=(len(indptr) - 1, len(lr_dz1)),
        )
        self.W1T[words[indptr[:-1]]] -= S @ lr_dz1

    # ------------------------------------------------------------------ threads and results
    def _run(self, fn, parts) -> None:
        """fn(part) for every part: the first on this thread, the others on the pool's."""
        futures = [self._pool().submit(fn, part) for part in parts[1:]]
        fn(parts[0])
        for future in futures:
            future.result()

    def _pool(self):
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(self.workers - 1)
        return self._executor

    def close(self) -> None:
        """Stop the worker threads (a later ``step`` starts new ones)."""
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def weights(self):
        """W1 (N, V), W2 (V, N), b1 (N, 1), b2 (V, 1) in float32, in the course's shapes.

        The one place the engine's ``W1T`` (a word per row) turns into the course's W1 (a word
        per column): W1 is a view of ``W1T``, not a copy (a later ``step`` changes it);
        W2, b1 and b2 are copies.
        """
        return (
            self.W1T.T,
            np.ascontiguousarray(self.W2x[:, : self.N]),
            self.b1.reshape(-1, 1).copy(),
            self.W2x[:, self.N + 1 :].copy(),
        )


def _pairs_by_word(context: np.ndarray):
    """The (word, example) pairs of a batch's contexts, sorted by word, and the weight 1/(2C).

    Sorted stably, so that each word's examples stay in batch order.
    """
    two_c = context.shape[1]
    flat = context.reshape(-1)
    by_word = np.argsort(flat, kind="stable")
    return flat[by_word], by_word // two_c, 1.0 / two_c
