"""Options that do what ``--help`` says: no subsampling trains, every accepted value trains or is
refused up front with its range."""

import numpy as np
import pytest
from cli_runs import STORY

from cbow_helpers import tokenize, tokenize_shakespeare, train_negative_sampling
from cbow_helpers.cli import main


@pytest.mark.slow
@pytest.mark.parametrize("sample", [0, 1.5])  # 1.5: every word is kept, as with 0
def test_no_subsampling_trains_where_summed_updates_of_frequent_words_diverged(sample):
    # Without subsampling, '.' and 'the' fill a batch of 1,024 windows some thousand times: their
    # summed updates diverged within 15 steps on these 150,000 tokens.
    tokens = tokenize_shakespeare()[:150_000]
    result = train_negative_sampling(tokens, C=3, sample=sample, epochs=1, progress=False)
    assert np.isfinite(result.losses).all() and result.losses[-50:].mean() < result.losses[0]


def test_subsampling_that_keeps_no_window_is_a_clear_error(tmp_path, capsys):
    tokens = ["the", "king", "and", "the", "queen", "."] * 40
    with pytest.raises(ValueError, match=r"survive each epoch's subsampling with sample=1e-300"):
        train_negative_sampling(tokens, sample=1e-300, min_count=1, progress=False)
    corpus = tmp_path / "c.txt"
    corpus.write_text(" ".join(tokens), encoding="utf-8")
    assert main(["train", "--corpus", str(corpus), "--sample", "1e-300", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "use a larger sample, 0 for no subsampling" in err and "window shape" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


@pytest.mark.parametrize("option", ["--window", "--negative"])
def test_window_and_negatives_beyond_their_range_are_refused_up_front(option, capsys):
    with pytest.raises(SystemExit):
        main(["train", option, "1000"])
    assert f"argument {option}: must be an integer from 1 to 50" in capsys.readouterr().err


def test_many_negatives_on_a_small_vocabulary_train():
    # 50 negatives from 20 words meet each word about 2.5 times per window: this diverged at once.
    tokens = tokenize(STORY)
    result = train_negative_sampling(tokens, N=4, C=3, negative=50, epochs=1, progress=False)
    assert np.isfinite(result.losses).all() and result.losses[-1] < result.losses[0]
