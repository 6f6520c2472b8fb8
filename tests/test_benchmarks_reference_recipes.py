"""benchmarks/reference_recipes.py: its runs, its token streams, its scores and its command line."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from cbow_helpers import keep_probabilities
from cbow_helpers.reference import ACCEPTED_NEIGHBOURS as ACCEPTED

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def recipes():
    spec = importlib.util.spec_from_file_location(
        "reference_recipes", ROOT / "benchmarks" / "reference_recipes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_groups_expand_in_order_and_each_run_is_named_once(recipes):
    assert recipes.run_names(["sub3", "gensim", "gensim_w2_s1"]) == ["sub3", *recipes.BASELINES]
    assert set(recipes.GROUPS["gensim_ablations"]).isdisjoint(recipes.BASELINES)
    assert len(recipes.GROUPS["gensim_ablations"]) == len(recipes.GENSIM) - 4


def test_an_unknown_run_is_a_value_error_naming_it_and_the_known_ones(recipes):
    with pytest.raises(ValueError, match=r"unknown run 'sub3_e2'.*sub3_e20"):
        recipes.run_names(["sub3", "sub3_e2"])


def test_the_command_line_rejects_an_unknown_run_before_any_work(recipes, capsys):
    with pytest.raises(SystemExit) as exit_:
        recipes.main(["gensim", "sword"])
    assert exit_.value.code == 2
    assert "unknown run 'sword'" in capsys.readouterr().err


def test_the_command_line_asks_for_a_run(recipes, capsys):
    with pytest.raises(SystemExit) as exit_:
        recipes.main([])
    assert exit_.value.code == 2
    assert "name at least one run" in capsys.readouterr().err


def test_the_list_names_every_run_with_its_recipe(recipes, capsys):
    recipes.main(["--list"])
    out = capsys.readouterr().out
    assert "sub3_e20: all tokens, sample=0.001, epochs=20" in out
    assert "nopunct: '.' dropped" in out
    assert "gensim_w5_s2: all tokens, window=5, seed=2" in out


TOKENS = ["the"] * 600 + ["."] * 300 + [f"w{i}" for i in range(100)]


def test_a_stream_without_subsampling_is_the_tokens_with_or_without_dots(recipes):
    assert recipes.token_stream(TOKENS, False, 0.0) == TOKENS
    assert recipes.token_stream(TOKENS, True, 0.0) == [t for t in TOKENS if t != "."]


def test_subsampling_is_drawn_once_with_a_fixed_seed_and_keeps_the_order(recipes):
    tokens = list(np.random.default_rng(3).permutation(TOKENS))
    stream = recipes.token_stream(tokens, False, 0.01)
    assert stream == recipes.token_stream(tokens, False, 0.01)  # seed 0 by default
    assert stream != recipes.token_stream(tokens, False, 0.01, seed=1)
    it = iter(tokens)
    assert all(t in it for t in stream)  # a subsequence: the order is kept
    assert all(f"w{i}" in stream for i in range(100))  # rare words: always kept
    keep = keep_probabilities(np.array([600, 300]), sample=0.01)  # the, '.' (of 1,000)
    assert stream.count("the") == pytest.approx(600 * keep[0], abs=4 * np.sqrt(600 * keep[0]))
    assert stream.count(".") == pytest.approx(300 * keep[1], abs=4 * np.sqrt(300 * keep[1]))


def test_scores_count_accepted_and_wider_words_among_the_first_five(recipes):
    near = [(w, 0.5) for w in ("day", "morn", "prince", "time", "morrow", "morning")]
    assert recipes.scores("night", near) == (2, 4)  # morning is sixth: not counted
    lists = {w: [(x, 0.5) for x in sorted(ACCEPTED[w])[:2]] for w in recipes.PROBES}
    lists["sword"] = [("body", 0.9), ("knife", 0.8)]
    assert recipes.summary(lists) == "5/6 | 2 / 2 | 1 / 1"


@pytest.mark.slow
def test_measuring_the_shipped_model_prints_its_row_and_lists_and_saves_them(
    recipes, tmp_path, capsys
):
    recipes.main(["shipped", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    row = json.loads((tmp_path / "shipped.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "shipped.npz").exists()  # not trained: nothing to save
    assert recipes.COURSE_HEAD in out and recipes.course_row(row) in out
    assert row["seconds"] is None and "| shipped | all tokens |" in out and "| - |" in out
    for word in recipes.PROBES:
        assert len(row["near"][word]) == 10
        assert out.count(f" {word} [") >= 1
    assert set(row["ranks"]) == {"sword", "night"}
