"""Which settings of ``python -m cbow_helpers train`` give the best Shakespeare embeddings? A sweep.

    python benchmarks/sweep_defaults.py --seeds 5 --config "C=3,epochs=20" --config "C=2,epochs=20"
    python benchmarks/sweep_defaults.py --seeds 5 --grid          # the grid below (about 2 hours)
    python benchmarks/sweep_defaults.py --seeds 5 --gensim "window=2,epochs=20"   # a gensim row
    (add --jsonl FILE to append every run to FILE as it ends, --table FILE to summarise such a file)

Each ``--config`` trains ``train_negative_sampling`` (the model ``train`` trains) with the command
line's defaults changed by ``name=value`` pairs (any argument of ``train_negative_sampling``), once
per seed, and scores it on the same items as ``benchmarks/bench_negative_sampling.py --quality``:
the WordSim-353 pairs and Google analogy questions whose words are all in gensim's vocabulary
(``min_count=5`` on the same tokens; a configuration with a larger ``min_count`` is refused), so
every row, ours or gensim's, is scored on the same items. A row prints the mean and standard
deviation over the seeds, how many seeds put queen among king's 10 nearest neighbours, and the
mean training time (the machine may be shared: time is a rough guide; the speed benchmarks
interleave their runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time

from bench_negative_sampling import common_vectors, scores_of  # the same items and scores

from cbow_helpers import corpus_ids, tokenize_shakespeare, train_negative_sampling
from cbow_helpers.cli import DEFAULT_OBJECTIVE, OBJECTIVES

GENSIM_MIN_COUNT = 5  # the vocabulary every model is scored on (gensim's default)

# One change at a time around window 3, 20 epochs (the best of ours), then pairs.
GRID = [
    "C=3,epochs=5",
    "C=2,epochs=20",
    "C=3,epochs=20",
    "C=4,epochs=20",
    "C=3,epochs=30",
    "C=3,epochs=20,learning_rate=0.05",
    "C=3,epochs=20,learning_rate=0.0125",
    "C=3,epochs=20,negative=10",
    "C=3,epochs=20,negative=15",
    "C=3,epochs=20,sample=0.0001",
    "C=3,epochs=20,sample=0.01",
    "C=3,epochs=20,N=50",
    "C=3,epochs=20,N=200",
    "C=3,epochs=20,batch_size=256",
    "C=3,epochs=20,min_count=3",
]


def parse_changes(text: str) -> dict:
    """``"C=3,epochs=20"`` -> ``{"C": 3, "epochs": 20}`` (numbers as int or float, else str)."""
    changes = {}
    for part in filter(None, text.split(",")):
        name, sep, value = part.partition("=")
        if not sep:
            raise SystemExit(f"expected name=value, got {part!r} in {text!r}")
        for kind in (int, float):
            try:
                changes[name.strip()] = kind(value)
                break
            except ValueError:
                continue
        else:
            changes[name.strip()] = value.strip()
    return changes


def cli_settings(changes: dict) -> dict:
    """The command line's negative-sampling config with ``changes``, as keyword arguments."""
    config = dataclasses.asdict(OBJECTIVES[DEFAULT_OBJECTIVE])
    unknown = set(changes) - set(config)
    if unknown:
        raise SystemExit(f"unknown setting(s) {sorted(unknown)}; known: {sorted(config)}")
    if changes.get("min_count", 1) > GENSIM_MIN_COUNT:
        raise SystemExit(f"min_count above {GENSIM_MIN_COUNT} would leave out scored words")
    return {**config, **changes}


def run_ours(tokens, shared, changes: dict, seed: int) -> dict:
    settings = {**cli_settings(changes), "seed": seed}
    start = time.perf_counter()
    result = train_negative_sampling(tokens, **settings, progress=False)
    seconds = time.perf_counter() - start
    return dict(scores_of(common_vectors(result, shared)), seconds=seconds)


def run_gensim(tokens, shared, changes: dict, seed: int) -> dict:
    from gensim.models import Word2Vec

    sentences = [tokens[i : i + 10_000] for i in range(0, len(tokens), 10_000)]
    settings = dict(vector_size=100, window=5, sg=0, min_count=5, workers=2, epochs=5)
    start = time.perf_counter()
    wv = Word2Vec(sentences, **{**settings, **changes}, seed=seed).wv
    seconds = time.perf_counter() - start
    return dict(scores_of(common_vectors(wv, shared)), seconds=seconds)


def summary(rows: list[dict]) -> dict:
    def stats(key):
        values = [r[key] for r in rows]
        sd = statistics.stdev(values) if len(values) > 1 else float("nan")
        return statistics.mean(values), sd

    return {
        "WordSim-353": stats("WordSim-353"),
        "Google analogies": stats("Google analogies"),
        "queen": sum(r["queen"] for r in rows),
        "seeds": len(rows),
        "seconds": statistics.mean(r["seconds"] for r in rows),
    }


def print_table(results: dict) -> None:
    print(
        "\n| model | settings | WordSim-353 mean (sd) | analogies mean (sd) | queen in king's top 10 "
        "| training s |"
    )
    print("|---|---|---|---|---|---|")
    for (model, label), rows in results.items():
        s = summary(rows)
        (ws, ws_sd), (an, an_sd) = s["WordSim-353"], s["Google analogies"]
        print(
            f"| {model} | {label} | {ws:.3f} ({ws_sd:.3f}) | {an:.3f} ({an_sd:.3f}) "
            f"| {s['queen']}/{s['seeds']} | {s['seconds']:.1f} |"
        )


def read_jsonl(path: str) -> dict:
    results = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            row = json.loads(line)
            results.setdefault((row["model"], row["settings"]), []).append(row)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..SEEDS per configuration")
    parser.add_argument("--first-seed", type=int, default=1, help="seeds FIRST..FIRST+SEEDS-1")
    parser.add_argument("--config", action="append", default=[], help="ours: name=value,...")
    parser.add_argument("--gensim", action="append", default=[], help="gensim: name=value,...")
    parser.add_argument("--grid", action="store_true", help="add the built-in grid of ours")
    parser.add_argument("--jsonl", help="append every run to this file")
    parser.add_argument("--table", help="only print the table of a --jsonl file")
    args = parser.parse_args()
    if args.table:
        print_table(read_jsonl(args.table))
        return
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    runs = [("ours", c) for c in args.config + (GRID if args.grid else [])]
    runs += [("gensim", c) for c in args.gensim]
    if not runs:
        parser.error("nothing to run: give --config, --gensim or --grid")
    for model, label in runs:  # refuse a bad setting before hours of training
        if model == "ours":
            cli_settings(parse_changes(label))
    tokens = list(tokenize_shakespeare())
    shared = list(corpus_ids(tokens, GENSIM_MIN_COUNT)[0])
    results = {}
    for model, label in runs:
        run = run_ours if model == "ours" else run_gensim
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            row = dict(run(tokens, shared, parse_changes(label), seed), model=model, seed=seed)
            row["settings"] = label
            results.setdefault((model, label), []).append(row)
            print(
                f"{model} {label} seed {seed}: WordSim {row['WordSim-353']:.3f}, analogies "
                f"{row['Google analogies']:.3f}, queen {row['queen']}, {row['seconds']:.1f} s",
                flush=True,
            )
            if args.jsonl:
                with open(args.jsonl, "a", encoding="utf-8") as file:
                    file.write(json.dumps({k: v for k, v in row.items() if k != "items"}) + "\n")
    print_table(results)


if __name__ == "__main__":
    main()
