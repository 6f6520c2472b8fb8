"""How much do the benchmark scores move from one training run to the next?

    python benchmarks/quality_spread.py [--seeds 5] [--dim 100] [--epochs 1]

SGD at the default learning rate is chaotic: a different seed (or a change in the
last bits of a float32 sum) gives different neighbours and a different score on the
few dozen WordSim-353 pairs that a 3,000-word Shakespeare vocabulary covers (notebook 08
prints how many). This script
trains our CBOW (the command line's defaults) and gensim's Word2Vec CBOW on the same
tokens with several seeds and prints every score, then the mean and standard
deviation of each, so that two models are compared by their spread, not by one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from gensim.models import Word2Vec

from cbow_helpers import evaluate_all, nearest_neighbors, tokenize_shakespeare, train_cbow

BENCHMARKS = (
    ("WordSim-353", "spearman"),
    ("SimLex-999", "spearman"),
    ("Google analogies", "accuracy"),
)


def scores_of(vectors) -> dict:
    scores = evaluate_all(vectors)
    row = {name: scores[name][key] for name, key in BENCHMARKS}
    row["queen in king's top 10"] = any(
        w == "queen" for w, _ in nearest_neighbors("king", vectors, k=10)
    )
    return row


def our_cbow(tokens, seed: int, dim: int, epochs: int):
    return train_cbow(tokens, N=dim, epochs=epochs, seed=seed, progress=False)


def gensim_cbow(tokens, seed: int, dim: int, vocab_size: int):
    sentences = [tokens[i : i + 1000] for i in range(0, len(tokens), 1000)]
    model = Word2Vec(
        sentences,
        vector_size=dim,
        window=2,
        sg=0,
        min_count=1,
        max_final_vocab=vocab_size,
        workers=1,
        epochs=5,
        seed=seed,
    )
    return model.wv


def summarise(label: str, rows: list[dict]) -> None:
    print(f"\n{label}")
    for name, _ in BENCHMARKS:
        values = [r[name] for r in rows]
        spread = statistics.stdev(values) if len(values) > 1 else float("nan")
        print(
            f"  {name:<17} mean {statistics.mean(values):6.3f}  sd {spread:5.3f}  "
            f"(runs: {', '.join(f'{v:.3f}' for v in values)})"
        )
    hits = sum(r["queen in king's top 10"] for r in rows)
    print(f"  queen among king's 10 nearest neighbours in {hits} of {len(rows)} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per model (seeds 1..SEEDS)")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument(
        "--epochs", type=int, default=1, help="epochs of our trainer (gensim runs 5)"
    )
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    tokens = list(tokenize_shakespeare())
    rows_ours, rows_gensim = [], []
    for seed in range(1, args.seeds + 1):
        start = time.perf_counter()
        result = our_cbow(tokens, seed, args.dim, args.epochs)
        rows_ours.append(scores_of(result))
        middle = time.perf_counter()
        rows_gensim.append(scores_of(gensim_cbow(tokens, seed, args.dim, result.config["V"])))
        print(
            f"seed {seed}: ours {middle - start:.0f} s, gensim {time.perf_counter() - middle:.0f} s (training and scoring)"
        )
    summarise(
        f"our CBOW (N={args.dim}, {args.epochs} epoch(s), the command line's other defaults)",
        rows_ours,
    )
    summarise(f"gensim Word2Vec CBOW (N={args.dim}, window 2, 5 epochs, 1 worker)", rows_gensim)


if __name__ == "__main__":
    main()
