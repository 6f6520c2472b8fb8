"""Does a CBOW model on Shakespeare learn? Its loss against the unigram baseline, its hidden units, its neighbours.

    python benchmarks/reference_quality.py                 # the shipped reference model
    python benchmarks/reference_quality.py --sweep         # train a few recipes and compare them
    python benchmarks/reference_quality.py --train lr=1 epochs=3 batch_size=128

For each model it prints one row:

- the final loss (the mean of the last 100 steps' batch losses, in nats) and the unigram entropy
  of the centre words over the model's vocabulary (what a model that only knows word frequencies
  scores), and their difference;
- the hidden units' activity on every window of the corpus: the share that never fire (z1 > 0 on
  no window: "dead" ReLU units) and the share that fire on fewer than 1% of windows;
- the mean cosine of 2,000 random pairs of words, and the share of the variance held by the 5
  largest of the N principal directions of the embeddings;
- the 5 nearest neighbours of king, father, love, night, sword and eye.

A run of one epoch at m = 256 takes about 20-40 s on a shared 2-core machine; --sweep about half an hour.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cbow_helpers import (
    context_windows,
    encode,
    load_reference_model,
    nearest_neighbors,
    tokenize_shakespeare,
    train_cbow,
)
from cbow_helpers.reference import REFERENCE_CONFIG, firing_rates, unigram_entropy

PROBES = ("king", "father", "love", "night", "sword", "eye")

# The recipes of the sweep: what differs from REFERENCE_CONFIG's N, C, vocab_size and seed.
SWEEP = (
    dict(learning_rate=4.0, batch_size=256, epochs=1),
    dict(learning_rate=2.0, batch_size=256, epochs=1),
    dict(learning_rate=1.0, batch_size=256, epochs=1),
    dict(learning_rate=1.0, batch_size=64, epochs=1),
    dict(learning_rate=2.0, batch_size=256, epochs=3),
    dict(learning_rate=2.0, batch_size=128, epochs=3),
    dict(learning_rate=1.0, batch_size=64, epochs=3),
    dict(learning_rate=1.0, batch_size=64, epochs=5),
    dict(learning_rate=0.5, batch_size=64, epochs=5),
)


def measure(result, tokens) -> dict:
    """The numbers of one row (see the module docstring)."""
    _, center = context_windows(encode(tokens, result.word2Ind), result.config["C"])
    rates = firing_rates(result, tokens)
    E = result.embedding_matrix("W1")
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
        neighbours={w: nearest_neighbors(w, result, k=5) for w in PROBES},
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


def train_and_show(tokens, changes: dict) -> dict:
    config = {**REFERENCE_CONFIG, **changes}
    start = time.perf_counter()
    result = train_cbow(tokens, progress=False, **config)
    seconds = time.perf_counter() - start
    label = ", ".join(f"{k}={v:g}" for k, v in changes.items())
    row = measure(result, tokens)
    show(label, row, seconds)
    return row


def _parse_changes(items: list[str]) -> dict:
    changes = {}
    for item in items:
        key, _, value = item.partition("=")
        if key not in REFERENCE_CONFIG:
            raise SystemExit(f"unknown setting {key!r}; choose from {', '.join(REFERENCE_CONFIG)}")
        changes[key] = float(value) if key == "learning_rate" else int(value)
    return changes


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweep", action="store_true", help="train and measure the SWEEP recipes")
    parser.add_argument("--train", nargs="+", metavar="KEY=VALUE", help="train one recipe")
    args = parser.parse_args(argv)
    tokens = tokenize_shakespeare()
    if args.sweep:
        for changes in SWEEP:
            train_and_show(tokens, changes)
    elif args.train:
        train_and_show(tokens, _parse_changes(args.train))
    else:
        config = ", ".join(f"{k}={v}" for k, v in REFERENCE_CONFIG.items())
        show(f"shipped reference model ({config})", measure(load_reference_model(), tokens))


if __name__ == "__main__":
    main()
