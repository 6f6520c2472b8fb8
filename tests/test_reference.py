"""The shipped reference model: what it holds, that it is current, and the model file format."""

import numpy as np
import pytest

from cbow_helpers import (
    REFERENCE_CONFIG,
    build_vocabulary,
    context_windows,
    encode,
    load_model,
    load_reference_model,
    nearest_neighbors,
    save_model,
    tokenize,
    tokenize_shakespeare,
    train_cbow,
)
from cbow_helpers.reference import (
    ACCEPTED_NEIGHBOURS,
    firing_rates,
    recipe_runs,
    reference_path,
    unigram_entropy,
)


@pytest.fixture(scope="module")
def reference():
    return load_reference_model()


@pytest.mark.slow
def test_the_reference_model_is_the_configured_run(reference):
    assert {key: reference.config[key] for key in REFERENCE_CONFIG} == REFERENCE_CONFIG
    N, V = REFERENCE_CONFIG["N"], reference.config["V"]
    assert V == REFERENCE_CONFIG["vocab_size"]
    assert (reference.W1.shape, reference.W2.shape, reference.b1.shape, reference.b2.shape) == (
        (N, V),
        (V, N),
        (N, 1),
        (V, 1),
    )
    assert (
        reference.W1.dtype == np.float32
        and len(reference.losses)
        == -(-reference.config["n_windows"] // REFERENCE_CONFIG["batch_size"])
        * REFERENCE_CONFIG["epochs"]
    )
    assert np.isnan(reference.examples_per_second)  # not trained on this machine


@pytest.mark.slow
def test_the_reference_model_is_current(reference):
    """The shipped file was made by today's tokenizer, vocabulary rule and trainer with REFERENCE_CONFIG.

    Training is chaotic, so only the first steps can be compared on every CPU: measured under
    emulated SSE-only kernels, the losses of steps 1-5 differ from the shipped ones by < 3e-8,
    and by 0.08 at step 30. A change to the data, the vocabulary, the initial weights, the order
    of the windows or the step's arithmetic changes the first loss already.
    """
    tokens = tokenize_shakespeare()
    word2Ind, _ = build_vocabulary(tokens, REFERENCE_CONFIG["vocab_size"])
    assert reference.words == list(word2Ind)
    assert reference.config["n_tokens"] == len(tokens)
    first = train_cbow(tokens, **REFERENCE_CONFIG, max_steps=5, progress=False)
    np.testing.assert_allclose(first.losses, reference.losses[:5], rtol=0, atol=1e-5)


def test_the_reference_model_learned_something(reference):
    """What notebooks 6-8 say about it: the cost fell, and related words are neighbours."""
    assert reference.losses[:100].mean() - reference.losses[-100:].mean() > 0.5
    king = [w for w, _ in nearest_neighbors("king", reference, k=10)]
    assert "queen" in king and "prince" in king


@pytest.fixture(scope="module")
def shakespeare_windows(reference):
    tokens = tokenize_shakespeare()
    _, center = context_windows(encode(tokens, reference.word2Ind), reference.config["C"])
    return tokens, center


def test_the_reference_model_beats_the_unigram_baseline_by_half_a_nat(
    reference, shakespeare_windows
):
    """Its final loss (mean of the last 100 steps) is at least 0.5 nats under what word frequencies alone score."""
    _, center = shakespeare_windows
    baseline = unigram_entropy(center, reference.config["V"])
    assert reference.losses[-100:].mean() <= baseline - 0.5


def test_fewer_than_one_in_ten_of_the_reference_models_hidden_units_is_dead(
    reference, shakespeare_windows
):
    tokens, _ = shakespeare_windows
    rates = firing_rates(reference, tokens)
    assert rates.shape == (reference.config["N"],)
    assert (rates == 0).mean() < 0.1


def test_fewer_than_one_in_ten_of_the_reference_models_hidden_units_idles(
    reference, shakespeare_windows
):
    """An idle unit fires on fewer than 1% of the windows: nearly dead (the old recipe had 28%)."""
    tokens, _ = shakespeare_windows
    assert (firing_rates(reference, tokens) < 0.01).mean() < 0.1


ACCEPTED = ACCEPTED_NEIGHBOURS


# One probe falls short, and the test says so (strict: it fails once that changes). sword's nearest
# words are what a sword is held in, drawn by or laid on (body, neck, breast), with rapier one of
# five: no recipe in benchmarks/reference_quality.py (docs/benchmarks.md: wider windows, N = 100,
# the W2 or averaged vectors), nor word2vec's negative sampling (README), puts two weapons among
# its five nearest.
NOT_YET = {
    "sword": "sword's neighbours are body parts and one weapon (rapier), not two weapons",
}


@pytest.mark.parametrize(
    "word",
    [
        pytest.param(w, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[w]))
        if w in NOT_YET
        else w
        for w in sorted(ACCEPTED)
    ],
)
def test_the_reference_models_neighbours_are_words_a_reader_accepts(reference, word):
    """At least two of the five nearest neighbours are of the same kind (or the usual company)."""
    near = [w for w, _ in nearest_neighbors(word, reference, k=5)]
    assert len(ACCEPTED[word] & set(near)) >= 2, f"{word}: {near}"


@pytest.mark.slow
def test_the_recorded_recipes_end_with_the_shipped_reference_model(reference):
    """Notebook 06 plots recorded whole runs; the one without changes is the shipped model."""
    recorded = recipe_runs()
    ours = [run for run in recorded["runs"] if not run["changes"]]
    assert len(ours) == 1 and len(recorded["runs"]) >= 2
    steps = recorded["curve_steps"]
    curve = reference.losses[: len(ours[0]["curve"]) * steps].reshape(-1, steps).mean(axis=1)
    np.testing.assert_allclose(ours[0]["curve"], curve, atol=1e-4)
    final = reference.losses[-100:].mean()  # notebook 06 prints both at .3f: the same digits
    assert ours[0]["final_loss"] == pytest.approx(final, abs=1e-6)
    assert f"{ours[0]['final_loss']:.3f}" == f"{final:.3f}"
    assert ours[0]["dead"] == ours[0]["idle"] == 0
    for run in recorded["runs"]:  # every other run differs from REFERENCE_CONFIG in named settings
        assert set(run["changes"]) <= set(REFERENCE_CONFIG)


def test_save_and_load_model_round_trip(tmp_path):
    tokens = tokenize("the king and the queen . the prince and the duke . " * 20)
    result = train_cbow(tokens, N=4, C=1, batch_size=8, epochs=1, seed=3, progress=False)
    path = tmp_path / "model.npz"
    save_model(path, result)
    loaded = load_model(path)
    for name in ("W1", "W2", "b1", "b2", "losses"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(result, name))
    assert loaded.word2Ind == result.word2Ind and loaded.Ind2word == result.Ind2word
    assert loaded.config == result.config
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left


def test_load_model_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        load_model(tmp_path / "missing.npz")
    not_npz = tmp_path / "vectors.npz"
    not_npz.write_text("3 2\na 1 2\n")
    with pytest.raises(ValueError, match="not a readable .npz model file"):
        load_model(not_npz)
    partial = tmp_path / "partial.npz"
    np.savez(partial, W1=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="not a model saved by save_model"):
        load_model(partial)


def test_the_reference_file_ships_inside_the_package():
    assert reference_path().is_file()
    assert (
        reference_path().parent.name == "data"
        and reference_path().parent.parent.name == "cbow_helpers"
    )
