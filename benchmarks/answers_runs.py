"""The training runs and timings that answers 8.1-9.3 and 10.3 read (instructors/answers.ipynb).

    PYTHONPATH=$PWD python benchmarks/answers_runs.py [--only PART ...] [--seeds 3]
        [--save benchmarks/results/answers_runs.json]

The answers notebook is re-run by every ``pytest``, which must stay short, so it does not train these
models: it reads this file and prints it, stating this command. Parts (all by default):

- ``cbow_one_epoch`` (answer 8.1): the reference recipe (``REFERENCE_CONFIG``) with ``epochs=1``;
- ``gensim`` (answer 8.2): gensim's CBOW with hierarchical softmax (``hs=1, negative=0``) and with
  negative sampling (its default), notebook 08's settings, 5 epochs, one worker, timed;
- ``negative_sampling`` (answers 9.1-9.3): ``train_negative_sampling`` with its defaults, then with
  ``sample=0``, ``dynamic_window=False``, ``power=1``, ``power=0``, and
  ``update_rule="gradient"`` at 4 times the learning rate, one worker;
- ``timing`` (answer 10.3): notebook 10's timing cells at ``m`` = 64, 256 and 1024 (its own cells,
  run by their ids), recorded twice (``repeats``, each the best of ``rounds``) so that the answer
  can show how far two recordings of the same table differ.

Every model is trained with seeds 1..SEEDS and scored on notebook 08's items: the words that the
shipped reference model and gensim's notebook-08 model (seed 1) share, so that all scores compare.
``--only`` keeps the other parts of an existing file. The file is written atomically.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import time
from pathlib import Path

import numpy as np
from gensim.models import Word2Vec
from quality_spread import gensim_cbow, scores_of

from cbow_helpers import (
    REFERENCE_CONFIG,
    load_reference_model,
    nearest_neighbors,
    on_shared_words,
    tokenize_shakespeare,
    train_cbow,
    train_negative_sampling,
)
from cbow_helpers.engine.files import atomic_path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("cbow_one_epoch", "gensim", "negative_sampling", "timing")
NOTEBOOK10_STEPS = (  # notebook 10's cells that define its step versions, in order
    "fef954b2",
    "0687aab0",
    "e64940b6",
    "b1b166b1",
    "e729127d",
    "99c914a1",
    "7b5e1331",
    "sparse-step",
    "c3a5eac3",
    "extended-step",
    "ac2c8ed8",
    "no-shift-step",
    "a6d12fbd",
)
NS_VARIANTS = {
    "default": {},
    "sample=0": {"sample": 0.0},
    "dynamic_window=False": {"dynamic_window": False},
    "power=1": {"power": 1.0},
    "power=0": {"power": 0.0},
    "gradient, rate x 4": {"update_rule": "gradient", "learning_rate": 0.025 * 4},
}


def row_of(model, items, seconds: float, **extra) -> dict:
    """Scores on notebook 08's items, king's five nearest neighbours, the wall time."""
    words, matrix = on_shared_words(model, items)[0]
    king = [w for w, _ in nearest_neighbors("king", model, k=5)]
    return {**scores_of((words, matrix)), "king": king, "seconds": round(seconds, 1), **extra}


def timed(train, *args, **options):
    start = time.perf_counter()
    model = train(*args, **options)
    return model, time.perf_counter() - start


def cbow_one_epoch(tokens, items, seeds: int) -> list[dict]:
    rows = []
    for seed in range(1, seeds + 1):
        config = {**REFERENCE_CONFIG, "epochs": 1, "seed": seed}
        result, seconds = timed(train_cbow, tokens, progress=False, **config)
        last = float(np.mean(result.losses[-100:]))
        rows.append(row_of(result, items, seconds, seed=seed, last_100_loss=round(last, 4)))
        print(
            f"one-epoch CBOW, seed {seed}: {seconds:.0f} s, WordSim {rows[-1]['WordSim-353']:.3f}"
        )
    return rows


def gensim_runs(tokens, items, seeds: int) -> dict:
    sentences = [tokens[i : i + 1000] for i in range(0, len(tokens), 1000)]
    settings = dict(vector_size=50, window=2, sg=0, min_count=1, max_final_vocab=3000, workers=1)
    rows = {"hs=1, negative=0": [], "negative=5 (default)": []}
    for seed in range(1, seeds + 1):
        for name, extra in (
            ("hs=1, negative=0", {"hs": 1, "negative": 0}),
            ("negative=5 (default)", {}),
        ):
            model, seconds = timed(Word2Vec, sentences, seed=seed, epochs=5, **settings, **extra)
            rows[name].append(row_of(model.wv, items, seconds, seed=seed))
            print(
                f"gensim {name}, seed {seed}: {seconds:.1f} s, WordSim {rows[name][-1]['WordSim-353']:.3f}"
            )
    return rows


def negative_sampling_runs(tokens, items, seeds: int) -> dict:
    rows = {name: [] for name in NS_VARIANTS}
    for seed in range(1, seeds + 1):
        for name, options in NS_VARIANTS.items():
            result, seconds = timed(
                train_negative_sampling, tokens, seed=seed, progress=False, **options
            )
            rows[name].append(
                row_of(
                    result,
                    items,
                    seconds,
                    seed=seed,
                    windows_per_second=round(result.examples_per_second),
                )
            )
            print(
                f"negative sampling {name}, seed {seed}: {seconds:.1f} s, WordSim {rows[name][-1]['WordSim-353']:.3f}"
            )
    return rows


def notebook10_timing(sizes=(64, 256, 1024), rounds: int = 15, repeats: int = 2) -> dict:
    """Notebook 10's timing cells at these batch sizes, in ms per step: ``repeats`` recordings,
    each the best of ``rounds`` rounds, and the best over all of them."""
    notebook = json.loads(
        (ROOT / "notebooks/10_inside_the_fast_trainer.ipynb").read_text(encoding="utf-8")
    )
    cells = {c["id"]: "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"}
    ten: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell_id in NOTEBOOK10_STEPS:
            exec(cells[cell_id], ten)  # noqa: S102 - notebook 10's own cells
    versions = cells["437b3421"].replace("sizes = (64, 256)", f"sizes = {tuple(sizes)}")
    timing = cells["table-timing"].replace("for _ in range(5):", f"for _ in range({rounds}):")
    assert versions != cells["437b3421"] and timing != cells["table-timing"], (
        "notebook 10's timing cells no longer set sizes = (64, 256) and 5 rounds"
    )
    exec(versions, ten)  # noqa: S102 - notebook 10's versions cell
    recorded = []
    for _ in range(repeats):
        for source in (timing, cells["table"]):
            exec(source, ten)  # noqa: S102 - notebook 10's timing cells, the last printing its table
        recorded.append(
            {name: {str(s): round(ten["best"][name, s], 3) for s in sizes} for name in ten["names"]}
        )
    return {
        "sizes": list(sizes),
        "rounds": rounds,
        "versions": ten["names"],
        "repeats": recorded,
        "ms_per_step": {
            name: {str(s): min(r[name][str(s)] for r in recorded) for s in sizes}
            for name in ten["names"]
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="+", choices=PARTS, default=list(PARTS), help="the parts to run"
    )
    parser.add_argument("--seeds", type=int, default=3, help="seeds 1..SEEDS for each model")
    parser.add_argument(
        "--save", default="benchmarks/results/answers_runs.json", metavar="PATH.json"
    )
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    path = Path(args.save)
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    tokens = list(tokenize_shakespeare())
    reference = load_reference_model()
    with contextlib.redirect_stdout(io.StringIO()):
        notebook08 = gensim_cbow(
            tokens, 1, REFERENCE_CONFIG["N"], REFERENCE_CONFIG["C"], REFERENCE_CONFIG["vocab_size"]
        )
    items = on_shared_words(reference, notebook08)[
        0
    ]  # (words, vectors): notebook 08's shared words
    runs = {
        "cbow_one_epoch": lambda: cbow_one_epoch(tokens, items, args.seeds),
        "gensim": lambda: gensim_runs(tokens, items, args.seeds),
        "negative_sampling": lambda: negative_sampling_runs(tokens, items, args.seeds),
        "timing": notebook10_timing,
    }
    results["command"] = "PYTHONPATH=$PWD python benchmarks/answers_runs.py"
    for part in args.only:  # saved after each part, so that a later failure keeps the earlier ones
        results[part] = runs[part]()
        results[part + " load average"] = [round(x, 2) for x in os.getloadavg()]
        with atomic_path(str(path), suffix=".json") as tmp, open(tmp, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote {path} ({part})")


if __name__ == "__main__":
    main()
