"""Our negative-sampling CBOW against gensim's, on the same settings: speed, or quality over seeds.

    python benchmarks/bench_negative_sampling.py [--repeats 3]           # words/s, as ratios
    python benchmarks/bench_negative_sampling.py --quality [--seeds 5]   # benchmark scores, mean and sd
    python benchmarks/bench_negative_sampling.py --cpu [--repeats 3]     # CPU seconds of each run
    (either with --window C to change both models' window, 5 by default; --quality with
    --negatives shared scores ours with shared negatives, 2 workers; --loss-every K computes ours's
    loss on every K-th batch only, as gensim computes none by default; the weights are the same)

Settings, the same for both (word2vec's and gensim's CBOW defaults): window 5, 5
negatives, sample 1e-3, 100 dimensions, min_count 5, 5 epochs, learning rate
0.025 falling linearly to 0.0001, on Shakespeare (``tokenize_shakespeare()``).

Speed: each round trains ours with per-window negatives and with negatives shared by groups of
64 windows (``negatives="shared"``), each with ``workers=1`` and ``workers=2`` as threads and as
forked processes (the same batches and draws every way), and gensim with
``workers=1`` and ``workers=2``, one after the other (interleaved, so that a slow
moment of the machine hits them all); words/s is corpus words times epochs over the wall time
of the whole call (vocabulary included, for both), and the best of the rounds is
kept. gensim gets the tokens as sentences of 10,000 words, its largest.

Quality: for each seed, both models are trained and scored on the same items:
only words in both vocabularies are kept (the WordSim-353 / SimLex-999 pairs and
Google analogy questions then cover the same words, and analogies search the same
candidates). Our trainer runs in its default configuration (``kernel="auto"``).
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import time
import unittest.mock

import numpy as np
from gensim.models import Word2Vec
from quality_spread import BENCHMARKS, summarise  # the same scores, printed the same way

from cbow_helpers import (
    evaluate_all,
    nearest_neighbors,
    negative_sampling_trainer,
    tokenize_shakespeare,
    train_negative_sampling,
)

SETTINGS = dict(N=100, C=5, negative=5, sample=1e-3, min_count=5, epochs=5)
OURS = dict(loss_every=1)  # set by --loss-every


def ours(tokens, seed: int = 1, **options):
    return train_negative_sampling(
        tokens, **SETTINGS, seed=seed, progress=False, **{**OURS, **options}
    )


def ours_on(parallel: str, tokens, **options):
    """``ours``, its workers forked processes (the trainer's choice on Linux) or threads (its
    choice where fork is not available, forced here by hiding fork from it)."""
    if parallel == "processes":
        return ours(tokens, **options)
    with unittest.mock.patch.object(negative_sampling_trainer, "FORK_AVAILABLE", False):
        return ours(tokens, **options)


def gensim_cbow(tokens, seed: int = 1, workers: int = 1):
    s = SETTINGS
    sentences = [tokens[i : i + 10_000] for i in range(0, len(tokens), 10_000)]
    return Word2Vec(
        sentences,
        vector_size=s["N"],
        window=s["C"],
        negative=s["negative"],
        sample=s["sample"],
        min_count=s["min_count"],
        epochs=s["epochs"],
        sg=0,
        hs=0,
        cbow_mean=1,
        alpha=0.025,
        min_alpha=0.0001,
        workers=workers,
        seed=seed,
    ).wv


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time (user + system) of this process's threads and of its ended, waited-for children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_cpu(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``fn()``."""
    cpu = cpu_seconds()
    wall = timed(fn)
    return wall, cpu_seconds() - cpu


def load() -> str:
    """The machine's load average (1, 5, 15 minutes), as ``uptime`` prints it."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def speed_runs(tokens) -> dict:
    """Every model of the speed rounds, by name: ours per-window and shared, on 1 worker and on 2
    as threads and as processes; gensim on 1 and 2 workers."""
    runs = {}
    for kind, negatives in (("ours", "per-window"), ("ours shared", "shared")):
        for workers, parallel in ((1, "auto"), (2, "threads"), (2, "processes")):
            name = f"{kind} workers={workers}" + (f" {parallel}" if workers > 1 else "")
            runs[name] = functools.partial(
                ours_on, parallel, tokens, workers=workers, negatives=negatives
            )
    runs["gensim workers=1"] = lambda: gensim_cbow(tokens, workers=1)
    runs["gensim workers=2"] = lambda: gensim_cbow(tokens, workers=2)
    return runs


def speed(tokens, repeats: int) -> None:
    runs = speed_runs(tokens)
    seconds = {name: [] for name in runs}
    print(f"start: {load()}; ours with loss_every={OURS['loss_every']}", flush=True)
    for round_ in range(1, repeats + 1):
        for name, run in runs.items():
            seconds[name].append(timed(run))
        print(
            f"round {round_}: " + ", ".join(f"{name} {s[-1]:.2f} s" for name, s in seconds.items()),
            flush=True,
        )
    print(f"end: {load()}")
    words = len(tokens) * SETTINGS["epochs"]
    print(
        f"\n{len(tokens):,} tokens x {SETTINGS['epochs']} epochs; words/s, best and median of "
        f"{repeats} rounds (whole call, vocabulary included)"
    )
    for kind, pick in (("best", min), ("median", statistics.median)):
        rate = {name: words / pick(s) for name, s in seconds.items()}
        print(f"{kind}:")
        for name, r in rate.items():
            print(f"  {name:<32} {r:>10,.0f} words/s")
        gensim_best = max(rate["gensim workers=1"], rate["gensim workers=2"])
        for mine in ("ours workers", "ours shared workers"):
            for parallel in ("threads", "processes"):
                two_over_one = rate[f"{mine}=2 {parallel}"] / rate[f"{mine}=1"]
                print(f"  {mine}=2 {parallel} / {mine}=1: {two_over_one:.2f}x")
        for mine in [name for name in runs if name.startswith("ours")]:
            print(f"  {mine} / gensim's faster: {rate[mine] / gensim_best:.2f}x")


def cpu(tokens, repeats: int) -> None:
    """The CPU time of each speed run (all its threads and processes), which a busy machine
    changes far less than the wall time: what a run costs, whatever the cores free for it."""
    runs, spent = speed_runs(tokens), {}
    print(f"start: {load()}; ours with loss_every={OURS['loss_every']}", flush=True)
    for round_ in range(1, repeats + 1):
        for name, run in runs.items():
            spent.setdefault(name, []).append(timed_cpu(run))
        print(f"round {round_}: " + ", ".join(
            f"{name} {wall:.2f} s wall {cpu:.2f} s CPU" for name, ((wall, cpu), *_) in
            ((n, s[-1:]) for n, s in spent.items())), flush=True)  # fmt: skip
    print(f"end: {load()}\nCPU seconds of the whole call, least of {repeats} rounds:")
    for name, pairs in spent.items():
        print(f"  {name:<32} {min(c for _, c in pairs):6.2f} s")


def common_vectors(vectors, shared: list[str]):
    """(words, matrix) restricted to ``shared``, in that order."""
    if hasattr(vectors, "index_to_key"):
        return shared, np.stack([vectors[w] for w in shared])
    index = vectors.word2Ind
    return shared, vectors.embeddings[[index[w] for w in shared]]


def scores_of(vectors) -> dict:
    scores = evaluate_all(vectors)
    row = {name: scores[name][key] for name, key in BENCHMARKS}
    row["items"] = tuple(
        scores[name]["pairs" if key == "spearman" else "answered"] for name, key in BENCHMARKS
    )
    row["queen in king's top 10"] = any(
        w == "queen" for w, _ in nearest_neighbors("king", vectors, k=10)
    )
    return row


def quality(tokens, seeds: int, negatives: str = "per-window") -> None:
    rows = {"ours": [], "gensim": []}
    options = dict(negatives="shared", workers=2) if negatives == "shared" else {}
    for seed in range(1, seeds + 1):
        start = time.perf_counter()
        a, b = ours(tokens, seed, **options), gensim_cbow(tokens, seed)
        shared = [w for w in a.words if w in b.key_to_index]
        for name, model in (("ours", a), ("gensim", b)):
            rows[name].append(scores_of(common_vectors(model, shared)))
        items = rows["ours"][-1]["items"]
        print(
            f"seed {seed}: {time.perf_counter() - start:.0f} s; {len(shared):,} shared words "
            f"(ours {len(a.words):,}, gensim {len(b.key_to_index):,}); items: {items[0]} WordSim pairs, "
            f"{items[1]} SimLex pairs, {items[2]} analogy questions",
            flush=True,
        )
        assert rows["gensim"][-1]["items"] == items
    summarise(f"ours: train_negative_sampling, {negatives} negatives", rows["ours"])
    summarise("gensim Word2Vec CBOW, workers=1", rows["gensim"])
    print()
    for name, _ in BENCHMARKS:
        o = [r[name] for r in rows["ours"]]
        g = [r[name] for r in rows["gensim"]]
        sd = statistics.stdev(g) if len(g) > 1 else float("nan")
        gap = statistics.mean(o) - statistics.mean(g)
        verdict = (
            "better"
            if gap > 0
            else ("within one sd" if -gap <= sd else "worse by more than one sd")
        )
        print(f"  {name:<17} ours - gensim = {gap:+.3f} (gensim's sd {sd:.3f}): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quality", action="store_true", help="benchmark scores over seeds instead of speed"
    )
    parser.add_argument("--repeats", type=int, default=3, help="speed rounds (the best is kept)")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU seconds of each speed run instead of words/s"
    )
    parser.add_argument(
        "--seeds", type=int, default=5, help="quality runs per model (seeds 1..SEEDS)"
    )
    parser.add_argument(
        "--window", type=int, default=5, help="C, the window half-size, for both (default: 5)"
    )
    parser.add_argument(
        "--negatives",
        choices=("per-window", "shared"),
        default="per-window",
        help="--quality: ours with per-window (default) or shared negatives",
    )
    parser.add_argument(
        "--loss-every", type=int, default=1, help="ours's loss on every K-th batch (default: 1)"
    )
    args = parser.parse_args()
    if min(args.repeats, args.seeds, args.window, args.loss_every) < 1:
        parser.error(
            "--repeats, --seeds, --window and --loss-every must be at least 1, got "
            f"{args.repeats}, {args.seeds}, {args.window}, {args.loss_every}"
        )
    SETTINGS["C"] = args.window
    OURS["loss_every"] = args.loss_every
    tokens = list(tokenize_shakespeare())
    if args.quality:
        quality(tokens, args.seeds, args.negatives)
    elif args.cpu:
        cpu(tokens, args.repeats)
    else:
        speed(tokens, args.repeats)


if __name__ == "__main__":
    main()
