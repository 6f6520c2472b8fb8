"""The checks of notebook 04: relu, softmax, cross_entropy_loss, forward_prop."""

from __future__ import annotations

import numpy as np

from .. import model
from .common import Failed, NotWritten, call, differs, leaves_inputs, run, same, show, weights


def check_relu(relu):
    rng = np.random.default_rng(5)
    cases = [np.array([[-1.5], [0.0], [2.0]]), rng.normal(size=(3, 4))]
    for z in cases:
        case = f"z = {show(z)}" if z.size <= 4 else f"z of shape {z.shape}"
        run(
            relu,
            (z,),
            model.relu,
            case,
            mistakes=[
                ("relu-derivative", lambda z: (z > 0).astype(float)),
                ("relu-max-reduces", lambda z: np.max(z, 0)),
                ("relu-max-reduces", lambda z: np.max(z, axis=1)),
            ],
            errors=[("relu-python-max", "truth value of an array")],
        )
        given = z.copy()
        call(relu, given)
        if not np.array_equal(given, z):
            raise Failed(
                f'case "{case}": your relu changed the z it was given to {show(given)}',
                "relu-modifies-input",
            )
    return len(cases)


def check_softmax(softmax):
    rng = np.random.default_rng(6)
    cases = [
        ("z = [9, 8, 11, 10, 8.5] (the notes')", np.array([9.0, 8.0, 11.0, 10.0, 8.5])),
        ("a batch: 5 logits × 3 examples", rng.normal(size=(5, 3))),
        ("z = [1000, 1001, 999]", np.array([1000.0, 1001.0, 999.0])),
        ("z = [0, 1500, -20] (a wide spread)", np.array([0.0, 1500.0, -20.0])),
        (
            "a batch of 2 examples, logits near 1000 and near -1000",
            np.array([[1000.0, -1003.0], [998.0, -1001.0], [1001.0, -1002.0]]),
        ),
    ]

    def rows(z):
        return model.softmax(z.T).T

    def whole(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    for case, z in cases:
        try:
            run(
                softmax,
                (z,),
                model.softmax,
                case,
                mistakes=[("softmax-rows", rows), ("softmax-whole-matrix", whole)],
                errors=[("softmax-rows", "AxisError")],
            )
        except Failed as failure:
            if failure.mistake is None:
                failure.mistake = _softmax_overflow(softmax, z)
            raise
        leaves_inputs(softmax, (z,), case, "softmax-modifies-input")
    return len(cases)


def _softmax_overflow(softmax, z) -> str | None:
    """Name "softmax-global-max" or "softmax-overflow" when the student's result is not finite on ``z``."""
    try:
        got = np.asarray(call(softmax, z.copy()), dtype=float)
    except (Failed, NotWritten, TypeError, ValueError):
        return None
    if got.shape != z.shape or np.all(np.isfinite(got)):
        return None
    if z.ndim == 2:
        global_shift = np.exp(z - z.max())
        lost = global_shift.sum(axis=0) == 0  # columns that underflow to 0 / 0
        if lost.any() and not np.isfinite(got[:, lost]).any() and np.isfinite(got[:, ~lost]).all():
            return "softmax-global-max"
    return "softmax-overflow"


def check_cross_entropy_loss(function):
    y_hat = model.softmax(np.array([[9.0], [8.0], [11.0], [10.0], [8.5]]))
    y = np.array([[0.0], [0.0], [1.0], [0.0], [0.0]])
    rng = np.random.default_rng(7)
    Y_hat = model.softmax(rng.normal(size=(4, 3)))
    Y = np.eye(4)[:, [0, 3, 1]]
    cases = [
        ("the notes' y_hat, centre word 'happy'", (y_hat, y)),
        ("a batch of 3 examples (summed)", (Y_hat, Y)),
    ]
    loss = model.cross_entropy_loss
    for case, (p, t) in cases:
        try:
            run(
                function,
                (p, t),
                loss,
                case,
                mistakes=[
                    ("loss-sign", lambda p, t: -loss(p, t)),
                    ("loss-not-weighted", lambda p, t: float(-np.sum(np.log(p)))),
                    ("loss-averaged", lambda p, t: loss(p, t) / p.shape[0]),
                    ("loss-divided-by-m", lambda p, t: loss(p, t) / p.shape[1]),
                ],
            )
        except Failed as failure:
            if failure.mistake is None and _right_when_swapped(function, p, t):
                failure.mistake = "loss-swapped-arguments"
            raise
    _check_zero_probabilities(function)
    return len(cases) + 2


def _right_when_swapped(function, y_hat, y) -> bool:
    """True if ``function(y, y_hat)`` is the right loss: the student wrote (y, y_hat), and so
    computed -sum y_hat log y when called with the prediction first."""
    try:
        got = call(function, y.copy(), y_hat.copy())
    except (Failed, NotWritten):
        return False
    return same(model.cross_entropy_loss(y_hat, y), got)


def _check_zero_probabilities(function) -> None:
    """A probability of exactly 0, at another word (no effect) and at the centre word (a finite,
    huge loss: the helper clips to the smallest positive float64, any clip of 1e-12 or less passes)."""
    y = np.array([[0.0], [1.0], [0.0]])
    cases = [
        (
            "a probability of 0 at a word that is not the centre word",
            np.array([[0.0], [0.3], [0.7]]),
        ),
        ("a probability of 0 at the centre word", np.array([[0.4], [0.0], [0.6]])),
    ]
    for case, p in cases:
        expected = model.cross_entropy_loss(p, y)
        got = call(function, p.copy(), y.copy())
        try:
            got_number = float(got)
        except (TypeError, ValueError):
            raise Failed(f'case "{case}": expected a number, got {show(got)}') from None
        if not np.isfinite(got_number):
            raise Failed(
                f'case "{case}": expected {show(expected)}, got {show(got)}', "loss-log-zero"
            )
        if p[1, 0] > 0 and differs(expected, got_number) is not None:
            raise Failed(f'case "{case}": {differs(expected, got_number)}')
        if p[1, 0] == 0 and got_number < -np.log(1e-12):
            raise Failed(
                f'case "{case}": expected a huge loss ({expected:.1f} with the helper\'s clip), '
                f"got {show(got)}",
                hint="clip y_hat to a tiny positive number such as np.finfo(float).tiny (1e-12 at "
                "most) before the log (notebook 04).",
            )


# forward_prop as students get it wrong (each one a classic mistake)


def _fw_no_relu(x, W1, W2, b1, b2):
    h = W1 @ x + b1
    return W2 @ h + b2, h


def _fw_with_softmax(x, W1, W2, b1, b2):
    z, h = model.forward_prop(x, W1, W2, b1, b2)
    return model.softmax(z), h


def _fw_no_bias(x, W1, W2, b1, b2):
    return model.forward_prop(x, W1, W2, 0 * b1, 0 * b2)


def _fw_swapped(x, W1, W2, b1, b2):
    return model.forward_prop(x, W1, W2, b1, b2)[::-1]


def _fw_relu_output(x, W1, W2, b1, b2):
    z, h = model.forward_prop(x, W1, W2, b1, b2)
    return model.relu(z), h


def _fw_returns_z1(x, W1, W2, b1, b2):
    z, _ = model.forward_prop(x, W1, W2, b1, b2)
    return z, W1 @ x + b1


def _fw_bias_after_relu(x, W1, W2, b1, b2):
    h = model.relu(W1 @ x) + b1
    return W2 @ h + b2, h


_FORWARD_MISTAKES = [
    ("forward-swapped", _fw_swapped),
    ("forward-no-relu", _fw_no_relu),
    ("forward-softmax", _fw_with_softmax),
    ("forward-no-bias", _fw_no_bias),
    ("forward-relu-output", _fw_relu_output),
    ("forward-returns-z1", _fw_returns_z1),
    ("forward-bias-after-relu", _fw_bias_after_relu),
]


def check_forward_prop(function):
    rng = np.random.default_rng(8)
    x1 = np.array([[0.25], [0.25], [0.0], [0.5], [0.0]])
    X = rng.dirichlet(np.ones(6), size=5).T
    cases = [
        ("one example: N = 3, V = 5", (x1, *weights(3, 5, 2))),
        ("a batch: N = 4, V = 6, m = 5", (X, *weights(4, 6, 2))),
    ]

    def compare(expected, got):
        if not (isinstance(got, tuple) and len(got) == 2):
            return f"expected a pair (z, h), got {type(got).__name__}: {show(got)}"
        for name, want, have in zip(("z", "h"), expected, got):
            difference = differs(want, have)
            if difference is not None:
                return f"{name}: {difference}"
        return None

    for case, args in cases:
        run(
            function,
            args,
            model.forward_prop,
            case,
            compare=compare,
            mistakes=_FORWARD_MISTAKES,
            errors=[("forward-transpose", "matmul: Input operand")],
        )
    return len(cases)
