"""How a check calls a student's function: a time limit, fresh copies, captured output.

The checks (``cbow_helpers._exercise_checks``) decide what to call and how to judge it; this module makes each call
survive the student's code:

- **a time limit** per call (``call_limited``) and per step of a returned generator (``Guarded``).
  In the main thread of a process with ``signal.setitimer`` (Linux, macOS: a Jupyter kernel runs
  cells there) a timer interrupts the student's code, again every 50 ms if a bare ``except``
  swallows the first interruption. Elsewhere (Windows, or a call from another thread) the call
  runs in a helper thread that is abandoned when its time is up: the verdict comes on time, but
  the endless loop keeps one core busy until the kernel is restarted.
- **output captured and capped** (``capture_output``): what the student's code prints is kept up to
  a limit and shown before the verdict, with a note saying how much more there was.
- **deep copies** of the arguments (``fresh_copies``), so that the student's function and the
  reference each get their own dictionaries, lists and arrays.
- **the type a check expects** (``wrong_type``): an ``ndarray`` where an array is asked for.

``SystemExit`` and ``KeyboardInterrupt`` pass through ``call_limited`` like any exception; the
check turns them into a verdict.
"""

from __future__ import annotations

import copy
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

#: Seconds one call of the student's function (or one step of its generator) may take.
CALL_SECONDS = 10.0
#: A whole check may take this many times the limit of one call (a backstop in the main thread).
CHECK_CALLS = 6
#: Characters of the student's printed output shown with a verdict.
OUTPUT_LIMIT = 2000
#: After a time limit has passed, the timer interrupts again this often (a bare except swallows one).
_REPEAT = 0.05


class TimedOut(BaseException):
    """The student's code ran past its time limit (a BaseException, so that ``except Exception`` lets it by)."""

    def __init__(self, seconds: float):
        super().__init__(f"did not finish within {seconds:g} s")
        self.seconds = seconds


# ----------------------------------------------------------------------------- time limits

_deadlines: list[
    tuple[float, float]
] = []  # (monotonic deadline, its limit in seconds), innermost last
_previous_handler = None


def _signals_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum, frame):
    if not _deadlines:
        return
    deadline, seconds = _deadlines[-1]
    if time.monotonic() >= deadline:
        raise TimedOut(seconds)
    _arm()  # an early tick (the timer of an outer limit): wait for the rest


def _arm():
    deadline, _ = _deadlines[-1]
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-4), _REPEAT)


@contextmanager
def time_limit(seconds: float):
    """Raise ``TimedOut`` in the block once ``seconds`` have passed (main thread with setitimer only).

    Limits nest: an inner limit never outlasts the one around it, and leaving it re-arms the outer.
    Elsewhere the block runs without a limit (``call_limited`` uses a thread there).
    """
    global _previous_handler
    if not _signals_usable():
        yield
        return
    deadline = time.monotonic() + seconds
    if _deadlines:
        outer, outer_seconds = _deadlines[-1]
        if outer < deadline:
            deadline, seconds = outer, outer_seconds
    else:
        _previous_handler = signal.signal(signal.SIGALRM, _on_alarm)
    _deadlines.append((deadline, seconds))
    _arm()
    try:
        yield
    finally:
        _deadlines.pop()
        if _deadlines:
            _arm()
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, _previous_handler or signal.SIG_DFL)


def _in_thread(function, args, kwargs, seconds):
    """Run ``function`` in a daemon thread; ``TimedOut`` if it has not returned after ``seconds``."""
    outcome = {}

    def target():
        try:
            with np.errstate(all="ignore"):
                outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True, name="student-call")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimedOut(seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def call_limited(function, args=(), kwargs=None, seconds: float = CALL_SECONDS):
    """``function(*args, **kwargs)`` with numpy's warnings off, raising ``TimedOut`` after ``seconds``."""
    kwargs = kwargs or {}
    if not _signals_usable():
        return _in_thread(function, args, kwargs, seconds)
    with time_limit(seconds), np.errstate(all="ignore"):
        return function(*args, **kwargs)


class Guarded(Iterator):
    """An iterator over the student's ``iterator`` whose every step has the time limit of a call."""

    def __init__(self, iterator, seconds: float = CALL_SECONDS):
        self._iterator = iterator
        self._seconds = seconds

    def __next__(self):
        return call_limited(next, (self._iterator,), seconds=self._seconds)


# ----------------------------------------------------------------------------- printed output


class _CappedText:
    """A text stream that keeps the first ``limit`` characters written to it and counts the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.kept.append(text[:room])
            self.size += min(len(text), room)
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def flush(self):
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        shown = "".join(self.kept)
        if self.dropped:
            if shown and not shown.endswith("\n"):
                shown += "\n"
            shown += f"… ({self.dropped:,} more characters of printed output not shown)\n"
        return shown


@contextmanager
def capture_output(limit: int = OUTPUT_LIMIT):
    """Collect what is printed to stdout and stderr in the block (up to ``limit`` characters); yields the
    collector, whose ``text()`` is the kept output with a note on what was left out."""
    collector = _CappedText(limit)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = collector
    try:
        yield collector
    finally:
        sys.stdout, sys.stderr = saved


# ----------------------------------------------------------------------------- inputs and results


def fresh_copies(args) -> list:
    """A deep copy of each argument (a shallow one if it cannot be deep-copied, the argument itself if
    it cannot be copied at all, such as a generator; functions are shared)."""
    copies = []
    for arg in args:
        for copier in (copy.deepcopy, copy.copy, lambda value: value):
            try:
                copies.append(copier(arg))
                break
            except Exception:  # noqa: BLE001, S112 - try the next, plainer copy
                continue
    return copies


def wrong_type(expected, got) -> str | None:
    """A message if ``expected`` is an ndarray and ``got`` is not exactly one (a list, an np.matrix)."""
    if not isinstance(expected, np.ndarray) or type(got) is np.ndarray or got is None:
        return None
    if isinstance(got, np.matrix):
        return (
            "expected a numpy array (np.ndarray), got an np.matrix: np.matrix is another type "
            "(its * is a matrix product); build arrays with np.array, np.zeros, ..."
        )
    kind = "an ndarray subclass " if isinstance(got, np.ndarray) else ""
    shown = repr(got) if not isinstance(got, np.ndarray) else ""
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return (
        f"expected a numpy array (np.ndarray), got {kind}{type(got).__name__}"
        + (f": {shown}" if shown else "")
        + (" (wrap it in np.array(...))" if isinstance(got, (list, tuple)) else "")
    )


def is_blank(function) -> bool:
    """True for a body of ``...`` or ``pass`` (after a docstring): no names used, no local variables.

    A stand-in for the student's function (the grader's recorder or replay) says so in its
    ``student_blank`` attribute.
    """
    known = getattr(function, "student_blank", None)
    if isinstance(known, bool):
        return known
    code = getattr(function, "__code__", None)
    if code is None:
        return True
    arguments = code.co_argcount + code.co_kwonlyargcount
    arguments += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    return not code.co_names and code.co_nlocals == arguments


def error_line(error: BaseException) -> int | None:
    """The line of the student's notebook cell where ``error`` was raised, if it came from one.

    An error replayed by the grader carries it in ``error.student_line``.
    """
    line = getattr(error, "student_line", None)
    if line is None:
        frames = traceback.extract_tb(error.__traceback__)
        cell_frames = [f for f in frames if "ipykernel" in f.filename]
        line = cell_frames[-1].lineno if cell_frames else None
    return line if isinstance(line, int) else None


def raised_in(error: BaseException) -> str | None:
    """Which of the student's functions (by its role, such as "back_prop") raised ``error``, when a
    check passed it to another of the student's functions (``tag_errors``)."""
    role = getattr(error, "student_function", None)
    return role if isinstance(role, str) and role.isidentifier() else None


def tag_errors(function, role: str):
    """``function``, with any error it raises marked as raised by the student's ``role`` function
    (the first mark wins: the function that raised it first)."""

    def tagged(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            if raised_in(error) is None:
                try:
                    error.student_function = role
                except AttributeError:
                    pass
            raise

    return tagged


def describe_error(error: BaseException) -> str:
    """``'NameError: name 'x' is not defined (line 3 of your cell)'``: the error and where in the cell
    (the cell of the function that raised it, if ``raised_in`` names one)."""
    line = error_line(error)
    role = raised_in(error)
    cell = f"the cell of your {role}" if role else "your cell"
    where = f" (line {line} of {cell})" if line else ""
    return f"{type(error).__name__}: {error}{where}"
