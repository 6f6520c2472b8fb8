"""FastCBOW: one SGD step of the course's CBOW model on a batch of word-id windows."""

from __future__ import annotations

import concurrent.futures
import math

import numpy as np
import scipy.sparse

# exp(z) for |z| < 40 cannot overflow float32 (nor can a sum of a billion of them), and the
# largest term of each row stays above 1e-17: below this bound softmax needs no shift.
_EXP_SAFE = 40.0


class FastCBOW:
    """The course's CBOW model in float32, trained by SGD on index batches.

    Parameters mirror the course: W1 (N, V), b1 (N, 1), W2 (V, N), b2 (V, 1).
    They are stored as ``W1T`` (V, N), so that a context word's column is a
    contiguous row, and ``W2x`` (V, N + 2) = [W2 | 1 | b2]. With the hidden
    layer stored as ``H1`` = [h | 0 | 1], the logits ``H1 @ W2x.T`` include the
    bias, and the product that back-propagates into h also returns each row's
    sum of exp(z2) (from the column of ones), so no separate pass is needed.
    """

    def __init__(self, W1, W2, b1, b2):
        W1, W2, b1, b2 = (np.asarray(a, dtype=np.float32) for a in (W1, W2, b1, b2))
        self.N, self.V = W1.shape
        self.W1T = np.ascontiguousarray(W1.T)
        self.b1 = np.ascontiguousarray(b1.reshape(-1))
        self.W2x = np.ascontiguousarray(
            np.hstack([W2, np.ones((self.V, 1), np.float32), b2.reshape(-1, 1)])
        )
        self._buffers: dict[int, tuple] = {}
        # Threads that share the work of a step (see ``step``). A fixed number, not the
        # machine's core count: the split changes the last bits of float32 sums, and SGD at
        # a high learning rate amplifies them, so a fixed split keeps results the same on
        # every machine with the same CPU and library versions.
        self._workers = 2
        self._executor = None
        # The largest row norm of [W2 | 1 | b2]. |z2| <= |H1 row| * this (Cauchy-Schwarz), so
        # when that bound is small the logits need no pass to find their maximum.
        self._w2_norm_max = float(np.linalg.norm(self.W2x, axis=1).max())
        self._part_norms: dict[int, float] = {}

    def _buffers_for(self, m: int):
        if m not in self._buffers:
            H1 = np.empty((m, self.N + 2), dtype=np.float32)  # [h | 0 | 1]
            H1[:, self.N] = 0.0
            H1[:, self.N + 1] = 1.0
            self._buffers[m] = (
                H1,
                np.empty((m, self.V), dtype=np.float32),  # logits z2, then exp(z2) - sum * y
                np.empty((m, self.N + 1), dtype=np.float32),  # [e @ W2 | sum(e)], then lr * dJ/dh
                np.empty(
                    (self.V, self.N + 2), dtype=np.float32
                ),  # lr * dJ/d[W2 | 1 | b2] (0 for the 1s)
                np.empty((m, self.N + 2), dtype=np.float32),  # H1 with each row scaled by d
            )
        return self._buffers[m]

    def _forward_rows(
        self, rows: slice, context, center, scale: float, losses, H1, Z, dH, Hd, z1
    ) -> None:
        """Rows ``rows`` of the batch: hidden layer, logits, softmax, loss, and lr * dJ/dz1.

        z1 = W1 x + b1 with x the mean of the 2C one-hots is a gather of 2C columns of W1
        and their mean.

        With e = exp(z2), y_hat = e / sum(e), so lr * dJ/dz2 = d * (e - sum(e) * y) with
        d = lr / (m * sum(e)) per row. The row factor d is not applied to the V columns of
        Z (a full pass over m x V numbers) but to the small matrices it meets: dH and H1.
        """
        with np.errstate(over="ignore", invalid="ignore"):  # errstate is per thread
            z1r = z1[rows]
            np.add.reduce(self.W1T[context[rows]], axis=1, out=z1r)  # np.mean's sum and division,
            z1r /= context.shape[1]  # at half its cost for these small arrays
            z1r += self.b1
            np.maximum(z1r, 0.0, out=H1[rows, : self.N])
            Zr = Z[rows]
            np.matmul(H1[rows], self.W2x.T, out=Zr)  # z2 = W2 h + b2, one row per example
            h_norm = float(np.sqrt(np.einsum("ij,ij->i", H1[rows], H1[rows]).max()))
            if not h_norm * self._w2_norm_max < _EXP_SAFE:  # the logits may be large (or NaN)
                row_max = Zr.max(axis=1)
                if not (row_max.max() < _EXP_SAFE and row_max.min() > -_EXP_SAFE):
                    # Stable softmax: subtract each row's maximum so that exp cannot overflow
                    # (skipped when every logit is small enough that it cannot anyway).
                    Zr -= row_max[:, None]
            c = center[rows]
            r = np.arange(len(c))
            target_logit = Zr[r, c].astype(np.float64)
            np.exp(Zr, out=Zr)  # e
            E = dH[rows]
            np.matmul(Zr, self.W2x[:, : self.N + 1], out=E)  # [e @ W2 | sum(e)] in one product
            sums = E[:, self.N].copy()
            losses[rows] = np.log(sums.astype(np.float64)) - target_logit  # -log y_hat[center]
            Zr[r, c] -= sums  # e - sum(e) * y
            d = (scale / sums.astype(np.float64)).astype(np.float32)[:, None]
            np.multiply(H1[rows], d, out=Hd[rows])  # d * H1, for the gradient of W2 in phase 2
            dHr = E[:, : self.N]
            dHr -= sums[:, None] * self.W2x[c, : self.N]  # W2^T (e - sum(e) y)
            dHr *= d
            dHr *= z1r > 0  # the ReLU derivative: lr * dJ/dz1

    def _run(self, fn, parts) -> None:
        """fn(part) for every part: the first on this thread, the others on the pool's."""
        futures = [self._pool().submit(fn, part) for part in parts[1:]]
        fn(parts[0])
        for future in futures:
            future.result()

    def step(self, context: np.ndarray, center: np.ndarray, learning_rate: float) -> float:
        """One SGD step on a batch of m windows; returns the batch's mean loss (before the update).

        The work is split over the CPU cores in two phases: first the rows of the
        batch (gather, logits, softmax, dJ/dh), then the rows of the vocabulary
        (the W2 update and the scatter-add into W1's columns). numpy's element-wise
        functions run on one core, so splitting them is what keeps every core busy;
        ``train_cbow`` limits BLAS to one thread per core while it runs.

        Parameters
        ----------
        context : (m, 2C) int array, context word ids
        center : (m,) int array, centre word ids
        learning_rate : float
        """
        m, two_c = context.shape
        H1, Z, dH, gW2x, Hd = self._buffers_for(m)
        z1 = np.empty((m, self.N), dtype=np.float32)
        losses = np.empty(m)
        scale = learning_rate / m
        W = min(self._workers, m)
        self._run(
            lambda rows: self._forward_rows(
                rows, context, center, scale, losses, H1, Z, dH, Hd, z1
            ),
            [slice(i * m // W, (i + 1) * m // W) for i in range(W)],
        )
        loss = float(losses.mean())
        if not math.isfinite(loss):
            return loss
        # Update, with gradients already multiplied by the learning rate (dH used the old W2).
        dH = dH[:, : self.N]  # lr * dJ/dz1 (the last column held the sums of exp)
        self.b1 -= dH.sum(axis=0)
        # W1's gradient touches only the 2C context columns of each example: a scatter-add.
        # The (word, example) pairs sorted by word (stably, so each word's examples stay in
        # order) let each worker build its part of it as a sparse-matrix product (see
        # ``_scatter_into_w1``). The frequent words have low ids, so splitting the scatter
        # by the ids of W2's rows would leave most of it to one worker: it is split by the
        # number of pairs instead (at word boundaries, so the workers' columns are disjoint).
        flat = context.reshape(-1)
        by_word = np.argsort(flat, kind="stable")
        pairs = (flat[by_word], by_word // two_c, 1.0 / two_c)
        cuts = [
            0,
            *(int(pairs[0][i * flat.size // self._workers]) for i in range(1, self._workers)),
            self.V,
        ]
        parts = [
            (
                slice(i * self.V // self._workers, (i + 1) * self.V // self._workers),
                slice(cuts[i], cuts[i + 1]),
            )
            for i in range(self._workers)
        ]
        self._run(lambda part: self._update_vocab_rows(*part, Z, Hd, gW2x, pairs, dH), parts)
        self._w2_norm_max = max(self._part_norms.values())
        return loss

    def _update_vocab_rows(
        self, vocab: slice, scatter_words: slice, Z, Hd, gW2x, pairs, dH
    ) -> None:
        """Rows ``vocab`` of [W2 | 1 | b2] and columns ``scatter_words`` of W1 -= lr * their gradients."""
        np.matmul(Z[:, vocab].T, Hd, out=gW2x[vocab])  # its column for the 1s is 0: they stay 1
        rows = self.W2x[vocab]
        rows -= gW2x[vocab]
        self._part_norms[vocab.start] = float(np.sqrt(np.einsum("ij,ij->i", rows, rows).max()))
        self._scatter_into_w1(scatter_words, pairs, dH)

    def _scatter_into_w1(self, vocab: slice, pairs, dH) -> None:
        """W1's columns ``vocab`` (a range of word ids) -= lr * dJ/dW1, given lr * dJ/dz1 (m x N) for the batch.

        ``pairs`` = (words, examples, weight): the context word ids sorted, the example
        each came from, and 1/(2C). As a product: S (U x m), with the weight where example
        j has word uniq[u] in its context (once per occurrence), times lr * dJ/dz1 gives
        the U rows to subtract from W1.T. This adds the same numbers as ``np.add.at``.
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
            shape=(len(indptr) - 1, len(dH)),
        )
        self.W1T[words[indptr[:-1]]] -= S @ dH

    def _pool(self):
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(self._workers - 1)
        return self._executor

    def close(self) -> None:
        """Stop the worker threads (a later ``step`` starts new ones)."""
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def weights(self):
        """W1 (N, V), W2 (V, N), b1 (N, 1), b2 (V, 1) as float32 copies, in the course's shapes."""
        return (
            np.ascontiguousarray(self.W1T.T),
            np.ascontiguousarray(self.W2x[:, : self.N]),
            self.b1.reshape(-1, 1).copy(),
            self.W2x[:, self.N + 1 :].copy(),
        )
