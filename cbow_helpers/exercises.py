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

``run_check`` returns the same verdict as a ``CheckResult``, for tests and the grader.

The student's function runs with a time limit per case, on its own deep copies of the inputs, with
its printed output captured and capped; ``sys.exit()``, Ctrl-C and an endless loop become verdicts
(``_student_calls`` says how, and what happens on Windows).
"""

from __future__ import annotations

import contextvars
import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from . import _student_calls as calls
from . import model, pca, text, vectors
from .exercise_hints import MISTAKES, error_hint

__all__ = ["EXERCISES", "MISTAKES", "CheckResult", "check", "run_check"]


class _NotWritten(Exception):
    """The student's function is still a blank."""


class _Failed(Exception):
    """A case failed; ``args[0]`` is the message, ``mistake`` the key of a classic mistake or None,
    ``hint`` a hint that replaces the generic one (for what is not a mistake in the maths)."""

    def __init__(self, message: str, mistake: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.mistake = mistake
        self.hint = hint


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: status is "passed", "not written" or "failed"."""

    exercise: str
    status: str
    message: str
    mistake: str | None = None
    output: str = ""  # what the student's code printed during the check, capped

    @property
    def passed(self) -> bool:
        return self.status == "passed"


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
        wrong_type = calls.wrong_type(expected, got)
        if wrong_type is not None:
            return wrong_type
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


#: Seconds one call of the student's function may take (run_check's ``time_limit``).
_call_seconds = contextvars.ContextVar("call_seconds", default=calls.CALL_SECONDS)


def _call(function: Callable, *args, **kwargs):
    """Call the student's function with a time limit; a blank becomes _NotWritten, anything it does
    wrong (an error, an endless loop, sys.exit, Ctrl-C) a _Failed. A generator it returns is guarded:
    each step has the same time limit."""
    seconds = _call_seconds.get()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = calls.call_limited(function, args, kwargs, seconds)
    except (_NotWritten, _Failed):
        raise
    except NotImplementedError:
        raise _NotWritten() from None
    except calls.TimedOut as error:
        raise _Failed(f"your function {error}", hint=_HINTS["timeout"]) from None
    except SystemExit:
        raise _Failed(_EXIT_MESSAGE, hint=_HINTS["exit"]) from None
    except KeyboardInterrupt:
        raise _Failed(_INTERRUPT_MESSAGE, hint=_HINTS["interrupt"]) from None
    except BaseException as error:  # noqa: BLE001 - the student's error is reported, not raised
        described = calls.describe_error(error)
        role = calls.raised_in(error)
        if role:
            raise _Failed(f"your {role} raised {described}", hint=_raised_in_hint(role)) from None
        raise _Failed(f"your function raised {described}", hint=error_hint(described)) from None
    if result is None:
        if _is_blank(function):
            raise _NotWritten()
        raise _Failed("your function returned None", "forgot-return")
    if isinstance(result, Iterator):
        return calls.Guarded(result, seconds)
    return result


_is_blank = calls.is_blank


def _raised_in_hint(role: str) -> str:
    return (
        f"the error comes from your {role}, which the function you are checking called: run "
        f'check("{role}", ...) on it and fix it there. A name it uses without being given it (a '
        "variable of the notebook, such as z1) is a common cause: use only its parameters."
    )


_EXIT_MESSAGE = "your function called sys.exit() (or exit(), quit())"
_INTERRUPT_MESSAGE = "interrupted while your function ran (Ctrl-C, or the kernel's stop button)"
_HINTS = {
    "timeout": "look for a loop that never ends: a while loop whose condition stays true, "
    "or an index that never moves.",
    "exit": "a function hands back its result with return; remove the call that ends the program.",
    "interrupt": "run the check again; if it seems to hang, look for a loop that never ends.",
}


def _copies(args):
    return calls.fresh_copies(args)


def _run(function, args, reference, case, compare=None, mistakes=(), errors=()):
    """Run one case: the student's function and the reference, each on its own deep copy of ``args``.

    ``mistakes`` is a list of ``(key, wrong_result_or_callable)``: when the student's
    result differs from the reference's and equals a wrong one, that mistake is named.
    ``errors`` is a list of ``(key, text)``: when the student's function raises an error whose
    message contains ``text``, that mistake is named. Returns the student's result.
    """
    compare = compare or _differs
    try:
        got = _call(function, *_copies(args))
    except _Failed as failure:
        key = next((k for k, text in errors if text in str(failure)), failure.mistake)
        message = str(failure) if str(failure).startswith("case ") else f'case "{case}": {failure}'
        raise _Failed(message, key, failure.hint) from None
    expected = reference(*_copies(args))
    difference = calls.wrong_type(expected, got) or compare(expected, got)
    if difference is not None:
        raise _Failed(f'case "{case}": {difference}', _which_mistake(mistakes, args, got, compare))
    return got


def _which_mistake(mistakes, args, got, compare) -> str | None:
    """The key of the first wrong variant whose result on ``args`` equals ``got`` (None if none)."""
    for key, wrong in mistakes:
        try:
            wrong_value = wrong(*_copies(args)) if callable(wrong) else wrong
            if _no_difference(compare, wrong_value, got):
                return key
        except Exception:  # noqa: BLE001, S112 - a wrong variant that cannot run on this case does not match
            continue
    return None


def _leaves_inputs(function, args, case, key) -> None:
    """Fail with mistake ``key`` if ``function`` changes an array it was given (a caller's data)."""
    given = _copies(args)
    _call(function, *given)
    for before, after in zip(args, given):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after):
            raise _Failed(f'case "{case}": your function changed an array it was given', key)


def _no_difference(compare, wrong_value, got) -> bool:
    if isinstance(wrong_value, (int, float)) and not isinstance(got, np.ndarray):
        return _same(float(wrong_value), got)
    return compare(wrong_value, got) is None


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


def _tokenize_steps(corpus, lower=True, numbers=False, merge=True, split=True, emoji_kept=True):
    """The course's four tokenizer steps, each of which can be left out (the classic mistakes)."""
    import emoji
    from nltk.tokenize import word_tokenize

    step1 = re.sub(r"[,!?;-]+", ".", corpus) if merge else corpus
    tokens = []
    for token in word_tokenize(step1, preserve_line=True):
        final = split and len(token) > 1 and token.endswith(".") and token.strip(".")
        tokens += [token[:-1], "."] if final else [token]

    def keep(t):
        return (
            t.isalpha()
            or t == "."
            or (numbers and t.isalnum())
            or (emoji_kept and emoji.is_emoji(t))
            or (not merge and not t.isalnum() and t in ",!?;-!!!")
        )

    return [t.lower() if lower else t for t in tokens if keep(t)]


def _split_on_spaces(corpus):
    return [t.lower() for t in re.sub(r"[,!?;-]+", ".", corpus).split()]


def _check_tokenize(tokenize):
    cases = [
        'Who ❤️ "word embeddings" in 2020? I do!!!',
        "Hello, World; bye-bye... Fine.",
        "In 1599 the Globe opened. Dost thou know it?",
        "",
    ]
    mistakes = [
        ("tokenize-not-lowercased", lambda c: _tokenize_steps(c, lower=False)),
        ("tokenize-keeps-numbers", lambda c: _tokenize_steps(c, numbers=True)),
        ("tokenize-punctuation-kept", lambda c: _tokenize_steps(c, merge=False)),
        ("tokenize-period-glued", lambda c: _tokenize_steps(c, split=False)),
        ("tokenize-drops-emoji", lambda c: _tokenize_steps(c, emoji_kept=False)),
        ("tokenize-split-on-spaces", _split_on_spaces),
    ]
    for corpus in cases:
        got = _call(tokenize, corpus)
        got = list(got) if isinstance(got, tuple) else got
        difference = _differs(text.tokenize(corpus), got)
        if difference is None:
            continue
        key = _which_mistake(mistakes, (corpus,), got, _differs)
        if key is None and isinstance(got, list) and all(isinstance(t, str) for t in got):
            if any(t in {",", "!", "?", ";", "-", "!!!"} for t in got):
                key = "tokenize-punctuation-kept"
            elif any(t != t.lower() for t in got):
                key = "tokenize-not-lowercased"
            elif any(len(t) > 1 and t.endswith(".") for t in got):
                key = "tokenize-period-glued"
        raise _Failed(f'case "tokenize({corpus!r})": {difference}', key)
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

    def short_at_edges(words, C):
        return [
            (words[max(0, i - C) : i] + words[i + 1 : i + C + 1], words[i])
            for i in range(len(words))
        ]

    def short_right(words, C):
        return [
            (words[i - C : i] + words[i + 1 : i + C], words[i]) for i in range(C, len(words) - C)
        ]

    def context_order(words, C):
        return [
            (words[i + 1 : i + C + 1] + words[i - C : i], words[i])
            for i in range(C, len(words) - C)
        ]

    mistakes = [
        ("window-includes-centre", includes_centre),
        ("window-off-by-one", off_by_one),
        ("window-one-side", one_side),
        ("window-swapped", swapped),
        ("window-short-at-edges", short_at_edges),
        ("window-short-at-edges", lambda w, C: short_at_edges(w, C)[C:]),
        ("window-short-at-edges", lambda w, C: short_at_edges(w, C)[: len(w) - C]),
        ("window-context-order", context_order),
        ("window-short-right", short_right),
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
                if sorted(word2Ind.values()) == list(range(1, len(word2Ind) + 1)):
                    key = "dict-starts-at-one"
                    if word2Ind == {w: i + 1 for w, i in expected_w2i.items()}:
                        raise _Failed(f'case "{case}": word2Ind {difference}', key)
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
                ("one-hot-returns-index", index),
            ],
        )
    _unknown_word_fails(function, word2Ind, V)
    return len(cases) + 1


def _unknown_word_fails(function, word2Ind, V) -> None:
    """A word not in word2Ind must raise an error that names it (notebook 03), never give a vector."""
    case = f"word_to_one_hot_vector('zebra', word2Ind, V={V}): a word not in word2Ind"
    try:
        got = _call(function, "zebra", dict(word2Ind), V)
    except _Failed as failure:
        if str(failure).startswith("your function raised") and "zebra" in str(failure):
            return
        raise _Failed(
            f'case "{case}": {failure}', failure.mistake or "one-hot-unknown-word"
        ) from None
    raise _Failed(
        f'case "{case}": expected an error naming the word, got {_show(got)}',
        "one-hot-unknown-word",
    )


def _check_context_words_to_vector(function):
    word2Ind, _ = text.get_dict(_SENTENCE)
    V = len(word2Ind)

    def summed(context, w2i, V):
        return len(context) * vectors.context_words_to_vector(context, w2i, V)

    def unique(context, w2i, V):
        return vectors.context_words_to_vector(sorted(set(context)), w2i, V)

    def stacked(context, w2i, V):
        return np.array([vectors.word_to_one_hot_vector(w, w2i, V) for w in context])

    cases = [["i", "am", "because", "i"], ["am", "happy", "i", "am"], ["happy", "because"]]
    for context in cases:
        _run(
            function,
            (context, dict(word2Ind), V),
            vectors.context_words_to_vector,
            f"context {context}",
            mistakes=[
                ("context-summed", summed),
                ("context-unique-words", unique),
                ("context-divided-by-V", lambda c, w2i, V: summed(c, w2i, V) / V),
                ("context-not-averaged", stacked),
                ("context-wrong-axis", lambda c, w2i, V: stacked(c, w2i, V).mean(axis=1)),
            ],
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
            f'case "{case}": expected 3 batches (the generator wraps around forever), got {len(got)}',
            "batch-stops",
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
            if have.ndim == 2 and have.shape[0] == want.shape[0] and have.shape[1] < m:
                raise _Failed(message, "batch-stops")
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
        case = f"z = {_show(z)}" if z.size <= 4 else f"z of shape {z.shape}"
        _run(
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
        _call(relu, given)
        if not np.array_equal(given, z):
            raise _Failed(
                f'case "{case}": your relu changed the z it was given to {_show(given)}',
                "relu-modifies-input",
            )
    return len(cases)


def _check_softmax(softmax):
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
            _run(
                softmax,
                (z,),
                model.softmax,
                case,
                mistakes=[("softmax-rows", rows), ("softmax-whole-matrix", whole)],
                errors=[("softmax-rows", "AxisError")],
            )
        except _Failed as failure:
            if failure.mistake is None:
                failure.mistake = _softmax_overflow(softmax, z)
            raise
        _leaves_inputs(softmax, (z,), case, "softmax-modifies-input")
    return len(cases)


def _softmax_overflow(softmax, z) -> str | None:
    """Name "softmax-global-max" or "softmax-overflow" when the student's result is not finite on ``z``."""
    try:
        got = np.asarray(_call(softmax, z.copy()), dtype=float)
    except (_Failed, _NotWritten, TypeError, ValueError):
        return None
    if got.shape != z.shape or np.all(np.isfinite(got)):
        return None
    if z.ndim == 2:
        global_shift = np.exp(z - z.max())
        lost = global_shift.sum(axis=0) == 0  # columns that underflow to 0 / 0
        if lost.any() and not np.isfinite(got[:, lost]).any() and np.isfinite(got[:, ~lost]).all():
            return "softmax-global-max"
    return "softmax-overflow"


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
                ("loss-divided-by-m", lambda p, t: model.cross_entropy_loss(p, t) / p.shape[1]),
            ],
        )
    return len(cases)


def _weights(N, V, seed):
    return model.initialize_model(N, V, random_seed=seed, scale=0.5)


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


def _check_forward_prop(function):
    rng = np.random.default_rng(8)
    x1 = np.array([[0.25], [0.25], [0.0], [0.5], [0.0]])
    X = rng.dirichlet(np.ones(6), size=5).T
    cases = [
        ("one example: N = 3, V = 5", (x1, *_weights(3, 5, 2))),
        ("a batch: N = 4, V = 6, m = 5", (X, *_weights(4, 6, 2))),
    ]

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
            mistakes=_FORWARD_MISTAKES,
            errors=[("forward-transpose", "matmul: Input operand")],
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


def _check_back_prop(function):
    cases = [
        ("one example: N = 3, V = 5", _backprop_case(3, 5, 1, 2)),
        ("a batch: N = 4, V = 6, m = 5, some hidden units off", _backprop_case(4, 6, 5, 3)),
    ]

    for case, args in cases:
        _run(
            function,
            args,
            model.back_prop,
            case,
            compare=_compare_grads,
            mistakes=_BACKPROP_MISTAKES,
            errors=[("backprop-missing-transpose", "matmul: Input operand")],
        )
        _leaves_inputs(function, args, case, "backprop-modifies-input")
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
        if not np.allclose(param, start, rtol=1e-12, atol=1e-15):  # += / -= may leave 1 ulp
            moved = float(np.max(np.abs(np.asarray(param, dtype=float) - start)))
            raise _Failed(
                f'case "{case}": param was not put back (entries moved by up to {moved:.1e})',
                "numgrad-not-restored",
            )
        difference = _differs(exact, got, rtol=1e-8, atol=1e-7)
        if difference is None:
            continue
        got_array = np.asarray(got, dtype=float)
        key = None
        if got_array.shape == exact.shape:
            key = _numgrad_mistake(got_array, exact, make_f, start, 1e-6)
        raise _Failed(f'case "{case}": {difference}', key)
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


def _relative_errors(back_prop, x, y, W1, W2, b1, b2, summed=False, logits=False):
    """The course's relative errors of ``back_prop`` (and of the two classic slips in the cost)."""
    m = x.shape[1]
    params = {"W1": W1, "W2": W2, "b1": b1, "b2": b2}

    def cost():
        z, _ = model.forward_prop(x, W1, W2, b1, b2)
        return model.compute_cost(y, model.softmax(z), m) * (m if summed else 1)

    z, h = model.forward_prop(x, W1, W2, b1, b2)
    yhat = z if logits else model.softmax(z)
    grads = back_prop(x, yhat, y, h, W1, W2, b1, b2, m)
    errors = {}
    for (name, param), a in zip(params.items(), grads):
        n = model.numerical_gradient(cost, param)
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
        return f'expected a dict {{"W1": ..., "W2": ..., "b1": ..., "b2": ...}}, got {_show(got)}'
    try:
        return {name: float(np.asarray(got[name], dtype=float)) for name in names}
    except (TypeError, ValueError):
        return f"expected one number per tensor, got {_show(got)}"


def _check_gradient_check(relative_errors, back_prop, numerical_gradient):
    """Guided: the student's relative errors, on the course's functions, then on their own."""
    x, _, y, _, W1, W2, b1, b2, _ = _backprop_case(4, 6, 5, 3)
    batch = (x, y, W1, W2, b1, b2)
    course_nb = model.numerical_gradient
    cases = [
        ("the course's back_prop: every error below 1e-6", model.back_prop),
        ("the notes' back_prop (ReLU on the gradient)", _notes_back_prop),
    ]
    for case, grads in cases:
        got = _errors_of(_call(relative_errors, grads, course_nb, *_copies(batch)))
        expected = _relative_errors(grads, *_copies(batch))
        if isinstance(got, str):
            raise _Failed(f'case "{case}": {got}')
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
        raise _Failed(f'case "{case}": expected {want}, got {shown}', key)
    if _is_blank(back_prop) or _is_blank(numerical_gradient):
        raise _Failed(
            'case "your back_prop and numerical_gradient": one of them is still a blank',
            hint="your relative errors are right; write my_back_prop and my_numerical_gradient "
            "above, run their cells, then run this check again.",
        )
    tagged = (
        calls.tag_errors(back_prop, "back_prop"),
        calls.tag_errors(numerical_gradient, "numerical_gradient"),
    )
    try:
        mine = _errors_of(_call(relative_errors, *tagged, *_copies(batch)))
    except _Failed as failure:
        mine_case = 'case "your back_prop and numerical_gradient"'
        raise _Failed(f"{mine_case}: {failure}", failure.mistake, failure.hint) from None
    if isinstance(mine, str):
        raise _Failed(f'case "your back_prop and numerical_gradient": {mine}')
    bad = {k: v for k, v in mine.items() if not v < 1e-6}
    if bad:
        shown = ", ".join(f"{k} {v:.1e}" for k, v in bad.items())
        raise _Failed(
            f'case "your back_prop and numerical_gradient": relative error above 1e-6 for {shown}',
            "gradcheck-mismatch",
        )
    return len(cases) + 1


def _gradcheck_mistake(got, batch) -> str | None:
    """Which classic slip in the relative-error function gives ``got`` on the course's back_prop."""
    variants = [
        ("gradcheck-cost-not-averaged", dict(summed=True)),
        ("gradcheck-yhat-is-logits", dict(logits=True)),
    ]
    for key, options in variants:
        errors = _relative_errors(model.back_prop, *_copies(batch), **options)
        if all(np.isclose(got[k], errors[k], rtol=1e-3) for k in got):
            return key
    if all(np.isclose(v, 1.0, rtol=1e-6) for v in got.values()):
        return "gradcheck-cost-ignores-param"
    return None


def _gd_run(
    words, word2Ind, alpha_sign=1.0, update_biases=True, same_batch=False, cost_after=False
):
    """The check's 6 steps (alpha 0.5, batches of 6), done with one of the classic slips."""
    V = len(word2Ind)
    W1, W2, b1, b2 = model.initialize_model(3, V, random_seed=3)
    batches = vectors.get_batches(words, word2Ind, V, 2, 6)
    costs = []
    X, Y = next(batches)
    for i in range(6):
        if i and not same_batch:
            X, Y = next(batches)
        z, h = model.forward_prop(X, W1, W2, b1, b2)
        yhat = model.softmax(z)
        costs.append(model.compute_cost(Y, yhat, 6))
        g = model.back_prop(X, yhat, Y, h, W1, W2, b1, b2, 6)
        W1, W2 = W1 - alpha_sign * 0.5 * g[0], W2 - alpha_sign * 0.5 * g[1]
        if update_biases:
            b1, b2 = b1 - alpha_sign * 0.5 * g[2], b2 - alpha_sign * 0.5 * g[3]
        if cost_after:
            z, _ = model.forward_prop(X, W1, W2, b1, b2)
            costs[-1] = model.compute_cost(Y, model.softmax(z), 6)
    return W1, W2, b1, b2, costs


def _check_gradient_descent(function):
    words = (_TEXT * 2)[:26]
    word2Ind, _ = text.get_dict(words)
    V = len(word2Ind)
    kwargs = dict(C=2, batch_size=6, random_seed=3)
    args = (words, word2Ind, 3, V, 6, 0.5)

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
            ("gd-ascent", lambda w, w2i, *_: _gd_run(w, w2i, alpha_sign=-1.0)),
            ("gd-biases-not-updated", lambda w, w2i, *_: _gd_run(w, w2i, update_biases=False)),
            ("gd-same-batch", lambda w, w2i, *_: _gd_run(w, w2i, same_batch=True)),
            ("gd-cost-after-step", lambda w, w2i, *_: _gd_run(w, w2i, cost_after=True)),
        ],
    )
    return 1


def _capstone_corpus() -> list[str]:
    """1,440 tokens of short made-up sentences (seeded): a small corpus with some structure."""
    rng = np.random.default_rng(12)
    subjects = ["the king", "the queen", "my lord", "the prince", "a lady", "the duke"]
    verbs = ["loves", "fears", "sees", "calls", "hates", "serves"]
    objects = ["the sword", "the crown", "his father", "her mother", "the night", "the day"]
    sentences = [
        f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} ." for _ in range(240)
    ]
    return " ".join(sentences).split()


def _counted(function, role: str, counts: dict):
    """``function``, counting its calls in ``counts[role]`` and naming it in the errors it raises."""
    tagged = calls.tag_errors(function, role)
    counts[role] = 0

    def counted(*args, **kwargs):
        counts[role] += 1
        return tagged(*args, **kwargs)

    return counted


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _check_capstone(train, forward_prop, softmax, back_prop):
    """The student's own model on a small corpus: it must call the step functions it is given, and
    its W1 and loss curve must be the course's."""
    tokens = _capstone_corpus()
    case = f"{len(tokens)} tokens, N = 8, 60 iterations, alpha = 1.0, batch_size = 32"
    counts: dict = {}
    steps = [("forward_prop", forward_prop), ("softmax", softmax), ("back_prop", back_prop)]
    given = {role: _counted(function, role, counts) for role, function in steps}
    try:
        got = _call(train, list(tokens), 8, 60, 1.0, 32, **given)
    except _Failed as failure:
        raise _Failed(f'case "{case}": {failure}', failure.mistake, failure.hint) from None
    unused = [role for role, count in counts.items() if count == 0]
    if unused:
        raise _Failed(
            f'case "{case}": my_train never called the {_and(unused)} it was given',
            "capstone-unused-functions",
        )
    word2Ind, Ind2word = text.get_dict(tokens)
    W1_course, *_, costs = model.gradient_descent(
        tokens, word2Ind, 8, len(word2Ind), 60, alpha=1.0, C=2, batch_size=32, random_seed=1
    )
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        raise _Failed(f'case "{case}": expected (words, W1, costs), got {_show(got)}')
    words, W1, got_costs = got
    expected_words = [Ind2word[k] for k in range(len(word2Ind))]
    if list(words) != expected_words:
        raise _Failed(f'case "{case}": words: {_differs(expected_words, list(words))}')
    _capstone_curve(case, tokens, word2Ind, costs, got_costs)
    difference = _differs(W1_course, np.asarray(W1, dtype=float), rtol=1e-4, atol=1e-6)
    if difference is not None:
        raise _Failed(f'case "{case}": W1: {difference}', "capstone-wrong-matrix")
    return 1


def _capstone_curve(case, tokens, word2Ind, costs, got_costs) -> None:
    """Fail unless ``got_costs`` follow the course's loss curve (means of 10 steps within 0.01)."""
    got_costs = np.asarray(got_costs, dtype=float).ravel()
    if got_costs.shape != (len(costs),):
        raise _Failed(f'case "{case}": expected {len(costs)} costs, got {got_costs.size}')
    smooth = np.ones(10) / 10
    curve, course = np.convolve(got_costs, smooth, "valid"), np.convolve(costs, smooth, "valid")
    gap = float(np.max(np.abs(curve - course)))
    if not gap < 0.01:
        raise _Failed(
            f'case "{case}": your first cost {got_costs[0]:.4f} (the course\'s {costs[0]:.4f}); your '
            f"loss curve (mean of 10 steps) is up to {gap:.3f} away from the course's, last 10 "
            f"steps: yours {curve[-1]:.4f}, the course's {course[-1]:.4f}",
            _capstone_mistake(tokens, word2Ind, got_costs),
        )


def _capstone_mistake(tokens, word2Ind, got_costs) -> str:
    """Name "capstone-settings" if a setting left at my_gradient_descent's default explains the curve."""
    V = len(word2Ind)
    for options in (dict(alpha=0.03, batch_size=32), dict(alpha=1.0, batch_size=128)):
        *_, costs = model.gradient_descent(
            tokens, word2Ind, 8, V, 60, C=2, random_seed=1, **options
        )
        if np.allclose(got_costs, costs, rtol=1e-6):
            return "capstone-settings"
    return "capstone-own-functions"


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


def _pca_not_centred(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    return X @ vecs[:, ::-1][:, :n]


def _pca_not_centred_covariance(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(X.T @ X / (len(X) - 1))
    return (X - X.mean(axis=0)) @ vecs[:, ::-1][:, :n]


def _pca_raw_second_moment(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(X.T @ X / (len(X) - 1))
    return X @ vecs[:, ::-1][:, :n]


def _pca_ascending(X, n):
    X = np.asarray(X, dtype=float)
    _, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    return (X - X.mean(axis=0)) @ vecs[:, :n]


def _pca_ascending_reversed(X, n):
    return _pca_ascending(X, n)[:, ::-1]


def _pca_rows_not_columns(X, n):
    X = np.asarray(X, dtype=float)
    values, vecs = np.linalg.eigh(np.cov(X, rowvar=False))
    return (X - X.mean(axis=0)) @ vecs[np.argsort(values)[::-1][:n]].T


def _pca_centred_rows(X, n):
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=1, keepdims=True)
    _, vecs = np.linalg.eigh(np.cov(centred, rowvar=False))
    return centred @ vecs[:, ::-1][:, :n]


_PCA_MISTAKES = [
    ("pca-centred-wrong-axis", _pca_centred_rows),
    ("pca-not-centred", _pca_not_centred),
    ("pca-not-centred", _pca_not_centred_covariance),
    ("pca-not-centred", _pca_raw_second_moment),
    ("pca-wrong-order", _pca_ascending),
    ("pca-wrong-order", _pca_ascending_reversed),
    ("pca-rows-not-columns", _pca_rows_not_columns),
]


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

    for case, X, n in cases:
        _run(
            function,
            (X, n),
            pca.compute_pca,
            case,
            compare=_pca_compare,
            mistakes=_PCA_MISTAKES,
            errors=[("pca-covariance-shape", "matmul: Input operand")],
        )
        given = X.copy()
        _call(function, given, n)
        if not np.array_equal(given, X):
            raise _Failed(
                f'case "{case}": your compute_pca changed its input data', "pca-modifies-input"
            )
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
    "gradient_check": (
        _check_gradient_check,
        "relative_errors(back_prop, numerical_gradient, x, y, W1, W2, b1, b2)",
        "05",
    ),
    "gradient_descent": (
        _check_gradient_descent,
        "gradient_descent(data, word2Ind, N, V, num_iters, alpha)",
        "06",
    ),
    "capstone": (
        _check_capstone,
        (
            "train(tokens, N, num_iters, alpha, batch_size, forward_prop, softmax, back_prop), "
            "forward_prop, softmax, back_prop"
        ),
        "06",
    ),
    "compute_pca": (_check_compute_pca, "compute_pca(data, n_components)", "07"),
}


def run_check(name: str, *functions, time_limit: float = calls.CALL_SECONDS) -> CheckResult:
    """Run the check of exercise ``name`` on the student's function(s); never raises.

    Each call of a student's function may take ``time_limit`` seconds (the whole check six times
    that); what the functions print is captured (``CheckResult.output``, capped) rather than shown.
    """
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
    token = _call_seconds.set(time_limit)
    try:
        with calls.capture_output() as printed:
            result = _verdict(name, checker, signature, functions, time_limit)
    finally:
        _call_seconds.reset(token)
    return replace(result, output=printed.text())


def _verdict(name, checker, signature, functions, time_limit) -> CheckResult:
    """Run ``checker`` on the functions (with a time limit for the whole check) and word its verdict."""
    try:
        with calls.time_limit(calls.CHECK_CALLS * time_limit):
            count = checker(*functions)
    except _NotWritten:
        return CheckResult(
            name,
            "not written",
            f"… {name}: not written yet. Write the function above (replace the `...`), "
            "run its cell, then run this check again.",
        )
    except _Failed as failure:
        hint = (
            MISTAKES[failure.mistake]
            if failure.mistake
            else failure.hint
            or f"run your {signature} on the case above and print what it computes, step by step: "
            "where does it first part from the notebook's explanation?"
        )
        label = "Mistake" if failure.mistake else "Hint"
        return CheckResult(
            name, "failed", f"✗ {name}, {failure}\n  {label}: {hint}", failure.mistake
        )
    except calls.TimedOut as error:
        return _failed(name, f"your code {error}", "timeout")
    except SystemExit:
        return _failed(name, _EXIT_MESSAGE, "exit")
    except KeyboardInterrupt:
        return _failed(name, _INTERRUPT_MESSAGE, "interrupt")
    except BaseException as error:  # noqa: BLE001 - the checker must never show a traceback to a student
        return CheckResult(
            name,
            "failed",
            f"✗ {name}: the check could not run your function ({calls.describe_error(error)})",
        )
    cases = "the case passes" if count == 1 else f"all {count} cases pass"
    return CheckResult(name, "passed", f"✓ {name}: {cases}.")


def _failed(name, message, hint) -> CheckResult:
    return CheckResult(name, "failed", f"✗ {name}: {message}\n  Hint: {_HINTS[hint]}")


def check(name: str, *functions) -> None:
    """Check the student's function(s) for exercise ``name`` and print the verdict (one or two lines),
    after what the functions printed (capped). Never raises."""
    try:
        result = run_check(name, *functions)
        print(result.output + result.message)
    except Exception:  # noqa: BLE001, S110 - a broken sys.stdout, say: nothing to print to, never a traceback
        pass
