"""The check of notebook 09: the negative-sampling gradient of one window."""

from __future__ import annotations

import numpy as np

from .. import negative_sampling
from .common import differs, refuse_course_function, run


def _window(seed, N, V, context, center, negatives):
    """A case's arguments: small random weights and one window's word ids."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 0.5, (N, V))
    W2 = rng.normal(0, 0.5, (V, N))
    return W1, W2, np.array(context), int(center), np.array(negatives)


def _reference(W1, W2, context, center, negatives):
    """The course's batch gradient for a batch of this one window: (grad_W1, grad_W2)."""
    _, grad_W1, grad_W2 = negative_sampling.negative_sampling_gradients(
        W1, W2, context[None, :], np.array([center]), negatives[None, :]
    )
    return grad_W1, grad_W2


def _compare(expected, got) -> str | None:
    """None if ``got`` is the pair (grad_W1, grad_W2) of ``expected``; else what differs."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"expected a pair (grad_W1, grad_W2), got {type(got).__name__}"
    for name, want, have in zip(("grad_W1", "grad_W2"), expected, got):
        difference = differs(want, have)
        if difference is not None:
            return f"{name}: {difference}"
    return None


def _labels_flipped(*args):
    grad_W1, grad_W2 = _reference(*args)
    return -grad_W1, -grad_W2


def _repeats_added_once(W1, W2, context, center, negatives):
    """Fancy-index addition (``grad[idx] += ...``): a repeated word gets one of its terms only."""
    h = W1[:, context].mean(axis=1)
    targets = np.concatenate([[center], negatives])
    ds = negative_sampling.sigmoid(W2[targets] @ h) - (np.arange(len(targets)) == 0)
    grad_W2 = np.zeros_like(W2)
    grad_W2[targets] += np.outer(ds, h)
    grad_W1 = np.zeros_like(W1)
    grad_W1.T[context] += ds @ W2[targets] / len(context)
    return grad_W1, grad_W2


def _whole_error(*args):
    """word2vec's update: each context word gets all of dJ/dh, not its share."""
    grad_W1, grad_W2 = _reference(*args)
    return grad_W1 * len(args[2]), grad_W2


_MISTAKES = [
    ("ns-labels-flipped", _labels_flipped),
    ("ns-repeats-added-once", _repeats_added_once),
    ("ns-whole-error", _whole_error),
]


def check_negative_sampling_gradients(function):
    cases = [
        ("the toy window: C = 2, K = 2", _window(9, 3, 5, [3, 0, 1, 3], 2, [4, 0])),
        ("a negative drawn twice", _window(4, 4, 7, [1, 2, 5, 6], 0, [3, 3, 4])),
        ("a dynamic window of 2 words", _window(5, 2, 6, [4, 1], 3, [0, 5, 2])),
    ]
    refuse_course_function(function, "negative_sampling_gradients")
    for case, args in cases:
        run(function, args, _reference, case, compare=_compare, mistakes=_MISTAKES)
    return len(cases)
