"""HogBatch workers as forked processes: forked once per run, they share the weights, take the
batches a thread would (the same draws, each batch once), and an error in any of them stops all
and is raised."""

from __future__ import annotations

import itertools
import os
import threading

import numpy as np
import pytest

import cbow_helpers.negative_sampling_trainer as trainer
from cbow_helpers import train_negative_sampling
from cbow_helpers.engine.negative_sampling_loop import (
    Batches,
    ProcessBatches,
    epoch_workers,
    train_epoch,
)
from cbow_helpers.engine.training import DivergenceWatch
from cbow_helpers.engine.worker_processes import (
    FORK_AVAILABLE,
    SharedState,
    WorkerProcesses,
    run_forked,
    shared_array,
)
from cbow_helpers.windows import reduced_windows

needs_fork = pytest.mark.skipif(not FORK_AVAILABLE, reason="worker processes need fork (Linux)")
CORPUS = ("the cat sat on the mat and the dog sat on the log " * 30).split()


def make_batches(kind, kept, shared=False):
    rng = np.random.default_rng(1)
    draws = dict(
        half=lambda m: reduced_windows(m, 2, rng),
        negatives=lambda m, per_group: rng.integers(0, 9, (-(-m // 4) if per_group else m, 3)),
        shared=shared,
    )
    extra = (SharedState(rng),) if kind is ProcessBatches else ()
    return kind(kept, 2, 16, draws, lambda a, n: 0.025 * (1 - a / len(kept)), *extra), rng


@needs_fork
@pytest.mark.parametrize("shared", [False, True])
def test_processes_take_each_batch_once_with_the_draws_one_thread_gets(shared):
    kept = np.arange(300, dtype=np.int32) % 9
    alone, rng_alone = make_batches(Batches, kept, shared)
    expected = list(iter(alone.next, None))
    batches, rng = make_batches(ProcessBatches, kept, shared)

    def take_all() -> list:  # at most 100: a hand-out that did not move on would loop forever
        return list(itertools.islice(iter(batches.next, None), 100))

    taken = sorted((b for part in run_forked(take_all, 2, batches.stop) for b in part),
                   key=lambda b: b.index)  # fmt: skip
    assert [(b.a, b.b, b.index) for b in taken] == [(b.a, b.b, b.index) for b in expected]
    for got, want in zip(taken, expected):
        np.testing.assert_array_equal(got.half, want.half)
        np.testing.assert_array_equal(got.negatives, want.negatives)
    batches.finish()  # the parent's generator continues where the last draw left it
    assert rng.random() == rng_alone.random()


@needs_fork
def test_a_forked_child_writes_into_the_parents_shared_array():
    shared = shared_array((3, 2), np.float32)
    results = run_forked(lambda: shared.__setitem__(1, 7.0), 1, lambda: None)
    assert results == [None, None]
    np.testing.assert_array_equal(shared, [[0, 0], [7, 7], [0, 0]])


@needs_fork
def test_an_error_in_one_process_stops_every_process_and_is_raised():
    kept = np.arange(2000, dtype=np.int32) % 9
    W_in = shared_array((9, 4), np.float32)
    W_out = shared_array((9, 4), np.float32)
    W_in[:], W_out[:] = 1e30, 1e30  # the first loss is infinite
    batches, _ = make_batches(ProcessBatches, kept)
    kept_buffer = shared_array(len(kept), np.int32)
    kept_buffer[:] = kept
    watch = DivergenceWatch(0.025)
    options = dict(C=2, kernel="public", update_rule="word2vec", shared=False, workers=3)
    with (
        epoch_workers(W_in, W_out, kept_buffer, lambda *_: batches, watch, options) as forked,
        pytest.raises(FloatingPointError, match="training diverged"),
    ):
        train_epoch(W_in, W_out, batches, watch, 0, dict(options, forked=forked))
    assert batches.next() is None and batches.count < 2000 // 16


def trained(**options):
    args = dict(N=8, C=3, min_count=1, epochs=10, sample=0, batch_size=32, progress=False, seed=4)
    return train_negative_sampling(CORPUS, **{**args, **options})


@needs_fork
@pytest.mark.parametrize("negatives", ["per-window", "shared"])
def test_two_processes_train_every_batch_into_one_set_of_weights(negatives):
    one, two = trained(negatives=negatives), trained(negatives=negatives, workers=2)
    assert len(two.losses) == len(one.losses)
    # Only the interleaving of the updates differs from one worker's run: the weights end close.
    # Had a process written into a copy of its own, its batches' updates would be lost.
    moved = np.abs(one.W1 - trained(negatives=negatives, epochs=1).W1).max()
    assert np.abs(two.W1 - one.W1).max() < 0.2 * moved
    assert two.losses[-5:].mean() < 0.8 * two.losses[:5].mean()  # it learns


def test_without_fork_the_workers_are_threads(monkeypatch):
    monkeypatch.setattr(trainer, "FORK_AVAILABLE", False)
    monkeypatch.setattr(trainer, "shared_copy", None)  # processes would need it
    two = trained(workers=2)  # threads, the same batches
    assert len(two.losses) == len(trained().losses)


@needs_fork
def test_worker_processes_are_forked_once_and_run_every_job():
    with WorkerProcesses(lambda job: (os.getpid(), job * 10), 2) as workers:
        first = workers.run(1, lambda: None)
        second = workers.run(2, lambda: None)
    assert [job for _, job in first] == [10] * 3 and [job for _, job in second] == [20] * 3
    pids = [pid for pid, _ in first]
    assert pids[0] == os.getpid() and len(set(pids)) == 3
    assert [pid for pid, _ in second] == pids  # the same children, not new forks
    for pid in pids[1:]:  # and they have ended, waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@needs_fork
@pytest.mark.parametrize("workers", [2, 3])
def test_a_run_forks_its_worker_processes_once_whatever_its_epochs(workers, monkeypatch):
    forks = []
    fork = os.fork

    def counted_fork():
        pid = fork()
        if pid:  # the parent counts; a child's count is its own copy
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted_fork)
    result = trained(workers=workers, epochs=4)
    assert len(forks) == workers - 1
    assert len(result.losses) == len(trained(epochs=4).losses)


@needs_fork
def test_an_error_in_a_child_in_a_later_epoch_stops_the_run_and_is_raised(monkeypatch):
    # The children live across epochs: one that fails in epoch 3 still stops the run with its error.
    parent, real = os.getpid(), trainer._learning_rates

    def rates(config, epoch, n_tokens):
        rate = real(config, epoch, n_tokens)
        if epoch == 2 and os.getpid() != parent:
            raise LookupError("the child's error, in epoch 3")
        return rate

    monkeypatch.setattr(trainer, "_learning_rates", rates)
    with pytest.raises(LookupError, match="the child's error, in epoch 3"):
        trained(workers=2, epochs=5)


@needs_fork
def test_a_stopped_hand_out_ends_even_if_an_interrupted_process_left_its_lock_taken():
    # Ctrl-C can land just after a process took the lock and before its `with` holds it.
    batches, _ = make_batches(ProcessBatches, np.arange(300, dtype=np.int32) % 9)
    assert batches.next() is not None
    batches.lock.acquire()  # taken for good, as by an interrupted process
    ended = []
    # In a thread, so that a hand-out that waited for the lock forever fails here, not hangs.
    waiter = threading.Thread(
        target=lambda: ended.append((batches.stop(), batches.next())), daemon=True
    )
    waiter.start()
    waiter.join(timeout=10)
    assert ended == [(None, None)]  # stop did not wait; next gave up once the epoch stopped
