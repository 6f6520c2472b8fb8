"""The CBOW model of the course: layers, cost, the true gradients and gradient descent.

Notation (the same as the notes)::

    x  = mean of the one-hot vectors of the 2C context words      (V, 1), or X (V, m) for a batch
    z1 = W1 x + b1 ;  h = ReLU(z1)                                  (N, 1)
    z2 = W2 h + b2 ;  y_hat = softmax(z2)                           (V, 1)
    J  = -sum_k y_k log y_hat_k            (a batch: the mean over its m columns)

Each function checks its arguments once, at the call (``@checked_by``): its body is the
formula alone, and ``f.unchecked`` skips the check (gradient descent's loop does). The
gradient check is in ``gradient_check.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .engine import TINY
from .engine.checks import (
    batch_columns,
    checked_by,
    model_shapes,
    number_array,
    positive_int,
    positive_number,
)
from .vectors import get_batches

# ----------------------------------------------------------------------------- activations


def relu(z):
    """Rectified linear unit, element-wise: ``max(0, z)``.

    Introduced in notebook 04 (the CBOW architecture).

    Parameters
    ----------
    z : array
        For example z1, (N, m).

    Returns
    -------
    array of the same shape (a new array; ``z`` is not modified).

    Examples
    --------
    >>> relu(np.array([[-1.0, 0.5], [2.0, -3.0]]))
    array([[0. , 0.5],
           [2. , 0. ]])
    """
    return np.maximum(number_array("z", z), 0.0)


def softmax(z):
    """Column-wise softmax, computed stably.

    Introduced in notebook 04 (the CBOW architecture).

    Each column's maximum is subtracted before ``exp``: the result is the same
    (the shift cancels in the ratio) but ``exp`` never overflows, so
    ``softmax([1000., 1001., 999.])`` is finite.

    Parameters
    ----------
    z : (V,) or (V, m) array
        Logits z2; for a 2-D array each column is one example.

    Returns
    -------
    array of the same shape
        Non-negative, each column summing to 1: y_hat.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1001.0, 999.0])).round(4)
    array([0.2447, 0.6652, 0.09  ])
    """
    z = number_array("z", z)
    if z.ndim == 0 or z.shape[0] == 0:
        raise ValueError(f"softmax needs at least one logit per column, got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("softmax got NaN or infinite logits")
    e_z = np.exp(z - z.max(axis=0, keepdims=True))
    return e_z / e_z.sum(axis=0, keepdims=True)


def _loss_inputs(y_hat, y):
    """``y_hat`` and ``y`` as float arrays of one shape (a ValueError naming both shapes if not)."""
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got {y_hat.shape} and {y.shape}")
    return y_hat, y


@checked_by(_loss_inputs)
def cross_entropy_loss(y_hat, y) -> float:
    """Cross-entropy loss of one example: ``J = -sum_k y_k log y_hat_k``.

    Introduced in notebook 04 (the CBOW architecture).

    Parameters
    ----------
    y_hat : (V,) or (V, 1) array
        Predicted probabilities.
    y : array of the same shape
        The one-hot centre word.

    Returns
    -------
    float
        Finite even where a probability is 0 (``y_hat`` is clipped to the
        smallest positive float before the log). Given (V, m) arrays, the sum
        of the m examples' losses.

    Examples
    --------
    >>> round(cross_entropy_loss(np.array([0.2, 0.7, 0.1]), np.array([0, 1, 0])), 4)  # -log 0.7
    0.3567
    """
    return float(-np.sum(y * np.log(np.clip(y_hat, TINY, 1.0))))


def _cost_inputs(y_hat, y, batch_size):
    """``y_hat`` and ``y`` as float arrays of one shape, and m = ``batch_size``, their columns."""
    m = batch_columns(batch_size, np.asarray(y))
    y_hat, y = _loss_inputs(y_hat, y)
    return y_hat, y, m


@checked_by(_cost_inputs)
def compute_cost(y_hat, y, batch_size: int) -> float:
    """Cross-entropy cost of a batch: the mean of the m examples' losses.

    Introduced in notebook 04 (the CBOW architecture). The prediction comes first, as in
    ``cross_entropy_loss(y_hat, y)`` and the notes.

    Parameters
    ----------
    y_hat : (V, m) array
        Predicted probabilities Y_hat, one column per example.
    y : (V, m) array
        One-hot centre words Y.
    batch_size : int
        m.

    Returns
    -------
    float
        ``-(1/m) sum_i sum_j y_ji log y_hat_ji``.

    Examples
    --------
    >>> Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> Y_hat = np.array([[0.5, 0.2], [0.3, 0.7], [0.2, 0.1]])
    >>> round(compute_cost(Y_hat, Y, 2), 4)  # (-log 0.5 - log 0.7) / 2
    0.5249
    """
    # the losses of the m columns, summed, over m
    return cross_entropy_loss.unchecked(y_hat, y) / batch_size


# ----------------------------------------------------------------------------- the model


def initialize_model(N: int, V: int, random_seed: int = 1, scale: float = 0.05):
    """Random initial weights, uniform in [-scale, scale).

    Introduced in notebook 04 (the CBOW architecture); notebook 00 previews it.

    Small weights matter: every column of W1 starts as noise of size ``scale``,
    and a rare word's column receives few updates, so a large start drowns what
    training learns.

    Parameters
    ----------
    N : int
        Size of the embeddings (the hidden layer).
    V : int
        Size of the vocabulary.
    random_seed : int
        Seed of ``np.random.default_rng``: the same seed gives the same weights.
    scale : float
        Half-width of the uniform distribution.

    Returns
    -------
    W1 : (N, V) array, the input weights
    W2 : (V, N) array, the output weights
    b1 : (N, 1) array, the hidden bias
    b2 : (V, 1) array, the output bias

    Examples
    --------
    >>> [w.shape for w in initialize_model(N=3, V=5)]
    [(3, 5), (5, 3), (3, 1), (5, 1)]
    """
    N, V = positive_int("N", N), positive_int("V", V)
    scale = positive_number("scale", scale)
    rng = np.random.default_rng(random_seed)
    W1 = rng.uniform(-scale, scale, size=(N, V))
    W2 = rng.uniform(-scale, scale, size=(V, N))
    b1 = rng.uniform(-scale, scale, size=(N, 1))
    b2 = rng.uniform(-scale, scale, size=(V, 1))
    return W1, W2, b1, b2


@checked_by(model_shapes)
def forward_prop(x, W1, W2, b1, b2):
    """Forward pass of the CBOW model.

    Introduced in notebook 04 (the CBOW architecture).

    Parameters
    ----------
    x : (V, m) array
        Averaged context vectors, one column per example (a (V,) vector is
        taken as one column).
    W1 : (N, V) array, the input weights
    W2 : (V, N) array, the output weights
    b1 : (N, 1) array, the hidden bias (broadcast over the m columns)
    b2 : (V, 1) array, the output bias

    Returns
    -------
    z : (V, m) array
        The logits z2 = W2 h + b2 (apply ``softmax`` to get y_hat).
    h : (N, m) array
        The hidden layer h = ReLU(W1 x + b1).

    Examples
    --------
    >>> W1, W2, b1, b2 = initialize_model(N=3, V=5)
    >>> z, h = forward_prop(np.full((5, 2), 0.2), W1, W2, b1, b2)
    >>> z.shape, h.shape
    ((5, 2), (3, 2))
    """
    h = relu(W1 @ x + b1)
    z = W2 @ h + b2
    return z, h


def _back_prop_inputs(x, yhat, y, h, W1, W2, b1, b2, batch_size):
    """The arguments of ``back_prop`` as float arrays of matching shapes, and m = ``batch_size``."""
    x, W1, W2, b1, b2 = model_shapes(x, W1, W2, b1, b2)
    yhat, y, h = (np.asarray(a, dtype=float) for a in (yhat, y, h))
    yhat, y, h = (a[:, None] if a.ndim == 1 else a for a in (yhat, y, h))
    N, V = W1.shape
    m = batch_columns(batch_size, x)
    for name, arr, want in (("yhat", yhat, (V, m)), ("y", y, (V, m)), ("h", h, (N, m))):
        if arr.shape != want:
            raise ValueError(
                f"{name} has shape {arr.shape} but x has shape {x.shape} and W1 {W1.shape}: expected {want}"
            )
    return x, yhat, y, h, W1, W2, b1, b2, m


@checked_by(_back_prop_inputs)
def back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size: int):
    """The gradient of ``compute_cost`` with respect to W1, W2, b1, b2.

    Introduced in notebook 05 (forward pass, backward pass, gradient descent).

    The true gradient, by the chain rule::

        dJ/dz2 = (Y_hat - Y) / m
        dJ/dW2 = dJ/dz2 h^T                dJ/db2 = row sums of dJ/dz2
        dJ/dz1 = (W2^T dJ/dz2) * 1[z1 > 0]   (the ReLU derivative: 1 where h > 0)
        dJ/dW1 = dJ/dz1 x^T                dJ/db1 = row sums of dJ/dz1

    (The notes' formula ``ReLU(W2^T (y_hat - y))`` in place of the mask is not
    this gradient: ``check_gradients`` rejects it.)

    Parameters
    ----------
    x : (V, m) array, the averaged context vectors X
    yhat : (V, m) array, the predictions Y_hat
    y : (V, m) array, the one-hot centre words Y
    h : (N, m) array, the hidden layer from ``forward_prop``
    W1, W2, b1, b2 : the weights, shapes (N, V), (V, N), (N, 1), (V, 1)
    batch_size : int, m

    Returns
    -------
    grad_W1 : (N, V) array
    grad_W2 : (V, N) array
    grad_b1 : (N, 1) array
    grad_b2 : (V, 1) array

    Examples
    --------
    >>> W1, W2, b1, b2 = initialize_model(N=3, V=5)
    >>> X, Y = np.full((5, 2), 0.2), np.eye(5)[:, :2]
    >>> z, h = forward_prop(X, W1, W2, b1, b2)
    >>> [g.shape for g in back_prop(X, softmax(z), Y, h, W1, W2, b1, b2, 2)]
    [(3, 5), (5, 3), (3, 1), (5, 1)]
    """
    m = batch_size
    dz2 = (yhat - y) / m
    grad_W2 = dz2 @ h.T
    grad_b2 = dz2.sum(axis=1, keepdims=True)
    dz1 = (W2.T @ dz2) * (h > 0)
    grad_W1 = dz1 @ x.T
    grad_b1 = dz1.sum(axis=1, keepdims=True)
    return grad_W1, grad_W2, grad_b1, grad_b2


def gradient_descent(
    data: Sequence[str],
    word2Ind: Mapping[str, int],
    N: int,
    V: int,
    num_iters: int,
    alpha: float = 0.03,
    *,
    C: int = 2,
    batch_size: int = 128,
    random_seed: int = 1,
    callback: Callable[[int, float], None] | None = None,
):
    """The course's training loop on dense batches (``get_batches``), float64.

    Introduced in notebook 06 (training); notebook 00 previews it.

    Each iteration: forward pass, cost, ``back_prop``, and the update
    ``W := W - alpha * dJ/dW`` for W1, W2, b1, b2.

    Parameters
    ----------
    data : list of str, the tokens
    word2Ind : dict, from ``get_dict(data)``
    N : int, embedding size
    V : int, vocabulary size
    num_iters : int, number of batches
    alpha : float, learning rate
    C : int, context half-size
    batch_size : int, m
    random_seed : int, for ``initialize_model``
    callback : callable, optional
        Called as ``callback(iteration, cost)`` after every step.

    Returns
    -------
    W1, W2, b1, b2 : the trained weights
    costs : list of float, the cost of every batch (before its update)
    """
    num_iters = positive_int("num_iters", num_iters)
    alpha = positive_number("alpha", alpha, "the learning rate")
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=random_seed)
    costs = []
    batches = get_batches(data, word2Ind, V, C, batch_size)  # checks data, V, C and batch_size
    m = int(batch_size)
    # Every array's shape is right by construction: the loop calls the unchecked versions.
    for iteration in range(num_iters):
        x, y = next(batches)
        z, h = forward_prop.unchecked(x, W1, W2, b1, b2)
        yhat = softmax(z)
        cost = compute_cost.unchecked(yhat, y, m)
        if not np.isfinite(cost):
            raise FloatingPointError(
                f"the cost became {cost} at iteration {iteration}: try a smaller alpha"
            )
        costs.append(cost)
        grad_W1, grad_W2, grad_b1, grad_b2 = back_prop.unchecked(x, yhat, y, h, W1, W2, b1, b2, m)
        W1 = W1 - alpha * grad_W1
        W2 = W2 - alpha * grad_W2
        b1 = b1 - alpha * grad_b1
        b2 = b2 - alpha * grad_b2
        if callback is not None:
            callback(iteration, cost)
    return W1, W2, b1, b2, costs
