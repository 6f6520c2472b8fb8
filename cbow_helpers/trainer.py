"""A fast batched CBOW trainer: the course's model without dense one-hot matrices.

``W1 @ x`` for an averaged one-hot ``x`` is the mean of the 2C columns of W1
that belong to the context words, so the first layer is a *gather* and its
gradient a *scatter-add* (done as a sparse-matrix product, which adds the same
numbers as ``np.add.at`` much faster). The V x N output layer costs three
matrix products per batch (logits, the gradient of W2, the gradient of h), in
float32, and that is where the time goes.

Internally examples are rows (``H`` is m x N) so that every gather reads
contiguous memory; the result is returned in the course's orientation.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import math
import time
from collections.abc import Sequence

import numpy as np
import scipy.sparse
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from ._checks import check_memory, positive_int, positive_number, seed_value, token_list
from .model import initialize_model

UNK = "<unk>"

# exp(z) for |z| < 40 cannot overflow float32 (nor can a sum of a billion of them), and the
# largest term of each row stays above 1e-17: below this bound softmax needs no shift.
_EXP_SAFE = 40.0


# Divergence: the mean loss of the last _LOSS_WINDOW batches above _LOSS_FACTOR times the first
# batch's loss (about log V, a uniform guess), or a weight vector longer than _WEIGHT_LIMIT.
# On Shakespeare with the defaults (learning_rate=4.0) the mean loss only falls from its start
# (8.01), the longest row of W2 stays near 8 and W1's largest entry near 6; at
# learning_rate=400 the mean loss climbs past 400 and the weights past 1e4.
_LOSS_WINDOW = 20
_LOSS_FACTOR = 2.0
_WEIGHT_LIMIT = 1e4


class TrainingDivergedError(FloatingPointError):
    """Training diverged: the loss became NaN or infinite, rose far above its start, or the weights exploded."""


class WordEmbeddings:
    """What every trained model offers: ``words``, ``embedding_matrix(kind)`` and ``embeddings``.

    For a dataclass with ``W1`` (N, V), ``W2`` (V, N) and ``Ind2word``.
    """

    @property
    def words(self) -> list[str]:
        """The vocabulary in index order."""
        return [self.Ind2word[i] for i in range(len(self.Ind2word))]

    def embedding_matrix(self, kind: str = "W1") -> np.ndarray:
        """One embedding per word, as rows of a (V, N) array.

        Parameters
        ----------
        kind : {"W1", "W2", "average"}
            ``"W1"`` (the default): the columns of W1 (what the input layer
            learned for each word, and what word2vec saves); ``"W2"``: the rows
            of W2 (the output layer's vector for each word); ``"average"``: their
            mean, ``(W1.T + W2) / 2``.
        """
        if kind == "W1":
            return np.ascontiguousarray(self.W1.T)
        if kind == "W2":
            return self.W2.copy()
        if kind == "average":
            return (self.W1.T + self.W2) / 2
        raise ValueError(f"kind must be 'W1', 'W2' or 'average', got {kind!r}")

    @property
    def embeddings(self) -> np.ndarray:
        """``embedding_matrix("W1")``: (V, N), row ``word2Ind[w]`` is the vector of word w."""
        return self.embedding_matrix("W1")


@dataclasses.dataclass
class CBOWResult(WordEmbeddings):
    """A trained CBOW model.

    Attributes
    ----------
    W1 : (N, V) float32 array, the input weights; column k belongs to word k
    W2 : (V, N) float32 array, the output weights; row k belongs to word k
    b1 : (N, 1) float32 array
    b2 : (V, 1) float32 array
    word2Ind, Ind2word : dicts between words and indices 0 .. V-1 (most
        frequent word first; ``'<unk>'``, if present, last)
    losses : (steps,) float64 array, the mean cross-entropy of every batch
    embeddings : (V, N) array, the word vectors: the columns of W1 (see
        ``embedding_matrix`` for the other two choices)
    examples_per_second : float, training throughput (windows per second)
    config : dict, the arguments of ``train_cbow``
    """

    W1: np.ndarray
    W2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    word2Ind: dict
    Ind2word: dict
    losses: np.ndarray
    examples_per_second: float
    config: dict


def build_vocabulary(tokens: Sequence[str], vocab_size: int | None = None, min_count: int = 1):
    """Word-to-index maps for the trainer, most frequent word first.

    Words seen fewer than ``min_count`` times, and all but the ``vocab_size - 1``
    most frequent words when ``vocab_size`` is given, are replaced by one token
    ``'<unk>'``, which takes the last index. Ties in frequency are broken
    alphabetically, so the vocabulary does not depend on hash order. A corpus
    that already marks unknown words with ``'<unk>'`` keeps them in that token.

    Raises TypeError if a token is not a str.

    Returns
    -------
    word2Ind : dict
    Ind2word : dict
    """
    try:
        counts = collections.Counter(tokens)
        bad = next((w for w in counts if not isinstance(w, str)), None)
    except TypeError:  # an unhashable token, such as a list
        counts, bad = {}, next((t for t in tokens if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(
            f"tokens must be str, got {type(bad).__name__}: {bad!r:.60} (tokenize the text first)"
        )
    unknown = counts.pop(UNK, 0)
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    needs_unk = len(ranked) < len(counts) or unknown > 0
    if vocab_size is not None and len(ranked) + needs_unk > vocab_size:
        ranked = ranked[: vocab_size - 1]  # '<unk>' takes the last place
        needs_unk = True
    if needs_unk:
        ranked.append(UNK)
    word2Ind = {w: i for i, w in enumerate(ranked)}
    return word2Ind, {i: w for w, i in word2Ind.items()}


def encode(tokens: Sequence[str], word2Ind: dict) -> np.ndarray:
    """Token ids (int32); a word missing from ``word2Ind`` becomes ``'<unk>'``."""
    unk = word2Ind.get(UNK, -1)
    ids = np.fromiter((word2Ind.get(t, unk) for t in tokens), dtype=np.int32, count=len(tokens))
    if (ids < 0).any():
        missing = tokens[int(np.argmax(ids < 0))]
        raise KeyError(f"the word {missing!r} is not in the vocabulary, which has no '<unk>' token")
    return ids


def context_windows(ids: np.ndarray, C: int) -> tuple[np.ndarray, np.ndarray]:
    """All windows of a token-id sequence, as arrays.

    Returns
    -------
    context : (n_windows, 2C) int32 array, the ids of the C words before and after
    center : (n_windows,) int32 array, the id of the centre word
    """
    view = np.lib.stride_tricks.sliding_window_view(ids, 2 * C + 1)
    context = np.ascontiguousarray(np.delete(view, C, axis=1))
    center = np.ascontiguousarray(view[:, C])
    return context, center


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


def divergence_error(
    reason: str,
    step: int,
    epoch: int,
    learning_rate: float,
    advice: str = "try a smaller learning rate",
) -> TrainingDivergedError:
    """The error both trainers raise when training diverges: what happened, where, and what to try."""
    return TrainingDivergedError(
        f"training diverged: {reason} at step {step} (epoch {epoch + 1}) with learning_rate={learning_rate}; {advice}"
    )


def loss_rose(recent: float, first: float, batches: int) -> str:
    return (
        f"the mean loss of the last {batches} batches rose to {recent:.4g}, "
        f"more than {_LOSS_FACTOR:g} times its start ({first:.4g})"
    )


def _diverged(model, recent, first, step, epoch, learning_rate):
    if recent > _LOSS_FACTOR * first:
        reason = loss_rose(recent, first, min(step + 1, _LOSS_WINDOW))
    else:
        w1, w2 = float(np.abs(model.W1T).max()), model._w2_norm_max
        reason = f"the weights exploded (largest entry of W1 {w1:.3g}, longest row of W2 {w2:.3g})"
    raise divergence_error(reason, step, epoch, learning_rate)


def _check_training_memory(n_tokens, n_windows, V, N, C, m, total_steps) -> None:
    """NotEnoughMemoryError if ``train_cbow`` would need more memory than is available.

    The peak, in bytes: the weights (float64 from ``initialize_model`` while their float32
    copies are made, about 32 V N), a batch's logits (4 m V), the token ids, windows and
    their shuffled order (4 + (8C + 12) per window), and the losses (8 per step).
    """
    parts = {
        f"the weights (V={V:,} words x N={N:,}; use a smaller N)": 32.0 * V * N,
        f"a batch's scores (m={m:,} windows x V={V:,} words; use a smaller batch size)": 4.0
        * m
        * V,
        f"the {n_windows:,} windows (use a smaller corpus)": 4.0 * n_tokens
        + (8.0 * C + 12) * n_windows,
        f"the losses of {total_steps:,} steps (use fewer epochs)": 8.0 * total_steps,
    }
    largest = max(parts, key=parts.get)
    check_memory(sum(parts.values()), "training", f"the largest part is {largest}")


def train_cbow(
    tokens: Sequence[str],
    *,
    N: int = 100,
    C: int = 2,
    vocab_size: int | None = 3000,
    min_count: int = 1,
    batch_size: int = 256,
    epochs: int = 1,
    learning_rate: float = 4.0,
    seed: int = 1,
    shuffle: bool = True,
    progress: bool = True,
    max_steps: int | None = None,
) -> CBOWResult:
    """Train the course's CBOW model on a list of tokens.

    The model is the one of ``forward_prop`` / ``back_prop`` (averaged context,
    ReLU hidden layer with bias, softmax output with bias, mean cross-entropy),
    computed in float32 without one-hot matrices, trained by plain SGD on
    mini-batches of distinct windows.

    Parameters
    ----------
    tokens : sequence of str
        The corpus, e.g. ``tokenize(text)``.
    N : int
        Embedding size.
    C : int
        Context half-size (the window holds 2C+1 words).
    vocab_size : int or None
        Keep at most this many words, counting ``'<unk>'``; None keeps all.
    min_count : int
        Words seen fewer times become ``'<unk>'``.
    batch_size : int
        m, the number of windows per step (the last batch of an epoch may be smaller).
    epochs : int
        Passes over all windows.
    learning_rate : float
        SGD step size alpha.
    seed : int
        Seeds the initial weights (``initialize_model(N, V, seed)``) and the
        order of the windows.
    shuffle : bool
        Shuffle the windows each epoch (False: in corpus order).
    progress : bool
        Show a tqdm progress bar with the loss and examples per second.
    max_steps : int or None
        Stop after this many steps (None: train all ``epochs``); the first steps of a
        run are the same as those of the full run.

    Returns
    -------
    CBOWResult

    Raises
    ------
    ValueError
        For a bad argument (naming it) or fewer than 2C+1 tokens.
    TrainingDivergedError
        If the loss becomes NaN or infinite, if the mean loss of the last 20
        batches rises above twice the loss of the first batch, or if a weight
        vector's length passes 1e4 (try a smaller learning rate). Detection
        only: a run that does not diverge computes exactly the same numbers.
    NotEnoughMemoryError
        (a ValueError and a MemoryError) if training would need more memory
        than the machine has available; raised before allocating.
    """
    N, C, batch_size, epochs, min_count = (
        positive_int(name, value)
        for name, value in (
            ("N", N),
            ("C", C),
            ("batch_size", batch_size),
            ("epochs", epochs),
            ("min_count", min_count),
        )
    )
    if vocab_size is not None:
        vocab_size = positive_int("vocab_size", vocab_size)
    if vocab_size is not None and vocab_size < 2:
        raise ValueError(f"vocab_size must be at least 2 (a word and '<unk>'), got {vocab_size}")
    learning_rate = positive_number("learning_rate", learning_rate)
    if max_steps is not None:
        max_steps = positive_int("max_steps", max_steps)
    seed = seed_value("seed", seed)
    tokens = token_list("train_cbow", tokens)
    if len(tokens) < 2 * C + 1:
        raise ValueError(
            f"train_cbow needs at least 2C+1 = {2 * C + 1} tokens for one window, got {len(tokens)}"
        )

    word2Ind, Ind2word = build_vocabulary(tokens, vocab_size, min_count)
    V = len(word2Ind)
    if V < 2:
        raise ValueError(
            f"the vocabulary has a single word, {Ind2word[0]!r}: CBOW needs at least 2 distinct words to "
            "tell apart (use a corpus with more distinct words"
            + (", or a smaller min_count)" if min_count > 1 else ")")
        )
    n_windows = len(tokens) - 2 * C
    steps_per_epoch = math.ceil(n_windows / batch_size)
    total_steps = (
        steps_per_epoch * epochs if max_steps is None else min(max_steps, steps_per_epoch * epochs)
    )
    _check_training_memory(len(tokens), n_windows, V, N, C, min(batch_size, n_windows), total_steps)
    context, center = context_windows(encode(tokens, word2Ind), C)
    model = FastCBOW(*initialize_model(N, V, random_seed=seed))
    rng = np.random.default_rng(seed)
    losses = np.empty(total_steps)
    loss_limit = None  # _LOSS_FACTOR times the first batch's loss
    # The bar refreshes every 1/40 of the run, not on a timer, so that the same run prints the same lines.
    bar = tqdm(
        total=total_steps,
        disable=not progress,
        unit="batch",
        desc="training CBOW",
        miniters=max(1, total_steps // 40),
        mininterval=0,
        maxinterval=float("inf"),
    )
    start = time.perf_counter()
    step = 0
    # One BLAS thread per worker: the step splits its matrix products over the cores itself.
    blas_limit = (
        threadpool_limits(limits=1, user_api="blas")
        if model._workers > 1
        else contextlib.nullcontext()
    )
    try:
        with blas_limit, np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                order = rng.permutation(n_windows) if shuffle else np.arange(n_windows)
                for begin in range(0, n_windows, batch_size):
                    if step == total_steps:
                        break
                    batch = order[begin : begin + batch_size]
                    loss = model.step(context[batch], center[batch], learning_rate)
                    if not math.isfinite(loss):
                        raise TrainingDivergedError(
                            f"training diverged: the loss became {loss} at step {step} (epoch {epoch + 1}) "
                            f"with learning_rate={learning_rate}; try a smaller learning rate"
                        )
                    losses[step] = loss
                    if loss_limit is None:
                        loss_limit = _LOSS_FACTOR * loss
                    recent = losses[max(0, step + 1 - _LOSS_WINDOW) : step + 1].mean()
                    if recent > loss_limit or not model._w2_norm_max < _WEIGHT_LIMIT:
                        _diverged(model, recent, losses[0], step, epoch, learning_rate)
                    step += 1
                    if progress:
                        if step % bar.miniters == 0 or step == total_steps:
                            rate = step * batch_size / max(time.perf_counter() - start, 1e-9)
                            recent = np.mean(losses[max(0, step - bar.miniters) : step])
                            bar.set_postfix(
                                loss=f"{recent:.3f}", ex_s=f"{rate:,.0f}", refresh=False
                            )
                        bar.update(1)
                if not np.abs(model.W1T).max() < _WEIGHT_LIMIT:
                    _diverged(model, recent, losses[0], step - 1, epoch, learning_rate)
    finally:
        bar.close()
        model.close()
    seconds = time.perf_counter() - start
    W1, W2, b1, b2 = model.weights()
    config = dict(
        N=N,
        C=C,
        vocab_size=vocab_size,
        min_count=min_count,
        batch_size=batch_size,
        epochs=epochs,
        learning_rate=learning_rate,
        seed=seed,
        shuffle=shuffle,
        max_steps=max_steps,
        V=V,
        n_tokens=len(tokens),
        n_windows=n_windows,
    )
    return CBOWResult(
        W1=W1,
        W2=W2,
        b1=b1,
        b2=b2,
        word2Ind=word2Ind,
        Ind2word=Ind2word,
        losses=losses,
        examples_per_second=min(step * batch_size, n_windows * epochs) / max(seconds, 1e-9),
        config=config,
    )
