"""The context side of a batch two ways: gathered and scatter-added window by window (the trainer),
or as sliding sums over the batch's stretch of tokens (prefix sums forward, a difference array back).

    python benchmarks/bench_context_side.py [--repeats 200]

A batch of m consecutive windows (reduced windows of up to C words each side, as the trainer
draws them) reads its context words from a stretch of L = m + 2C tokens. The trainer's way
gathers the rows of W1 of every window's context (about C + 1 rows a window on average) and
scatter-adds its error to the same rows (scipy's compiled sparse kernels). Sliding sums gather
each token's row once, take prefix sums P along the stretch, and read a window's sum as
P[hi] - P[lo] minus its centre's row; backward, a difference array adds each window's error at
lo and subtracts it at hi, its prefix sums give each token's total, and one row per token is
scatter-added. Both are checked to give the same h and the same update, then timed, interleaved,
best of the rounds (microseconds per batch of m = 1,024 windows, N = 100, C = 5, on Shakespeare's
kept tokens).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cbow_helpers import corpus_ids, keep_probabilities, subsample, tokenize_shakespeare
from cbow_helpers.engine.kernels import KERNELS
from cbow_helpers.windows import reduced_windows, window_contexts

gather, scatter = KERNELS["sparsetools"]


def stretch(kept, a: int, half):
    """The stretch of tokens windows a .. a+m-1 read, and each window's lo, hi, centre in it."""
    centres = np.arange(a, a + len(half))
    lo, hi = np.maximum(centres - half, 0), np.minimum(centres + half + 1, len(kept))
    start, end = lo.min(), hi.max()
    return kept[start:end], lo - start, hi - start, centres - start


def sliding_forward(W, tokens, lo, hi, centres):
    E = W.take(tokens, axis=0)  # one row per token
    P = np.zeros((len(E) + 1, W.shape[1]))
    np.cumsum(E, axis=0, dtype=np.float64, out=P[1:])
    return ((P[hi] - P[lo] - E[centres]) / (hi - lo - 1)[:, None]).astype(np.float32)


def sliding_backward(W, tokens, lo, hi, centres, dH):
    D = np.zeros((len(tokens) + 1, W.shape[1]), dtype=np.float32)
    pairs = np.arange(0, 2 * len(lo) + 1, 2, dtype=np.int32)  # each window: +dH at lo, -dH at hi
    sign = np.tile(np.array([1, -1], np.float32), len(lo))
    scatter(D, pairs, np.stack([lo, hi], axis=1).ravel().astype(np.int32), sign, dH)
    G = np.cumsum(D[:-1], axis=0, dtype=np.float64)
    G[centres] -= dH  # a window's centre is in [lo, hi) but not in its context
    rows = np.arange(len(tokens) + 1, dtype=np.int32)
    scatter(W, rows, tokens, np.ones(len(tokens), np.float32), G.astype(np.float32))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    _, Ind2word, ids = corpus_ids(tokenize_shakespeare(), 5)
    rng = np.random.default_rng(1)
    counts = np.bincount(ids).astype(np.float64)
    kept = subsample(ids, keep_probabilities(counts, 1e-3), rng).astype(np.int32)
    V, N, C, m = len(Ind2word), 100, 5, 1024
    W = ((rng.random((V, N), dtype=np.float32) - 0.5) / N).astype(np.float32)
    a, half = 100_000, reduced_windows(m, C, rng)
    indptr, indices = window_contexts(kept, C, a, half)
    counts = np.diff(indptr)
    weights, ones = (
        np.repeat(1 / counts, counts).astype(np.float32),
        np.ones(len(indices), np.float32),
    )
    parts = stretch(kept, a, half)
    H = np.empty((m, N), np.float32)
    gather(W, indptr, indices, weights, H)
    print(f"same h: {np.allclose(H, sliding_forward(W, *parts), atol=1e-7)}", end="; ")
    dH = rng.standard_normal((m, N)).astype(np.float32)
    one, two = W.copy(), W.copy()
    scatter(one, indptr, indices, ones, dH)
    sliding_backward(two, *parts, dH)
    change = np.abs(one - W).max()
    print(
        f"same update: largest difference {np.abs(one - two).max() / change:.0e} of the largest change"
    )
    print(f"rows read: {len(indices):,} gathered, {len(parts[0]):,} tokens + {2 * m:,} prefix sums")
    runs = {
        "forward, gather (trainer)": lambda: gather(W, indptr, indices, weights, H),
        "forward, sliding sums": lambda: sliding_forward(W, *parts),
        "backward, scatter-add (trainer)": lambda: scatter(one, indptr, indices, ones, dH * 0),
        "backward, difference array": lambda: sliding_backward(two, *parts, dH * 0),
        "np.cumsum alone, (L, N) float32": lambda: np.cumsum(W[: len(parts[0])], axis=0),
    }
    best = {name: float("inf") for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    for name, seconds in best.items():
        print(f"  {name:<34} {seconds * 1e6:8.1f} us per batch")


if __name__ == "__main__":
    main()
