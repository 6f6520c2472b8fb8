import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cbow_helpers import (
    GradientCheckError,
    back_prop,
    check_gradients,
    compute_cost,
    context_words_to_vector,
    cross_entropy_loss,
    forward_prop,
    get_batches,
    get_dict,
    get_training_example,
    gradient_descent,
    initialize_model,
    relu,
    softmax,
    word_to_one_hot_vector,
)

# The notes' worked example: N = 3, V = 5, "i am happy because i am learning".
WORDS = ["i", "am", "happy", "because", "i", "am", "learning"]
W1 = np.array(
    [
        [0.41687358, 0.08854191, -0.23495225, 0.28320538, 0.41800106],
        [0.32735501, 0.22795148, -0.23951958, 0.4117634, -0.23924344],
        [0.26637602, -0.23846886, -0.37770863, -0.11399446, 0.34008124],
    ]
)
W2 = np.array(
    [
        [-0.22182064, -0.43008631, 0.13310965],
        [0.08476603, 0.08123194, 0.1772054],
        [0.1871551, -0.06107263, -0.1790735],
        [0.07055222, -0.02015138, 0.36107434],
        [0.33480474, -0.39423389, -0.43959196],
    ]
)
b1 = np.array([[0.09688219], [0.29239497], [-0.27364426]])
b2 = np.array([[0.0352008], [-0.36393384], [-0.12775555], [-0.34802326], [-0.07017815]])


@pytest.fixture
def example():
    word2Ind, Ind2word = get_dict(WORDS)
    x, y = next(get_training_example(WORDS, 2, word2Ind, 5))
    return x.reshape(5, 1), y.reshape(5, 1), Ind2word


def test_one_hot_and_context_vectors():
    word2Ind, _ = get_dict(WORDS)
    np.testing.assert_array_equal(word_to_one_hot_vector("happy", word2Ind, 5), [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(
        context_words_to_vector(["i", "am", "because", "i"], word2Ind, 5), [0.25, 0.25, 0, 0.5, 0]
    )


def test_unknown_word_is_a_keyerror_naming_it():
    word2Ind, _ = get_dict(WORDS)
    with pytest.raises(KeyError, match="zebra"):
        word_to_one_hot_vector("zebra", word2Ind, 5)
    with pytest.raises(KeyError, match="zebra"):
        context_words_to_vector(["i", "zebra"], word2Ind, 5)


def test_empty_context_is_a_valueerror_not_a_nan():
    word2Ind, _ = get_dict(WORDS)
    with pytest.raises(ValueError, match="empty"):
        context_words_to_vector([], word2Ind, 5)


def test_worked_example_forward(example):
    x, y, Ind2word = example
    np.testing.assert_array_equal(x.ravel(), [0.25, 0.25, 0, 0.5, 0])
    z, h = forward_prop(x, W1, W2, b1, b2)
    np.testing.assert_allclose(h.ravel(), [0.36483875, 0.63710329, 0.0], atol=1e-8)
    np.testing.assert_allclose(
        z.ravel(), [-0.31973737, -0.28125477, -0.09838369, -0.33512159, -0.19919612], atol=1e-8
    )
    y_hat = softmax(z)
    np.testing.assert_allclose(
        y_hat.ravel(), [0.18519074, 0.19245626, 0.23107446, 0.18236353, 0.20891502], atol=1e-8
    )
    assert Ind2word[int(np.argmax(y_hat))] == "happy"
    assert cross_entropy_loss(y_hat, y) == pytest.approx(1.465015292361111, rel=1e-12)


def test_worked_example_gradients(example):
    x, y, _ = example
    z, h = forward_prop(x, W1, W2, b1, b2)
    y_hat = softmax(z)
    grad_W1, grad_W2, grad_b1, grad_b2 = back_prop(x, y_hat, y, h, W1, W2, b1, b2, 1)
    # grad_W2 and grad_b2 as the notes print them
    np.testing.assert_allclose(
        grad_W2,
        [
            [0.06756476, 0.11798563, 0],
            [0.0702155, 0.12261452, 0],
            [-0.28053384, -0.48988499, 0],
            [0.06653328, 0.1161844, 0],
            [0.07622029, 0.13310045, 0],
        ],
        atol=1e-8,
    )
    np.testing.assert_allclose(
        grad_b2.ravel(), [0.18519074, 0.19245626, -0.76892554, 0.18236353, 0.20891502], atol=1e-8
    )
    # z1[2] < 0, so the ReLU derivative zeroes the third hidden unit's gradient
    np.testing.assert_array_equal(grad_W1[2], 0)
    assert grad_b1[2, 0] == 0
    check_gradients(x, y, W1, W2, b1, b2)


def test_notes_simplified_gradient_fails_the_check_and_ours_passes(example):
    x, y, _ = example
    z, h = forward_prop(x, W1, W2, b1, b2)
    y_hat = softmax(z)
    notes_b1 = relu(W2.T @ (y_hat - y))
    notes = (notes_b1 @ x.T, (y_hat - y) @ h.T, notes_b1, y_hat - y)
    with pytest.raises(GradientCheckError) as info:
        check_gradients(x, y, W1, W2, b1, b2, grads=notes)
    message = str(info.value)
    assert "W1" in message and "b1" in message and "rel error" in message
    report = check_gradients(x, y, W1, W2, b1, b2)
    assert all(r["rel_error"] < 1e-6 for r in report.values())


def test_gradient_check_on_random_batches_with_inactive_relu_units():
    rng = np.random.default_rng(0)
    N, V, m = 6, 9, 7
    for trial in range(3):
        W1_, W2_, b1_, b2_ = initialize_model(N, V, random_seed=trial)
        b1_[: N // 2] -= 1.0  # push half the hidden units below zero for most examples
        X = rng.dirichlet(np.ones(V), size=m).T
        Y = np.eye(V)[:, rng.integers(0, V, m)]
        z1 = W1_ @ X + b1_
        assert (z1 < 0).any() and (z1 > 0).any()
        check_gradients(X, Y, W1_, W2_, b1_, b2_)


def test_gradient_check_catches_a_wrong_gradient():
    W1_, W2_, b1_, b2_ = initialize_model(4, 6, random_seed=3)
    X = np.full((6, 2), 1 / 6)
    Y = np.eye(6)[:, [1, 4]]
    z, h = forward_prop(X, W1_, W2_, b1_, b2_)
    grads = list(back_prop(X, softmax(z), Y, h, W1_, W2_, b1_, b2_, 2))
    grads[1] = grads[1] * 2  # e.g. forgetting the 1/m
    with pytest.raises(GradientCheckError, match="W2"):
        check_gradients(X, Y, W1_, W2_, b1_, b2_, grads=grads)


def test_softmax_is_stable_and_columnwise():
    out = softmax(np.array([1000.0, 1001.0, 999.0]))
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, softmax(np.array([1.0, 2.0, 0.0])))
    Z = np.array([[1.0, -1000.0], [2.0, -1001.0]])
    np.testing.assert_allclose(softmax(Z).sum(axis=0), [1, 1])
    np.testing.assert_allclose(softmax(Z)[:, 0], softmax(Z[:, 0]))


@given(arrays(np.float64, (4, 3), elements=st.floats(-1e3, 1e3)))
def test_softmax_columns_are_distributions(Z):
    P = softmax(Z)
    assert np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=0), 1.0)


def test_softmax_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        softmax(np.array([1.0, np.nan]))


def test_relu_does_not_modify_its_input():
    z = np.array([[-1.0], [2.0]])
    np.testing.assert_array_equal(relu(z), [[0], [2]])
    np.testing.assert_array_equal(z, [[-1], [2]])


def test_cross_entropy_is_finite_with_zero_probabilities():
    y = np.array([0.0, 1.0, 0.0])
    assert np.isfinite(cross_entropy_loss(np.array([0.5, 0.5, 0.0]), y))
    assert np.isfinite(cross_entropy_loss(np.array([1.0, 0.0, 0.0]), y))
    assert cross_entropy_loss(np.array([0.0, 1.0, 0.0]), y) == 0.0


def test_compute_cost_is_the_mean_loss():
    rng = np.random.default_rng(1)
    P = softmax(rng.normal(size=(5, 4)))
    Y = np.eye(5)[:, [0, 2, 2, 4]]
    expected = np.mean([cross_entropy_loss(P[:, j], Y[:, j]) for j in range(4)])
    assert compute_cost(P, Y, 4) == pytest.approx(expected)
    with pytest.raises(ValueError, match="batch_size"):
        compute_cost(P, Y, 3)


def test_the_loss_and_the_cost_both_take_the_prediction_first_and_agree_on_one_column():
    y_hat, y = np.array([[0.2], [0.7], [0.1]]), np.array([[0.0], [1.0], [0.0]])
    assert cross_entropy_loss(y_hat, y) == pytest.approx(-np.log(0.7), rel=1e-12)
    assert compute_cost(y_hat, y, 1) == pytest.approx(-np.log(0.7), rel=1e-12)
    assert compute_cost(y_hat=y_hat, y=y, batch_size=1) == cross_entropy_loss(y_hat=y_hat, y=y)
    with pytest.raises(ValueError, match=r"y_hat and y .*\(3, 1\) and \(2, 1\)"):
        compute_cost(y_hat, y[:2], 1)


def test_initialize_model_shapes_and_seed():
    W1_, W2_, b1_, b2_ = initialize_model(3, 5, random_seed=1)
    assert (W1_.shape, W2_.shape, b1_.shape, b2_.shape) == ((3, 5), (5, 3), (3, 1), (5, 1))
    np.testing.assert_array_equal(W1_, initialize_model(3, 5, random_seed=1)[0])
    assert not np.array_equal(W1_, initialize_model(3, 5, random_seed=2)[0])


def test_mismatched_shapes_name_both():
    x = np.zeros((4, 1))
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(3, 5\)"):
        forward_prop(x, W1, W2, b1, b2)
    with pytest.raises(ValueError, match=r"b2.*\(4, 1\)"):
        forward_prop(np.zeros((5, 1)), W1, W2, b1, np.zeros((4, 1)))
    _, h = forward_prop(np.zeros((5, 1)), W1, W2, b1, b2)
    with pytest.raises(ValueError, match=r"yhat.*\(5, 2\)"):
        back_prop(np.zeros((5, 1)), np.zeros((5, 2)), np.zeros((5, 1)), h, W1, W2, b1, b2, 1)


def test_get_batches_distinct_windows_and_moving_on():
    tokens = [
        "the",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "the",
        "lazy",
        "dog",
        "and",
        "then",
        "the",
        "fox",
        "sleeps",
    ]
    word2Ind, _ = get_dict(tokens)
    V, C, m = len(word2Ind), 2, 4
    all_x = [tuple(x) for x, _ in get_training_example(tokens, C, word2Ind, V)]
    n = len(all_x)
    batches = get_batches(tokens, word2Ind, V, C, m)
    seen = []
    for k in range(6):
        X, Y = next(batches)
        assert X.shape == Y.shape == (V, m)
        columns = [tuple(X[:, j]) for j in range(m)]
        # the columns are consecutive windows, wrapping around: never one window repeated
        start = (k * m) % n
        assert columns == [all_x[(start + j) % n] for j in range(m)]
        np.testing.assert_array_equal(Y.sum(axis=0), 1)
        seen.append(X)
    for a, b in itertools.pairwise(seen):
        assert not np.array_equal(a, b)


def test_get_batches_too_few_windows():
    word2Ind, _ = get_dict(WORDS)
    with pytest.raises(ValueError, match="batch_size"):
        next(get_batches(WORDS, word2Ind, 5, 2, 4))


def test_gradient_descent_lowers_the_cost():
    tokens = ("i am happy because i am learning . " * 20).split()
    word2Ind, _ = get_dict(tokens)
    *_, costs = gradient_descent(
        tokens, word2Ind, N=4, V=len(word2Ind), num_iters=150, alpha=2.0, batch_size=8
    )
    assert len(costs) == 150
    assert np.mean(costs[-10:]) < 0.6 * np.mean(costs[:5])


@settings(deadline=None, max_examples=20)
@given(st.integers(1, 5), st.integers(2, 8), st.integers(1, 4), st.integers(0, 1000))
def test_back_prop_matches_numerical_gradient_property(N, V, m, seed):
    rng = np.random.default_rng(seed)
    W1_, W2_, b1_, b2_ = initialize_model(N, V, random_seed=seed)
    X = rng.dirichlet(np.ones(V), size=m).T
    Y = np.eye(V)[:, rng.integers(0, V, m)]
    z1 = W1_ @ X + b1_
    assume(np.min(np.abs(z1)) >= 1e-4)  # at the ReLU kink central differences are meaningless
    check_gradients(X, Y, W1_, W2_, b1_, b2_, tol=1e-5)


def test_gradient_report_hides_rounding_noise_and_shows_real_errors():
    """Digits below the floor differ between CPUs, so the report does not print them."""
    from cbow_helpers import format_gradient_report

    report = {
        "W1": {"max_abs_diff": 8.52e-2, "rel_error": 0.712},
        "W2": {"max_abs_diff": 1.36e-10, "rel_error": 3.27e-8},
    }
    lines = format_gradient_report(report).splitlines()
    assert lines[1].split() == ["W1", "8.5e-02", "7.1e-01"]
    assert lines[2].split() == ["W2", "<", "1e-07", "<", "1e-07"]
    assert "3.27" not in format_gradient_report(report) and "1.36" not in format_gradient_report(
        report
    )
    assert format_gradient_report(report, floor=1e-11).splitlines()[2].split() == [
        "W2",
        "1.4e-10",
        "3.3e-08",
    ]
