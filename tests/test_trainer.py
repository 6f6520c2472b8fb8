import numpy as np
import pytest
from scipy.special import logsumexp

import cbow_helpers.engine.negative_sampling_loop as ns_loop
from cbow_helpers import (
    UNK,
    FastCBOW,
    TrainingDivergedError,
    back_prop,
    build_vocabulary,
    context_windows,
    encode,
    forward_prop,
    initialize_model,
    softmax,
    train_cbow,
    train_negative_sampling,
)
from cbow_helpers.engine import cbow_loop

TOKENS = ("the king and the queen . the prince loves the queen and the king . " * 6).split() + [
    "a",
    "rare",
    "word",
    ".",
]


def dense_batch(context, center, V):
    """The course's dense X (V, m) and Y (V, m) for index windows."""
    m = len(center)
    X = np.zeros((V, m))
    for j, row in enumerate(context):
        for k in row:
            X[k, j] += 1 / len(row)
    Y = np.zeros((V, m))
    Y[center, np.arange(m)] = 1
    return X, Y


# The second corpus puts every context word of the first batches on one word id, so one
# worker's share of the W1 scatter-add is empty and the other's holds every pair.
@pytest.mark.parametrize(
    "tokens", [TOKENS, ["so"] * 40 + TOKENS[:20]], ids=["mixed", "one-word-contexts"]
)
def test_fast_step_equals_the_course_functions(tokens):
    word2Ind, _ = build_vocabulary(tokens)
    V, N, C, m, lr = len(word2Ind), 6, 2, 8, 0.7
    context, center = context_windows(encode(tokens, word2Ind), C)
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=4)
    fast = FastCBOW(W1, W2, b1, b2)
    for step in range(4):
        batch = slice(step * m, (step + 1) * m)
        X, Y = dense_batch(context[batch], center[batch], V)
        z, h = forward_prop(X, W1, W2, b1, b2)
        y_hat = softmax(z)
        expected_loss = -np.mean(np.log(y_hat[center[batch], np.arange(m)]))
        gW1, gW2, gb1, gb2 = back_prop(X, y_hat, Y, h, W1, W2, b1, b2, m)
        W1, W2, b1, b2 = W1 - lr * gW1, W2 - lr * gW2, b1 - lr * gb1, b2 - lr * gb2
        loss = fast.step(context[batch], center[batch], lr)
        assert loss == pytest.approx(expected_loss, rel=1e-5)
    for ours, course in zip(fast.weights(), (W1, W2, b1, b2)):
        np.testing.assert_allclose(ours, course, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("logit_scale", [1.0, 400.0, -400.0])
def test_fast_step_is_stable_for_large_logits(logit_scale):
    """Logits far beyond exp's float32 range (|z| > 88) take the shifted softmax path."""
    word2Ind, _ = build_vocabulary(TOKENS)
    V, N, m, lr = len(word2Ind), 6, 8, 0.01
    context, center = context_windows(encode(TOKENS, word2Ind), 2)
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=5)
    b2 = b2 * 0 + logit_scale * np.linspace(-1, 1, V).reshape(V, 1)
    X, Y = dense_batch(context[:m], center[:m], V)
    z, h = forward_prop(X, W1, W2, b1, b2)
    assert np.abs(z).max() > 100 or logit_scale == 1.0
    y_hat = softmax(z)
    expected_loss = np.mean(
        logsumexp(z, axis=0) - z[center[:m], np.arange(m)]
    )  # exact, via log-softmax
    g = back_prop(X, y_hat, Y, h, W1, W2, b1, b2, m)
    fast = FastCBOW(W1, W2, b1, b2)
    loss = fast.step(context[:m], center[:m], lr)
    assert np.isfinite(loss) and loss == pytest.approx(expected_loss, rel=1e-4)
    for ours, course in zip(
        fast.weights(), (W1 - lr * g[0], W2 - lr * g[1], b1 - lr * g[2], b2 - lr * g[3])
    ):
        np.testing.assert_allclose(ours, course, rtol=1e-4, atol=1e-4 * max(1.0, abs(logit_scale)))


@pytest.mark.parametrize(
    ("min_learning_rate", "b1_start"),
    [(None, None), (0.05, 0.1)],
    ids=["constant step, random b1", "falling step, b1 starting at 0.1"],
)
def test_train_cbow_equals_the_course_loop_without_shuffling(min_learning_rate, b1_start):
    N, C, m, lr, seed = 5, 1, 6, 0.5, 3
    result = train_cbow(
        TOKENS,
        N=N,
        C=C,
        vocab_size=None,
        batch_size=m,
        epochs=1,
        learning_rate=lr,
        min_learning_rate=min_learning_rate,
        b1_start=b1_start,
        seed=seed,
        shuffle=False,
        progress=False,
    )
    V = len(result.word2Ind)
    context, center = context_windows(encode(TOKENS, result.word2Ind), C)
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=seed)
    if b1_start is not None:  # every hidden unit starts with the same positive bias
        b1 = np.full_like(b1, b1_start)
    steps = -(-len(center) // m)
    final = lr if min_learning_rate is None else min_learning_rate
    losses = []
    for step, begin in enumerate(range(0, len(center), m)):
        alpha = lr - (lr - final) * step / steps  # word2vec's linear fall, from lr towards final
        X, Y = dense_batch(context[begin : begin + m], center[begin : begin + m], V)
        z, h = forward_prop(X, W1, W2, b1, b2)
        y_hat = softmax(z)
        losses.append(-np.mean(np.log((y_hat * Y).sum(axis=0))))
        g = back_prop(X, y_hat, Y, h, W1, W2, b1, b2, X.shape[1])
        W1, W2, b1, b2 = (w - alpha * gw for w, gw in zip((W1, W2, b1, b2), g))
    np.testing.assert_allclose(result.losses, losses, rtol=1e-5)
    for ours, course in zip((result.W1, result.W2, result.b1, result.b2), (W1, W2, b1, b2)):
        np.testing.assert_allclose(ours, course, rtol=1e-4, atol=1e-5)


def test_vocabulary_frequency_order_and_unk():
    word2Ind, Ind2word = build_vocabulary(TOKENS, vocab_size=4)
    assert list(word2Ind) == ["the", ".", "and", UNK]
    assert Ind2word[3] == UNK
    word2Ind, _ = build_vocabulary(TOKENS, min_count=2)
    assert "rare" not in word2Ind and UNK in word2Ind
    word2Ind, _ = build_vocabulary(TOKENS)
    assert UNK not in word2Ind and len(word2Ind) == len(set(TOKENS))


def test_training_lowers_the_loss_and_is_seeded():
    a = train_cbow(
        TOKENS * 5, N=8, C=2, batch_size=16, epochs=6, learning_rate=2.0, seed=7, progress=False
    )
    b = train_cbow(
        TOKENS * 5, N=8, C=2, batch_size=16, epochs=6, learning_rate=2.0, seed=7, progress=False
    )
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.losses[-5:].mean() < 0.7 * a.losses[:5].mean()
    assert a.W1.shape == (8, a.config["V"]) and a.W2.shape == (a.config["V"], 8)
    assert a.embeddings.shape == (a.config["V"], 8)
    np.testing.assert_allclose(a.embedding_matrix("average"), (a.W1.T + a.W2) / 2)
    np.testing.assert_array_equal(a.embedding_matrix("W1"), a.W1.T)
    np.testing.assert_array_equal(a.embeddings, a.W1.T)
    with pytest.raises(ValueError, match="kind"):
        a.embedding_matrix("W3")


def assert_each_window_once(batches, context, center):
    """The (context, center) rows of ``batches``, together, are the windows, each exactly once."""
    seen = np.concatenate([np.column_stack([c, y]) for c, y in batches])
    every = np.column_stack([context, center])
    assert seen.shape == every.shape, f"{len(seen)} windows seen, the corpus has {len(every)}"
    order = np.lexsort(seen.T[::-1]), np.lexsort(every.T[::-1])
    np.testing.assert_array_equal(seen[order[0]], every[order[1]])


def test_shuffled_batches_cover_every_window_once_per_epoch(monkeypatch):
    # Random words, and a seed whose 86 windows are all different: a window seen twice in an
    # epoch (and another never) changes the multiset of windows, which the check compares.
    tokens = list(np.random.default_rng(0).choice(list("abcdefgh"), 90))
    C, m, epochs = 2, 7, 2
    batches = []
    step = FastCBOW.step

    def recording_step(self, context, center, *args, **kwargs):
        batches.append((np.array(context), np.array(center)))
        return step(self, context, center, *args, **kwargs)

    monkeypatch.setattr(FastCBOW, "step", recording_step)
    result = train_cbow(
        tokens, N=4, C=C, batch_size=m, epochs=epochs, learning_rate=0.1, progress=False
    )
    context, center = context_windows(encode(tokens, result.word2Ind), C)
    n = len(center)
    assert n == len(tokens) - 2 * C == result.config["n_windows"]
    assert len(set(map(tuple, np.column_stack([context, center])))) == n  # all different
    per_epoch = -(-n // m)
    assert len(batches) == len(result.losses) == epochs * per_epoch
    assert all(len(y) == m for _, y in batches[: per_epoch - 1])  # full batches, then the rest
    epoch_batches = [batches[e * per_epoch : (e + 1) * per_epoch] for e in range(epochs)]
    for one_epoch in epoch_batches:
        assert_each_window_once(one_epoch, context, center)
    # Shuffled: the two epochs (and the corpus order) give different first batches.
    firsts = [one_epoch[0][1] for one_epoch in epoch_batches] + [center[:m]]
    assert len({tuple(f) for f in firsts}) == 3
    # The check itself catches a repeated window: the first batch again in place of the last.
    repeated = epoch_batches[0][:-1] + [
        tuple(a[: len(epoch_batches[0][-1][1])] for a in epoch_batches[0][0])
    ]
    with pytest.raises(AssertionError):
        assert_each_window_once(repeated, context, center)


def test_divergence_is_reported():
    with pytest.raises(TrainingDivergedError, match="smaller learning rate"):
        train_cbow(TOKENS * 3, N=8, C=2, batch_size=4, epochs=3, learning_rate=1e30, progress=False)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"N": 0}, "N"),
        ({"C": 0}, "C"),
        ({"batch_size": 0}, "batch_size"),
        ({"epochs": 0}, "epochs"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"vocab_size": 0}, "vocab_size"),
        ({"min_count": 0}, "min_count"),
        ({"min_learning_rate": 0.6}, "min_learning_rate must be at most learning_rate=0.5"),
        ({"min_learning_rate": -0.1}, "min_learning_rate"),
        ({"b1_start": -0.1}, "b1_start"),
        ({"b1_start": float("inf")}, "b1_start"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, name):
    with pytest.raises(ValueError, match=name):
        train_cbow(TOKENS, progress=False, **kwargs)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"C": 1.5}, "C must be an integer, got 1.5"),
        ({"N": True}, "N must be an integer, got True"),
        ({"batch_size": "16"}, "batch_size must be an integer, got '16'"),
        ({"epochs": 2.0}, "epochs must be an integer, got 2.0"),
        ({"learning_rate": "0.5"}, "learning_rate must be a number, got '0.5'"),
        ({"seed": 1.0}, "seed .* must be an integer, got 1.0"),
        ({"b1_start": "0.1"}, "b1_start must be a number, got '0.1'"),
    ],
)
def test_arguments_of_the_wrong_type_are_type_errors(kwargs, message):
    # scikit-learn's split: a wrong type is a TypeError, a bad value of the right type a ValueError.
    with pytest.raises(TypeError, match=message):
        train_cbow(TOKENS, progress=False, **kwargs)


def test_too_few_tokens():
    with pytest.raises(ValueError, match="2C\\+1"):
        train_cbow(["a", "b", "c", "d"], C=2, progress=False)


def test_max_steps_stops_early_with_the_same_first_steps():
    from cbow_helpers import tokenize, train_cbow

    tokens = tokenize("the king and the queen walked . the prince and the duke rode . " * 30)
    full = train_cbow(tokens, N=5, C=2, batch_size=16, epochs=2, seed=4, progress=False)
    short = train_cbow(
        tokens, N=5, C=2, batch_size=16, epochs=2, seed=4, progress=False, max_steps=7
    )
    assert len(short.losses) == 7 and short.config["max_steps"] == 7
    np.testing.assert_array_equal(short.losses, full.losses[:7])
    longer = train_cbow(
        tokens, N=5, C=2, batch_size=16, epochs=1, seed=4, progress=False, max_steps=10_000
    )
    assert len(longer.losses) == len(full.losses) // 2  # max_steps beyond the run: the whole run
    with pytest.raises(ValueError, match="max_steps"):
        train_cbow(tokens, max_steps=0, progress=False)


@pytest.mark.parametrize("objective", ["softmax", "negative sampling"])
def test_divergence_messages_count_steps_within_each_epoch(monkeypatch, objective):
    """Both trainers name the epoch and the step within it, counted from 1."""
    calls = []
    if objective == "softmax":
        owner, name, train = FastCBOW, "step", train_cbow
        settings = dict(N=4, C=2, batch_size=16, learning_rate=0.1)
    else:
        owner, name, train = ns_loop, "negative_sampling_step", train_negative_sampling
        settings = dict(N=4, C=2, batch_size=16, min_count=1, sample=0, negative=2)
    real_step = getattr(owner, name)

    def step(*args, **kwargs):
        calls.append(1)
        return float("nan") if len(calls) == fail_at else real_step(*args, **kwargs)

    monkeypatch.setattr(owner, name, step)
    fail_at = 0
    train(TOKENS * 3, epochs=1, seed=1, progress=False, **settings)
    per_epoch, calls[:] = len(calls), []
    fail_at = per_epoch + 3  # the third step of the second epoch
    with pytest.raises(TrainingDivergedError, match="became nan at step 3 of epoch 2 "):
        train(TOKENS * 3, epochs=2, seed=1, progress=False, **settings)


def test_max_steps_ends_the_run_without_visiting_the_remaining_epochs(monkeypatch):
    """After max_steps, no later epoch shuffles its windows or checks the weights."""
    checks = []
    largest = cbow_loop._largest
    monkeypatch.setattr(cbow_loop, "_largest", lambda model: checks.append(1) or largest(model))
    result = train_cbow(TOKENS, N=4, C=2, batch_size=8, epochs=5, max_steps=3, progress=False)
    assert len(result.losses) == 3 and checks == [1]  # the end of the first, partial epoch
