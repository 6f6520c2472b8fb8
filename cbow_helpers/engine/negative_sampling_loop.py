"""The epochs of ``train_negative_sampling``: each epoch's windows, its batches, and the memory they take.

The weights are kept with a word per row: ``W_in`` is W1 transposed, (V, N), ``W_out`` is W2.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .negative_sampling_step import negative_sampling_step
from .shared_negatives import shared_negatives_step
from .training import LOSS_WINDOW, check_training_memory


def memory_parts(n_tokens: int, V: int, N: int, C: int, negative: int, m: int, epochs: int):
    """The peak memory of a run, in bytes, by part (for ``check_training_memory``).

    The weights W1 and W2 in float32 with the temporaries of W1's random start (about
    16 V N); per epoch, for each of the n kept tokens, its id, its window's start, up to 2C
    context ids with two weights each, K+1 targets and K masks (4 (3 + 6C + 2K) n); a
    batch's hidden layer (4 m N); the loss of every step (8 per batch of every epoch).
    """
    steps = epochs * -(-n_tokens // m)
    return {
        f"the weights (V={V:,} words x N={N:,}; use a smaller N)": 16.0 * V * N,
        f"the windows of {n_tokens:,} tokens (use a smaller corpus or window)": 4.0
        * (3 + 6 * C + 2 * negative)
        * n_tokens,
        f"a batch (m={m:,} windows x N={N:,}; use a smaller batch size)": 4.0 * m * N,
        f"the losses of {steps:,} steps (use fewer epochs)": 8.0 * steps,
    }


def check_memory(n_tokens: int, V: int, N: int, C: int, negative: int, m: int, epochs: int):
    """NotEnoughMemoryError if ``train_negative_sampling`` would need more memory than is available."""
    check_training_memory(memory_parts(n_tokens, V, N, C, negative, m, epochs))


def check_kept(kept: float, total: int, sample: float, when: str) -> None:
    """A ValueError in the course's words if subsampling leaves fewer than 2 tokens (no window)."""
    if kept < 2:
        raise ValueError(
            f"only {kept:,.3g} of the corpus's {total:,} tokens (after min_count) {when} subsampling "
            f"with sample={sample:g}: a window needs at least 2 (use a larger sample, 0 for no "
            "subsampling, or a larger corpus)"
        )


@dataclasses.dataclass
class EpochWindows:
    """One epoch's windows, in compressed-row form, with their targets and weights.

    Window i's centre word is ``targets[i, 0]``, its negatives ``targets[i, 1:]`` (a 0 in
    ``not_center[i]`` skips a negative that is the centre word, as word2vec does; with shared
    negatives ``targets`` holds only the centre words, the negatives are drawn per batch), and its
    context ``indices[indptr[i]:indptr[i+1]]`` with the weights ``mean_w`` (for h, the mean)
    and ``scatter_w`` (for the update: 1, word2vec's rule, or the mean's weights, the gradient).
    """

    indptr: np.ndarray
    indices: np.ndarray
    targets: np.ndarray
    not_center: np.ndarray
    mean_w: np.ndarray
    scatter_w: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)


def epoch_windows(kept, contexts, negatives, update_rule: str) -> EpochWindows:
    """The windows of the kept tokens ``kept``, given their ``contexts`` (indptr, indices) and
    a function ``negatives(n)`` that draws (n, K) negatives (None: shared negatives, drawn later)."""
    indptr, indices = contexts
    n_context = np.diff(indptr)
    has_context = n_context > 0
    if not has_context.all():  # only a one-word corpus leaves a word without context
        kept, indptr, indices, n_context = _drop_empty(kept, indptr, indices, has_context)
    n = len(kept)
    mean_w = np.repeat((1.0 / n_context).astype(np.float32), n_context)
    scatter_w = np.ones_like(mean_w) if update_rule == "word2vec" else mean_w
    drawn = negatives(n) if negatives is not None else np.empty((n, 0), dtype=np.int32)
    targets = np.empty((n, drawn.shape[1] + 1), dtype=np.int32)
    targets[:, 0] = kept
    targets[:, 1:] = drawn
    # word2vec skips a negative that happens to be the centre word: its weight is 0.
    not_center = (targets[:, 1:] != targets[:, :1]).astype(np.float32)
    return EpochWindows(indptr, indices, targets, not_center, mean_w, scatter_w)


def _drop_empty(kept, indptr, indices, has_context):
    n_context = np.diff(indptr)[has_context]
    indices = indices[np.repeat(has_context, np.diff(indptr))]
    indptr = np.zeros(len(n_context) + 1, dtype=np.int32)
    np.cumsum(n_context, out=indptr[1:])
    return kept[has_context], indptr, indices, n_context


# A batch meets one word at most this many times among its context words, and as many times among
# its targets (centre words and negatives): a word met more often would get the sum of all those
# updates in one step, computed from the same old weights, where word2vec takes them one after the
# other. Without subsampling (sample=0) '.' is a large share of Shakespeare's tokens, and a batch
# of 1,024 windows meets it about as many times among its contexts: the summed step diverges
# (``tests/test_training_options.py`` trains that case). With the default subsampling no word of
# Shakespeare reaches the limit, so such batches are whole.
MAX_REPEATS_PER_BATCH = 400


def batch_end(a: int, b: int, indptr, indices, targets) -> int:
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
    # The batch [a, short) fits (one window meets a word 2C + K + 1 times at most).
    short, long = a + 1, b
    while long - short > 1:
        middle = (short + long) // 2
        short, long = (middle, long) if fits(middle) else (short, middle)
    return short


def train_epoch(W_in, W_out, windows: EpochWindows, rate, watch, epoch: int, step_options) -> list:
    """SGD steps over one epoch's windows in batches; returns their losses.

    ``rate(a, n_batches)`` is the learning rate of the batch that starts at window ``a``;
    ``watch`` (a ``DivergenceWatch``) checks every batch's loss; ``step_options`` go to
    ``negative_sampling_step`` (``kernel``, ``h``, ``workers``, ``pool``), whose batch size
    is ``len(step_options["h"])``. With ``step_options["shared"] = (group_size, draw)`` the
    batches go to ``shared_negatives_step`` instead, groups of ``group_size`` windows sharing the
    negatives ``draw(groups)`` returns, a (groups, K) array.
    """
    options = dict(step_options)
    shared = options.pop("shared", None)
    n, batch_size = len(windows), len(step_options["h"])
    n_batches = -(-n // batch_size)  # the batches of batch_size windows
    indptr, losses, a = windows.indptr, [], 0
    while a < n:
        b = batch_end(a, min(a + batch_size, n), indptr, windows.indices, windows.targets)
        lo, hi = indptr[a], indptr[b]
        batch = (W_in, W_out, indptr[a : b + 1] - lo, windows.indices[lo:hi])
        weights = dict(mean_weights=windows.mean_w[lo:hi], scatter_weights=windows.scatter_w[lo:hi])
        if shared is None:
            targets, not_center = windows.targets[a:b], windows.not_center[a:b]
            h = options["h"][: b - a]
            loss = negative_sampling_step(
                *batch,
                targets,
                rate(a, n_batches),
                not_center=not_center,
                **weights,
                **dict(options, h=h),
            )
        else:
            group_size, draw = shared
            centers, negatives = windows.targets[a:b, 0], draw(-(-(b - a) // group_size))
            loss = shared_negatives_step(
                *batch, centers, negatives, rate(a, n_batches), **weights,
                kernel=options["kernel"], workers=options["workers"], pool=options["pool"],
            )  # fmt: skip
        losses.append(loss)
        # A loss that is NaN or infinite, or whose recent mean rose far above the first batch's.
        watch.batch(losses[-LOSS_WINDOW:], len(losses) - 1, epoch)
        a = b
    return losses
