"""Where the time of ``train_negative_sampling`` goes, at gensim's settings (window 5, 5 negatives,
sample 1e-3, 100 dimensions, min_count 5), on Shakespeare: per part of a whole call, and per part
of one batch with shared negatives.

    python benchmarks/profile_negative_sampling.py [--epochs 1] [--loss-every 1]

1. **The whole call** (1 worker, per-window and shared negatives): the trainer's own functions are
   wrapped with timers: each epoch's subsampling, the hand-out of batches
   (their random draws and where each ends, ``Batches.next``), building a batch's windows and
   training it (``train_batch``), and the vocabulary (``corpus_ids``).
2. **One batch with shared negatives**, part by part: the lines of ``train_batch`` and
   ``shared_negatives_step`` repeated here with a timer between parts, over one epoch's batches
   (checked first to give the trainer's loss and weights to the bit, so the copy has not drifted).
3. **Calls per batch**: Python-level and C-level calls counted with ``sys.setprofile``.
4. **Fewer, larger calls?** One epoch of ``train_on_ids`` (1 worker) with batches of 256 to 16,384
   windows: the CPU time per window. If the cost of a call (its setup under Python's lock) were
   what limits a batch, larger batches would cost less per window.
5. **A fork's cost** (last): 20 epochs' start and end of one worker process, forked each time
   (``run_forked``) or once (``WorkerProcesses``, what the trainer does), in this process
   (Shakespeare's tokens loaded): wall and CPU time (this process and its waited-for children).

Every time but part 5's is the CPU time of the thread that runs (``time.thread_time``; one worker,
one BLAS thread): on a busy machine it is far steadier than wall time, which counts the moments another
process holds the core.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import time

import numpy as np
from scipy.special import expit
from threadpoolctl import threadpool_limits

import cbow_helpers.engine.negative_sampling_loop as loop
import cbow_helpers.negative_sampling_trainer as trainer
from cbow_helpers import (
    corpus_ids,
    keep_probabilities,
    linear_decay,
    reduced_windows,
    sample_negatives,
    subsample,
    tokenize_shakespeare,
    train_negative_sampling,
    unigram_table,
)
from cbow_helpers.engine.kernels import KERNELS
from cbow_helpers.engine.worker_processes import WorkerProcesses, run_forked
from cbow_helpers.negative_sampling_trainer import NegativeSamplingConfig, train_on_ids
from cbow_helpers.windows import window_contexts

SETTINGS = dict(N=100, C=5, negative=5, sample=1e-3, min_count=5, progress=False)
gather, scatter = KERNELS["sparsetools"]


def whole_call(tokens, epochs: int, loss_every: int = 1) -> None:
    """Part 1: the wall time of each part of a whole call, with the trainer's functions wrapped."""
    wrapped = {
        "vocabulary (corpus_ids)": (trainer, "corpus_ids"),
        "subsampling, per epoch": (trainer, "subsample"),
        "hand-out (draws, batch end)": (loop.Batches, "next"),
        "train_batch (windows, step)": (loop, "train_batch"),
    }
    for negatives in ("per-window", "shared"):
        spent, calls = collections.Counter(), collections.Counter()
        originals = {name: getattr(owner, attr) for name, (owner, attr) in wrapped.items()}
        for name, (owner, attr) in wrapped.items():
            setattr(owner, attr, timer(originals[name], name, spent, calls))
        try:
            start = time.thread_time()
            train_negative_sampling(
                tokens, epochs=epochs, negatives=negatives, loss_every=loss_every, **SETTINGS
            )
            total = time.thread_time() - start
        finally:
            for name, (owner, attr) in wrapped.items():
                setattr(owner, attr, originals[name])
        batches = calls["train_batch (windows, step)"]
        print(f"\n{negatives} negatives, 1 worker, {epochs} epoch(s), loss_every={loss_every}: "
              f"{total:.3f} s in all, {batches:,} batches")  # fmt: skip
        for name, seconds in spent.items():
            per = f"{1e6 * seconds / batches:8.1f} us per batch" if calls[name] >= batches else ""
            print(f"  {name:<32} {seconds:7.3f} s {100 * seconds / total:5.1f}%  {per}")
        rest = total - sum(spent.values())
        print(f"  {'the rest (checks, tokens)':<32} {rest:7.3f} s {100 * rest / total:5.1f}%")


def timer(function, name, spent, calls):
    def timed(*args, **kwargs):
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.thread_time() - start
            calls[name] += 1

    if hasattr(function, "unchecked"):  # corpus_ids: the trainer calls corpus_ids.unchecked
        return type(
            "Timed", (), {"unchecked": staticmethod(timer(function.unchecked, name, spent, calls))}
        )
    return timed


def epoch_batches(tokens):
    """One epoch's batches with shared negatives, handed out as the trainer does (seed 1), with
    the kept tokens, the weights' random start and the step's options."""
    C, K, N, group = SETTINGS["C"], SETTINGS["negative"], SETTINGS["N"], 64
    _, Ind2word, ids = corpus_ids(tokens, SETTINGS["min_count"])
    counts = np.bincount(ids, minlength=len(Ind2word)).astype(np.float64)
    rng, table = np.random.default_rng(1), unigram_table(counts)
    W_in = ((rng.random((len(Ind2word), N), dtype=np.float32) - 0.5) / N).astype(np.float32)
    kept = subsample(ids, keep_probabilities(counts, SETTINGS["sample"]), rng).astype(np.int32)
    draws = dict(
        half=lambda m: reduced_windows(m, C, rng),
        negatives=lambda m, per_group: sample_negatives(table, (-(-m // group), K), rng),
        shared=True,
    )
    batches = loop.Batches(
        kept, C, 1024, draws, lambda a, n: linear_decay(0.025, 1e-4, a / len(kept))
    )
    options = dict(C=C, kernel="sparsetools", update_rule="word2vec", shared=True)
    return list(iter(batches.next, None)), kept, W_in, options


def step_in_parts(W_in, W_out, kept, batch, T, with_loss=True):
    """``train_batch`` then ``shared_negatives_step`` (word2vec's update rule, sparsetools),
    their lines in order, the time of each part added to ``T``; returns the batch's mean J."""
    clock = time.thread_time
    t = clock()
    indptr, indices = window_contexts(kept, 5, batch.a, batch.half)
    t = tick(T, "windows (window_contexts)", t)
    counts = np.diff(indptr)
    mean_w = np.repeat((1.0 / counts).astype(np.float32), counts)
    scatter_w = np.ones_like(mean_w)
    centers, negatives, lr = (
        kept[batch.a : batch.b],
        batch.negatives,
        np.float32(batch.learning_rate),
    )
    m, (G, K), N = len(centers), negatives.shape, W_in.shape[1]
    B = -(-m // G)
    t = tick(T, "weights of the mean, shapes", t)
    H = np.empty((G * B, N), np.float32)
    H[m:] = 0
    gather(W_in, indptr, indices, mean_w, H[:m])
    t = tick(T, "gather H (csr_matvecs)", t)
    W_pos = W_out.take(centers, axis=0)
    W_neg = W_out.take(negatives.reshape(-1), axis=0).reshape(G, K, N)
    t = tick(T, "take W2's target rows", t)
    s_pos = np.einsum("ij,ij->i", H[:m], W_pos)
    S = np.matmul(H.reshape(G, B, N), W_neg.transpose(0, 2, 1))
    t = tick(T, "scores (einsum, matmul)", t)
    clash = np.repeat(negatives, B, axis=0)[:m] == centers[:, None]
    loss = None
    if with_loss:
        neg_terms = softplus(S.reshape(-1, K)[:m])
        np.copyto(neg_terms, 0, where=clash)
        loss = softplus(-s_pos).sum(dtype=np.float64) + neg_terms.sum(dtype=np.float64)
    t = tick(T, "loss (softplus, clashes)", t)
    g_pos = expit(-s_pos)
    g_pos *= lr
    g_neg = expit(S)
    g_neg *= -lr
    np.copyto(g_neg.reshape(-1, K)[:m], 0, where=clash)
    t = tick(T, "errors (expit)", t)
    dH = np.matmul(g_neg, W_neg).reshape(G * B, N)[:m]
    W_pos *= g_pos[:, None]
    dH += W_pos
    t = tick(T, "dH (matmul, rowwise)", t)
    dW_neg = np.matmul(g_neg.transpose(0, 2, 1), H.reshape(G, B, N))
    t = tick(T, "dW2 of negatives (matmul)", t)
    rows = np.arange(max(m, G * K) + 1, dtype=np.int32)
    scatter(W_out, rows[: m + 1], centers, g_pos, H[:m])
    scatter(W_out, rows[: G * K + 1], negatives.reshape(-1), np.ones(G * K, np.float32),
            dW_neg.reshape(-1, N))  # fmt: skip
    t = tick(T, "scatter into W2 (csc_matvecs)", t)
    scatter(W_in, indptr, indices, scatter_w, dH)
    tick(T, "scatter into W1 (csc_matvecs)", t)
    return None if loss is None else float(loss / m)


def tick(T, name, start):
    now = time.thread_time()
    T[name] += now - start
    return now


def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def one_batch_in_parts(tokens, loss_every: int = 1) -> None:
    """Part 2: the time of each part of a shared-negatives batch, over one epoch's batches."""
    batches, kept, start, options = epoch_batches(tokens)
    V, N = start.shape
    mine, theirs = (
        (start.copy(), np.zeros((V, N), np.float32)),
        (start.copy(), np.zeros((V, N), np.float32)),
    )
    for batch in batches[:3]:  # the copy gives the trainer's numbers
        a = step_in_parts(*mine, kept, batch, collections.Counter())
        b = loop.train_batch(*theirs, kept, batch, options)
        assert a == b and all(np.array_equal(x, y) for x, y in zip(mine, theirs)), (
            "the copy drifted"
        )
    T = collections.Counter()
    W_in, W_out = start.copy(), np.zeros((V, N), np.float32)
    with (
        threadpool_limits(1, "blas"),
        np.errstate(divide="ignore", over="ignore", invalid="ignore"),
    ):
        for batch in batches:
            step_in_parts(W_in, W_out, kept, batch, T, batch.index % loss_every == 0)
    total, n = sum(T.values()), len(batches)
    print(f"\none batch with shared negatives, part by part ({n:,} batches of one epoch, "
          f"{len(kept):,} windows, loss_every={loss_every}): {1e6 * total / n:.0f} us per batch")  # fmt: skip
    for name, seconds in sorted(T.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<32} {1e6 * seconds / n:7.1f} us  {100 * seconds / total:5.1f}%")


def calls_per_batch(tokens, count: int = 20) -> None:
    """Part 3: Python-level and C-level calls in ``train_batch``, per batch."""
    batches, kept, start, options = epoch_batches(tokens)
    W_in, W_out = start.copy(), np.zeros_like(start)
    seen = collections.Counter()

    def profile(frame, event, arg):
        if event in ("call", "c_call"):
            seen[event] += 1

    sys.setprofile(profile)
    try:
        for batch in batches[:count]:
            loop.train_batch(W_in, W_out, kept, batch, options)
    finally:
        sys.setprofile(None)
    print(f"\ncalls per batch (shared negatives, mean of {count}): "
          f"{seen['call'] / count:.0f} Python-level, {seen['c_call'] / count:.0f} C-level")  # fmt: skip


def batch_sizes(tokens) -> None:
    """Part 4: CPU time per corpus token for one epoch at several batch sizes."""
    _, Ind2word, ids = corpus_ids(tokens, SETTINGS["min_count"])
    settings = {k: v for k, v in SETTINGS.items() if k != "progress"}
    print("\nbatch size: CPU ns per corpus token, one epoch, 1 worker (per-window, shared)")
    for m in (256, 1024, 4096, 16384):
        cost, batches = [], []
        for negatives in ("per-window", "shared"):
            config = NegativeSamplingConfig(**settings, epochs=1, batch_size=m, negatives=negatives)
            start = time.thread_time()
            result = train_on_ids(ids, Ind2word, config)
            cost.append(1e9 * (time.thread_time() - start) / len(ids))
            batches.append(len(result.losses))
        print(
            f"  {m:>6,}: {cost[0]:6.0f} ns, {cost[1]:6.0f} ns  ({batches[0]:,} and {batches[1]:,} batches)"
        )


def fork_cost(epochs: int = 20) -> None:
    """Part 5: the start and end of an epoch's worker process, forked each epoch or once."""

    def cpu() -> float:
        own, children = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    print(f"\nan epoch's start and end, 1 worker process, mean of {epochs} epochs:")
    for name in ("forked each epoch (run_forked)", "forked once (WorkerProcesses)"):
        start_cpu, start = cpu(), time.perf_counter()
        if name.startswith("forked each"):
            for _ in range(epochs):
                run_forked(lambda: None, 1, lambda: None)
        else:
            with WorkerProcesses(lambda job: None, 1) as workers:
                for epoch in range(epochs):
                    workers.run(epoch, lambda: None)
        wall, spent = time.perf_counter() - start, cpu() - start_cpu
        print(
            f"  {name:<32} {1e3 * wall / epochs:6.2f} ms wall, {1e3 * spent / epochs:6.2f} ms CPU"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1, help="epochs of the whole call (part 1)")
    parser.add_argument("--loss-every", type=int, default=1, help="the trainer's loss_every")
    args = parser.parse_args()
    if args.epochs < 1 or args.loss_every < 1:
        parser.error(
            f"--epochs and --loss-every must be at least 1, got {args.epochs}, {args.loss_every}"
        )
    tokens = list(tokenize_shakespeare())
    print(f"start: load average {os.getloadavg()[0]:.2f}", flush=True)
    whole_call(tokens, args.epochs, args.loss_every)
    one_batch_in_parts(tokens, args.loss_every)
    calls_per_batch(tokens)
    batch_sizes(tokens)
    fork_cost()
    print(f"\nend: load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
