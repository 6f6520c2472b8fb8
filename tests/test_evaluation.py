import numpy as np
import pytest
from gensim.models import KeyedVectors
from scipy import stats

from cbow_helpers import (
    CBOWResult,
    analogy,
    evaluate_analogies,
    evaluate_word_pairs,
    evaluation,
    nearest_neighbors,
    save_vectors,
    similarity,
)
from cbow_helpers.cli import main
from cbow_helpers.evaluation import benchmark_paths


@pytest.fixture(scope="module")
def vectors():
    """Random vectors for most benchmark words (some left out, so coverage is partial)."""
    paths = benchmark_paths()
    words = set()
    for name in ("WordSim-353", "SimLex-999"):
        for line in paths[name].read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                words.update(w.lower() for w in line.split("\t")[:2])
    sections = (
        paths["Google analogies"].read_text(encoding="utf-8").split("\n:")[:3]
    )  # a few sections
    for section in sections:
        for line in section.splitlines()[1:]:
            words.update(line.lower().split())
    words = sorted(words)
    rng = np.random.default_rng(0)
    words = [w for w in words if rng.random() < 0.8]
    # a little structure, so that correlations and analogies are not all noise
    matrix = rng.normal(size=(len(words), 20)) + np.array([[len(w) % 5] * 20 for w in words]) * 0.3
    return words, matrix.astype(np.float32)


@pytest.fixture(scope="module")
def keyed(vectors):
    kv = KeyedVectors(vectors[1].shape[1])
    kv.add_vectors(*vectors)
    return kv


@pytest.mark.parametrize("name", ["WordSim-353", "SimLex-999"])
def test_word_pairs_agree_with_gensim(vectors, keyed, name):
    path = benchmark_paths()[name]
    ours = evaluate_word_pairs(vectors, path)
    pearson, spearman, oov_percent = keyed.evaluate_word_pairs(str(path))
    assert ours["spearman"] == pytest.approx(spearman.statistic, abs=1e-6)
    assert ours["pearson"] == pytest.approx(pearson.statistic, abs=1e-6)
    assert ours["oov_ratio"] * 100 == pytest.approx(oov_percent)
    assert 0 < ours["pairs"] < ours["total"]


@pytest.mark.slow
def test_analogies_agree_with_gensim(vectors, keyed, tmp_path):
    path = tmp_path / "questions.txt"
    text = benchmark_paths()["Google analogies"].read_text(encoding="utf-8")
    assert text.startswith(":")
    path.write_text(
        "\n:".join(text.split("\n:")[:3]) + "\n", encoding="utf-8"
    )  # the first three sections
    ours = evaluate_analogies(vectors, path)
    score, sections = keyed.evaluate_word_analogies(str(path))
    assert ours["accuracy"] == pytest.approx(score)
    theirs = {
        s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections
    }
    for name, s in ours["sections"].items():
        assert (s["correct"], s["total"]) == theirs[name]
    assert 0 < ours["coverage"] < 1


def test_neighbours_similarity_and_analogy_on_a_toy_space():
    words = ["man", "woman", "king", "queen", "apple"]
    matrix = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1], [-1, -1, 0.1]], dtype=float)
    assert analogy("man", "king", "woman", (words, matrix))[0][0] == "queen"
    assert nearest_neighbors("king", (words, matrix), k=1)[0][0] in {"man", "queen"}
    assert [w for w, _ in nearest_neighbors("king", (words, matrix), k=4)][-1] == "apple"
    assert similarity("man", "man", (words, matrix)) == pytest.approx(1.0)
    assert similarity("man", "woman", (words, matrix)) == pytest.approx(0.0)


def test_unknown_words_are_keyerrors_naming_them():
    words, matrix = ["a", "b"], np.eye(2)
    with pytest.raises(KeyError, match="zebra"):
        nearest_neighbors("zebra", (words, matrix))
    with pytest.raises(KeyError, match="zebra"):
        similarity("a", "zebra", (words, matrix))
    with pytest.raises(KeyError, match="zebra"):
        analogy("a", "b", "zebra", (words, matrix))


@pytest.mark.slow
def test_evaluate_command(vectors, tmp_path, capsys):
    path = tmp_path / "v.txt"
    save_vectors(path, *vectors)
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    ws = evaluate_word_pairs(vectors, benchmark_paths()["WordSim-353"])
    assert f"Spearman {ws['spearman']:6.3f}" in out and "WordSim-353" in out and "covered" in out


@pytest.mark.slow
def test_spearman_interval_brackets_the_score_and_is_reproducible():
    from cbow_helpers import spearman_interval

    rng = np.random.default_rng(0)
    gold = rng.normal(size=60)
    scores = {"gold": list(gold), "predicted": list(gold + rng.normal(scale=1.0, size=60))}
    rho = stats.spearmanr(scores["gold"], scores["predicted"]).statistic
    low, high = spearman_interval(scores, confidence=0.9, n_resamples=500, seed=1)
    assert low < rho < high and 0 < high - low < 0.6
    assert spearman_interval(scores, confidence=0.9, n_resamples=500, seed=1) == (low, high)
    wider = spearman_interval(scores, confidence=0.99, n_resamples=500, seed=1)
    assert wider[0] < low and wider[1] > high
    with pytest.raises(ValueError, match="confidence"):
        spearman_interval(scores, confidence=90)
    with pytest.raises(ValueError, match="at least 3 pairs"):
        spearman_interval({"gold": [1.0, 2.0], "predicted": [1.0, 2.0]})


def test_format_scores_rounds_to_the_digits_asked():
    from cbow_helpers import format_scores

    pairs = {"spearman": 0.24951, "pairs": 56, "total": 353, "oov_ratio": 1 - 56 / 353}
    scores = {
        "WordSim-353": pairs,
        "SimLex-999": dict(pairs, total=999),
        "Google analogies": {
            "accuracy": 0.0975,
            "answered": 667,
            "coverage": 0.034,
            "sections": {"a": {"questions": 19544}},
        },
    }
    assert "Spearman  0.250" in format_scores(scores) and "accuracy  0.098" in format_scores(scores)
    assert "Spearman  0.25 " in format_scores(
        scores, digits=2
    ) and "accuracy  0.10 " in format_scores(scores, digits=2)


def toy_model(V=6, N=4, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(V)]
    return CBOWResult(
        W1=rng.normal(size=(N, V)).astype(np.float32),
        W2=rng.normal(size=(V, N)).astype(np.float32),
        b1=np.zeros((N, 1), np.float32),
        b2=np.zeros((V, 1), np.float32),
        word2Ind={w: i for i, w in enumerate(words)},
        Ind2word=dict(enumerate(words)),
        losses=np.zeros(1),
        examples_per_second=float("nan"),
        config={},
    )


def test_embeddings_are_a_read_only_view_of_the_current_w1():
    model = toy_model()
    emb = model.embeddings
    assert np.shares_memory(emb, model.W1)  # no copy
    np.testing.assert_array_equal(emb, model.W1.T)
    with pytest.raises(ValueError, match="read-only"):
        emb[0, 0] = 1.0
    model.W1[0, 0] = 42.0  # a change of W1 shows
    assert model.embeddings[0, 0] == 42.0
    model.W1 = np.ones((4, 6), np.float32)  # and so do new weights
    np.testing.assert_array_equal(model.embeddings, np.ones((6, 4)))
    own = model.embedding_matrix("W1")  # a copy of one's own
    own[0, 0] = 7.0
    assert model.W1[0, 0] == 1.0


def test_neighbours_normalise_a_model_once_and_notice_new_weights(monkeypatch):
    calls = []
    normalise = evaluation._normalise
    monkeypatch.setattr(evaluation, "_normalise", lambda m: calls.append(1) or normalise(m))
    model = toy_model()

    def fresh(word):  # the answer from scratch, from a copy of the vectors (not counted)
        before = len(calls)
        answer = nearest_neighbors(word, (model.words, model.embedding_matrix("W1")), 3)
        del calls[before:]
        return answer

    u0, u1 = (model.W1[:, i] / np.linalg.norm(model.W1[:, i]) for i in (0, 1))
    first = nearest_neighbors("w0", model, 3)
    assert first == fresh("w0")
    for _ in range(3):
        assert nearest_neighbors("w0", model, 3) == first
        assert similarity("w0", "w1", model) == pytest.approx(float(u0 @ u1), rel=1e-6)
    assert len(calls) == 1  # normalised once for all those calls

    model.W1[:, 0] = model.W1[:, 5]  # changed in place: w0 becomes w5's twin
    changed = nearest_neighbors("w0", model, 3)
    assert len(calls) == 2
    assert changed == fresh("w0") and changed[0][0] == "w5"
    assert changed[0][1] == pytest.approx(1.0)

    model.W1 = np.roll(model.W1, 1, axis=1)  # new weights
    assert nearest_neighbors("w0", model, 3) == fresh("w0")
    assert len(calls) == 3


def test_analogy_kinds_counts_the_gram_sections_as_syntactic_and_the_rest_as_semantic():
    sections = {
        "capital-common-countries": {"correct": 3, "total": 10, "questions": 50},
        "family": {"correct": 7, "total": 20, "questions": 50},
        "gram1-adjective-to-adverb": {"correct": 1, "total": 25, "questions": 50},
        "gram8-plural": {"correct": 4, "total": 15, "questions": 50},
    }
    kinds = evaluation.analogy_kinds({"Google analogies": {"sections": sections}})
    assert kinds["semantic"] == {"correct": 10, "answered": 30, "accuracy": pytest.approx(1 / 3)}
    assert kinds["syntactic"] == {"correct": 5, "answered": 40, "accuracy": pytest.approx(0.125)}
    few = evaluation.analogy_kinds({"sections": {"family": {"correct": 1, "total": 5}}})
    assert np.isnan(few["semantic"]["accuracy"]) and few["syntactic"]["answered"] == 0


def test_analogy_kinds_refuses_what_is_not_a_scores_dict():
    with pytest.raises(TypeError, match="evaluate_analogies"):
        evaluation.analogy_kinds([1, 2])
    with pytest.raises(ValueError, match="sections"):
        evaluation.analogy_kinds({"accuracy": 0.5})


def test_on_shared_words_gives_every_model_the_same_words_and_so_the_same_items(vectors):
    words, matrix = vectors
    rng = np.random.default_rng(1)
    other = (list(reversed(words[::2])) + ["notaword"], rng.normal(size=(len(words[::2]) + 1, 3)))
    mine, theirs = evaluation.on_shared_words((words, matrix), other)
    assert mine[0] == theirs[0] == words[::2]  # the first model's order, only the shared words
    assert mine[1].shape == (len(words[::2]), matrix.shape[1]) and theirs[1].shape[1] == 3
    index = {w: i for i, w in enumerate(words)}
    unit = matrix[index[words[2]]] / np.linalg.norm(matrix[index[words[2]]])
    assert np.allclose(mine[1][1], unit)  # the row of each shared word, as a unit vector
    path = benchmark_paths()["WordSim-353"]
    assert evaluate_word_pairs(mine, path)["pairs"] == evaluate_word_pairs(theirs, path)["pairs"]
    with pytest.raises(ValueError, match="at least two"):
        evaluation.on_shared_words((words, matrix))
