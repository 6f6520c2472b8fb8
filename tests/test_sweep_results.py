"""Reading and summarising the settings sweep's recorded runs (benchmarks/sweep_defaults.py --jsonl)."""

import json
import math
from pathlib import Path

import pytest

from cbow_helpers import read_sweep, sweep_summary

SHIPPED = Path(__file__).parent.parent / "benchmarks" / "sweep_defaults.jsonl"


def run(**changes):
    base = {"model": "ours", "settings": "C=3", "WordSim-353": 0.3, "Google analogies": 0.1,
            "queen": True, "seconds": 1.0}  # fmt: skip
    return {**base, **changes}


def write(path, runs):
    path.write_text("".join(json.dumps(r) + "\n" for r in runs), encoding="utf-8")
    return path


def test_runs_are_grouped_by_model_and_settings_with_a_note_in_the_label(tmp_path):
    first = write(tmp_path / "a.jsonl", [run(seed=1), run(model="gensim"), run(note="old trainer")])
    second = write(tmp_path / "b.jsonl", [run(seed=2)])
    runs = read_sweep([first, second])
    assert list(runs) == [("ours", "C=3"), ("gensim", "C=3"), ("ours", "C=3 [old trainer]")]
    assert [r["seed"] for r in runs["ours", "C=3"]] == [1, 2]


def test_a_single_path_is_read_like_a_list_of_one(tmp_path):
    path = write(tmp_path / "a.jsonl", [run()])
    assert read_sweep(path) == read_sweep([str(path)])


def test_a_bad_line_is_a_value_error_naming_its_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(run()) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl, line 2: not JSON"):
        read_sweep(path)
    write(path, [run(), {"model": "ours"}])
    with pytest.raises(ValueError, match=r"line 2: missing settings, WordSim-353"):
        read_sweep(path)


def test_paths_of_the_wrong_type_are_a_type_error():
    with pytest.raises(TypeError, match="paths must be a path or a list of paths, got 3"):
        read_sweep(3)


def test_the_summary_gives_means_spread_queen_count_and_median_rank():
    s = sweep_summary([run(queen_rank=3, **{"WordSim-353": 0.2}), run(queen=False, queen_rank=11),
                       run(queen_rank=5, **{"WordSim-353": 0.4})])  # fmt: skip
    assert s["WordSim-353"] == pytest.approx((0.3, 0.1))
    assert (s["queen"], s["seeds"], s["ranks"], s["median_rank"]) == (2, 3, "3,11,5", 5.0)


def test_without_every_rank_there_is_no_median_and_one_run_has_no_spread():
    s = sweep_summary([run(queen_rank=3), run()])
    assert (s["ranks"], s["median_rank"]) == ("3,?", None)
    assert math.isnan(sweep_summary([run()])["WordSim-353"][1])


def test_an_empty_or_wrong_summary_input_is_refused():
    with pytest.raises(ValueError, match="at least one run"):
        sweep_summary([])
    with pytest.raises(TypeError, match="got dict"):
        sweep_summary({"a": run()})


def test_every_run_of_the_shipped_sweep_reads_and_summarises():
    runs = read_sweep(SHIPPED)
    assert runs and all(sweep_summary(group)["seeds"] == len(group) for group in runs.values())
