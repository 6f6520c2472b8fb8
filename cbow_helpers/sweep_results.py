"""The recorded runs of a settings sweep (``benchmarks/sweep_defaults.py --jsonl``), read and summarised.

One home for reading the sweep's file: notebook 09 prints rows of it, and the benchmark script
prints its table and draws its figure from the same two functions.

A file holds one JSON object per line, one per training run, with at least ``model`` ("ours" or
"gensim"), ``settings`` (e.g. "C=3,epochs=20"), ``WordSim-353``, ``Google analogies``, ``queen``
(whether queen was among king's ten nearest neighbours) and ``seconds``; optionally ``seed``,
``queen_rank`` and ``note`` (added by hand, e.g. which trainer ran it).
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

_REQUIRED = ("model", "settings", "WordSim-353", "Google analogies", "queen", "seconds")


def read_sweep(paths) -> dict[tuple[str, str], list[dict]]:
    """The runs of one or more sweep files, grouped by (model, label).

    Introduced in notebook 09 (negative sampling), which prints rows of the sweep's file.

    Parameters
    ----------
    paths : a path (str or Path), or a list of them, to ``--jsonl`` files of the sweep

    Returns
    -------
    dict mapping (model, label) to the list of that configuration's runs (dicts), in file order;
    the label is the run's ``settings``, followed by `` [note]`` when the run has a note

    Raises
    ------
    TypeError if ``paths`` is neither a path nor a list of paths; ValueError naming the file
    and line of a line that is not a JSON object with the required keys.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not isinstance(paths, (list, tuple)) or not all(
        isinstance(p, (str, os.PathLike)) for p in paths
    ):
        raise TypeError(f"paths must be a path or a list of paths, got {paths!r}")
    runs: dict[tuple[str, str], list[dict]] = {}
    for path in paths:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            run = _parse_run(line, f"{path}, line {number}")
            label = run["settings"] + (f" [{run['note']}]" if "note" in run else "")
            runs.setdefault((run["model"], label), []).append(run)
    return runs


def _parse_run(line: str, where: str) -> dict:
    """One line of a sweep file as a dict, or a ValueError that says where and why."""
    try:
        run = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: not JSON ({error.msg})") from None
    if not isinstance(run, dict):  # a bad file is a bad value, whatever its JSON type
        raise ValueError(f"{where}: expected a JSON object, got {type(run).__name__}")  # noqa: TRY004
    missing = [key for key in _REQUIRED if key not in run]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)} (expected {', '.join(_REQUIRED)})")
    return run


def sweep_summary(runs: list[dict]) -> dict:
    """Mean and standard deviation of each score over one configuration's runs, and queen's ranks.

    Introduced in notebook 09 (negative sampling), which prints rows of the sweep's file.

    Parameters
    ----------
    runs : list of dicts, one configuration's runs (a value of ``read_sweep``'s dict)

    Returns
    -------
    dict with ``"WordSim-353"`` and ``"Google analogies"``: (mean, standard deviation; NaN for
    one run), ``"queen"``: in how many runs queen was among king's ten nearest, ``"ranks"``:
    queen's rank in each run, comma-separated (``?`` where a run kept none), ``"median_rank"``:
    their median, or None unless every run kept one, ``"seeds"``: the number of runs,
    ``"seconds"``: the mean training time

    Examples
    --------
    >>> runs = [{"WordSim-353": 0.3, "Google analogies": 0.1, "queen": True, "queen_rank": 4,
    ...          "seconds": 10.0}, {"WordSim-353": 0.4, "Google analogies": 0.1, "queen": False,
    ...          "queen_rank": 12, "seconds": 12.0}]
    >>> s = sweep_summary(runs)
    >>> [round(v, 3) for v in s["WordSim-353"]], s["queen"], s["ranks"], s["median_rank"]
    ([0.35, 0.071], 1, '4,12', 8.0)
    """
    if not isinstance(runs, list):
        raise TypeError(f"runs must be a list of runs (dicts), got {type(runs).__name__}")
    if not runs:
        raise ValueError("runs is empty: a summary needs at least one run")

    def mean_and_sd(key):
        values = [run[key] for run in runs]
        return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else float(
            "nan"
        )

    ranks = [run.get("queen_rank") for run in runs]
    return {
        "WordSim-353": mean_and_sd("WordSim-353"),
        "Google analogies": mean_and_sd("Google analogies"),
        "queen": sum(bool(run["queen"]) for run in runs),
        "ranks": ",".join("?" if rank is None else str(rank) for rank in ranks),
        "median_rank": None if None in ranks else float(statistics.median(ranks)),
        "seeds": len(runs),
        "seconds": statistics.mean(run["seconds"] for run in runs),
    }
