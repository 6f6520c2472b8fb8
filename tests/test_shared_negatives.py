"""Negatives shared by groups of windows: the same loss and update as per-window negatives where
they coincide, the true gradient under the gradient rule."""

from __future__ import annotations

import numpy as np
import pytest

from cbow_helpers import (
    check_negative_sampling_gradients,
    negative_sampling_loss,
    negative_sampling_step,
    train_negative_sampling,
)
from cbow_helpers.engine.shared_negatives import shared_negatives_step


def problem(m=6, groups=2, K=3, V=9, N=4, two_c=4, dtype=np.float64, seed=0, clash=True):
    """Weights (W1 transposed, W2), full windows of 2C context words, centres, shared negatives.

    ``clash=False``: no negative is any window's centre word (the textbook loss counts every
    negative; the step skips one equal to its window's centre, as word2vec does)."""
    rng = np.random.default_rng(seed)
    W_in = rng.normal(0, 0.5, (V, N)).astype(dtype)
    W_out = rng.normal(0, 0.5, (V, N)).astype(dtype)
    context = rng.integers(0, V, (m, two_c)).astype(np.int32)
    centers = rng.integers(0, V, m).astype(np.int32)
    negatives = rng.integers(0, V, (groups, K)).astype(np.int32)
    if clash:
        negatives[0, 0] = centers[0]  # a negative equal to its window's centre word is skipped
    else:
        centers %= V // 2
        negatives = V // 2 + negatives % (V - V // 2)
    return W_in, W_out, context, centers, negatives


def shared_step(W_in, W_out, context, centers, negatives, lr, **options):
    m, two_c = context.shape
    indptr = np.arange(0, m * two_c + 1, two_c, dtype=np.int32)
    return shared_negatives_step(
        W_in, W_out, indptr, context.reshape(-1), centers, negatives, lr,
        kernel="public", **options,
    )  # fmt: skip


def per_window(negatives, m):
    """Each window's own copy of its group's negatives: (m, K)."""
    return np.repeat(negatives, -(-m // len(negatives)), axis=0)[:m]


@pytest.mark.parametrize("m", [6, 5])  # whole groups, and a last group one window short
def test_shared_step_matches_the_per_window_step_given_the_same_negatives(m):
    W_in, W_out, context, centers, negatives = problem(m=m)
    mine_in, mine_out = W_in.copy(), W_out.copy()
    loss = shared_step(mine_in, mine_out, context, centers, negatives, 0.1)
    ref_in, ref_out = W_in.copy(), W_out.copy()
    each = per_window(negatives, m)
    targets = np.concatenate([centers[:, None], each], axis=1).astype(np.int32)
    keep = (each != centers[:, None]).astype(W_in.dtype)
    indptr = np.arange(0, context.size + 1, context.shape[1], dtype=np.int32)
    ref_loss = negative_sampling_step(
        ref_in, ref_out, indptr, context.reshape(-1), targets, 0.1, not_center=keep, kernel="public"
    )
    assert loss == pytest.approx(ref_loss, rel=1e-6)  # the reference keeps its errors in float32
    np.testing.assert_allclose(mine_out, ref_out, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(mine_in, ref_in, rtol=1e-6, atol=1e-7)


def test_shared_loss_is_the_negative_sampling_loss_with_each_window_given_its_group_negatives():
    W_in, W_out, context, centers, negatives = problem(clash=False)
    loss = shared_step(W_in.copy(), W_out.copy(), context, centers, negatives, 0.1)
    expected = negative_sampling_loss(W_in.T, W_out, context, centers, per_window(negatives, 6))
    assert loss == pytest.approx(expected, rel=1e-12)


def test_shared_step_under_the_gradient_rule_is_a_step_along_the_true_gradient():
    W_in, W_out, context, centers, negatives = problem(clash=False)
    m, two_c = context.shape
    lr = 1e-3
    new_in, new_out = W_in.copy(), W_out.copy()
    weights = np.full(context.size, 1 / two_c)
    shared_step(new_in, new_out, context, centers, negatives, lr, scatter_weights=weights)
    # The step sums its m windows' steps: it is -lr * m * the gradient of the batch's mean J.
    grads = ((W_in - new_in).T / (lr * m), (W_out - new_out) / (lr * m))
    report = check_negative_sampling_gradients(
        W_in.T, W_out, context, centers, per_window(negatives, m), grads=grads, tol=1e-6
    )
    assert all(r["rel_error"] < 1e-6 for r in report.values())


def test_the_gradient_check_fails_when_the_scale_of_the_negatives_is_ignored():
    W_in, W_out, context, centers, negatives = problem(clash=False)
    m, lr = 6, 1e-3
    new_in, new_out = W_in.copy(), W_out.copy()
    weights = np.full(context.size, 1 / 4)
    shared_step(new_in, new_out, context, centers, negatives, lr, scatter_weights=weights, scale=2)
    grads = ((W_in - new_in).T / (lr * m), (W_out - new_out) / (lr * m))
    with pytest.raises(Exception, match="(?i)gradient"):
        check_negative_sampling_gradients(
            W_in.T, W_out, context, centers, per_window(negatives, m), grads=grads
        )


def test_scale_multiplies_the_negatives_terms_of_the_loss():
    W_in, W_out, context, centers, negatives = problem(clash=False)
    one = shared_step(W_in.copy(), W_out.copy(), context, centers, negatives, 0.1)
    two = shared_step(W_in.copy(), W_out.copy(), context, centers, negatives, 0.1, scale=2)
    no_negatives = negative_sampling_loss(
        W_in.T, W_out, context, centers, per_window(negatives, 6)[:, :0]
    )
    assert two - no_negatives == pytest.approx(2 * (one - no_negatives), rel=1e-12)


@pytest.fixture(scope="module")
def corpus():
    words = ["the", "king", "and", "queen", "rode", "to", "castle", "while", "fool", "sang"]
    rng = np.random.default_rng(0)
    return [words[i] for i in rng.integers(0, len(words), 3000)]


@pytest.mark.parametrize(
    ("option", "error", "message"),
    [
        (dict(negatives="Shared"), ValueError, r"negatives must be one of .*'Shared'"),
        (dict(negatives=2), TypeError, "negatives must be a str"),
        (dict(group_size=0), ValueError, "group_size"),
        (dict(group_size=2.5), TypeError, "group_size"),
    ],
)
def test_train_negative_sampling_refuses_a_bad_sharing_option(corpus, option, error, message):
    with pytest.raises(error, match=message):
        train_negative_sampling(corpus, **option, progress=False)


def test_shared_training_records_its_sharing_in_the_config(corpus):
    run = train_negative_sampling(corpus, negatives="shared", group_size=8, progress=False)
    assert run.config["negatives"] == "shared" and run.config["group_size"] == 8


def test_the_command_line_refuses_a_bad_negatives_value_before_training(tmp_path, capsys):
    from cbow_helpers.cli import main

    out = tmp_path / "v.txt"
    assert main(["train", "--negatives", "bogus", "--quiet", "--no-plot", "--out", str(out)]) == 1
    assert (
        "negatives must be one of ('per-window', 'shared'), got 'bogus'" in capsys.readouterr().err
    )
    assert not out.exists()


def test_windows_that_do_not_match_the_centre_words_are_a_clear_error():
    # The compiled kernels do not check bounds: one window too many would write past H.
    W_in, W_out, context, centers, negatives = problem(dtype=np.float32)
    indptr = np.arange(0, context.size + 1, context.shape[1], dtype=np.int32)
    with pytest.raises(ValueError, match=r"indptr must hold m \+ 1 = 6 offsets"):
        shared_negatives_step(W_in, W_out, indptr, context.ravel(), centers[:5], negatives, 0.1)
    targets = np.stack([centers, centers], axis=1)
    with pytest.raises(ValueError, match="rows of targets"):
        negative_sampling_step(W_in, W_out, indptr[:-1], context.ravel(), targets, 0.1)


def test_shared_loss_stays_exact_for_scores_beyond_float32_exp():
    # Scores of a few hundred: exp overflows float32 there, and a naive log(1 + exp(s)) is inf.
    W_in, W_out, context, centers, negatives = problem(clash=False)
    W_in, W_out = 30 * W_in, 30 * W_out
    expected = negative_sampling_loss(W_in.T, W_out, context, centers, per_window(negatives, 6))
    loss = shared_step(
        W_in.astype(np.float32), W_out.astype(np.float32), context, centers, negatives, 0.0
    )
    assert expected > 50 and loss == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("shared", [True, False])
def test_a_step_without_its_loss_makes_the_same_update_and_returns_none(shared):
    W_in, W_out, context, centers, negatives = problem(m=5, dtype=np.float32)
    runs = []
    for loss in (True, False):
        w_in, w_out = W_in.copy(), W_out.copy()
        if shared:
            J = shared_step(w_in, w_out, context, centers, negatives, 0.1, loss=loss)
        else:
            targets = np.concatenate([centers[:, None], per_window(negatives, 5)], axis=1)
            indptr = np.arange(0, context.size + 1, context.shape[1], dtype=np.int32)
            J = negative_sampling_step(
                w_in, w_out, indptr, context.reshape(-1), targets, 0.1, loss=loss
            )
        runs.append((J, w_in, w_out))
    (J, *with_loss), (nothing, *without) = runs
    assert np.isfinite(J) and J > 0 and nothing is None
    for a, b in zip(with_loss, without):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(with_loss[0], W_in)  # the step did move the weights
