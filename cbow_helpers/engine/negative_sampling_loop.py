"""The epochs of ``train_negative_sampling``: batches of windows built as they are trained, on one
thread or several (HogBatch), and the memory a run takes.

The weights are kept with a word per row: ``W_in`` is W1 transposed, (V, N), ``W_out`` is W2.
An epoch holds only its kept tokens (the corpus after subsampling, int32 word ids); each batch
builds its own windows from them (``window_contexts``) and draws its own reduced window sizes and
negatives, so the memory a run takes does not grow with the corpus beyond those 4 bytes a token.

**Workers (HogBatch, Ji et al. 2016).** With ``workers`` threads or processes, each takes the next
batch of the epoch, builds its windows, and trains it into the shared weights without waiting for
the others: two batches may be trained at once, each reading the weights while the other writes
them. The batches, their random draws and their learning rates are handed out in corpus order
under a lock; only the interleaving of the updates depends on timing, so with 2 workers or more
two runs give slightly different weights (one worker: reproducible). Threads (``train_epoch``)
share the weights for free, but each numpy, scipy or BLAS call holds Python's lock while it sets
up, so threads take turns at every call; forked processes (``ProcessBatches``,
``worker_processes.py``) do not, and share the weights and the epoch's kept tokens through shared
memory. They are forked once per run (``epoch_workers``), not once per epoch.

**The loss.** A batch's J is computed only on every ``loss_every``-th batch of an epoch (its
index a multiple of it: the first batch of each epoch among them); the others make the same
update without it. The losses come back with their batch's index in the epoch.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np

from ..windows import window_contexts
from .negative_sampling_step import negative_sampling_step
from .shared_negatives import shared_negatives_step
from .training import LOSS_WINDOW, check_training_memory
from .worker_processes import SharedState, WorkerProcesses


def memory_parts(n_tokens: int, V: int, N: int, C: int, negative: int, m: int, epochs: int,
                 loss_every: int = 1):  # fmt: skip
    """The peak memory of a run, in bytes, by part (for ``check_training_memory``).

    The weights W1 and W2 in float32 with the temporaries of W1's random start (about
    16 V N); an epoch's kept tokens (4 n at most); per thread, a batch's windows (up to 2C
    context ids with two weights each, K+1 targets and K masks: 4 (3 + 6C + 2K) m) and its
    hidden layer and errors (8 m N); the loss of every ``loss_every``-th step and its step
    number (16 bytes each).
    """
    batches = -(-n_tokens // m)  # per epoch, at least
    steps = epochs * -(-batches // loss_every)
    return {
        f"the weights (V={V:,} words x N={N:,}; use a smaller N)": 16.0 * V * N,
        f"the kept tokens of {n_tokens:,} (use a smaller corpus)": 4.0 * n_tokens,
        f"a batch (m={m:,} windows x N={N:,}; use a smaller batch size)": 4.0
        * m
        * (3 + 6 * C + 2 * negative + 2 * N),
        f"the losses of {steps:,} steps (use fewer epochs or a larger loss_every)": 16.0 * steps,
    }


def check_memory(*sizes) -> None:
    """NotEnoughMemoryError if ``train_negative_sampling`` would need more memory than is
    available; ``sizes`` as for ``memory_parts``."""
    check_training_memory(memory_parts(*sizes))


def check_kept(kept: float, total: int, sample: float, when: str) -> None:
    """A ValueError in the course's words if subsampling leaves fewer than 2 tokens (no window)."""
    if kept < 2:
        raise ValueError(
            f"only {kept:,.3g} of the corpus's {total:,} tokens (after min_count) {when} subsampling "
            f"with sample={sample:g}: a window needs at least 2 (use a larger sample, 0 for no "
            "subsampling, or a larger corpus)"
        )


# A batch meets one word at most this many times among its context words, and as many times among
# its targets (centre words and negatives): a word met more often would get the sum of all those
# updates in one step, computed from the same old weights, where word2vec takes them one after the
# other. Without subsampling (sample=0) '.' is a large share of Shakespeare's tokens, and a batch
# of 1,024 windows meets it about as many times among its contexts: the summed step diverges
# (``tests/test_training_options.py`` trains that case). With the default subsampling no word of
# Shakespeare reaches the limit among the contexts; among the targets, '.' (the most frequent
# noise word) does with many negatives per window, so those batches end a little early.
MAX_REPEATS_PER_BATCH = 400


def batch_end(kept, a: int, b: int, C: int, targets) -> int:
    """Where the batch of windows ``a .. b-1`` of the kept tokens ends: ``b``, or earlier (at
    least ``a + 1``), so that no word is met more than ``MAX_REPEATS_PER_BATCH`` times among its
    context words or among its targets (``targets``: (b - a, k) ids, row j window a + j's; None
    when the targets are the centre words alone, which are among the context tokens counted).

    The context words of windows ``a .. end-1`` are among the tokens ``a - C .. end + C - 1``,
    and each token is in at most 2C contexts: a word seen r times there is met at most 2C r
    times. That bound is checked, without building the windows. The end is the largest that
    fits: just before the window that brings the first word over the limit (found in one pass).
    """
    first = max(a - C, 0)
    tokens = kept[first : b + C]
    too_many = first_over(tokens, MAX_REPEATS_PER_BATCH // (2 * C))  # a token index, or None
    end = b if too_many is None else min(b, first + too_many - C)
    too_many = (
        None if targets is None else first_over(targets[: b - a].reshape(-1), MAX_REPEATS_PER_BATCH)
    )
    if too_many is not None:
        end = min(end, a + too_many // targets.shape[1])
    return max(end, a + 1)  # a batch of one window is word2vec's own step


def first_over(values, limit: int):
    """The index in ``values`` (1-D non-negative ints) of the first entry that makes some value
    seen more than ``limit`` times, or None if none is.

    >>> first_over(np.array([3, 1, 3, 1, 1, 3]), 2)
    4
    """
    over = np.flatnonzero(np.bincount(values) > limit) if len(values) else ()
    if len(over) == 0:
        return None
    return min(int(np.flatnonzero(values == word)[limit]) for word in over)


@dataclasses.dataclass
class Batch:
    """Windows ``a .. b-1`` of an epoch's kept tokens, their random draws and learning rate.

    ``half``: (b - a,) window half-sizes; ``negatives``: (b - a, K) per-window negatives, or
    (groups, K) negatives shared by groups of windows; ``index``: the batch's place in the epoch.
    """

    a: int
    b: int
    half: np.ndarray
    negatives: np.ndarray
    learning_rate: float
    index: int


class Batches:
    """An epoch's batches, handed out in corpus order, one per call of ``next``, to any thread.

    ``draws`` holds ``half(m)``, (m,) window half-sizes, and ``negatives(m, shared)``, the
    negatives of m windows (shared: for its groups); ``rate(a, n_batches)`` is the learning rate
    of the batch that starts at window ``a``; ``rng``, the generator the draws use (only
    ``ProcessBatches`` needs it).
    """

    def __init__(self, kept, C: int, batch_size: int, draws: dict, rate, rng=None):
        self.kept, self.C, self.batch_size, self.draws, self.rate = kept, C, batch_size, draws, rate
        self.n_batches = -(-len(kept) // batch_size)
        self.a, self.count, self.stopped = 0, 0, False
        self.lock = threading.Lock()

    def next(self) -> Batch | None:
        """The next batch, or None at the end of the epoch or after ``stop``."""
        with self.lock:
            return self._take()

    def _take(self) -> Batch | None:
        a, n, draw = self.a, len(self.kept), self.draws
        if self.stopped or a >= n:
            return None
        m = min(self.batch_size, n - a)
        half, shared = draw["half"](m), draw["shared"]
        targets = None  # shared: the centre words, counted among the context tokens
        if not shared:
            negatives = draw["negatives"](m, False)
            targets = np.concatenate([self.kept[a : a + m, None], negatives], axis=1)
        b = batch_end(self.kept, a, a + m, self.C, targets)
        negatives = draw["negatives"](b - a, True) if shared else negatives[: b - a]
        batch = Batch(a, b, half[: b - a], negatives, self.rate(a, self.n_batches), self.count)
        self.a, self.count = b, self.count + 1
        return batch

    def stop(self) -> None:
        with self.lock:
            self.stopped = True


class ProcessBatches(Batches):
    """``Batches`` handed out to forked worker processes (``worker_processes.py``): the position,
    the count, the stop flag and the state of the generator the draws use are kept in shared
    memory (``state``, a ``SharedState`` made before the fork), so each process takes the next
    batch with the same draws a thread would. The parent calls ``begin`` before the epoch's
    workers start, and ``finish`` after they all end."""

    def __init__(self, kept, C: int, batch_size: int, draws: dict, rate, state: SharedState):
        super().__init__(kept, C, batch_size, draws, rate)
        self.shared, self.lock = state, state.lock

    def begin(self) -> None:
        """In the parent, before the epoch: the hand-out starts at the first batch, with the
        draws where the parent's generator is now."""
        self.shared.numbers[:3] = 0
        self.shared.save_rng()

    def next(self) -> Batch | None:
        # A Ctrl-C that lands just after a process took the lock, before its ``with`` holds it,
        # leaves the lock taken for good: so the wait gives up once the epoch is stopped.
        while not self.lock.acquire(timeout=0.05):
            if self.shared.numbers[2]:
                return None
        try:
            numbers = self.shared.numbers
            self.a, self.count, self.stopped = int(numbers[0]), int(numbers[1]), bool(numbers[2])
            self.shared.load_rng()
            batch = self._take()
            numbers[0], numbers[1] = self.a, self.count
            self.shared.save_rng()
            return batch
        finally:
            self.lock.release()

    def stop(self) -> None:
        """Without the lock (one aligned 8-byte store, which ``next`` only reads), so that a
        process that errs, or is interrupted, holding it does not wait for itself."""
        self.shared.numbers[2] = 1

    def finish(self) -> None:
        """After the epoch, in the parent: its generator continues from the last batch's draws,
        and ``count`` is the number of batches the workers took."""
        self.shared.load_rng()
        self.count = int(self.shared.numbers[1])


def train_batch(W_in, W_out, kept, batch: Batch, options: dict) -> float | None:
    """One SGD step on ``batch``'s windows, built here from the kept tokens; returns its loss, or
    None if its index in the epoch is not a multiple of ``options["loss_every"]`` (default 1).

    ``options``: ``C``, ``kernel``, ``update_rule``, ``shared`` (True: the batch's negatives are
    shared by groups of windows, ``shared_negatives_step``; False: ``negative_sampling_step``).
    """
    indptr, indices = window_contexts(kept, options["C"], batch.a, batch.half)
    counts = np.diff(indptr)
    mean_w = np.repeat((1.0 / counts).astype(np.float32), counts)
    scatter_w = np.ones_like(mean_w) if options["update_rule"] == "word2vec" else mean_w
    weights = dict(mean_weights=mean_w, scatter_weights=scatter_w, kernel=options["kernel"],
                   loss=batch.index % options.get("loss_every", 1) == 0)  # fmt: skip
    centers = kept[batch.a : batch.b]
    if options["shared"]:
        return shared_negatives_step(
            W_in, W_out, indptr, indices, centers, batch.negatives, batch.learning_rate, **weights
        )
    targets = np.concatenate([centers[:, None], batch.negatives], axis=1)
    # word2vec skips a negative that happens to be the centre word: its weight is 0.
    not_center = (batch.negatives != centers[:, None]).astype(np.float32)
    return negative_sampling_step(
        W_in, W_out, indptr, indices, targets, batch.learning_rate, not_center=not_center,
        **weights,
    )  # fmt: skip


def train_epoch(W_in, W_out, batches: Batches, watch, epoch: int, options: dict) -> list:
    """SGD steps over one epoch's ``batches`` on ``options["workers"]`` threads, or processes for
    ``ProcessBatches``; returns the (batch index, loss) of the batches with a loss, in order.

    ``watch`` (a ``DivergenceWatch``) checks every loss as its batch ends; ``options`` go to
    ``train_batch``, with ``workers`` and ``pool`` (a ThreadPoolExecutor with ``workers - 1``
    threads, None for one worker), or for processes ``forked`` (from ``epoch_workers``). An error
    in any thread or process stops every one and is raised here.
    """
    if isinstance(batches, ProcessBatches):
        batches.begin()
        results = options["forked"].run((epoch, len(batches.kept)), batches.stop)
        batches.finish()
        return sorted(pair for done in results for pair in done)
    done, lock = [], threading.Lock()
    futures = [
        options["pool"].submit(train_batches, W_in, W_out, batches, watch, epoch, options, done, lock)
        for _ in range(options["workers"] - 1)
    ]  # fmt: skip
    try:
        train_batches(W_in, W_out, batches, watch, epoch, options, done, lock)
    finally:
        errors = [f.exception() for f in futures]  # waits for every thread
    for error in errors:
        if error is not None:
            raise error
    return sorted(done)


def train_epochs(W_in, W_out, epochs: int, epoch_batches, watch, options: dict, bar) -> tuple:
    """The run's ``epochs`` (``epoch_batches(epoch)`` gives each its ``Batches``, ``bar`` counts):
    ([(step of the run, loss), ...] of the batches with a loss, the number of windows trained).

    After each epoch ``watch`` reads the largest weight of each layer, and the bar shows the mean
    loss of the epoch's last twentieth of batches with a loss.
    """
    losses, steps_done, windows = [], 0, 0
    for epoch in range(epochs):
        batches = epoch_batches(epoch)
        done = train_epoch(W_in, W_out, batches, watch, epoch, options)
        losses += [(steps_done + index, loss) for index, loss in done]
        steps_done += batches.count
        windows += len(batches.kept)
        largest = {"largest entry of W1": np.abs(W_in).max(), "of W2": np.abs(W_out).max()}
        watch.weights(largest, batches.count - 1, epoch)
        if not bar.disable:
            epoch_losses = [loss for _, loss in done]
            recent = np.mean(epoch_losses[-max(1, len(epoch_losses) // 20) :])
            bar.set_postfix(loss=f"{recent:.3f}", refresh=False)
            bar.update(1)
    return losses, windows


def train_batches(W_in, W_out, batches, watch, epoch: int, options: dict, done=None, lock=None):
    """Train ``batches.next()`` until the epoch ends, appending (batch index, loss) to ``done``
    (returned) under ``lock`` (shared by threads), and watching the losses; on any error,
    ``batches.stop()`` stops every other worker, and the error is raised."""
    done = [] if done is None else done
    lock = threading.Lock() if lock is None else lock
    try:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # per thread
            while (batch := batches.next()) is not None:
                loss = train_batch(W_in, W_out, batches.kept, batch, options)
                if loss is None:
                    continue
                with lock:
                    done.append((batch.index, loss))
                    # A loss that is NaN or infinite, or whose recent mean rose far above the first.
                    watch.batch([x for _, x in done[-LOSS_WINDOW:]], batch.index, epoch)
    except BaseException:
        batches.stop()
        raise
    return done


def epoch_workers(W_in, W_out, kept_buffer, batches_of, watch, options: dict) -> WorkerProcesses:
    """``options["workers"] - 1`` processes forked once for a run's epochs (use it as a context
    manager, and put it in ``options["forked"]``): for an epoch's job (its number e and its count
    n of kept tokens, written in ``kept_buffer``, shared memory), each trains the batches of
    ``batches_of(kept_buffer[:n], e)`` (a ``ProcessBatches``) into the shared weights.
    Each process watches its own batches' losses."""

    def work(job) -> list:
        epoch, n = job
        return train_batches(W_in, W_out, batches_of(kept_buffer[:n], epoch), watch, epoch, options)

    return WorkerProcesses(work, options["workers"] - 1)
