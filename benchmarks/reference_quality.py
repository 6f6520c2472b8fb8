"""Does a CBOW model on Shakespeare learn? Its loss against the unigram baseline, its hidden units, its neighbours.

    python benchmarks/reference_quality.py                 # the shipped reference model
    python benchmarks/reference_quality.py --sweep         # train the SWEEP recipes and compare them
    python benchmarks/reference_quality.py --train C=3 b1_start=none --save /tmp/c3.npz
    python benchmarks/reference_quality.py --load /tmp/c3.npz
    python benchmarks/reference_quality.py --record /tmp/old.npz /tmp/c3.npz ...   # notebook 06's record

``--train`` changes REFERENCE_CONFIG's settings (any field of ``CBOWConfig``; ``none`` for
``min_learning_rate`` gives a constant step, for ``b1_start`` a random start).

For each model it prints one row:

- the final loss (the mean of the last 100 steps' batch losses, in nats) and the unigram entropy
  of the centre words over the model's vocabulary (what a model that only knows word frequencies
  scores), and their difference;
- the hidden units' activity on every window of the corpus: the share that never fire (z1 > 0 on
  no window: "dead" ReLU units) and the share that fire on fewer than 1% of windows;
- the mean cosine of 2,000 random pairs of words, and the share of the variance held by the 5
  largest of the N principal directions of the embeddings;
- the 5 nearest neighbours of king, father, love, night, sword and eye;

and the last two again with the embeddings taken from W2's rows and from the mean of W1 and W2.
A run of five epochs at m = 64 takes 2 to 13 minutes on the shared 2-core machine (N = 50 to 100,
and how busy the machine is); --sweep about an hour.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from cbow_helpers import (
    CBOWConfig,
    context_windows,
    encode,
    load_model,
    load_reference_model,
    nearest_neighbors,
    save_model,
    tokenize_shakespeare,
    train_cbow,
)
from cbow_helpers.engine.files import atomic_path
from cbow_helpers.reference import (
    REFERENCE_CONFIG,
    firing_rates,
    recipe_runs_path,
    unigram_entropy,
)

SETTINGS = [field.name for field in dataclasses.fields(CBOWConfig) if field.name != "max_steps"]
RECIPES = "cbow_helpers/data/reference_recipes.json"
PROBES = ("king", "father", "love", "night", "sword", "eye")

# The recipes of the sweep (docs/benchmarks.md has its table): what differs from REFERENCE_CONFIG.
CONSTANT = dict(learning_rate=0.5, min_learning_rate=None)  # the previous reference recipe's step
SWEEP = (
    dict(**CONSTANT, b1_start=None),  # the previous reference model
    dict(**CONSTANT, b1_start=None, C=4),
    dict(b1_start=None),  # the falling step alone
    dict(**CONSTANT),  # b1 starting at 0.1 alone
    dict(),  # the reference model: both
    dict(C=3),
    dict(N=100, min_learning_rate=0.0001),
)


def measure(result, tokens, kind: str = "W1") -> dict:
    """The numbers of one row (see the module docstring); ``kind`` picks the embedding matrix."""
    _, center = context_windows(encode(tokens, result.word2Ind), result.config["C"])
    rates = firing_rates(result, tokens)
    E = result.embedding_matrix(kind)
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(E), size=(2, 2000))
    keep = i != j
    variances = np.linalg.svd(E - E.mean(axis=0), compute_uv=False) ** 2
    return dict(
        loss=float(result.losses[-100:].mean()),
        entropy=unigram_entropy(center, len(result.word2Ind)),
        dead=float((rates == 0).mean()),
        rare=float((rates < 0.01).mean()),
        random_cosine=float((unit[i[keep]] * unit[j[keep]]).sum(axis=1).mean()),
        top5_variance=float(variances[:5].sum() / variances.sum()),
        neighbours={w: nearest_neighbors(w, (result.words, E), k=5) for w in PROBES},
    )


def show(label: str, row: dict, seconds: float | None = None) -> None:
    took = "" if seconds is None else f"  ({seconds:.0f} s)"
    print(f"\n{label}{took}")
    print(
        f"  final loss {row['loss']:.3f}  unigram entropy {row['entropy']:.3f}  "
        f"(loss - entropy {row['loss'] - row['entropy']:+.3f} nats)"
    )
    print(
        f"  hidden units: {row['dead']:.0%} dead, {row['rare']:.0%} fire on < 1% of windows;  "
        f"random pairs' mean cosine {row['random_cosine']:.2f};  "
        f"5 largest directions hold {row['top5_variance']:.0%} of the variance"
    )
    for word, near in row["neighbours"].items():
        print(f"  {word:>7}: " + ", ".join(f"{w} ({s:.2f})" for w, s in near))


def train_and_show(tokens, changes: dict, save=None) -> dict:
    config = {**REFERENCE_CONFIG, **changes}
    start = time.perf_counter()
    result = train_cbow(tokens, progress=False, **config)
    seconds = time.perf_counter() - start
    if save:
        save_model(save, result)
    label = ", ".join(f"{k}={v}" for k, v in changes.items())
    row = measure(result, tokens)
    show(label, row, seconds)
    for kind in ("W2", "average"):
        show(f"  the same model, embeddings from {kind}", measure(result, tokens, kind))
    return row


def _parse_changes(items: list[str]) -> dict:
    changes = {}
    for item in items:
        key, _, value = item.partition("=")
        if key not in SETTINGS:
            raise SystemExit(f"unknown setting {key!r}; choose from {', '.join(SETTINGS)}")
        floats = ("learning_rate", "min_learning_rate", "b1_start")
        try:
            if value == "none" and key in floats[1:]:
                changes[key] = None  # a constant step, or b1 starting random
            elif key == "shuffle":
                changes[key] = {"true": True, "false": False}[value.lower()]
            else:
                changes[key] = float(value) if key in floats else int(value)
        except (KeyError, ValueError):
            raise SystemExit(f"bad value for {key}: {value!r}") from None
    return changes


CURVE_STEPS = 500  # a recorded loss curve holds the mean of every 500 steps


def differences(config: dict) -> dict:
    """The settings of a run's config that differ from REFERENCE_CONFIG (its recipe, in short)."""
    return {k: config.get(k) for k in REFERENCE_CONFIG if config.get(k) != REFERENCE_CONFIG[k]}


def record(paths: list[str], tokens, out) -> None:
    """Measure the saved models at ``paths`` and write what notebook 06 plots to ``out`` (JSON).

    For each model: its settings that differ from REFERENCE_CONFIG (none: the reference model),
    its loss curve (the mean of every CURVE_STEPS steps), its final loss, dead and idle units and
    the probes' five nearest neighbours (W1); and once, the unigram entropy.
    """
    runs = []
    for path in paths:
        model = load_model(path)
        row = measure(model, tokens)
        losses = model.losses[: len(model.losses) // CURVE_STEPS * CURVE_STEPS]
        runs.append(
            dict(
                changes=differences(model.config),
                steps=len(model.losses),
                curve=[round(float(x), 4) for x in losses.reshape(-1, CURVE_STEPS).mean(axis=1)],
                final_loss=round(row["loss"], 6),  # 06 prints it at .3f: round once
                dead=row["dead"],
                idle=row["rare"],
                neighbours={w: [n for n, _ in near] for w, near in row["neighbours"].items()},
            )
        )
        show(f"{path}: {runs[-1]['changes'] or 'the reference model'}", row)
    data = dict(curve_steps=CURVE_STEPS, entropy=round(row["entropy"], 4), runs=runs)
    with atomic_path(out, suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweep", action="store_true", help="train and measure the SWEEP recipes")
    parser.add_argument("--train", nargs="+", metavar="KEY=VALUE", help="train one recipe")
    parser.add_argument("--save", metavar="PATH.npz", help="with --train: save the model there")
    parser.add_argument("--load", metavar="PATH.npz", help="measure a saved model instead")
    parser.add_argument(
        "--record",
        nargs="+",
        metavar="PATH.npz",
        help=f"measure saved models and write the recipes' record notebook 06 reads ({RECIPES})",
    )
    args = parser.parse_args(argv)
    tokens = tokenize_shakespeare()
    if args.record:
        record(args.record, tokens, recipe_runs_path())
    elif args.sweep:
        for changes in SWEEP:
            train_and_show(tokens, changes)
    elif args.train:
        train_and_show(tokens, _parse_changes(args.train), args.save)
    else:
        model = load_model(args.load) if args.load else load_reference_model()
        config = ", ".join(f"{k}={model.config[k]}" for k in REFERENCE_CONFIG)
        for kind in ("W1", "W2", "average"):
            show(
                f"{args.load or 'shipped reference model'} ({config}), {kind}",
                measure(model, tokens, kind),
            )


if __name__ == "__main__":
    main()
