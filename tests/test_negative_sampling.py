import numpy as np
import pytest

from cbow_helpers import (
    GradientCheckError,
    NegativeSamplingResult,
    check_negative_sampling_gradients,
    dynamic_contexts,
    keep_probabilities,
    linear_decay,
    load_vectors,
    nearest_neighbors,
    negative_sampling_gradients,
    negative_sampling_loss,
    noise_distribution,
    reduced_windows,
    sample_negatives,
    save_vectors,
    subsample,
    train_negative_sampling,
    unigram_table,
)
from cbow_helpers.engine.kernels import (
    gather_mean_public,
    gather_mean_sparsetools,
    scatter_add_public,
    scatter_add_sparsetools,
)
from cbow_helpers.engine.negative_sampling_step import negative_sampling_step

CORPUS = (
    "the king and the queen rule the land . the prince and the princess love the king . "
    "a dog and a cat eat the meat . the cat and the dog sleep in the house . "
) * 40


def small_problem(seed=0, V=9, N=4, m=3, two_c=4, K=3):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 0.5, (N, V))
    W2 = rng.normal(0, 0.5, (V, N))
    context = rng.integers(0, V, (m, two_c))
    center = rng.integers(0, V, m)
    negatives = rng.integers(0, V, (m, K))
    return W1, W2, context, center, negatives


def test_loss_matches_a_loop_over_windows():
    W1, W2, context, center, negatives = small_problem()
    expected = []
    for j in range(len(center)):
        h = W1[:, context[j]].mean(axis=1)
        loss = -np.log(1 / (1 + np.exp(-W2[center[j]] @ h)))
        loss -= sum(np.log(1 / (1 + np.exp(W2[k] @ h))) for k in negatives[j])
        expected.append(loss)
    assert negative_sampling_loss(W1, W2, context, center, negatives) == pytest.approx(
        np.mean(expected), rel=1e-12
    )


def test_gradient_check_passes_and_rejects_the_word2vec_rule():
    W1, W2, context, center, negatives = small_problem()
    report = check_negative_sampling_gradients(W1, W2, context, center, negatives)
    assert set(report) == {"W1", "W2"} and all(r["rel_error"] < 1e-7 for r in report.values())
    _, gW1, gW2 = negative_sampling_gradients(W1, W2, context, center, negatives)
    # word2vec gives every context word the whole dJ/dh: 2C times the true gradient of the mean.
    with pytest.raises(GradientCheckError, match="W1"):
        check_negative_sampling_gradients(
            W1, W2, context, center, negatives, grads=(gW1 * context.shape[1], gW2)
        )


def test_loss_is_finite_for_huge_scores():
    W1, W2, context, center, negatives = small_problem()
    assert np.isfinite(negative_sampling_loss(W1 * 1e4, W2 * 1e4, context, center, negatives))


def test_loss_rejects_mismatched_shapes_and_ids():
    W1, W2, context, center, negatives = small_problem()
    with pytest.raises(ValueError, match="W2 must have shape"):
        negative_sampling_loss(W1, W2.T, context, center, negatives)
    with pytest.raises(ValueError, match="outside 0 .. V-1"):
        negative_sampling_loss(W1, W2, context, center + 100, negatives)
    with pytest.raises(ValueError, match="same m"):
        negative_sampling_loss(W1, W2, context, center[:2], negatives)


def test_noise_table_follows_counts_to_the_three_quarters():
    counts = np.array([1000, 100, 10, 5, 1])
    p = counts**0.75 / np.sum(counts**0.75)
    np.testing.assert_allclose(noise_distribution(counts), p)
    size = 100_000
    table = unigram_table(counts, size=size)
    assert table.shape == (size,) and table.dtype == np.int32
    shares = np.bincount(table, minlength=len(counts)) / size
    assert np.all(np.abs(shares - p) <= 1 / size)
    assert shares[-1] > counts[-1] / counts.sum()  # rare words are lifted above their unigram share
    np.testing.assert_allclose(noise_distribution(counts, power=0), 0.2)
    draws = sample_negatives(table, (200_000,), np.random.default_rng(0))
    np.testing.assert_allclose(np.bincount(draws, minlength=5) / draws.size, p, atol=0.005)


@pytest.mark.parametrize("counts", [[], [3, 0], [[1, 2]], [1.0, np.nan]])
def test_noise_table_rejects_bad_counts(counts):
    with pytest.raises(ValueError, match="count"):
        unigram_table(np.array(counts))


@pytest.mark.parametrize(
    ("function", "argument", "value", "error", "message"),
    [
        (keep_probabilities, "sample", "1e-3", TypeError, "sample .* must be a number, got '1e-3'"),
        (keep_probabilities, "sample", True, TypeError, "sample .* must be a number, got True"),
        (keep_probabilities, "sample", float("inf"), ValueError, "sample .* >= 0, got inf"),
        (noise_distribution, "power", None, TypeError, "power .* must be a number, got None"),
        (noise_distribution, "power", -0.5, ValueError, "power .* >= 0, got -0.5"),
        (noise_distribution, "power", float("nan"), ValueError, "power .* >= 0, got nan"),
    ],
)
def test_sample_and_power_a_wrong_type_is_a_type_error_a_bad_value_a_value_error(
    function, argument, value, error, message
):
    with pytest.raises(error, match=message):
        function(np.array([3.0, 1.0]), **{argument: value})


def test_keep_probabilities_is_word2vecs_formula():
    counts = np.array([50_000.0, 2_000.0, 10.0])
    total, t = counts.sum(), 1e-3
    f = counts / total
    expected = np.minimum((np.sqrt(f / t) + 1) * t / f, 1)
    np.testing.assert_allclose(keep_probabilities(counts, t), expected)
    keep = keep_probabilities(counts, t)
    assert keep[0] < 0.2 and keep[2] == 1.0
    np.testing.assert_array_equal(keep_probabilities(counts, 0), 1.0)
    with pytest.raises(ValueError, match="sample"):
        keep_probabilities(counts, -1e-3)


def test_subsample_keeps_each_word_at_its_rate():
    ids = np.repeat([0, 1], 100_000)
    kept = subsample(ids, np.array([0.25, 1.0]), np.random.default_rng(0))
    assert np.sum(kept == 1) == 100_000
    assert np.sum(kept == 0) / 100_000 == pytest.approx(0.25, abs=0.01)


def test_reduced_windows_cover_one_to_C():
    b = reduced_windows(10_000, 5, np.random.default_rng(0))
    assert b.min() == 1 and b.max() == 5
    np.testing.assert_allclose(np.bincount(b)[1:] / b.size, 0.2, atol=0.02)


def test_dynamic_contexts_match_a_loop():
    ids = np.arange(20, dtype=np.int32) * 3
    C = 3
    rng = np.random.default_rng(5)
    b = reduced_windows(len(ids), C, np.random.default_rng(5))
    indptr, indices = dynamic_contexts(ids, C, rng)
    for i in range(len(ids)):
        expected = [ids[j] for j in range(i - b[i], i + b[i] + 1) if j != i and 0 <= j < len(ids)]
        assert indices[indptr[i] : indptr[i + 1]].tolist() == expected
    full_ptr, _ = dynamic_contexts(ids, C)
    assert np.diff(full_ptr).tolist()[:4] == [3, 4, 5, 6] and np.diff(full_ptr).max() == 2 * C


def test_linear_decay():
    assert linear_decay(0.025, 0.0001, 0) == 0.025
    assert linear_decay(0.025, 0.0001, 1) == pytest.approx(0.0001)
    assert linear_decay(1.0, 0.0, 0.25) == 0.75
    np.testing.assert_allclose(linear_decay(1.0, 0.5, np.array([0, 0.5, 1])), [1, 0.75, 0.5])
    with pytest.raises(ValueError, match="progress"):
        linear_decay(1.0, 0.0, 1.5)
    with pytest.raises(ValueError, match="end <= start"):
        linear_decay(0.1, 0.2, 0.5)


def test_the_two_kernels_give_the_same_numbers():
    rng = np.random.default_rng(1)
    V, N, m = 40, 6, 30
    W = rng.standard_normal((V, N)).astype(np.float32)
    indptr, indices = dynamic_contexts(rng.integers(0, V, m).astype(np.int32), 3, rng)
    weights = rng.random(len(indices)).astype(np.float32)
    out_public, out_fast = np.empty((m, N), np.float32), np.empty((m, N), np.float32)
    gather_mean_public(W, indptr, indices, weights, out_public)
    gather_mean_sparsetools(W, indptr, indices, weights, out_fast)
    np.testing.assert_array_equal(out_public, out_fast)
    expected = np.array(
        [
            weights[indptr[j] : indptr[j + 1]] @ W[indices[indptr[j] : indptr[j + 1]]]
            for j in range(m)
        ]
    )
    np.testing.assert_allclose(out_public, expected, rtol=1e-5, atol=1e-6)
    X = rng.standard_normal((m, N)).astype(np.float32)
    A, B, C = W.copy(), W.copy(), W.astype(np.float64)
    scatter_add_public(A, indptr, indices, weights, X)
    scatter_add_sparsetools(B, indptr, indices, weights, X)
    np.testing.assert_array_equal(A, B)
    for j in range(m):  # repeated words get every update
        for e in range(indptr[j], indptr[j + 1]):
            C[indices[e]] += weights[e] * X[j]
    np.testing.assert_allclose(A, C, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rule", ["word2vec", "gradient"])
def test_step_follows_the_gradient_with_the_rule(rule):
    """One batched step = lr * m * the true gradient for W2; for W1 that times 2C under word2vec's rule."""
    W1, W2, context, center, negatives = small_problem(seed=3)
    m, two_c = context.shape
    lr = 0.1
    J, gW1, gW2 = negative_sampling_gradients(W1, W2, context, center, negatives)
    W_in, W_out = np.ascontiguousarray(W1.T, dtype=np.float32), W2.astype(np.float32)
    indptr = np.arange(0, m * two_c + 1, two_c, dtype=np.int32)
    targets = np.concatenate([center[:, None], negatives], axis=1).astype(np.int32)
    scatter = None if rule == "word2vec" else np.full(m * two_c, 1 / two_c, np.float32)
    loss = negative_sampling_step(
        W_in,
        W_out,
        indptr,
        context.reshape(-1).astype(np.int32),
        targets,
        lr,
        scatter_weights=scatter,
    )
    assert loss == pytest.approx(J, rel=1e-5)
    np.testing.assert_allclose(W_out, W2 - lr * m * gW2, atol=1e-6)
    factor = two_c if rule == "word2vec" else 1
    np.testing.assert_allclose(W_in.T, W1 - lr * m * factor * gW1, atol=1e-6)


@pytest.mark.parametrize("not_center", [None, [[1.0, 0.0]]])
def test_step_loss_stays_exact_for_large_scores(not_center):
    """Scores of 18 round float32's sigmoid to 1; J must still be -log sigmoid(s) per answer."""
    W_in = np.ones((4, 1), np.float32)
    W_out = np.full((4, 1), 18.0, np.float32)  # every score is 18 * 1
    indptr = np.array([0, 2], np.int32)
    indices = np.array([0, 1], np.int32)
    targets = np.array([[1, 2, 3]], np.int32)  # the centre word, then K = 2 negatives
    if not_center is not None:
        not_center = np.array(not_center, np.float32)
    loss = negative_sampling_step(W_in, W_out, indptr, indices, targets, 0.0, not_center=not_center)
    kept = 2 if not_center is None else 1
    expected = np.logaddexp(0, -18.0) + kept * np.logaddexp(0, 18.0)  # about 18 per negative
    assert loss == pytest.approx(expected, abs=1e-3)
    if not_center is None:
        J = negative_sampling_loss(W_in.T, W_out, [[0, 1]], [1], [[2, 3]])
        assert loss == pytest.approx(J, abs=1e-3)


def test_trainer_learns_a_tiny_corpus(tmp_path):
    tokens = CORPUS.split()
    result = train_negative_sampling(
        tokens,
        N=10,
        C=2,
        min_count=1,
        epochs=10,
        batch_size=32,
        sample=0,
        learning_rate=0.05,
        progress=False,
    )
    assert isinstance(result, NegativeSamplingResult)
    V = result.config["V"]
    assert (
        result.W1.shape == (10, V)
        and result.W2.shape == (V, 10)
        and result.embeddings.shape == (V, 10)
    )
    per_epoch = result.losses.reshape(10, -1).mean(axis=1)
    # W2 starts at 0: every answer is a coin flip, log 2 for each of the K + 1 (fewer when a negative is skipped)
    assert 5 * np.log(2) < result.losses[0] <= 6 * np.log(2) + 1e-9
    assert per_epoch[-1] < 0.8 * per_epoch[0]
    assert len(nearest_neighbors("cat", result, k=3)) == 3
    save_vectors(tmp_path / "v.txt", result.words, result.embeddings)
    words, vectors = load_vectors(tmp_path / "v.txt")
    assert words == result.words and vectors.shape == (V, 10)


def test_trainer_is_reproducible_and_kernels_agree():
    tokens = CORPUS.split()
    args = dict(N=8, C=3, min_count=1, epochs=2, batch_size=32, progress=False, seed=4)
    a = train_negative_sampling(tokens, kernel="sparsetools", **args)
    b = train_negative_sampling(tokens, kernel="public", **args)
    np.testing.assert_array_equal(a.W1, b.W1)
    np.testing.assert_array_equal(a.W2, b.W2)
    c = train_negative_sampling(tokens, update_rule="gradient", **args)
    assert not np.array_equal(a.W1, c.W1)


def test_trainer_drops_rare_words():
    tokens = CORPUS.split() + ["zebra"]
    result = train_negative_sampling(tokens, N=4, epochs=1, progress=False)
    assert "zebra" not in result.word2Ind and "<unk>" not in result.word2Ind
    assert result.words == sorted(result.words, key=lambda w: -tokens.count(w))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(N=0), ValueError, "N must be at least 1, got 0"),
        (dict(negative=2.5), TypeError, "negative must be an integer, got 2.5"),
        (dict(sample=-1), ValueError, "sample"),
        (dict(learning_rate=0), ValueError, "learning_rate"),
        (dict(min_learning_rate=1.0), ValueError, "min_learning_rate"),
        (dict(update_rule="mean"), ValueError, "update_rule"),
        (dict(kernel="cuda"), ValueError, "kernel"),
        (dict(workers=0), ValueError, "workers"),
        (dict(min_count=10_000), ValueError, "min_count=10000"),
    ],
)
def test_trainer_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_negative_sampling(CORPUS.split(), progress=False, **kwargs)


def test_trainer_wants_tokens_not_text():
    with pytest.raises(TypeError, match="tokenize"):
        train_negative_sampling(CORPUS, progress=False)


@pytest.mark.slow
def test_cli_trains_either_objective(tmp_path, capsys):
    from cbow_helpers.cli import main

    corpus = tmp_path / "story.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    for objective in ("negative-sampling", "softmax"):
        out = tmp_path / f"{objective}.txt"
        code = main(
            [
                "train",
                "--objective",
                objective,
                "--corpus",
                str(corpus),
                "--dim",
                "6",
                "--min-count",
                "1",
                "--out",
                str(out),
                "--plot",
                str(tmp_path / "p.png"),
            ]
        )
        assert code == 0
        printed = capsys.readouterr().out
        assert "windows/s" in printed
        words, vectors = load_vectors(out)
        assert "king" in words and vectors.shape == (len(words), 6)
        assert ("<unk>" in words) == (objective == "softmax") or objective == "softmax"


def test_cli_refuses_an_option_of_the_other_objective(tmp_path, capsys):
    from cbow_helpers.cli import main

    code = main(
        ["train", "--objective", "softmax", "--negative", "3", "--out", str(tmp_path / "v.txt")]
    )
    assert code == 1
    assert (
        capsys.readouterr().err.strip()
        == "error: --negative applies only to --objective negative-sampling, not softmax"
    )
    assert not (tmp_path / "v.txt").exists()
