"""Which settings of ``python -m cbow_helpers train`` give the best Shakespeare embeddings? A sweep.

    python benchmarks/sweep_defaults.py --seeds 5 --config "C=3,epochs=20" --config "C=2,epochs=20"
    python benchmarks/sweep_defaults.py --seeds 5 --grid          # the grid below (about 2 hours)
    python benchmarks/sweep_defaults.py --seeds 5 --gensim "window=2,epochs=20"   # a gensim row
    (add --jsonl FILE to append every run to FILE as it ends, --table FILE... to summarise such files)
    python benchmarks/sweep_defaults.py --table benchmarks/sweep_defaults.jsonl \
        --plot docs/sweep_defaults.png --targets 0.349 0.097    # docs/benchmarks_negative_sampling.md

Each ``--config`` trains ``train_negative_sampling`` (the model ``train`` trains) with ``BASE``
(the command line's defaults before this sweep: gensim's, with a window of 3) changed by
``name=value`` pairs (any argument of ``train_negative_sampling``), once per seed, so a label means
the same settings whatever the command's defaults are today (``--config default`` trains those),
and scores it on the same items as ``benchmarks/bench_negative_sampling.py --quality``:
the WordSim-353 pairs and Google analogy questions whose words are all in gensim's vocabulary
(``min_count=5`` on the same tokens; a configuration with a larger ``min_count`` is refused), so
every row, ours or gensim's, is scored on the same items. A row prints the mean and standard
deviation over the seeds, how many seeds put queen among king's 10 nearest neighbours (and its
rank in each), and the mean training time (the machine may be shared: time is a rough guide; the speed benchmarks
interleave their runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

from bench_negative_sampling import common_vectors, scores_of  # the same items and scores

from cbow_helpers import (
    corpus_ids,
    nearest_neighbors,
    read_sweep,
    tokenize_shakespeare,
    train_negative_sampling,
)
from cbow_helpers import sweep_summary as summary
from cbow_helpers.cli import DEFAULT_OBJECTIVE, OBJECTIVES
from cbow_helpers.negative_sampling_trainer import NegativeSamplingConfig

GENSIM_MIN_COUNT = 5  # the vocabulary every model is scored on (gensim's default)
BASE = dataclasses.asdict(NegativeSamplingConfig(C=3))  # what every label changes

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
    if text.strip() == "default":
        return {"default": True}
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
    """``BASE`` with ``changes`` (``{"default": ...}``: the command's defaults), as keyword arguments."""
    if "default" in changes:
        return dataclasses.asdict(OBJECTIVES[DEFAULT_OBJECTIVE])
    config = BASE
    unknown = set(changes) - set(config)
    if unknown:
        raise SystemExit(f"unknown setting(s) {sorted(unknown)}; known: {sorted(config)}")
    if changes.get("min_count", 1) > GENSIM_MIN_COUNT:
        raise SystemExit(f"min_count above {GENSIM_MIN_COUNT} would leave out scored words")
    return {**config, **changes}


def scored(vectors, seconds: float) -> dict:
    """The same-item scores, queen's rank among king's neighbours (1 = nearest) and the time."""
    words, matrix = vectors
    neighbours = [w for w, _ in nearest_neighbors("king", (words, matrix), k=len(words) - 1)]
    row = scores_of(vectors)
    del row["queen in king's top 10"]  # the rows of sweep_defaults.jsonl say "queen"
    rank = neighbours.index("queen") + 1
    return dict(row, queen=rank <= 10, queen_rank=rank, seconds=seconds)


def run_ours(tokens, shared, changes: dict, seed: int) -> dict:
    settings = {**cli_settings(changes), "seed": seed}
    start = time.perf_counter()
    result = train_negative_sampling(tokens, **settings, progress=False)
    seconds = time.perf_counter() - start
    return dict(scored(common_vectors(result, shared), seconds), config=settings)


def run_gensim(tokens, shared, changes: dict, seed: int) -> dict:
    from gensim.models import Word2Vec

    sentences = [tokens[i : i + 10_000] for i in range(0, len(tokens), 10_000)]
    settings = dict(vector_size=100, window=5, sg=0, min_count=5, workers=2, epochs=5)
    start = time.perf_counter()
    wv = Word2Vec(sentences, **{**settings, **changes}, seed=seed).wv
    seconds = time.perf_counter() - start
    return dict(scored(common_vectors(wv, shared), seconds), config={**settings, **changes})


def print_table(results: dict) -> None:
    print(
        "\n| model | settings | WordSim-353 mean (sd) | analogies mean (sd) | queen in king's top 10 "
        "(ranks) | training s |"
    )
    print("|---|---|---|---|---|---|")
    for (model, label), rows in results.items():
        s = summary(rows)
        (ws, ws_sd), (an, an_sd) = s["WordSim-353"], s["Google analogies"]
        ws_sd, an_sd = (f" ({sd:.3f})" if s["seeds"] > 1 else "" for sd in (ws_sd, an_sd))
        print(
            f"| {model} | {label} | {ws:.3f}{ws_sd} | {an:.3f}{an_sd} "
            f"| {s['queen']}/{s['seeds']} ({s['ranks']}) | {s['seconds']:.1f} |"
        )


SHORT = [("negatives=shared", "shared"), ("epochs=", "E="), ("negative=", "K="),
         ("learning_rate=", "lr="), ("sample=", "s="), ("window=", "C=")]  # fmt: skip


def short_label(model: str, label: str) -> str:
    """``"ours", "C=3,epochs=20,negative=10"`` -> ``"ours C=3,E=20,K=10"`` (the plot's labels)."""
    for long, short in SHORT:
        label = label.replace(long, short)
    return f"{model} {label}"


def is_default(rows: list[dict]) -> bool:
    """Whether these runs trained the command's defaults today (any seed; a noted row is not)."""
    today = dict(cli_settings({"default": True}), seed=None)
    return all("note" not in r and dict(r.get("config", {}), seed=None) == today for r in rows)


def plot_sweep(results: dict, path: str, targets=None) -> None:
    """WordSim-353 against analogies, one point per setting (mean, bars one sd), coloured by time.

    ``targets``: (WordSim, analogies) drawn as dashed lines, e.g. gensim's best means.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 7.5), dpi=100)
    rows_of = results
    rows = [(key, summary(rows)) for key, rows in results.items()]
    seconds = [s["seconds"] for _, s in rows]
    norm = matplotlib.colors.Normalize(min(seconds), max(seconds))
    for (model, label), s in rows:
        (ws, ws_sd), (an, an_sd) = s["WordSim-353"], s["Google analogies"]
        colour = plt.cm.viridis(norm(s["seconds"]))
        marker = "s" if model == "gensim" else "o"
        ax.errorbar(ws, an, xerr=ws_sd, yerr=an_sd, fmt=marker, color=colour, capsize=2, ms=6)
        text = f"{short_label(model, label)} (queen {s['queen']}/{s['seeds']})"
        if is_default(rows_of[(model, label)]):
            ax.plot(ws, an, "o", ms=14, mfc="none", mec="red", mew=1.5)
            ax.annotate(f"the default: {text}", (ws, an), xytext=(-425, 6), fontsize=9,
                        textcoords="offset points", color="red", arrowprops={"arrowstyle": "-"})  # fmt: skip
            continue
        ax.annotate(text, (ws, an), xytext=(4, 3), textcoords="offset points", fontsize=7)
    ax.margins(x=0.3, y=0.05)  # room for the labels on the right
    if targets:
        ax.axvline(targets[0], ls="--", lw=0.8, color="grey")
        ax.axhline(targets[1], ls="--", lw=0.8, color="grey")
    mappable = plt.cm.ScalarMappable(norm=norm, cmap="viridis")
    fig.colorbar(mappable, ax=ax, label="mean training seconds (a shared, busy machine)")
    ax.set_xlabel("WordSim-353 Spearman, mean over seeds (bars: one sd)")
    ax.set_ylabel("Google analogies accuracy, mean over seeds (bars: one sd)")
    ax.set_title(
        "Shakespeare, same items: o ours, s gensim; E epochs, K negatives; dashed: gensim's best"
    )
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..SEEDS per configuration")
    parser.add_argument("--first-seed", type=int, default=1, help="seeds FIRST..FIRST+SEEDS-1")
    parser.add_argument("--config", action="append", default=[], help="ours: name=value,...")
    parser.add_argument("--gensim", action="append", default=[], help="gensim: name=value,...")
    parser.add_argument("--grid", action="store_true", help="add the built-in grid of ours")
    parser.add_argument("--jsonl", help="append every run to this file")
    parser.add_argument("--table", nargs="+", help="only print the table of --jsonl files")
    parser.add_argument("--plot", help="with --table: draw the sweep into this image file")
    parser.add_argument(
        "--targets", type=float, nargs=2, metavar=("WORDSIM", "ANALOGIES"), help="dashed lines"
    )
    args = parser.parse_args()
    if args.table:
        results = read_sweep(args.table)
        print_table(results)
        if args.plot:
            plot_sweep(results, args.plot, args.targets)
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
                f"{row['Google analogies']:.3f}, queen {row['queen']} (rank {row['queen_rank']}), "
                f"{row['seconds']:.1f} s",
                flush=True,
            )
            if args.jsonl:
                with open(args.jsonl, "a", encoding="utf-8") as file:
                    file.write(json.dumps({k: v for k, v in row.items() if k != "items"}) + "\n")
    print_table(results)


if __name__ == "__main__":
    main()
