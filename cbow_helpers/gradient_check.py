"""The gradient check: analytic gradients against central differences of the cost.

Introduced in notebook 05 (forward pass, backward pass, gradient descent).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .engine.checks import model_shapes, number_array
from .model import back_prop, compute_cost, forward_prop, softmax


class GradientCheckError(AssertionError):
    """Raised by ``check_gradients`` when analytic and numerical gradients disagree.

    Introduced in notebook 05 (forward pass, backward pass, gradient descent).
    """


def numerical_gradient(f: Callable[[], float], param: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference derivative of ``f()`` with respect to every entry of ``param``.

    Introduced in notebook 05 (forward pass, backward pass, gradient descent).

    ``param`` is changed in place by +eps and -eps, one entry at a time, and
    restored afterwards: ``(f(p + eps) - f(p - eps)) / (2 eps)``.

    Returns
    -------
    array of the shape of ``param``

    Examples
    --------
    >>> p = np.array([1.0, -2.0])
    >>> numerical_gradient(lambda: float((p**2).sum()), p).round(6)  # the derivative is 2p
    array([ 2., -4.])
    """
    grad = np.zeros_like(param, dtype=float)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + eps
        plus = f()
        param[idx] = old - eps
        minus = f()
        param[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def check_gradients(x, y, W1, W2, b1, b2, grads=None, *, eps: float = 1e-6, tol: float = 1e-6):
    """Compare analytic gradients with central differences of ``compute_cost``.

    Introduced in notebook 05 (forward pass, backward pass, gradient descent).

    Parameters
    ----------
    x : (V, m) array, averaged context vectors
    y : (V, m) array, one-hot centre words
    W1, W2, b1, b2 : the weights, shapes (N, V), (V, N), (N, 1), (V, 1)
    grads : tuple of 4 arrays, optional
        ``(grad_W1, grad_W2, grad_b1, grad_b2)`` to check; by default the ones
        ``back_prop`` computes.
    eps : float
        Step of the central differences.
    tol : float
        Largest relative error accepted, per tensor.

    Returns
    -------
    dict
        ``{name: {"max_abs_diff": float, "rel_error": float}}`` for W1, W2, b1, b2,
        where ``rel_error = |analytic - numerical| / max(|analytic| + |numerical|, 1e-12)``
        (norms over the whole tensor).

    Raises
    ------
    GradientCheckError
        If any tensor's relative error exceeds ``tol``; the message is the
        per-tensor report.

    Examples
    --------
    >>> from cbow_helpers import initialize_model
    >>> W1, W2, b1, b2 = initialize_model(N=3, V=5)
    >>> X, Y = np.full((5, 2), 0.2), np.eye(5)[:, :2]
    >>> print(format_gradient_report(check_gradients(X, Y, W1, W2, b1, b2), floor=1e-6))
    tensor  max abs diff  rel error
    W1           < 1e-06    < 1e-06
    W2           < 1e-06    < 1e-06
    b1           < 1e-06    < 1e-06
    b2           < 1e-06    < 1e-06
    """
    x, W1, W2, b1, b2 = model_shapes(x, W1, W2, b1, b2)
    y = number_array("y", y)
    y = y[:, None] if y.ndim == 1 else y
    m = x.shape[1]
    params = {"W1": W1.copy(), "W2": W2.copy(), "b1": b1.copy(), "b2": b2.copy()}

    if y.shape != x.shape:
        raise ValueError(f"y has shape {y.shape} but x has shape {x.shape}: both must be (V, m)")

    def cost() -> float:  # called twice per weight: the shapes were checked above, once
        z, _ = forward_prop.unchecked(x, params["W1"], params["W2"], params["b1"], params["b2"])
        return compute_cost.unchecked(softmax(z), y, m)

    if grads is None:
        z, h = forward_prop.unchecked(x, W1, W2, b1, b2)
        grads = back_prop.unchecked(x, softmax(z), y, h, W1, W2, b1, b2, m)
    return compare_gradients(cost, params, grads, eps=eps, tol=tol)


def compare_gradients(
    cost: Callable[[], float], params: dict, grads, *, eps: float = 1e-6, tol: float = 1e-6
):
    """The gradient check of any model: analytic gradients against central differences of ``cost``.

    ``params`` maps each tensor's name to the array ``cost()`` reads (changed in place by
    ``numerical_gradient`` and restored); ``grads`` holds the analytic gradients in the same
    order. Returns the per-tensor report of ``check_gradients``; raises ``GradientCheckError``
    if a tensor's relative error exceeds ``tol``.
    """
    report = {}
    for (name, param), analytic in zip(params.items(), grads):
        analytic = np.asarray(analytic, dtype=float)
        if analytic.shape != param.shape:
            raise ValueError(
                f"grad_{name} has shape {analytic.shape}, but {name} has shape {param.shape}"
            )
        numeric = numerical_gradient(cost, param, eps)
        diff = np.linalg.norm(analytic - numeric)
        scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
        report[name] = {
            "max_abs_diff": float(np.max(np.abs(analytic - numeric))),
            "rel_error": float(diff / scale),
        }
    failed = [name for name, r in report.items() if r["rel_error"] > tol]
    if failed:
        raise GradientCheckError(
            f"gradient check failed for {', '.join(failed)} (tolerance {tol:g}):\n"
            + format_gradient_report(report)
        )
    return report


def format_gradient_report(report, floor: float = 1e-7) -> str:
    """A table of a ``check_gradients`` report, one line per tensor.

    Introduced in notebook 05 (forward pass, backward pass, gradient descent).

    Numbers below ``floor`` are shown as ``< floor``: at that size they are float64
    rounding noise, whose digits differ from one CPU to another. Larger numbers are
    shown with two significant digits.

    Examples
    --------
    >>> report = {"W1": {"max_abs_diff": 0.0852, "rel_error": 0.712},
    ...           "W2": {"max_abs_diff": 1.4e-10, "rel_error": 3.3e-8}}
    >>> print(format_gradient_report(report))
    tensor  max abs diff  rel error
    W1           8.5e-02    7.1e-01
    W2           < 1e-07    < 1e-07
    """

    def shown(value: float) -> str:
        return f"< {floor:.0e}" if value < floor else f"{value:.1e}"

    lines = [f"{'tensor':<6} {'max abs diff':>13} {'rel error':>10}"]
    lines += [
        f"{name:<6} {shown(r['max_abs_diff']):>13} {shown(r['rel_error']):>10}"
        for name, r in report.items()
    ]
    return "\n".join(lines)
