"""Can a model trained on Shakespeare give reader-accepted neighbours for `sword` and `night`?

    python benchmarks/reference_recipes.py --list                 # the runs, with what each changes
    python benchmarks/reference_recipes.py gensim --out DIR       # gensim's CBOW, 4 runs (about 1 min)
    python benchmarks/reference_recipes.py sub3 --out DIR         # the course trainer (about 2 min)
    python benchmarks/reference_recipes.py sub3_e20 --out DIR     # 20 epochs (5-19 min, shared machine)
    python benchmarks/reference_recipes.py long --out DIR         # five 20-epoch runs (about 40 min)

Each RUN is a group (``gensim``: the four gensim baselines; ``gensim_ablations``: nine variants
of the first) or one run's name. A course-trainer run calls ``train_cbow`` with REFERENCE_CONFIG
and its recipe's changes, on a token stream built once before windowing: ``.`` removed if the
recipe says so, then word2vec's subsampling (``keep_probabilities``) drawn once over the whole
stream with ``numpy.random.default_rng(0)``. ``shipped`` measures the shipped reference model
without training it.

Every run prints its row of the tables in docs/benchmarks.md (section "Neighbours a reader
accepts") and the ten nearest neighbours of the six probes with their cosines. A probe's score
``[a/5 b/5w]``: ``a`` of its five nearest are in ``ACCEPTED`` (``cbow_helpers.reference.ACCEPTED_NEIGHBOURS``, as in tests/test_reference.py; the
test passes a probe at a >= 2), ``b`` with the wider reading ``WIDER`` added. ``--out`` keeps
each run's numbers (``NAME.json``) and each trained model (``NAME.npz``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from cbow_helpers import (
    REFERENCE_CONFIG,
    context_windows,
    encode,
    keep_probabilities,
    load_reference_model,
    nearest_neighbors,
    save_model,
    subsample,
    tokenize_shakespeare,
    train_cbow,
)
from cbow_helpers.engine.files import atomic_path
from cbow_helpers.reference import ACCEPTED_NEIGHBOURS, firing_rates, unigram_entropy

PROBES = ("king", "father", "love", "night", "sword", "eye")
ACCEPTED = ACCEPTED_NEIGHBOURS  # the sets tests/test_reference.py scores with
# A wider reading a reader would also accept (stated so that it can be argued with).
WIDER = {
    "night": {"morn", "midnight", "noon", "time", "wednesday", "tuesday", "december", "summer"}
    | {"afternoon", "dawning", "daylight", "moonlight", "year", "doomsday", "winter"},
    "sword": {"staff", "lance", "weapons", "daggers", "rapiers", "knives"},
    "eye": {"eyne", "forehead", "brow", "brows", "lips"},
}
# Where the words a reader wants sit among a course model's neighbours (rank by cosine).
KIN = {
    "sword": ("knife", "dagger", "weapon", "rapier", "axe", "swords", "arms"),
    "night": ("day", "morning", "morn", "midnight", "time", "morrow", "evening"),
}

# The course trainer's recipes: drop '.', subsampling threshold (0: none), REFERENCE_CONFIG changes.
COURSE = {
    "shipped": (False, 0.0, {}),  # the shipped model, measured, not retrained
    "sub3": (False, 1e-3, {}),
    "sub4": (False, 1e-4, {}),
    "sub4_C3": (False, 1e-4, {"C": 3}),
    "sub4_e10": (False, 1e-4, {"epochs": 10}),
    "nopunct": (True, 0.0, {}),
    "nopunct_sub4": (True, 1e-4, {}),
    "sub3_e20": (False, 1e-3, {"epochs": 20}),
    "nopunct_sub3_e20": (True, 1e-3, {"epochs": 20}),
    "sub3_e20_s2": (False, 1e-3, {"epochs": 20, "seed": 2}),
    "sub3_e20_C3": (False, 1e-3, {"epochs": 20, "C": 3}),
    "sub3_e20_N100": (False, 1e-3, {"epochs": 20, "N": 100}),
    "sub3_e20_N100_s2": (False, 1e-3, {"epochs": 20, "N": 100, "seed": 2}),
    "sub3_e20_N200": (False, 1e-3, {"epochs": 20, "N": 200}),
    "ref_e20": (False, 0.0, {"epochs": 20}),
    "nopunct_e20": (True, 0.0, {"epochs": 20}),
}

# gensim's Word2Vec: drop '.', and the settings that differ from GENSIM_BASE.
GENSIM_BASE = dict(vector_size=100, min_count=5, sg=0, hs=0, negative=5, epochs=20, workers=2)
ONE = dict(window=2, seed=1, workers=1)  # the ablations: window 2, seed 1, one thread
GENSIM = {
    "gensim_w2_s1": (False, dict(window=2, seed=1)),
    "gensim_w2_s2": (False, dict(window=2, seed=2)),
    "gensim_w5_s1": (False, dict(window=5, seed=1)),
    "gensim_w5_s2": (False, dict(window=5, seed=2)),
    "gensim_nosample": (False, dict(ONE, sample=0)),
    "gensim_nosample_e5": (False, dict(ONE, sample=0, epochs=5)),
    "gensim_e5": (False, dict(ONE, epochs=5)),
    "gensim_sub4": (False, dict(ONE, sample=1e-4)),
    "gensim_nopunct": (True, dict(ONE)),
    "gensim_nopunct_nosample": (True, dict(ONE, sample=0)),
    "gensim_vocab3000": (False, dict(ONE, max_final_vocab=3000)),
    "gensim_hs": (False, dict(ONE, hs=1, negative=0)),
    "gensim_hs_nosample_e5_n50": (
        False,
        dict(ONE, hs=1, negative=0, sample=0, epochs=5, vector_size=50),
    ),
}
BASELINES = ["gensim_w2_s1", "gensim_w2_s2", "gensim_w5_s1", "gensim_w5_s2"]
GROUPS = {
    "gensim": BASELINES,
    "gensim_ablations": [name for name in GENSIM if name not in BASELINES],
    # 20 epochs on the stream subsampled at 1e-3: another seed, a wider window, more dimensions
    "long": ["sub3_e20", "sub3_e20_s2", "sub3_e20_C3", "sub3_e20_N100", "sub3_e20_N100_s2"],
}


def run_names(names: list[str]) -> list[str]:
    """The runs that ``names`` (groups or runs, in order) ask for, each once.

    Raises ValueError naming the first unknown name and the names there are.
    """
    runs = []
    for name in names:
        if name in GROUPS:
            runs.extend(GROUPS[name])
        elif name in COURSE or name in GENSIM:
            runs.append(name)
        else:
            known = ", ".join([*GROUPS, *GENSIM, *COURSE])
            raise ValueError(f"unknown run {name!r}; expected one of: {known}")
    return list(dict.fromkeys(runs))


def describe(name: str) -> str:
    """A run's recipe in words (what differs from REFERENCE_CONFIG, or from GENSIM_BASE)."""
    if name in GENSIM:
        drop, settings = GENSIM[name]
    else:
        drop, sample, changes = COURSE[name]
        settings = {"sample": sample, **changes} if sample else changes
    parts = ["'.' dropped" if drop else "all tokens"]
    parts += [
        f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}"
        for key, value in settings.items()
    ]
    return ", ".join(parts)


def token_stream(tokens: list[str], drop_dot: bool, sample: float, seed: int = 0) -> list[str]:
    """``tokens`` without ``.`` if ``drop_dot``, then subsampled once at ``sample`` (0: not)."""
    if drop_dot:
        tokens = [t for t in tokens if t != "."]
    if not sample:
        return list(tokens)
    words, ids = np.unique(np.array(tokens), return_inverse=True)
    keep = keep_probabilities(np.bincount(ids), sample=sample)
    return words[subsample(ids, keep, np.random.default_rng(seed))].tolist()


def scores(word: str, near: list) -> tuple[int, int]:
    """(a, b): how many of ``near``'s first five are in ACCEPTED, and in ACCEPTED or WIDER."""
    top5 = {w for w, _ in near[:5]}
    wide = ACCEPTED[word] | WIDER.get(word, set())
    return len(top5 & ACCEPTED[word]), len(top5 & wide)


def summary(near: dict) -> str:
    """The table's last three cells: probes passing the test, night a / b, sword a / b."""
    passing = sum(scores(w, near[w])[0] >= 2 for w in PROBES)
    night, sword = scores("night", near["night"]), scores("sword", near["sword"])
    return f"{passing}/6 | {night[0]} / {night[1]} | {sword[0]} / {sword[1]}"


def neighbour_lists(near: dict) -> str:
    """The probes' ten nearest words with cosines, each line scored ``[a/5 b/5w]``."""
    lines = []
    for word in PROBES:
        a, b = scores(word, near[word])
        words = ", ".join(f"{w} ({s:.2f})" for w, s in near[word])
        lines.append(f"    {word:>6} [{a}/5 {b}/5w]: {words}")
    return "\n".join(lines)


def run_gensim(name: str, tokens: list[str]) -> dict:
    """Train gensim's CBOW for the run ``name`` and find the probes' ten nearest words."""
    from gensim.models import Word2Vec

    drop, changes = GENSIM[name]
    stream = token_stream(tokens, drop, 0.0)
    sentences = [stream[i : i + 10_000] for i in range(0, len(stream), 10_000)]
    start = time.perf_counter()
    model = Word2Vec(sentences, **{**GENSIM_BASE, **changes})
    seconds = time.perf_counter() - start
    near = {w: [(x, float(s)) for x, s in model.wv.most_similar(w, topn=10)] for w in PROBES}
    return dict(name=name, recipe=describe(name), seconds=seconds, tokens=len(stream), near=near)


def train_course(name: str, tokens: list[str]):
    """The run's model (trained, or the shipped one), its token stream and its training time."""
    drop, sample, changes = COURSE[name]
    stream = token_stream(tokens, drop, sample)
    if name == "shipped":
        return load_reference_model(), stream, None
    start = time.perf_counter()
    model = train_cbow(stream, progress=False, **{**REFERENCE_CONFIG, **changes})
    return model, stream, time.perf_counter() - start


def kin_ranks(model) -> dict:
    """For sword and night: the rank (1 = nearest) of each KIN word in the model's vocabulary."""
    ranks = {}
    for probe, kin in KIN.items():
        order = [w for w, _ in nearest_neighbors(probe, model, k=len(model.words) - 1)]
        ranks[probe] = {w: order.index(w) + 1 for w in kin if w in order}
    return ranks


def run_course(name: str, tokens: list[str]) -> tuple[dict, object]:
    """Train (or load) the course run ``name`` and measure it; returns its row and its model."""
    model, stream, seconds = train_course(name, tokens)
    _, center = context_windows(encode(stream, model.word2Ind), model.config["C"])
    rates, rates_full = firing_rates(model, stream), firing_rates(model, tokens)
    tenths = np.array_split(model.losses, 10)
    row = dict(name=name, recipe=describe(name), seconds=seconds, tokens=len(stream))
    row.update(
        steps=len(model.losses),
        loss=float(model.losses[-100:].mean()),
        entropy=unigram_entropy(center, len(model.word2Ind)),
        dead=float((rates == 0).mean()),
        idle=float((rates < 0.01).mean()),
        dead_full=float((rates_full == 0).mean()),
        idle_full=float((rates_full < 0.01).mean()),
        curve=[float(part.mean()) for part in tenths],
        ranks=kin_ranks(model),
    )
    for kind in ("W1", "W2", "average"):
        vectors = (model.words, model.embedding_matrix(kind))
        row[f"near_{kind}"] = {w: nearest_neighbors(w, vectors, k=10) for w in PROBES}
    row["near"] = row.pop("near_W1")
    return row, model


def wall(row: dict) -> str:
    return "-" if row["seconds"] is None else f"{row['seconds']:.0f} s"


def gensim_row(row: dict) -> str:
    """The run's row of the gensim table."""
    return f"| {row['name']}: {row['recipe']} | {wall(row)} | {summary(row['near'])} |"


def course_row(row: dict) -> str:
    """The run's row of the course-trainer table."""
    gap = row["loss"] - row["entropy"]
    return (
        f"| {row['name']} | {row['recipe']} | {row['tokens']:,} | {row['steps']:,} | "
        f"{row['loss']:.3f} | {row['entropy']:.3f} | {gap:+.3f} | "
        f"{row['dead']:.0%} / {row['idle']:.0%} | {wall(row)} | {summary(row['near'])} |"
    )


def show_course(row: dict) -> None:
    """Print what a course run measured beyond its table row."""
    print(f"  dead / idle on the whole corpus: {row['dead_full']:.0%} / {row['idle_full']:.0%}")
    print("  loss by tenths of the run: " + " ".join(f"{x:.2f}" for x in row["curve"]))
    for probe, ranks in row["ranks"].items():
        print(f"  {probe} ranks: " + ", ".join(f"{w} #{r}" for w, r in ranks.items()))
    print("  W1's columns, 10 nearest:")
    print(neighbour_lists(row["near"]))
    for kind in ("W2", "average"):
        for word in ("night", "sword"):
            near = row[f"near_{kind}"][word]
            a = scores(word, near)[0]
            print(f"    {kind} {word} [{a}/5]: " + ", ".join(w for w, _ in near[:5]))


GENSIM_HEAD = "| model | wall | test passes | night a / b | sword a / b |"
COURSE_HEAD = (
    "| run | stream | tokens | steps | final loss | entropy | loss − entropy | dead / idle "
    "| wall | test passes | night a / b | sword a / b |"
)


def save(out: Path, row: dict, model=None) -> None:
    """Write the run's row to ``out/NAME.json`` and its trained model to ``out/NAME.npz``."""
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / f"{row['name']}.json", suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps(row, indent=1) + "\n", encoding="utf-8")
    if model is not None and row["seconds"] is not None:
        save_model(out / f"{row['name']}.npz", model)


def run_all(names: list[str], out: Path | None) -> None:
    """Run ``names`` in order, printing each run as it ends and both tables at the end."""
    tokens = tokenize_shakespeare()
    tables = {"gensim": [], "course": []}
    for name in names:
        print(f"\n### {name}: {describe(name)}", flush=True)
        if name in GENSIM:
            row, model = run_gensim(name, tokens), None
            tables["gensim"].append(gensim_row(row))
            print(f"  {row['tokens']:,} tokens, wall {wall(row)}\n" + neighbour_lists(row["near"]))
        else:
            row, model = run_course(name, tokens)
            tables["course"].append(course_row(row))
            print(tables["course"][-1])
            show_course(row)
        if out is not None:
            save(out, row, model)
    for head, rows in ((GENSIM_HEAD, tables["gensim"]), (COURSE_HEAD, tables["course"])):
        if rows:
            print("\n" + head + "\n" + "|---" * head.count(" | ") + "|---|\n" + "\n".join(rows))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="*", metavar="RUN", help="a group or a run (see --list)")
    parser.add_argument("--out", type=Path, help="folder for each run's NAME.json and NAME.npz")
    parser.add_argument("--list", action="store_true", help="list the groups and runs, then stop")
    args = parser.parse_args(argv)
    if args.list:
        base = ", ".join(f"{k}={v}" for k, v in GENSIM_BASE.items())
        print(f"gensim runs: Word2Vec({base}; otherwise gensim's defaults, sample=0.001) and")
        for group, members in GROUPS.items():
            print(f"{group}: {', '.join(members)}")
        for name in [*GENSIM, *COURSE]:
            print(f"{name}: {describe(name)}")
        return
    if not args.runs:
        parser.error("name at least one run (see --list)")
    try:
        names = run_names(args.runs)
    except ValueError as err:
        parser.error(str(err))
    run_all(names, args.out)


if __name__ == "__main__":
    main()
