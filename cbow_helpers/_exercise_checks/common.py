"""What every exercise check shares: how the student's function is called (``call``), how a
result is compared with the reference (``differs``, ``run``) and how a failure is named (``Failed``).

Public within ``cbow_helpers._exercise_checks``; the package's own public names live in
``cbow_helpers.exercises``.
"""

from __future__ import annotations

import contextvars
import types
import warnings
from collections.abc import Callable, Iterator

import numpy as np

from .. import _student_calls as calls
from .. import gradient_check, model, negative_sampling, pca
from ..exercise_hints import error_hint


class NotWritten(Exception):
    """The student's function is still a blank."""


class Failed(Exception):
    """A case failed; ``args[0]`` is the message, ``mistake`` the key of a classic mistake or None,
    ``hint`` a hint that replaces the generic one (for what is not a mistake in the maths)."""

    def __init__(self, message: str, mistake: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.mistake = mistake
        self.hint = hint


# ----------------------------------------------------------------------------- showing values


def show(value) -> str:
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


def shape(value):
    return np.shape(value) if isinstance(value, np.ndarray) else None


def differs(expected, got, rtol=1e-6, atol=1e-9) -> str | None:
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
            return f"expected an array, got {type(got).__name__}: {show(got)}"
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
                f"expected {show(float(expected[index]))}, got {show(float(got_array[index]))}"
            )
        else:
            shown = f"expected {show(expected)}, got {show(got_array)}"
        if show(expected) == show(got_array):
            largest = float(np.nanmax(np.abs(got_array - expected)))
            shown += f" (they differ by up to {largest:.1e})"
        return shown
    if isinstance(expected, float):
        try:
            got_number = float(got)
        except (TypeError, ValueError):
            return f"expected a number, got {type(got).__name__}: {show(got)}"
        if not np.isclose(got_number, expected, rtol=rtol, atol=atol):
            return f"expected {show(expected)}, got {show(got_number)}"
        return None
    if got != expected:
        if isinstance(expected, list) and isinstance(got, list):
            if len(got) != len(expected):
                return f"expected {len(expected)} items, got {len(got)}: expected {show(expected)}, got {show(got)}"
            first = next(i for i, (a, b) in enumerate(zip(expected, got)) if a != b)
            return f"item {first}: expected {show(expected[first])}, got {show(got[first])}"
        return f"expected {show(expected)}, got {show(got)}"
    return None


def same(a, b) -> bool:
    """True if a and b are equal the way ``differs`` compares them (False on any error)."""
    try:
        return differs(a, b) is None
    except Exception:  # noqa: BLE001 - a comparison with a strange value is simply "not the same"
        return False


# ----------------------------------------------------------------------------- calling the student


#: Seconds one call of the student's function may take (run_check's ``time_limit``).
call_seconds = contextvars.ContextVar("call_seconds", default=calls.CALL_SECONDS)


def call(function: Callable, *args, **kwargs):
    """Call the student's function with a time limit; a blank becomes NotWritten, anything it does
    wrong (an error, an endless loop, sys.exit, Ctrl-C) a Failed. A generator it returns is guarded:
    each step has the same time limit."""
    seconds = call_seconds.get()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = calls.call_limited(function, args, kwargs, seconds)
    except (NotWritten, Failed):
        raise
    except NotImplementedError:
        raise NotWritten() from None
    except calls.TimedOut as error:
        raise Failed(f"your function {error}", hint=HINTS["timeout"]) from None
    except SystemExit:
        raise Failed(EXIT_MESSAGE, hint=HINTS["exit"]) from None
    except KeyboardInterrupt:
        raise Failed(INTERRUPT_MESSAGE, hint=HINTS["interrupt"]) from None
    except BaseException as error:  # noqa: BLE001 - the student's error is reported, not raised
        described = calls.describe_error(error)
        role = calls.raised_in(error)
        if role:
            raise Failed(f"your {role} raised {described}", hint=_raised_in_hint(role)) from None
        raise Failed(f"your function raised {described}", hint=error_hint(described)) from None
    if result is None:
        if calls.is_blank(function):
            raise NotWritten()
        raise Failed("your function returned None", "forgot-return")
    if isinstance(result, Iterator):
        return calls.Guarded(result, seconds)
    return result


calls.is_blank = calls.is_blank


def _raised_in_hint(role: str) -> str:
    return (
        f"the error comes from your {role}, which the function you are checking called: run "
        f'check("{role}", ...) on it and fix it there. A name it uses without being given it (a '
        "variable of the notebook, such as z1) is a common cause: use only its parameters."
    )


EXIT_MESSAGE = "your function called sys.exit() (or exit(), quit())"
INTERRUPT_MESSAGE = "interrupted while your function ran (Ctrl-C, or the kernel's stop button)"
HINTS = {
    "timeout": "look for a loop that never ends: a while loop whose condition stays true, "
    "or an index that never moves.",
    "exit": "a function hands back its result with return; remove the call that ends the program.",
    "interrupt": "run the check again; if it seems to hang, look for a loop that never ends.",
}


def copies(args):
    return calls.fresh_copies(args)


def run(function, args, reference, case, compare=None, mistakes=(), errors=()):
    """Run one case: the student's function and the reference, each on its own deep copy of ``args``.

    ``mistakes`` is a list of ``(key, wrong_result_or_callable)``: when the student's
    result differs from the reference's and equals a wrong one, that mistake is named.
    ``errors`` is a list of ``(key, text)``: when the student's function raises an error whose
    message contains ``text``, that mistake is named. Returns the student's result.
    """
    compare = compare or differs
    try:
        got = call(function, *copies(args))
    except Failed as failure:
        key = next((k for k, text in errors if text in str(failure)), failure.mistake)
        message = str(failure) if str(failure).startswith("case ") else f'case "{case}": {failure}'
        raise Failed(message, key, failure.hint) from None
    expected = reference(*copies(args))
    difference = calls.wrong_type(expected, got) or compare(expected, got)
    if difference is not None:
        raise Failed(f'case "{case}": {difference}', which_mistake(mistakes, args, got, compare))
    return got


def which_mistake(mistakes, args, got, compare) -> str | None:
    """The key of the first wrong variant whose result on ``args`` equals ``got`` (None if none)."""
    for key, wrong in mistakes:
        try:
            wrong_value = wrong(*copies(args)) if callable(wrong) else wrong
            if no_difference(compare, wrong_value, got):
                return key
        except Exception:  # noqa: BLE001, S112 - a wrong variant that cannot run on this case does not match
            continue
    return None


def leaves_inputs(function, args, case, key) -> None:
    """Fail with mistake ``key`` if ``function`` changes an array it was given (a caller's data)."""
    given = copies(args)
    call(function, *given)
    for before, after in zip(args, given):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after):
            raise Failed(f'case "{case}": your function changed an array it was given', key)


def _course_functions() -> dict:
    """The course's functions an exercise asks the student to write, by name."""
    return {
        "relu": model.relu,
        "softmax": model.softmax,
        "forward_prop": model.forward_prop,
        "cross_entropy_loss": model.cross_entropy_loss,
        "back_prop": model.back_prop,
        "numerical_gradient": gradient_check.numerical_gradient,
        "compute_pca": pca.compute_pca,
        "negative_sampling_gradients": negative_sampling.negative_sampling_gradients,
    }


def course_functions_read(function) -> list[str]:
    """The names of the course's functions (relu, softmax, ...) that ``function`` reads: by a global
    name, as an attribute of a module (``cbow_helpers.relu``), from a closure, or through a function
    of its own notebook. A stand-in that carries ``course_functions_read`` (the grader's replay of a
    recording) answers for itself."""
    declared = getattr(function, "course_functions_read", None)
    if isinstance(declared, list):
        return [name for name in declared if isinstance(name, str)]
    read = []
    for name, course in _course_functions().items():
        targets = {id(course), id(getattr(course, "__wrapped__", course))}
        if _reads(function, targets, set()):
            read.append(name)
    return read


def refuse_course_function(function, name: str) -> None:
    """Fail with mistake "calls-the-course-function" if ``function`` reads the course's ``name``:
    a student's function that only calls the course's own passes every case and teaches nothing."""
    if name in course_functions_read(function):
        raise Failed(
            f"your {name} gives the right answers by calling the course's own {name} "
            f"(cbow_helpers.{name}), so the check tested the course, not you",
            "calls-the-course-function",
        )


def _reads(function, targets: set, seen: set) -> bool:
    """True if ``function`` is one of ``targets`` (ids), or its code reads one: by a global name, as
    an attribute of a module (``cbow_helpers.relu``), from a closure, or through a function of its
    own notebook."""
    if id(function) in targets or id(getattr(function, "__wrapped__", None)) in targets:
        return True
    function = getattr(function, "__wrapped__", function)
    code = getattr(function, "__code__", None)
    if code is None or id(function) in seen:
        return False
    seen.add(id(function))
    namespace = getattr(function, "__globals__", {})
    names = set(_names(code))
    values = [namespace[n] for n in names if n in namespace]
    values += [cell.cell_contents for cell in function.__closure__ or () if _filled(cell)]
    for value in values:
        if id(value) in targets:
            return True
        if isinstance(value, types.ModuleType) and any(
            id(getattr(value, n, None)) in targets for n in names
        ):
            return True
        own = isinstance(value, types.FunctionType) and value.__globals__ is namespace
        if own and _reads(value, targets, seen):
            return True
    return False


def _names(code):
    """The global and attribute names the code object reads, its nested functions' included."""
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _names(constant)


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True


def no_difference(compare, wrong_value, got) -> bool:
    if isinstance(wrong_value, (int, float)) and not isinstance(got, np.ndarray):
        return same(float(wrong_value), got)
    return compare(wrong_value, got) is None


SENTENCE = ["i", "am", "happy", "because", "i", "am", "learning"]
TEXT = [
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


def weights(N, V, seed):
    return model.initialize_model(N, V, random_seed=seed, scale=0.5)
