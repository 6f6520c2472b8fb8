"""How much do the benchmark scores move from one training run to the next?

    python benchmarks/quality_spread.py [--seeds 5] [--save benchmarks/results/quality_spread.json]

SGD is chaotic: a different seed (or a change in the last bits of a float32 sum) gives different
neighbours and a different score on the few dozen WordSim-353 pairs that a 3,000-word
Shakespeare vocabulary covers (notebook 08 prints how many). This script trains the course's
reference recipe (``train_cbow`` with ``REFERENCE_CONFIG``, the seed changed) and gensim's
Word2Vec CBOW on the same tokens with the settings notebook 08 gives it (the same N, window and
vocabulary cap, 5 epochs, one worker), with seeds 1..SEEDS. Both are scored on the same items
(the words both vocabularies share, ``on_shared_words``). It prints every score, then the mean
and standard deviation of each, so that two models are compared by their spread, not by one run.

``--save`` writes the scores as JSON (atomically); notebook 08 reads that file to show our
model's spread, which it cannot train in a test's time (one run of the recipe takes minutes).
Seed 1 is the shipped reference model's recipe, so the file also records whether this run
reproduced the shipped model exactly. About 3 minutes per seed on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
from gensim.models import Word2Vec

from cbow_helpers import (
    REFERENCE_CONFIG,
    analogy_kinds,
    evaluate_all,
    load_reference_model,
    nearest_neighbors,
    on_shared_words,
    tokenize_shakespeare,
    train_cbow,
)
from cbow_helpers.engine.files import atomic_path

BENCHMARKS = (
    ("WordSim-353", "spearman"),
    ("SimLex-999", "spearman"),
    ("Google analogies", "accuracy"),
)
KINDS = ("semantic", "syntactic")


def scores_of(vectors) -> dict:
    scores = evaluate_all(vectors)
    row = {name: scores[name][key] for name, key in BENCHMARKS}
    for kind, counts in analogy_kinds(scores).items():
        row[f"{kind} analogies"] = counts["accuracy"]
    row["items"] = {
        "WordSim-353": scores["WordSim-353"]["pairs"],
        "SimLex-999": scores["SimLex-999"]["pairs"],
        "Google analogies": scores["Google analogies"]["answered"],
    }
    row["queen in king's top 10"] = any(
        w == "queen" for w, _ in nearest_neighbors("king", vectors, k=10)
    )
    return row


def gensim_cbow(tokens, seed: int, N: int, C: int, vocab_size: int, epochs: int = 5):
    """gensim's CBOW with notebook 08's settings."""
    sentences = [tokens[i : i + 1000] for i in range(0, len(tokens), 1000)]
    model = Word2Vec(
        sentences,
        vector_size=N,
        window=C,
        sg=0,
        min_count=1,
        max_final_vocab=vocab_size,
        workers=1,
        epochs=epochs,
        seed=seed,
    )
    return model.wv


def summarise(label: str, rows: list[dict]) -> None:
    print(f"\n{label}")
    names = [name for name, _ in BENCHMARKS] + [f"{kind} analogies" for kind in KINDS]
    for name in (n for n in names if n in rows[0]):  # bench_negative_sampling's rows lack the kinds
        values = [r[name] for r in rows]
        spread = statistics.stdev(values) if len(values) > 1 else float("nan")
        print(
            f"  {name:<20} mean {statistics.mean(values):6.3f}  sd {spread:5.3f}  "
            f"(runs: {', '.join(f'{v:.3f}' for v in values)})"
        )
    hits = sum(r["queen in king's top 10"] for r in rows)
    print(f"  queen among king's 10 nearest neighbours in {hits} of {len(rows)} runs")


def run(seeds: int) -> dict:
    tokens = list(tokenize_shakespeare())
    config = dict(REFERENCE_CONFIG)
    rows_ours, rows_gensim, reproduced = [], [], None
    for seed in range(1, seeds + 1):
        start = time.perf_counter()
        result = train_cbow(tokens, progress=False, **{**config, "seed": seed})
        middle = time.perf_counter()
        theirs = gensim_cbow(tokens, seed, config["N"], config["C"], config["vocab_size"])
        ours_shared, theirs_shared = on_shared_words(result, theirs)
        rows_ours.append({"seed": seed, **scores_of(ours_shared)})
        rows_gensim.append({"seed": seed, **scores_of(theirs_shared)})
        if seed == config["seed"]:
            reproduced = bool(np.array_equal(result.W1, load_reference_model().W1))
        print(
            f"seed {seed}: ours {middle - start:.0f} s, gensim {time.perf_counter() - middle:.0f} s; "
            f"{len(ours_shared[0]):,} shared words"
        )
    return {
        "reference_config": config,
        "gensim": {"epochs": 5, "workers": 1, "sentence_length": 1000},
        "seed_reproduces_shipped_reference": reproduced,
        "ours": rows_ours,
        "gensim_runs": rows_gensim,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per model (seeds 1..SEEDS)")
    parser.add_argument("--save", metavar="PATH.json", help="write every run's scores there")
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    results = run(args.seeds)
    print(
        f"\nseed 1 reproduced the shipped reference model: {results['seed_reproduces_shipped_reference']}"
    )
    summarise("our CBOW (REFERENCE_CONFIG, the seed changed)", results["ours"])
    summarise(
        "gensim Word2Vec CBOW (notebook 08's settings, 5 epochs, 1 worker)", results["gensim_runs"]
    )
    if args.save:
        with atomic_path(args.save, suffix=".json") as tmp, open(tmp, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote {args.save}")


if __name__ == "__main__":
    main()
