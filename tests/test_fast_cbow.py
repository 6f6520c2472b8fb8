"""reference_step is the course's model, and FastCBOW.step computes what reference_step computes."""

import numpy as np
import pytest

from cbow_helpers import (
    FastCBOW,
    back_prop,
    build_vocabulary,
    context_windows,
    encode,
    forward_prop,
    initialize_model,
    reference_step,
    softmax,
)

TOKENS = (
    "the king and the queen . the prince loves the queen and the king . "
    "a rare word and the king . so so so the queen . "
) * 8


def windows(C=2, tokens=TOKENS):
    tokens = tokens.split()
    word2Ind, _ = build_vocabulary(tokens)
    context, center = context_windows(encode(tokens, word2Ind), C)
    return len(word2Ind), context, center


def rows_layout(W1, W2, b1, b2, dtype):
    """The course's weights as reference_step takes them: W1T (V, N), b1 (N,), W2 (V, N), b2 (V,)."""
    return [np.array(a, dtype=dtype) for a in (W1.T, b1.ravel(), W2, b2.ravel())]


def test_reference_step_is_the_course_model():
    """In float64, one reference step = forward_prop, back_prop and a gradient step on dense one-hots."""
    V, context, center = windows(C=2)
    N, m, lr = 7, 10, 0.8
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=2)
    W1T, b1r, W2r, b2r = rows_layout(W1, W2, b1, b2, np.float64)
    X = np.zeros((V, m))
    np.add.at(X, (context[:m], np.arange(m)[:, None]), 1 / context.shape[1])
    Y = np.zeros((V, m))
    Y[center[:m], np.arange(m)] = 1
    z2, h = forward_prop(X, W1, W2, b1, b2)
    y_hat = softmax(z2)
    expected_J = -np.mean(np.log(y_hat[center[:m], np.arange(m)]))
    grads = back_prop(X, y_hat, Y, h, W1, W2, b1, b2, m)
    expected = [w - lr * g for w, g in zip((W1, W2, b1, b2), grads)]

    J = reference_step(W1T, b1r, W2r, b2r, context[:m], center[:m], lr)

    assert J == pytest.approx(expected_J, rel=1e-12)
    for got, want in zip((W1T.T, W2r, b1r[:, None], b2r[:, None]), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_reference_step_uses_the_relu_derivative():
    """A hidden unit that is off (z1 < 0) for every window passes no gradient to its row of W1."""
    V, context, center = windows(C=2)
    N, m = 4, 12
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=1)
    b1[0] = -100.0  # unit 0 is off for every window
    W1T, b1r, W2r, b2r = rows_layout(W1, W2, b1, b2, np.float64)
    before = W1T.copy()
    reference_step(W1T, b1r, W2r, b2r, context[:m], center[:m], 1.0)
    np.testing.assert_array_equal(W1T[:, 0], before[:, 0])
    assert b1r[0] == -100.0
    assert not np.array_equal(W1T[:, 1:], before[:, 1:])


@pytest.mark.parametrize("C, m", [(2, 16), (3, 7), (1, 1)])
def test_fast_step_equals_the_reference_step(C, m):
    """Five steps of each, from the same float32 weights: the same losses and weights."""
    V, context, center = windows(C=C)
    N, lr = 6, 0.9
    weights = initialize_model(N, V, random_seed=7)
    fast = FastCBOW(*weights)
    W1T, b1, W2, b2 = rows_layout(*weights, np.float32)
    for step in range(5):
        batch = slice(step * m, (step + 1) * m)
        expected = reference_step(W1T, b1, W2, b2, context[batch], center[batch], lr)
        assert fast.step(context[batch], center[batch], lr) == pytest.approx(expected, rel=1e-5)
    fast.close()
    for got, want in zip(fast.weights(), (W1T.T, W2, b1[:, None], b2[:, None])):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("scale", [300.0, -300.0])
def test_fast_step_equals_the_reference_step_for_huge_logits(scale):
    """Logits far past exp's float32 range: both shift by the row maximum and stay finite."""
    V, context, center = windows(C=2)
    N, m, lr = 6, 16, 0.001
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=3)
    b2 = scale * np.linspace(-1, 1, V).reshape(V, 1)
    fast = FastCBOW(W1, W2, b1, b2)
    W1T, b1r, W2r, b2r = rows_layout(W1, W2, b1, b2, np.float32)
    expected = reference_step(W1T, b1r, W2r, b2r, context[:m], center[:m], lr)
    loss = fast.step(context[:m], center[:m], lr)
    assert np.isfinite(expected) and expected > 100
    assert loss == pytest.approx(expected, rel=1e-5)
    for got, want in zip(fast.weights(), (W1T.T, W2r, b1r[:, None], b2r[:, None])):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)


def test_a_repeated_context_word_gets_its_gradient_once_per_occurrence():
    """A window whose context holds one word twice moves that word's row twice as far."""
    V, N, lr = 5, 3, 1.0
    context = np.array([[1, 1, 2, 3]])
    center = np.array([4])
    weights = initialize_model(N, V, random_seed=0)
    fast = FastCBOW(*weights)
    W1T, b1, W2, b2 = rows_layout(*weights, np.float32)
    start = W1T.copy()
    reference_step(W1T, b1, W2, b2, context, center, lr)
    fast.step(context, center, lr)
    moved = W1T - start
    np.testing.assert_allclose(moved[1], 2 * moved[2], rtol=1e-6)
    np.testing.assert_allclose(fast.weights()[0].T, W1T, rtol=1e-5, atol=1e-7)


def test_one_worker_computes_the_same_step():
    V, context, center = windows(C=2)
    weights = initialize_model(6, V, random_seed=9)
    one, two = FastCBOW(*weights, workers=1), FastCBOW(*weights)
    for step in range(3):
        batch = slice(step * 20, (step + 1) * 20)
        assert one.step(context[batch], center[batch], 0.5) == pytest.approx(
            two.step(context[batch], center[batch], 0.5), rel=1e-6
        )
    two.close()
    for a, b in zip(one.weights(), two.weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("workers", [0, -1])
def test_workers_must_be_positive(workers):
    with pytest.raises(ValueError, match="workers"):
        FastCBOW(*initialize_model(2, 3, random_seed=0), workers=workers)
