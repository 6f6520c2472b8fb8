"""The checks of notebook 05: numerical_gradient, back_prop and the guided gradient check."""

from __future__ import annotations

import numpy as np

from .. import _student_calls as calls
from .. import gradient_check, model
from .common import Failed, call, copies, differs, leaves_inputs, run, show, weights


def _backprop_case(N, V, m, seed):
    """A batch whose hidden layer has units that are off for some examples (where the notes' formula fails)."""
    rng = np.random.default_rng(seed)
    W1, W2, b1, b2 = weights(N, V, seed)
    X = rng.dirichlet(np.ones(V), size=m).T
    Y = np.eye(V)[:, rng.integers(0, V, m)]
    z, h = model.forward_prop(X, W1, W2, b1, b2)
    return X, model.softmax(z), Y, h, W1, W2, b1, b2, m


def _notes_back_prop(x, yhat, y, h, W1, W2, b1, b2, m):
    _, grad_W2, _, grad_b2 = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
    dz1 = model.relu(W2.T @ (yhat - y)) / m
    return dz1 @ x.T, grad_W2, dz1.sum(axis=1, keepdims=True), grad_b2


def _no_mask_back_prop(x, yhat, y, h, W1, W2, b1, b2, m):
    _, grad_W2, _, grad_b2 = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
    dz1 = W2.T @ (yhat - y) / m
    return dz1 @ x.T, grad_W2, dz1.sum(axis=1, keepdims=True), grad_b2


def _notes_unscaled(x, yhat, y, h, W1, W2, b1, b2, m):
    dz1 = model.relu(W2.T @ (yhat - y))
    return (
        dz1 @ x.T,
        (yhat - y) @ h.T,
        dz1.sum(axis=1, keepdims=True),
        (yhat - y).sum(axis=1, keepdims=True),
    )


def _compare_grads(expected, got):
    if not (isinstance(got, (tuple, list)) and len(got) == 4):
        return f"expected 4 gradients (grad_W1, grad_W2, grad_b1, grad_b2), got {type(got).__name__}: {show(got)}"
    for name, want, have in zip(("grad_W1", "grad_W2", "grad_b1", "grad_b2"), expected, got):
        difference = differs(want, have)
        if difference is not None:
            return f"{name}: {difference}"
    return None


def _bp_not_averaged(x, yhat, y, h, W1, W2, b1, b2, m):
    return tuple(g * m for g in model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m))


def _bp_bias_not_summed(x, yhat, y, h, W1, W2, b1, b2, m):
    g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
    dz2 = (yhat - y) / m
    return g[0], g[1], (W2.T @ dz2) * (h > 0), dz2


def _bp_divided_twice(x, yhat, y, h, W1, W2, b1, b2, m):
    return tuple(g / m for g in model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m))


def _bp_bias_as(reduce):
    def wrong(x, yhat, y, h, W1, W2, b1, b2, m):
        dz2 = (yhat - y) / m
        dz1 = (W2.T @ dz2) * (h > 0)
        return dz1 @ x.T, dz2 @ h.T, reduce(dz1), reduce(dz2)

    return wrong


def _bp_times_h(x, yhat, y, h, W1, W2, b1, b2, m):
    g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
    dz1 = (W2.T @ ((yhat - y) / m)) * h
    return dz1 @ x.T, g[1], dz1.sum(axis=1, keepdims=True), g[3]


def _bp_order(order):
    def wrong(x, yhat, y, h, W1, W2, b1, b2, m):
        g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
        return tuple(g[k] for k in order)

    return wrong


def _bp_transposed(which):
    def wrong(x, yhat, y, h, W1, W2, b1, b2, m):
        g = list(model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m))
        g[which] = g[which].T
        return tuple(g)

    return wrong


_BACKPROP_MISTAKES = [
    ("backprop-relu-on-gradient", _notes_back_prop),
    ("backprop-relu-on-gradient", _notes_unscaled),
    ("backprop-no-mask", _no_mask_back_prop),
    ("backprop-not-averaged", _bp_not_averaged),
    ("backprop-bias-not-summed", _bp_bias_not_summed),
    ("backprop-divided-twice", _bp_divided_twice),
    ("backprop-bias-axis", _bp_bias_as(lambda d: d.sum(axis=0, keepdims=True))),
    ("backprop-bias-axis", _bp_bias_as(lambda d: d.sum(axis=0))),
    ("backprop-bias-mean", _bp_bias_as(lambda d: d.mean(axis=1, keepdims=True))),
    ("backprop-times-h", _bp_times_h),
    ("backprop-bias-keepdims", _bp_bias_as(lambda d: d.sum(axis=1))),
    ("backprop-order", _bp_order((1, 0, 3, 2))),
    ("backprop-order", _bp_order((0, 2, 1, 3))),
    ("backprop-order", _bp_order((1, 0, 2, 3))),
    ("backprop-grad-transposed", _bp_transposed(0)),
    ("backprop-grad-transposed", _bp_transposed(1)),
]


def check_back_prop(function):
    cases = [
        ("one example: N = 3, V = 5", _backprop_case(3, 5, 1, 2)),
        ("a batch: N = 4, V = 6, m = 5, some hidden units off", _backprop_case(4, 6, 5, 3)),
    ]

    for case, args in cases:
        run(
            function,
            args,
            model.back_prop,
            case,
            compare=_compare_grads,
            mistakes=_BACKPROP_MISTAKES,
            errors=[("backprop-missing-transpose", "matmul: Input operand")],
        )
        leaves_inputs(function, args, case, "backprop-modifies-input")
    return len(cases)


def check_numerical_gradient(function):
    rng = np.random.default_rng(9)
    cases = []
    p = rng.normal(size=(2, 3))
    cases.append(
        ("f = sum(p ** 3), p of shape (2, 3)", p, lambda q: lambda: float(np.sum(q**3)), 3 * p**2)
    )
    q = rng.normal(size=(4, 1))
    cases.append(
        (
            "f = sum(sin(p)) * 2, p of shape (4, 1)",
            q,
            lambda q: lambda: 2 * float(np.sum(np.sin(q))),
            2 * np.cos(q),
        )
    )
    for case, start, make_f, exact in cases:
        param = start.copy()
        got = call(function, make_f(param), param)
        if not np.allclose(param, start, rtol=1e-12, atol=1e-15):  # += / -= may leave 1 ulp
            moved = float(np.max(np.abs(np.asarray(param, dtype=float) - start)))
            raise Failed(
                f'case "{case}": param was not put back (entries moved by up to {moved:.1e})',
                "numgrad-not-restored",
            )
        difference = differs(exact, got, rtol=1e-8, atol=1e-7)
        if difference is None:
            continue
        got_array = np.asarray(got, dtype=float)
        key = None
        if got_array.shape == exact.shape:
            key = _numgrad_mistake(got_array, exact, make_f, start, 1e-6)
        raise Failed(f'case "{case}": {difference}', key)
    return len(cases)


def _numgrad_mistake(got, exact, make_f, start, eps) -> str | None:
    """The key of the classic mistake whose gradient ``got`` is (None if none is)."""
    if np.allclose(got, 2 * exact, rtol=1e-4, atol=1e-6):
        return "numgrad-factor-two"
    if not np.any(got) and np.any(exact):
        return "numgrad-nudges-copy"
    forward = np.zeros_like(start)
    work = start.copy()
    f = make_f(work)
    base = f()
    for idx in np.ndindex(work.shape):
        work[idx] += eps
        forward[idx] = (f() - base) / eps
        work[idx] = start[idx]
    if np.allclose(got, forward, rtol=0, atol=1e-8):
        return "numgrad-forward-difference"
    work = start.copy()
    f = make_f(work)
    work += eps
    plus = f()
    work -= 2 * eps
    whole = (plus - f()) / (2 * eps)
    if np.allclose(got, whole, rtol=1e-4, atol=1e-6):
        return "numgrad-whole-array"
    if np.allclose(got, exact * eps**2, rtol=1e-3, atol=1e-18):
        return "numgrad-precedence"
    return None


def _relative_errors(back_prop, x, y, W1, W2, b1, b2, summed=False, logits=False, swapped=False):
    """The course's relative errors of ``back_prop`` (and of the classic slips in the cost)."""
    m = x.shape[1]
    params = {"W1": W1, "W2": W2, "b1": b1, "b2": b2}

    def cost():
        z, _ = model.forward_prop(x, W1, W2, b1, b2)
        y_hat = model.softmax(z)
        first, second = (y, y_hat) if swapped else (y_hat, y)
        return model.compute_cost(first, second, m) * (m if summed else 1)

    z, h = model.forward_prop(x, W1, W2, b1, b2)
    yhat = z if logits else model.softmax(z)
    grads = back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
    errors = {}
    for (name, param), a in zip(params.items(), grads):
        n = gradient_check.numerical_gradient(cost, param)
        errors[name] = float(
            np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12)
        )
    return errors


def _errors_of(got) -> dict | str:
    """The student's four relative errors as a dict of floats, or a message saying what is wrong."""
    names = ("W1", "W2", "b1", "b2")
    if isinstance(got, (tuple, list)) and len(got) == 4:
        got = dict(zip(names, got))
    if not isinstance(got, dict) or sorted(got) != sorted(names):
        return f'expected a dict {{"W1": ..., "W2": ..., "b1": ..., "b2": ...}}, got {show(got)}'
    try:
        return {name: float(np.asarray(got[name], dtype=float)) for name in names}
    except (TypeError, ValueError):
        return f"expected one number per tensor, got {show(got)}"


def check_gradient_check(relative_errors, back_prop, numerical_gradient):
    """Guided: the student's relative errors, on the course's functions, then on their own."""
    x, _, y, _, W1, W2, b1, b2, _ = _backprop_case(4, 6, 5, 3)
    batch = (x, y, W1, W2, b1, b2)
    course_nb = gradient_check.numerical_gradient
    cases = [
        ("the course's back_prop: every error below 1e-6", model.back_prop),
        ("the notes' back_prop (ReLU on the gradient)", _notes_back_prop),
    ]
    for case, grads in cases:
        got = _errors_of(call(relative_errors, grads, course_nb, *copies(batch)))
        expected = _relative_errors(grads, *copies(batch))
        if isinstance(got, str):
            raise Failed(f'case "{case}": {got}')
        shown = ", ".join(f"{k} {got[k]:.1e}" for k in got)
        if grads is model.back_prop and all(v < 1e-6 for v in got.values()):
            continue
        if grads is not model.back_prop and all(
            np.isclose(got[k], expected[k], rtol=1e-3, atol=1e-9) for k in got
        ):
            continue
        want = ", ".join(f"{k} {v:.1e}" for k, v in expected.items())
        key = _gradcheck_mistake(got, batch)
        if key is None and grads is not model.back_prop:
            key = "gradcheck-formula"  # right on the true gradient, wrong on a wrong one
        raise Failed(f'case "{case}": expected {want}, got {shown}', key)
    _all_units_off(relative_errors, x, y, W1, W2, b1, b2)
    _own_functions_agree(relative_errors, back_prop, numerical_gradient, batch)
    return len(cases) + 2


def _all_units_off(relative_errors, x, y, W1, W2, b1, b2) -> None:
    """Every hidden unit off: both gradients of W1 and b1 are 0, and 0 / 0 must count as agreement."""
    case = "every hidden unit off (b1 - 100): dJ/dW1, dJ/dW2 and dJ/db1 are 0 on both sides"
    batch = (x, y, W1, W2, b1 - 100.0, b2)
    got = _errors_of(
        call(relative_errors, model.back_prop, gradient_check.numerical_gradient, *batch)
    )
    if isinstance(got, str):
        raise Failed(f'case "{case}": {got}')
    if all(v < 1e-6 for v in got.values()):
        return
    shown = ", ".join(f"{k} {got[k]:.1e}" for k in got)
    key = "gradcheck-zero-norm" if any(np.isnan(v) for v in got.values()) else "gradcheck-formula"
    raise Failed(f'case "{case}": expected every error 0 (below 1e-6), got {shown}', key)


def _own_functions_agree(relative_errors, back_prop, numerical_gradient, batch) -> None:
    """Fail unless the student's relative errors of their own back_prop against their own numerical
    gradient are all below 1e-6 (an error raised by either names the one that raised it)."""
    case = 'case "your back_prop and numerical_gradient"'
    if calls.is_blank(back_prop) or calls.is_blank(numerical_gradient):
        raise Failed(
            f"{case}: one of them is still a blank",
            hint="your relative errors are right; write my_back_prop and my_numerical_gradient "
            "above, run their cells, then run this check again.",
        )
    tagged = (
        calls.tag_errors(back_prop, "back_prop"),
        calls.tag_errors(numerical_gradient, "numerical_gradient"),
    )
    try:
        mine = _errors_of(call(relative_errors, *tagged, *copies(batch)))
    except Failed as failure:
        raise Failed(f"{case}: {failure}", failure.mistake, failure.hint) from None
    if isinstance(mine, str):
        raise Failed(f"{case}: {mine}")
    bad = {k: v for k, v in mine.items() if not v < 1e-6}
    if bad:
        shown = ", ".join(f"{k} {v:.1e}" for k, v in bad.items())
        raise Failed(f"{case}: relative error above 1e-6 for {shown}", "gradcheck-mismatch")


def _gradcheck_mistake(got, batch) -> str | None:
    """Which classic slip in the relative-error function gives ``got`` on the course's back_prop."""
    variants = [
        ("gradcheck-cost-not-averaged", dict(summed=True)),
        ("gradcheck-yhat-is-logits", dict(logits=True)),
        ("gradcheck-cost-swapped-arguments", dict(swapped=True)),
    ]
    for key, options in variants:
        errors = _relative_errors(model.back_prop, *copies(batch), **options)
        if all(np.isclose(got[k], errors[k], rtol=1e-3) for k in got):
            return key
    if all(np.isclose(v, 1.0, rtol=1e-6) for v in got.values()):
        return "gradcheck-cost-ignores-param"
    return None
