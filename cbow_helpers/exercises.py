"""Instant checks for the exercise notebooks: ``check("softmax", my_softmax)``.

Each exercise runs the student's function on a few small cases and compares the
result with the course's own function in ``cbow_helpers`` (the one source of
truth). ``check`` prints one short verdict and never raises:

- ``✓ softmax: all 4 cases pass.``
- ``… softmax: not written yet`` for a blank (a body of ``...``, ``pass`` or
  ``raise NotImplementedError``);
- ``✗ softmax, case "…": expected …, got …`` (shapes first when they differ),
  then a hint, which names the mistake when it is one of the classic ones
  (``MISTAKES`` lists them).

``run_check`` returns the same verdict as a ``CheckResult``, for tests.
"""

from __future__ import annotations

import itertools
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import model, pca, text, vectors

__all__ = ["EXERCISES", "MISTAKES", "CheckResult", "check", "run_check"]


class _NotWritten(Exception):
    """The student's function is still a blank."""


class _Failed(Exception):
    """A case failed; ``args[0]`` is the message, ``mistake`` the key of a classic mistake or None."""

    def __init__(self, message: str, mistake: str | None = None):
        super().__init__(message)
        self.mistake = mistake


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: status is "passed", "not written" or "failed"."""

    exercise: str
    status: str
    message: str
    mistake: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"


#: The classic mistakes the checks recognise: key -> the hint a student sees.
MISTAKES = {
    "tokenize-not-lowercased": "lowercase every token (step 4 of notebook 01).",
    "tokenize-keeps-numbers": "keep only words, '.' and emoji: drop numbers (step 4 of notebook 01).",
    "tokenize-punctuation-kept": "turn every run of , ! ? ; - into one '.' first (step 1 of notebook 01).",
    "window-includes-centre": "the context holds the C words before and the C words after the centre word, "
    "not the centre word itself (notebook 02).",
    "window-off-by-one": "the last window is missing: an off-by-one in the range; the last centre word is "
    "words[len(words) - C - 1] (notebook 02).",
    "window-one-side": "the context needs C words on each side of the centre word: 2C words (notebook 02).",
    "window-swapped": "yield (context_words, center_word) in that order (notebook 02).",
    "dict-not-sorted": "number the words in sorted (alphabetical) order: enumerate(sorted(set(data))) "
    "(notebook 03).",
    "dict-counts-duplicates": "number each distinct word once: the ids must run from 0 to V-1 (notebook 03).",
    "dict-not-inverse": "Ind2word must be the inverse of word2Ind: Ind2word[word2Ind[w]] == w (notebook 03).",
    "one-hot-column": "return a flat vector of shape (V,), not a column (V, 1) (notebook 03).",
    "one-hot-wrong-index": "put the 1 at index word2Ind[word] (notebook 03).",
    "context-summed": "average the one-hot vectors, don't sum them: divide by the number of context words "
    "(notebook 03).",
    "context-unique-words": "a context word that appears twice counts twice: average over all 2C words, "
    "not over the distinct ones (notebook 03).",
    "batch-repeats-window": "a batch repeats a window: continue from where the previous batch stopped, so "
    "every batch holds batch_size distinct windows (notebook 03).",
    "batch-transposed": "columns are examples: X and Y are V × batch_size (notebook 03).",
    "batch-drops-window": "a window is skipped: every window must appear before the batches wrap around "
    "(notebook 03).",
    "relu-modifies-input": "relu changed its input: return a new array (np.maximum(z, 0) or z.copy() first).",
    "relu-derivative": "that is ReLU's derivative (1 where z > 0); ReLU itself returns max(0, z).",
    "softmax-overflow": "softmax overflows (exp(1000) is inf): subtract each column's maximum before np.exp "
    "(notebook 04).",
    "softmax-rows": "softmax normalises each column (axis=0): one column per example (notebook 04).",
    "softmax-whole-matrix": "normalise each column on its own (sum over axis=0, keepdims=True), not the "
    "whole matrix (notebook 04).",
    "loss-sign": "the loss is minus the log-probability: -sum(y * log(y_hat)) is positive (notebook 04).",
    "loss-not-weighted": "multiply by y before summing: only the centre word's probability counts "
    "(notebook 04).",
    "loss-averaged": "for one example the loss is a sum over the V rows, not their mean (notebook 04).",
    "forward-no-relu": "apply ReLU to the hidden layer: h = relu(W1 @ x + b1) (notebook 04).",
    "forward-softmax": "return the logits z = W2 @ h + b2; softmax is applied after forward_prop "
    "(notebook 04).",
    "forward-no-bias": "add the biases: z1 = W1 @ x + b1 and z2 = W2 @ h + b2 (notebook 04).",
    "forward-swapped": "return (z, h) in that order (notebook 04).",
    "backprop-relu-on-gradient": "that is the notes' formula, ReLU applied to the gradient: multiply by "
    "ReLU's derivative instead, (W2.T @ dz2) * (h > 0): notebook 05.",
    "backprop-no-mask": "the gradient must pass through ReLU: multiply W2.T @ dz2 by ReLU's derivative "
    "(h > 0): notebook 05.",
    "backprop-not-averaged": "the cost is the mean over the batch: divide (yhat - y) by batch_size "
    "(notebook 05).",
    "backprop-bias-not-summed": "a bias gradient sums over the batch: .sum(axis=1, keepdims=True) gives "
    "shape (N, 1) or (V, 1) (notebook 05).",
    "numgrad-forward-difference": "use the central difference (f(p + eps) - f(p - eps)) / (2 eps): "
    "the one-sided difference is far less accurate (notebook 05).",
    "numgrad-not-restored": "put every entry of param back after nudging it: the parameters must end "
    "unchanged (notebook 05).",
    "numgrad-factor-two": "divide by 2 eps: the two points are 2 eps apart (notebook 05).",
    "gd-ascent": "the cost rises: step against the gradient, W = W - alpha * grad_W (notebook 05).",
    "gd-biases-not-updated": "update b1 and b2 too, like W1 and W2 (notebook 06).",
    "pca-not-centred": "centre the data first: subtract each column's mean before the covariance "
    "(notebook 07).",
    "pca-wrong-order": "np.linalg.eigh sorts eigenvalues in ascending order: take the components with "
    "the largest eigenvalues first (notebook 07).",
    "pca-modifies-input": "compute_pca changed its input: centre into a new array, "
    "X_centred = X - X.mean(axis=0) (notebook 07).",
    "gradcheck-mismatch": "your back_prop and your numerical gradient disagree: check back_prop first "
    "(the check above it), then numerical_gradient.",
}


# ----------------------------------------------------------------------------- showing values


def _show(value) -> str:
    """A value on one short line: arrays rounded to 4 decimals and cut to a few entries."""
    if isinstance(value, np.ndarray):
        shown = np.array2string(
            value,
            precision=4,
            suppress_small=True,
            threshold=12,
            edgeitems=3,
            max_line_width=10_000,
            separator=" ",
        )
        return " ".join(shown.split())
    if isinstance(value, float):
        return f"{value:.6g}"
    shown = repr(value)
    return shown if len(shown) <= 160 else shown[:157] + "..."


def _shape(value):
    return np.shape(value) if isinstance(value, np.ndarray) else None


def _differs(expected, got, rtol=1e-6, atol=1e-9) -> str | None:
    """None if got equals expected; otherwise "expected ..., got ..." (shapes first when they differ)."""
    if isinstance(expected, np.ndarray):
        if got is None:
            return "expected an array, got None"
        try:
            got_array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"expected an array, got {type(got).__name__}: {_show(got)}"
        if got_array.shape != expected.shape:
            return f"expected shape {expected.shape}, got shape {got_array.shape}"
        close = np.isclose(got_array, expected, rtol=rtol, atol=atol)
        if close.all():
            return None
        if expected.size > 8:
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            where = ", ".join(str(i) for i in index)
            shown = (
                f"{int((~close).sum())} of {expected.size} entries differ; the first at [{where}]: "
                f"expected {_show(float(expected[index]))}, got {_show(float(got_array[index]))}"
            )
        else:
            shown = f"expected {_show(expected)}, got {_show(got_array)}"
        if _show(expected) == _show(got_array):
            largest = float(np.nanmax(np.abs(got_array - expected)))
            shown += f" (they differ by up to {largest:.1e})"
        return shown
    if isinstance(expected, float):
        try:
            got_number = float(got)
        except (TypeError, ValueError):
            return f"expected a number, got {type(got).__name__}: {_show(got)}"
        if not np.isclose(got_number, expected, rtol=rtol, atol=atol):
            return f"expected {_show(expected)}, got {_show(got_number)}"
        return None
    if got != expected:
        if isinstance(expected, list) and isinstance(got, list):
            if len(got) != len(expected):
                return f"expected {len(expected)} items, got {len(got)}: expected {_show(expected)}, got {_show(got)}"
            first = next(i for i, (a, b) in enumerate(zip(expected, got)) if a != b)
            return f"item {first}: expected {_show(expected[first])}, got {_show(got[first])}"
        return f"expected {_show(expected)}, got {_show(got)}"
    return None


def _same(a, b) -> bool:
    """True if a and b are equal the way ``_differs`` compares them (False on any error)."""
    try:
        return _differs(a, b) is None
    except Exception:  # noqa: BLE001 - a comparison with a strange value is simply "not the same"
        return False


# ----------------------------------------------------------------------------- calling the student


def _call(function: Callable, *args, **kwargs):
    """Call the student's function; a blank becomes _NotWritten, an error a _Failed naming its line."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = function(*args, **kwargs)
    except (_NotWritten, _Failed):
        raise
    except NotImplementedError:
        raise _NotWritten() from None
    except Exception as error:  # noqa: BLE001 - the student's error is reported, not raised
        frames = [
            f
            for f in traceback.extract_tb(error.__traceback__)
            if not f.filename.endswith("exercises.py")
        ]
        where = (
            f" (line {frames[-1].lineno} of your cell)"
            if frames and "ipykernel" in frames[-1].filename
            else ""
        )
        raise _Failed(f"your function raised {type(error).__name__}: {error}{where}") from None
    if result is None:
        raise _NotWritten()
    return result


def _copies(args):
    return [
        a.copy() if isinstance(a, np.ndarray) else (list(a) if isinstance(a, list) else a)
        for a in args
    ]


def _run(function, args, reference, case, compare=None, mistakes=()):
    """Run one case: the student's function and the reference on copies of ``args``.

    ``mistakes`` is a list of ``(key, wrong_result_or_callable)``: when the student's
    result differs from the reference's and equals a wrong one, that mistake is named.
    Returns the student's result.
    """
    compare = compare or _differs
    got = _call(function, *_copies(args))
    expected = reference(*_copies(args))
    difference = compare(expected, got)
    if difference is not None:
        for key, wrong in mistakes:
            try:
                wrong_value = wrong(*_copies(args)) if callable(wrong) else wrong
                if compare(wrong_value, got) is None:
                    raise _Failed(f'case "{case}": {difference}', key)
            except _Failed:
                raise
            except Exception:  # noqa: BLE001, S112 - a wrong variant that cannot run on this case does not match
                continue
        raise _Failed(f'case "{case}": {difference}')
    return got


# ----------------------------------------------------------------------------- the exercises

_SENTENCE = ["i", "am", "happy", "because", "i", "am", "learning"]
_TEXT = [
    "we",
    "like",
    "to",
    "learn",
    "because",
    "we",
    "learn",
    "to",
    "think",
    "and",
    "then",
    "we",
    "like",
    "to",
    "write",
]


def _check_tokenize(tokenize):
    cases = [
        'Who ❤️ "word embeddings" in 2020? I do!!!',
        "Hello, World; bye-bye... Fine.",
        "In 1599 the Globe opened. Dost thou know it?",
        "",
    ]
    for corpus in cases:
        expected = text.tokenize(corpus)
        got = _call(tokenize, corpus)
        difference = _differs(expected, got if not isinstance(got, tuple) else list(got))
        if difference is None:
            continue
        case = f"tokenize({corpus!r})"
        if isinstance(got, list) and all(isinstance(t, str) for t in got):
            if [t.lower() for t in got] == expected:
                raise _Failed(f'case "{case}": {difference}', "tokenize-not-lowercased")
            if [t for t in got if not any(ch.isdigit() for ch in t)] == expected:
                raise _Failed(f'case "{case}": {difference}', "tokenize-keeps-numbers")
            if any(t in {",", "!", "?", ";", "-", "!!!"} for t in got):
                raise _Failed(f'case "{case}": {difference}', "tokenize-punctuation-kept")
        raise _Failed(f'case "{case}": {difference}')
    return len(cases)


def _windows_as_lists(result, limit=1000):
    items = list(itertools.islice(iter(result), limit))
    out = []
    for item in items:
        try:
            context, centre = item
        except (TypeError, ValueError):
            return items
        out.append((list(context) if not isinstance(context, str) else context, centre))
    return out


def _check_get_windows(get_windows):
    def reference(words, C):
        return list(text.get_windows(words, C))

    def includes_centre(words, C):
        return [(words[i - C : i + C + 1], words[i]) for i in range(C, len(words) - C)]

    def off_by_one(words, C):
        return reference(words, C)[:-1]

    def one_side(words, C):
        return [(words[i - C : i], words[i]) for i in range(C, len(words) - C)]

    def swapped(words, C):
        return [(centre, context) for context, centre in reference(words, C)]

    mistakes = [
        ("window-includes-centre", includes_centre),
        ("window-off-by-one", off_by_one),
        ("window-one-side", one_side),
        ("window-swapped", swapped),
    ]
    cases = [(_SENTENCE, 2), (_SENTENCE, 1), (_SENTENCE, 3), (_SENTENCE[:4], 2)]
    for words, C in cases:
        _run(
            lambda w, c: _windows_as_lists(_call(get_windows, w, c)),
            (words, C),
            reference,
            f"{len(words)} words, C = {C}",
            mistakes=mistakes,
        )
    return len(cases)


def _check_get_dict(get_dict):
    def first_seen(data):
        order = list(dict.fromkeys(data))
        return {w: i for i, w in enumerate(order)}, {i: w for i, w in enumerate(order)}

    def with_duplicates(data):
        word2Ind = {}
        for i, w in enumerate(data):
            word2Ind[w] = i
        return word2Ind, {i: w for w, i in word2Ind.items()}

    cases = [_SENTENCE, _TEXT]
    for data in cases:
        got = _call(get_dict, list(data))
        if not (isinstance(got, tuple) and len(got) == 2):
            raise _Failed(
                f'case "{" ".join(data[:4])} ...": expected a pair (word2Ind, Ind2word), '
                f"got {type(got).__name__}: {_show(got)}"
            )
        word2Ind, Ind2word = got
        expected_w2i, expected_i2w = text.get_dict(data)
        case = f"get_dict of {' '.join(data[:4])} ..."
        if word2Ind != expected_w2i:
            difference = _differs(expected_w2i, word2Ind)
            if isinstance(word2Ind, dict) and set(word2Ind) == set(expected_w2i):
                if word2Ind == first_seen(data)[0] or sorted(word2Ind.values()) == list(
                    range(len(word2Ind))
                ):
                    raise _Failed(f'case "{case}": word2Ind {difference}', "dict-not-sorted")
                if word2Ind == with_duplicates(data)[0] or max(word2Ind.values()) >= len(word2Ind):
                    raise _Failed(f'case "{case}": word2Ind {difference}', "dict-counts-duplicates")
            raise _Failed(f'case "{case}": word2Ind {difference}')
        if Ind2word != expected_i2w:
            raise _Failed(
                f'case "{case}": Ind2word {_differs(expected_i2w, Ind2word)}', "dict-not-inverse"
            )
    return len(cases)


def _check_word_to_one_hot_vector(function):
    word2Ind, _ = text.get_dict(_SENTENCE)
    V = len(word2Ind)
    cases = [("happy", V), ("am", V), ("learning", V), ("i", 8)]
    for word, size in cases:
        index = word2Ind[word]
        column = vectors.word_to_one_hot_vector(word, word2Ind, size)[:, None]
        shifted = np.zeros(size)
        shifted[(index + 1) % size] = 1
        shifted_back = np.zeros(size)
        shifted_back[index - 1] = 1
        _run(
            function,
            (word, dict(word2Ind), size),
            vectors.word_to_one_hot_vector,
            f"word_to_one_hot_vector({word!r}, word2Ind, V={size})",
            mistakes=[
                ("one-hot-column", column),
                ("one-hot-wrong-index", shifted),
                ("one-hot-wrong-index", shifted_back),
            ],
        )
    return len(cases)


def _check_context_words_to_vector(function):
    word2Ind, _ = text.get_dict(_SENTENCE)
    V = len(word2Ind)

    def summed(context, w2i, V):
        return len(context) * vectors.context_words_to_vector(context, w2i, V)

    def unique(context, w2i, V):
        return vectors.context_words_to_vector(sorted(set(context)), w2i, V)

    cases = [["i", "am", "because", "i"], ["am", "happy", "i", "am"], ["happy", "because"]]
    for context in cases:
        _run(
            function,
            (context, dict(word2Ind), V),
            vectors.context_words_to_vector,
            f"context {context}",
            mistakes=[("context-summed", summed), ("context-unique-words", unique)],
        )
    return len(cases)


def _check_get_batches(function):
    words = _TEXT[:14]  # 10 windows with C = 2, all different
    word2Ind, _ = text.get_dict(words)
    V, C, m = len(word2Ind), 2, 4
    expected = list(itertools.islice(vectors.get_batches(words, word2Ind, V, C, m), 3))
    generator = _call(function, list(words), dict(word2Ind), V, C, m)
    try:
        got = list(itertools.islice(iter(generator), 3))
    except NotImplementedError:
        raise _NotWritten() from None
    except Exception as error:  # noqa: BLE001
        raise _Failed(f"your batches raised {type(error).__name__}: {error}") from None
    case = f"10 windows, batch_size = {m}, the first 3 batches"
    if len(got) < 3:
        raise _Failed(
            f'case "{case}": expected 3 batches (the generator wraps around forever), got {len(got)}'
        )
    for b, ((X, Y), (got_X, got_Y)) in enumerate(zip(expected, (pair for pair in got)), start=1):
        for name, want, have in (("X", X, got_X), ("Y", Y, got_Y)):
            difference = _differs(want, have)
            if difference is None:
                continue
            have = np.asarray(have, dtype=float)
            message = f'case "{case}": batch {b}, {name}: {difference}'
            if have.shape == want.shape[::-1]:
                raise _Failed(message, "batch-transposed")
            raise _Failed(message)
    return 3


def _check_get_batches_with_diagnosis(function):
    """get_batches, naming a repeated or skipped window when the batches differ."""
    try:
        return _check_get_batches(function)
    except _Failed as failure:
        if failure.mistake is not None:
            raise
        words = _TEXT[:14]
        word2Ind, _ = text.get_dict(words)
        V, C, m = len(word2Ind), 2, 4
        windows = list(vectors.get_training_example(words, C, word2Ind, V))
        key = {(x.tobytes(), y.tobytes()): i for i, (x, y) in enumerate(windows)}
        try:
            batches = list(
                itertools.islice(iter(function(list(words), dict(word2Ind), V, C, m)), 3)
            )
            columns = [
                key.get(
                    (np.asarray(X, float)[:, j].tobytes(), np.asarray(Y, float)[:, j].tobytes())
                )
                for X, Y in batches
                for j in range(m)
            ]
        except Exception:  # noqa: BLE001
            raise failure from None
        if None not in columns:
            # the first pass over the windows: up to the first window seen twice
            repeat = next((r for r in range(len(columns)) if columns[r] in columns[:r]), None)
            if repeat is not None and repeat < len(windows):
                wrapped_early = columns[:repeat] == list(range(repeat)) and columns[repeat] == 0
                if wrapped_early and repeat > m:
                    raise _Failed(str(failure), "batch-drops-window") from None
                raise _Failed(str(failure), "batch-repeats-window") from None
            if columns != list(range(len(columns))) and set(columns) != set(range(len(windows))):
                raise _Failed(str(failure), "batch-drops-window") from None
        raise failure from None


def _check_relu(relu):
    rng = np.random.default_rng(5)
    cases = [np.array([[-1.5], [0.0], [2.0]]), rng.normal(size=(3, 4))]
    for z in cases:
        before = z.copy()
        got = _call(relu, z)
        if not np.array_equal(z, before) and _same(model.relu(before), got):
            raise _Failed(
                f'case "z of shape {z.shape}": your relu changed z to {_show(z)}',
                "relu-modifies-input",
            )
        z[...] = before
        _run(
            relu,
            (z,),
            model.relu,
            f"z = {_show(z)}" if z.size <= 4 else f"z of shape {z.shape}",
            mistakes=[("relu-derivative", lambda z: (z > 0).astype(float))],
        )
    return len(cases)


def _check_softmax(softmax):
    rng = np.random.default_rng(6)
    cases = [
        ("z = [9, 8, 11, 10, 8.5] (the notes')", np.array([9.0, 8.0, 11.0, 10.0, 8.5])),
        ("a batch: 5 logits × 3 examples", rng.normal(size=(5, 3))),
        ("z = [1000, 1001, 999]", np.array([1000.0, 1001.0, 999.0])),
        (
            "a batch with logits near 1000",
            np.array([[1000.0, -3.0], [998.0, -1.0], [1001.0, -2.0]]),
        ),
    ]

    def rows(z):
        return model.softmax(z.T).T

    def whole(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    for case, z in cases:
        try:
            _run(
                softmax,
                (z,),
                model.softmax,
                case,
                mistakes=[("softmax-rows", rows), ("softmax-whole-matrix", whole)],
            )
        except _Failed as failure:
            if failure.mistake is None and np.max(z) > 700:
                got = None
                try:
                    got = _call(softmax, z.copy())
                except (_Failed, _NotWritten):
                    pass
                if got is None or not np.all(np.isfinite(np.asarray(got, dtype=float))):
                    raise _Failed(str(failure), "softmax-overflow") from None
            raise
    return len(cases)


def _check_cross_entropy_loss(function):
    y_hat = model.softmax(np.array([[9.0], [8.0], [11.0], [10.0], [8.5]]))
    y = np.array([[0.0], [0.0], [1.0], [0.0], [0.0]])
    rng = np.random.default_rng(7)
    Y_hat = model.softmax(rng.normal(size=(4, 3)))
    Y = np.eye(4)[:, [0, 3, 1]]
    cases = [
        ("the notes' y_hat, centre word 'happy'", (y_hat, y)),
        ("a batch of 3 examples (summed)", (Y_hat, Y)),
    ]
    for case, (p, t) in cases:
        _run(
            function,
            (p, t),
            model.cross_entropy_loss,
            case,
            mistakes=[
                ("loss-sign", lambda p, t: -model.cross_entropy_loss(p, t)),
                ("loss-not-weighted", lambda p, t: float(-np.sum(np.log(p)))),
                ("loss-averaged", lambda p, t: model.cross_entropy_loss(p, t) / p.shape[0]),
            ],
        )
    return len(cases)


def _weights(N, V, seed):
    return model.initialize_model(N, V, random_seed=seed, scale=0.5)


def _check_forward_prop(function):
    rng = np.random.default_rng(8)
    x1 = np.array([[0.25], [0.25], [0.0], [0.5], [0.0]])
    X = rng.dirichlet(np.ones(6), size=4).T
    cases = [
        ("one example: N = 3, V = 5", (x1, *_weights(3, 5, 1))),
        ("a batch: N = 4, V = 6, m = 4", (X, *_weights(4, 6, 2))),
    ]

    def no_relu(x, W1, W2, b1, b2):
        h = W1 @ x + b1
        return W2 @ h + b2, h

    def with_softmax(x, W1, W2, b1, b2):
        z, h = model.forward_prop(x, W1, W2, b1, b2)
        return model.softmax(z), h

    def no_bias(x, W1, W2, b1, b2):
        return model.forward_prop(x, W1, W2, 0 * b1, 0 * b2)

    def swapped(x, W1, W2, b1, b2):
        return model.forward_prop(x, W1, W2, b1, b2)[::-1]

    def compare(expected, got):
        if not (isinstance(got, tuple) and len(got) == 2):
            return f"expected a pair (z, h), got {type(got).__name__}: {_show(got)}"
        for name, want, have in zip(("z", "h"), expected, got):
            difference = _differs(want, have)
            if difference is not None:
                return f"{name}: {difference}"
        return None

    for case, args in cases:
        _run(
            function,
            args,
            model.forward_prop,
            case,
            compare=compare,
            mistakes=[
                ("forward-swapped", swapped),
                ("forward-no-relu", no_relu),
                ("forward-softmax", with_softmax),
                ("forward-no-bias", no_bias),
            ],
        )
    return len(cases)


def _backprop_case(N, V, m, seed):
    """A batch whose hidden layer has units that are off for some examples (where the notes' formula fails)."""
    rng = np.random.default_rng(seed)
    W1, W2, b1, b2 = _weights(N, V, seed)
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
        return f"expected 4 gradients (grad_W1, grad_W2, grad_b1, grad_b2), got {type(got).__name__}: {_show(got)}"
    for name, want, have in zip(("grad_W1", "grad_W2", "grad_b1", "grad_b2"), expected, got):
        difference = _differs(want, have)
        if difference is not None:
            return f"{name}: {difference}"
    return None


def _check_back_prop(function):
    cases = [
        ("one example: N = 3, V = 5", _backprop_case(3, 5, 1, 2)),
        ("a batch: N = 4, V = 6, m = 5, some hidden units off", _backprop_case(4, 6, 5, 3)),
    ]

    def not_averaged(x, yhat, y, h, W1, W2, b1, b2, m):
        return tuple(g * m for g in model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m))

    def bias_not_summed(x, yhat, y, h, W1, W2, b1, b2, m):
        g = model.back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
        dz2 = (yhat - y) / m
        return g[0], g[1], (W2.T @ dz2) * (h > 0), dz2

    for case, args in cases:
        got = _run(
            function,
            args,
            model.back_prop,
            case,
            compare=_compare_grads,
            mistakes=[
                ("backprop-relu-on-gradient", _notes_back_prop),
                ("backprop-relu-on-gradient", _notes_unscaled),
                ("backprop-no-mask", _no_mask_back_prop),
                ("backprop-not-averaged", not_averaged),
                ("backprop-bias-not-summed", bias_not_summed),
            ],
        )
    del got
    return len(cases)


def _check_numerical_gradient(function):
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
        got = _call(function, make_f(param), param)
        if not np.array_equal(param, start):
            moved = float(np.max(np.abs(np.asarray(param, dtype=float) - start)))
            raise _Failed(
                f'case "{case}": param was not put back (entries moved by up to {moved:.1e})',
                "numgrad-not-restored",
            )
        difference = _differs(exact, got, rtol=1e-8, atol=1e-7)
        if difference is None:
            continue
        eps = 1e-6
        forward = np.zeros_like(start)
        work = start.copy()
        f = make_f(work)
        base = f()
        for idx in np.ndindex(work.shape):
            work[idx] += eps
            forward[idx] = (f() - base) / eps
            work[idx] = start[idx]
        got_array = np.asarray(got, dtype=float)
        if got_array.shape == exact.shape and np.allclose(
            got_array, 2 * exact, rtol=1e-4, atol=1e-6
        ):
            raise _Failed(f'case "{case}": {difference}', "numgrad-factor-two")
        if got_array.shape == exact.shape and np.allclose(got_array, forward, rtol=0, atol=1e-8):
            raise _Failed(f'case "{case}": {difference}', "numgrad-forward-difference")
        raise _Failed(f'case "{case}": {difference}')
    return len(cases)


def _check_gradient_check(back_prop, numerical_gradient):
    """Guided: the student's back_prop against the student's numerical gradient on a random batch."""
    x, yhat, y, h, W1, W2, b1, b2, m = _backprop_case(4, 6, 5, 3)
    params = {"W1": W1.copy(), "W2": W2.copy(), "b1": b1.copy(), "b2": b2.copy()}

    def cost():
        z, _ = model.forward_prop(x, params["W1"], params["W2"], params["b1"], params["b2"])
        return model.compute_cost(y, model.softmax(z), m)

    analytic = _call(back_prop, x, yhat, y, h, W1.copy(), W2.copy(), b1.copy(), b2.copy(), m)
    if not (isinstance(analytic, (tuple, list)) and len(analytic) == 4):
        raise _Failed(f"your back_prop returned {type(analytic).__name__}, expected 4 gradients")
    errors = {}
    for (name, param), grad in zip(params.items(), analytic):
        numeric = np.asarray(_call(numerical_gradient, cost, param), dtype=float)
        grad = np.asarray(grad, dtype=float)
        if grad.shape != param.shape or numeric.shape != param.shape:
            raise _Failed(
                f"grad_{name}: expected shape {param.shape}, got {grad.shape} from back_prop and "
                f"{numeric.shape} from numerical_gradient"
            )
        scale = max(np.linalg.norm(grad) + np.linalg.norm(numeric), 1e-12)
        errors[name] = float(np.linalg.norm(grad - numeric) / scale)
    bad = [name for name, error in errors.items() if not error < 1e-6]
    if bad:
        shown = ", ".join(f"{name} {errors[name]:.1e}" for name in bad)
        raise _Failed(f"relative error above 1e-6 for {shown}", "gradcheck-mismatch")
    return len(params)


def _check_gradient_descent(function):
    words = (_TEXT * 2)[:26]
    word2Ind, _ = text.get_dict(words)
    V = len(word2Ind)
    kwargs = dict(C=2, batch_size=6, random_seed=3)
    args = (words, word2Ind, 3, V, 6, 0.5)

    def run(alpha_sign=1.0, update_biases=True):
        W1, W2, b1, b2 = model.initialize_model(3, V, random_seed=3)
        batches = vectors.get_batches(words, word2Ind, V, 2, 6)
        costs = []
        for _ in range(6):
            X, Y = next(batches)
            z, h = model.forward_prop(X, W1, W2, b1, b2)
            yhat = model.softmax(z)
            costs.append(model.compute_cost(Y, yhat, 6))
            g = model.back_prop(X, yhat, Y, h, W1, W2, b1, b2, 6)
            W1, W2 = W1 - alpha_sign * 0.5 * g[0], W2 - alpha_sign * 0.5 * g[1]
            if update_biases:
                b1, b2 = b1 - alpha_sign * 0.5 * g[2], b2 - alpha_sign * 0.5 * g[3]
        return W1, W2, b1, b2, costs

    def compare(expected, got):
        if not (isinstance(got, (tuple, list)) and len(got) == 5):
            return f"expected (W1, W2, b1, b2, costs), got {type(got).__name__}: {_show(got)}"
        difference = _differs(np.asarray(expected[4]), np.asarray(got[4], dtype=float))
        if difference is not None:
            return f"costs: {difference}"
        for name, want, have in zip(("W1", "W2", "b1", "b2"), expected, got):
            difference = _differs(want, have)
            if difference is not None:
                return f"{name}: {difference}"
        return None

    case = f"{len(words)} tokens, N = 3, V = {V}, 6 iterations, alpha = 0.5, batch_size = 6"
    _run(
        lambda *a: _call(function, *a, **kwargs),
        args,
        lambda *a: model.gradient_descent(*a, **kwargs),
        case,
        compare=compare,
        mistakes=[
            ("gd-ascent", lambda *a: run(alpha_sign=-1.0)),
            ("gd-biases-not-updated", lambda *a: run(update_biases=False)),
        ],
    )
    return 1


def _pca_compare(expected, got):
    """Equal up to the sign of each component."""
    if got is None:
        return "expected an array, got None"
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected an array, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {got.shape}"
    signs = np.where((expected * got).sum(axis=0) < 0, -1.0, 1.0)
    difference = _differs(expected, got * signs, rtol=1e-6, atol=1e-8)
    return None if difference is None else f"{difference} (after matching the sign of each column)"


def _check_compute_pca(function):
    rng = np.random.default_rng(0)
    direction = np.array([2.0, 1.0, 0.5])
    data = (
        rng.normal(size=(8, 1)) * direction
        + 0.1 * rng.normal(size=(8, 3))
        + np.array([3.0, -2.0, 1.0])
    )
    wide = rng.normal(size=(10, 4)) * np.array([0.5, 3.0, 1.0, 0.2]) + 5.0
    cases = [
        ("8 points in 3-D, 2 components", data, 2),
        ("10 points in 4-D, 3 components", wide, 3),
    ]

    def not_centred(X, n):
        X = np.asarray(X, dtype=float)
        _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
        return X @ vecs[:, ::-1][:, :n]

    def not_centred_covariance(X, n):
        X = np.asarray(X, dtype=float)
        _, vecs = np.linalg.eigh(X.T @ X / (len(X) - 1))
        return (X - X.mean(axis=0)) @ vecs[:, ::-1][:, :n]

    def raw_second_moment(X, n):
        X = np.asarray(X, dtype=float)
        _, vecs = np.linalg.eigh(X.T @ X / (len(X) - 1))
        return X @ vecs[:, ::-1][:, :n]

    def ascending(X, n):
        X = np.asarray(X, dtype=float)
        _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
        return (X - X.mean(axis=0)) @ vecs[:, :n]

    def ascending_reversed(X, n):
        return ascending(X, n)[:, ::-1]

    for case, X, n in cases:
        before = X.copy()
        got = _call(function, X, n)
        if not np.array_equal(X, before):
            raise _Failed(
                f'case "{case}": your compute_pca changed its input data', "pca-modifies-input"
            )
        _run(
            function,
            (X, n),
            pca.compute_pca,
            case,
            compare=_pca_compare,
            mistakes=[
                ("pca-not-centred", not_centred),
                ("pca-not-centred", not_centred_covariance),
                ("pca-not-centred", raw_second_moment),
                ("pca-wrong-order", ascending),
                ("pca-wrong-order", ascending_reversed),
            ],
        )
        del got
    return len(cases)


#: Exercise name -> (checker, what the student's function is, notebook).
EXERCISES = {
    "tokenize": (_check_tokenize, "tokenize(corpus)", "01"),
    "get_windows": (_check_get_windows, "get_windows(words, C)", "02"),
    "get_dict": (_check_get_dict, "get_dict(data)", "03"),
    "word_to_one_hot_vector": (
        _check_word_to_one_hot_vector,
        "word_to_one_hot_vector(word, word2Ind, V)",
        "03",
    ),
    "context_words_to_vector": (
        _check_context_words_to_vector,
        "context_words_to_vector(context_words, word2Ind, V)",
        "03",
    ),
    "get_batches": (
        _check_get_batches_with_diagnosis,
        "get_batches(data, word2Ind, V, C, batch_size)",
        "03",
    ),
    "relu": (_check_relu, "relu(z)", "04"),
    "softmax": (_check_softmax, "softmax(z)", "04"),
    "cross_entropy_loss": (_check_cross_entropy_loss, "cross_entropy_loss(y_hat, y)", "04"),
    "forward_prop": (_check_forward_prop, "forward_prop(x, W1, W2, b1, b2)", "04"),
    "numerical_gradient": (
        _check_numerical_gradient,
        "numerical_gradient(f, param, eps=1e-6)",
        "05",
    ),
    "back_prop": (_check_back_prop, "back_prop(x, yhat, y, h, W1, W2, b1, b2, batch_size)", "05"),
    "gradient_check": (_check_gradient_check, "your back_prop and your numerical_gradient", "05"),
    "gradient_descent": (
        _check_gradient_descent,
        "gradient_descent(data, word2Ind, N, V, num_iters, alpha)",
        "06",
    ),
    "compute_pca": (_check_compute_pca, "compute_pca(data, n_components)", "07"),
}


def run_check(name: str, *functions) -> CheckResult:
    """Run the check of exercise ``name`` on the student's function(s); never raises."""
    if name not in EXERCISES:
        known = ", ".join(EXERCISES)
        return CheckResult(
            str(name),
            "failed",
            f"✗ there is no exercise called {name!r}; the exercises are: {known}",
        )
    checker, signature, _ = EXERCISES[name]
    expected_count = checker.__code__.co_argcount
    if len(functions) != expected_count or not all(callable(f) for f in functions):
        shown = ", ".join(type(f).__name__ for f in functions) or "nothing"
        return CheckResult(
            name,
            "failed",
            f"✗ {name}: pass your function{'s' if expected_count > 1 else ''} "
            f"({signature}), got {shown}",
        )
    try:
        count = checker(*functions)
    except _NotWritten:
        return CheckResult(
            name,
            "not written",
            f"… {name}: not written yet. Write the function above (replace its ... with your code), "
            "run its cell, then run this check again.",
        )
    except _Failed as failure:
        hint = (
            MISTAKES[failure.mistake]
            if failure.mistake
            else (f"compare your {signature} with the cells above it, step by step.")
        )
        label = "Mistake" if failure.mistake else "Hint"
        return CheckResult(
            name, "failed", f"✗ {name}, {failure}\n  {label}: {hint}", failure.mistake
        )
    except Exception as error:  # noqa: BLE001 - the checker must never show a traceback to a student
        return CheckResult(
            name,
            "failed",
            f"✗ {name}: the check could not run your function ({type(error).__name__}: {error})",
        )
    cases = "the case passes" if count == 1 else f"all {count} cases pass"
    return CheckResult(name, "passed", f"✓ {name}: {cases}.")


def check(name: str, *functions) -> None:
    """Check the student's function(s) for exercise ``name`` and print the verdict (one or two lines)."""
    print(run_check(name, *functions).message)
