"""Does training scale linearly on one machine? Words/s and peak memory on 1x, 4x and 16x Shakespeare.

    python benchmarks/bench_scale.py [--scales 1 4 16] [--epochs 1]

The corpus is Shakespeare repeated (fine for time and memory, not for quality), held compactly:
its word ids once, as an int32 array (4 bytes a token; 16 Shakespeares take 63 MB, where a list of
str would take 8 bytes a token for the references alone). Ours trains on the ids directly
(``train_on_ids``, with shared negatives on 1 and 2 workers, and with per-window negatives on 1
worker; each batch builds its windows from the epoch's kept tokens); gensim streams its sentences of 10,000 words from the same
ids, decoded one sentence at a time (``workers=2``). Each run is a fresh process (so that its peak
resident memory is its own), and the runs of one scale follow each other (interleaved, so a slow
moment of the shared machine hits all of them). Words/s is corpus words times epochs over the
training time; "peak MB" is the process's peak resident memory, "before training" what it held
with the ids loaded (Python, numpy, scipy, gensim and the corpus), so the difference is what
training itself added. Linear scaling: words/s stays flat as the corpus grows, and the memory
training adds grows at most in proportion to the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from cbow_helpers import corpus_ids, tokenize_shakespeare
from cbow_helpers.negative_sampling_trainer import NegativeSamplingConfig, train_on_ids

SETTINGS = dict(N=100, C=5, negative=5, sample=1e-3, min_count=5)
MODELS = (
    "ours shared workers=1",
    "ours shared workers=2",
    "ours per-window workers=1",
    "gensim workers=2",
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


class Sentences:
    """gensim's corpus: sentences of 10,000 words decoded from the ids on the fly, every epoch."""

    def __init__(self, ids: np.ndarray, words: list[str]):
        self.ids, self.words = ids, words

    def __iter__(self):
        for i in range(0, len(self.ids), 10_000):
            yield [self.words[k] for k in self.ids[i : i + 10_000]]


def one_run(model: str, scale: int, epochs: int) -> dict:
    """Train ``model`` on ``scale`` Shakespeares in this process; its words/s and memory."""
    _, Ind2word, ids = corpus_ids(tokenize_shakespeare(), SETTINGS["min_count"])
    ids = np.tile(ids, scale)  # int32, 4 bytes a token
    words = [Ind2word[k] for k in range(len(Ind2word))]
    before = peak_mb()
    start = time.perf_counter()
    if model.startswith("ours"):
        negatives = "shared" if "shared" in model else "per-window"
        workers = 2 if "workers=2" in model else 1
        config = NegativeSamplingConfig(
            **SETTINGS, epochs=epochs, negatives=negatives, workers=workers
        )
        train_on_ids(ids, Ind2word, config)
    else:
        from gensim.models import Word2Vec

        Word2Vec(
            Sentences(ids, words), vector_size=SETTINGS["N"], window=SETTINGS["C"], sg=0,
            negative=SETTINGS["negative"], sample=SETTINGS["sample"], min_count=1,
            epochs=epochs, workers=2, seed=1,
        )  # fmt: skip
    seconds = time.perf_counter() - start
    return dict(
        model=model,
        scale=scale,
        tokens=len(ids),
        words_per_s=len(ids) * epochs / seconds,
        before_mb=before,
        peak_mb=peak_mb(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--one", nargs=2, metavar=("MODEL", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one[0], int(args.one[1]), args.epochs)))
        return
    if min(args.scales) < 1 or args.epochs < 1:
        parser.error(f"scales and --epochs must be at least 1, got {args.scales}, {args.epochs}")
    print(f"start: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(
        "| model | corpus | tokens | words/s | peak MB | MB before training | MB added by training |"
    )
    print("|---|---|---|---|---|---|---|")
    for scale in args.scales:
        for model in MODELS:
            command = [sys.executable, __file__, "--one", model, str(scale)]
            out = subprocess.run(
                command + ["--epochs", str(args.epochs)], check=True, capture_output=True, text=True
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"| {model} | {scale}x | {r['tokens']:,} | {r['words_per_s']:,.0f} "
                f"| {r['peak_mb']:,.0f} | {r['before_mb']:,.0f} | {r['peak_mb'] - r['before_mb']:,.0f} |",
                flush=True,
            )
    print(f"end: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
