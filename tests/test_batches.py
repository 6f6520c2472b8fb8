"""The trainer's batches: built one at a time from the kept tokens, the same windows as the whole
corpus's, handed out once each in corpus order to any number of threads."""

from __future__ import annotations

import concurrent.futures

import numpy as np
import pytest

from cbow_helpers import dynamic_contexts, reduced_windows, train_negative_sampling
from cbow_helpers.engine.negative_sampling_loop import (
    MAX_REPEATS_PER_BATCH,
    Batches,
    batch_end,
    train_epoch,
)
from cbow_helpers.engine.training import DivergenceWatch
from cbow_helpers.windows import window_contexts

CORPUS = ("the cat sat on the mat and the dog sat on the log " * 30).split()


@pytest.mark.parametrize(("n", "C", "m"), [(23, 3, 5), (23, 3, 23), (7, 4, 2), (2, 1, 1)])
def test_windows_built_a_batch_at_a_time_are_the_whole_corpus_windows(n, C, m):
    # Batches in the middle, at both ends of the corpus, one batch for all, a corpus shorter than
    # a window: each batch's windows are the rows of dynamic_contexts for its positions.
    ids = (np.arange(n, dtype=np.int32) * 7) % 11
    b = reduced_windows(n, C, np.random.default_rng(3))
    indptr, indices = dynamic_contexts(ids, C, np.random.default_rng(3))
    for start in range(0, n, m):
        part_ptr, part = window_contexts(ids, C, start, b[start : start + m])
        stop = start + len(part_ptr) - 1
        assert part_ptr[0] == 0 and len(part_ptr) - 1 == min(m, n - start)
        np.testing.assert_array_equal(part, indices[indptr[start] : indptr[stop]])
        np.testing.assert_array_equal(part_ptr, indptr[start : stop + 1] - indptr[start])


def test_a_batch_meets_no_word_more_often_than_the_limit():
    rng = np.random.default_rng(0)
    C, n = 3, 5000
    kept = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 50, n)).astype(np.int32)
    targets = np.stack([kept, *rng.integers(0, 50, (5, n))], axis=1).astype(np.int32)
    half = reduced_windows(n, C, rng)
    a, ends = 0, []
    while a < n:
        b = batch_end(kept, a, min(a + 1024, n), C, targets[a : a + 1024])
        _, indices = window_contexts(kept, C, a, half[a:b])
        assert a < b and np.bincount(indices).max() <= MAX_REPEATS_PER_BATCH
        assert np.bincount(targets[a:b].ravel()).max() <= MAX_REPEATS_PER_BATCH
        ends.append(b)
        a = b
    assert len(ends) > n // 1024 + 1  # batches were cut short
    rare = np.arange(n, dtype=np.int32) % 50  # no word frequent enough: whole batches
    targets = np.stack([rare, *rng.integers(0, 50, (5, n))], axis=1).astype(np.int32)
    assert batch_end(rare, 0, 1024, C, targets[:1024]) == 1024


def brute_force_end(kept, a, b, C, targets):
    """The largest end in a+1 .. b whose windows meet no word over the limit (the bound of
    ``batch_end``: 2C times a word's count among the tokens a-C .. end+C-1), or a+1."""
    for end in range(b, a, -1):
        tokens = kept[max(a - C, 0) : end + C]
        if (
            2 * C * np.bincount(tokens).max() <= MAX_REPEATS_PER_BATCH
            and np.bincount(targets[: end - a].ravel()).max() <= MAX_REPEATS_PER_BATCH
        ):
            return end
    return a + 1


@pytest.mark.parametrize(("C", "share"), [(3, 0.0), (1, 0.2), (3, 0.2)])
def test_a_batch_ends_at_the_largest_end_within_the_limit(C, share):
    # Cut by the context words (C=3: word 0 is a tenth of the tokens, 67 times among them is
    # over the limit), by the targets (C=1, word 0 a fifth of them), or by both; never earlier
    # than it must.
    rng = np.random.default_rng(5)
    n = 3000
    kept = np.where(rng.random(n) < 0.1, 0, rng.integers(1, 400, n)).astype(np.int32)
    frequent = rng.random((n, 6)) < share
    targets = np.where(frequent, 0, rng.integers(1, 400, (n, 6))).astype(np.int32)
    for a in (0, 5, 700, 2500):
        b = min(a + 1024, n)
        assert batch_end(kept, a, b, C, targets[a:b]) == brute_force_end(
            kept, a, b, C, targets[a:b]
        )
    assert batch_end(kept, 0, 1024, C, targets[:1024]) < 1024  # the cases cut short


def test_a_batch_is_at_least_one_window_whatever_its_words():
    kept = np.zeros(50, dtype=np.int32)  # one word only, far over the limit within a window
    targets = np.zeros((50, 500), dtype=np.int32)
    assert batch_end(kept, 10, 50, 3, targets[10:]) == 11


def make_batches(kept, batch_size=16, shared=False):
    rng = np.random.default_rng(1)
    draws = dict(
        half=lambda m: reduced_windows(m, 2, rng),
        negatives=lambda m, per_group: rng.integers(0, 9, (-(-m // 4) if per_group else m, 3)),
        shared=shared,
    )
    return Batches(kept, 2, batch_size, draws, lambda a, n_batches: 0.025 * (1 - a / len(kept)))


@pytest.mark.parametrize("shared", [False, True])
def test_batches_cover_the_epoch_once_in_order_whatever_the_threads(shared):
    kept = np.arange(100, dtype=np.int32) % 9
    seen = {}
    for threads in (1, 3):
        batches, out = make_batches(kept, shared=shared), []
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            while chunk := [b for b in pool.map(Batches.next, [batches] * threads) if b]:
                out += chunk
        out.sort(key=lambda batch: batch.index)
        assert [(b.a, b.b) for b in out] == [(a, min(a + 16, 100)) for a in range(0, 100, 16)]
        assert [b.index for b in out] == list(range(7))
        assert all(len(b.negatives) == (-(-(b.b - b.a) // 4) if shared else b.b - b.a) for b in out)
        assert out[1].learning_rate < out[0].learning_rate
        seen[threads] = out
    # The draws are handed out in corpus order, so they do not depend on the threads.
    for one, three in zip(seen[1], seen[3]):
        assert np.array_equal(one.half, three.half)
        assert np.array_equal(one.negatives, three.negatives)


def test_an_error_in_one_thread_stops_every_thread_and_is_raised():
    kept = np.arange(2000, dtype=np.int32) % 9
    W_in = np.full((9, 4), 1e30, np.float32)  # the first loss is infinite
    W_out = np.full((9, 4), 1e30, np.float32)
    batches = make_batches(kept)
    options = dict(C=2, kernel="public", update_rule="word2vec", shared=False, workers=2)
    with (
        concurrent.futures.ThreadPoolExecutor(1) as pool,
        pytest.raises(FloatingPointError, match="training diverged"),
    ):
        train_epoch(W_in, W_out, batches, DivergenceWatch(0.025), 0, dict(options, pool=pool))
    assert batches.next() is None and batches.count < 2000 // 16


@pytest.mark.parametrize("negatives", ["per-window", "shared"])
def test_one_worker_is_reproducible_and_two_train_every_batch_as_well(negatives):
    args = dict(N=8, C=3, min_count=1, epochs=10, sample=0, batch_size=32, progress=False, seed=4)
    args["negatives"] = negatives
    a = train_negative_sampling(CORPUS, **args)
    b = train_negative_sampling(CORPUS, **args)
    np.testing.assert_array_equal(a.W1, b.W1)
    np.testing.assert_array_equal(a.W2, b.W2)
    two = train_negative_sampling(CORPUS, workers=2, **args)  # HogBatch: timing-dependent bits
    assert len(two.losses) == len(a.losses)  # every batch trained once
    assert abs(two.losses[-5:].mean() - a.losses[-5:].mean()) < 0.1 * a.losses[-5:].mean()
    assert two.losses[-5:].mean() < 0.8 * two.losses[:5].mean()  # it learns


@pytest.mark.parametrize("negatives", ["per-window", "shared"])
def test_loss_every_k_records_every_kth_batch_of_each_epoch_and_trains_the_same_weights(negatives):
    args = dict(N=8, C=3, min_count=1, epochs=3, sample=0, batch_size=32, progress=False, seed=4)
    every = train_negative_sampling(CORPUS, negatives=negatives, **args)
    third = train_negative_sampling(CORPUS, negatives=negatives, loss_every=3, **args)
    np.testing.assert_array_equal(third.W1, every.W1)  # the loss does not change the updates
    np.testing.assert_array_equal(third.W2, every.W2)
    np.testing.assert_array_equal(every.loss_steps, np.arange(len(every.losses)))
    per_epoch = len(every.losses) // 3  # every epoch has as many batches here (sample=0)
    expected = [e * per_epoch + i for e in range(3) for i in range(0, per_epoch, 3)]
    np.testing.assert_array_equal(third.loss_steps, expected)  # the first batch of each epoch
    np.testing.assert_array_equal(third.losses, every.losses[third.loss_steps])


def test_loss_every_must_be_a_positive_int():
    with pytest.raises(ValueError, match="loss_every"):
        train_negative_sampling(CORPUS, loss_every=0, progress=False)
    with pytest.raises(TypeError, match="loss_every"):
        train_negative_sampling(CORPUS, loss_every=2.5, progress=False)
