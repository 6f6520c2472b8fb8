"""Grading a student's functions without trusting the process they run in: record, then replay.

Not in the notebooks: ``tools/instructors/grade_exercises.py`` uses it.

1. **In the student's kernel** (untrusted), ``record_exercises`` runs each check with the student's
   functions wrapped in recorders, each check in a child process of its own (``os.fork`` where
   there is one: an ``os._exit`` or a crash in one function loses that check only). A recorder
   writes down every call: its arguments, the arguments after the call (to see mutations), the
   result or the error, and each item of a returned generator. The recording is JSON plus an
   ``.npz`` of arrays: data that cannot execute code.
2. **In the grader** (trusted), ``replay`` runs the same checks with proxies in place of the
   student's functions. The n-th call of a proxy must have the arguments of the n-th recorded
   call (else the recording is refused), then returns the recorded result or raises the recorded
   error. Comparison, hints and verdicts all happen in the grader, with its own reference.

A student who tampers with the kernel (replaces ``run_check``, prints fake results, writes fake
recordings) controls at most what their functions return for the grader's inputs, which is what
their functions control anyway.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import io
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from . import _recording_format as fmt
from . import _student_calls as calls
from . import exercises

FORMAT = 2


# ----------------------------------------------------------------------------- errors, both ways


def _known_exceptions() -> dict[str, type]:
    """Exception classes the replay may raise as themselves: Python's and numpy's."""
    known = {
        f"builtins.{name}": value
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    known.update(
        {
            f"numpy.exceptions.{name}": value
            for name, value in vars(np.exceptions).items()
            if isinstance(value, type) and issubclass(value, BaseException)
        }
    )
    return known


_KNOWN = _known_exceptions()


def _error_record(error: BaseException) -> dict:
    """What the replay needs to raise an equivalent error: kind, type name, known base, message, line."""
    if isinstance(error, calls.TimedOut):
        return {"kind": "timeout", "seconds": error.seconds}
    names = {value: key for key, value in _KNOWN.items()}
    base = next((names[c] for c in type(error).__mro__ if c in names), "builtins.Exception")
    try:
        message = str(error)[:2000]
    except Exception:  # noqa: BLE001 - the student's __str__
        message = "?"
    return {
        "kind": "raised",
        "type": type(error).__name__,
        "base": base,
        "message": message,
        "line": calls.error_line(error),
        "function": calls.raised_in(error),
    }


def _raise_recorded(record: dict):
    """Raise the error a recording describes (a class of the same name, from the same known base)."""
    if record.get("kind") == "timeout":
        raise calls.TimedOut(float(record.get("seconds", calls.CALL_SECONDS)))
    base = _KNOWN.get(str(record.get("base")), Exception)
    name = re.sub(r"\W", "_", str(record.get("type", "Exception")))[:60] or "Exception"
    message = str(record.get("message", ""))
    try:
        error = (base if name == base.__name__ else type(name, (base,), {}))(message)
    except Exception:  # noqa: BLE001 - a base whose constructor wants more than a message
        error = type(name, (Exception,), {})(message)
    line = record.get("line")
    error.student_line = line if isinstance(line, int) else None
    role = record.get("function")
    if isinstance(role, str) and role.isidentifier():
        error.student_function = role
    raise error


# ----------------------------------------------------------------------------- recording, in the kernel


class _RecordingIterator(Iterator):
    """The student's iterator, each item (or the error that ended it) written to ``items``."""

    def __init__(self, iterator, items: list, encode: fmt.Encoder):
        self._iterator, self._items, self._encode = iterator, items, encode

    def __next__(self):
        try:
            value = next(self._iterator)
        except StopIteration:
            self._items.append({"stop": True})
            raise
        except BaseException as error:
            self._items.append({"raised": _error_record(error)})
            raise
        self._items.append({"value": self._encode(value)})
        return value


class _Recorder:
    """Calls the student's function and appends what happened to ``log``: a ``call`` event, a
    ``callback`` and a ``back`` event around each call of a function it was given (the calls that
    function makes in turn come between them), and an ``end`` event with the result or the error."""

    def __init__(self, function, index: int, log: list, encode: fmt.Encoder):
        self.function, self.index, self.log, self.encode = function, index, log, encode
        self.student_blank = calls.is_blank(function)
        self.course_functions_read = exercises.course_functions_read(function)

    def __call__(self, *args, **kwargs):
        self.log.append(
            {"call": self.index, "args": self.encode(list(args)), "kwargs": self.encode(kwargs)}
        )
        active = [True]
        watched = [self._watch(arg, ["args", i], active) for i, arg in enumerate(args)]
        watched_kw = {k: self._watch(v, ["kwargs", k], active) for k, v in kwargs.items()}
        end: dict = {"end": self.index}
        try:
            result = self.function(*watched, **watched_kw)
        except BaseException as error:
            end["raised"] = _error_record(error)
            end["after"] = self.encode(list(args))
            self.log.append(end)
            raise
        finally:
            active[0] = False
        end["after"] = self.encode(list(args))
        self.log.append(end)
        if isinstance(result, Iterator):
            end["items"] = []
            return _RecordingIterator(result, end["items"], self.encode)
        end["result"] = self.encode(result)
        return result

    def _watch(self, value, where: list, active: list):
        """``value``, or if it is a function, one that logs each call made while the call is active."""
        if not callable(value) or isinstance(value, type):
            return value

        def watched(*args, **kwargs):
            if not active[0]:
                return value(*args, **kwargs)
            event = {"callback": where, "args": self.encode(list(args))}
            event["kwargs"] = self.encode(kwargs)
            self.log.append(event)
            try:
                return value(*args, **kwargs)
            finally:
                self.log.append({"back": where})

        return watched


def _record_one(name: str, functions: list, folder: Path, index: int, time_limit: float) -> None:
    """Run the check of ``name`` on recorders of ``functions``; write recording-INDEX.json and .npz."""
    log: list = []
    encode = fmt.Encoder()
    recorders = [_Recorder(f, i, log, encode) for i, f in enumerate(functions)]
    exercises.run_check(name, *recorders, time_limit=time_limit)
    with open(folder / f"recording-{index}.npz", "wb") as handle:
        np.savez(handle, **encode.arrays)
    blank = [recorder.student_blank for recorder in recorders]
    reads = [recorder.course_functions_read for recorder in recorders]
    recording = {"format": FORMAT, "exercise": name, "calls": log, "blank": blank, "reads": reads}
    (folder / f"recording-{index}.json").write_text(json.dumps(recording), encoding="utf-8")


def _in_child(task, seconds: float) -> tuple[str, str]:
    """Run ``task`` in a forked child (in-process where there is no fork): ("recorded" | "crashed" |
    "timed out", detail)."""
    if not hasattr(os, "fork"):
        try:
            task()
        except BaseException as error:  # noqa: BLE001 - reported in the outcome
            return "crashed", f"{type(error).__name__}: {error}"
        return "recorded", ""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", DeprecationWarning
        )  # fork with the kernel's threads running
        pid = os.fork()
    if pid == 0:
        sys.stdout = sys.stderr = io.StringIO()  # the kernel's streams belong to its other threads
        code = 1
        try:
            task()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                return "recorded", ""
            if os.WIFSIGNALED(status):
                return "crashed", f"ended by signal {os.WTERMSIG(status)}"
            return "crashed", f"exit status {os.WEXITSTATUS(status)}"
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return "timed out", f"still running after {seconds:g} s"


def reload_checks() -> None:
    """Re-read the checks from their files: undoes a student's ``exercises.run_check = ...``."""
    importlib.reload(calls)
    importlib.reload(exercises)


def record_exercises(checks, namespace: dict, folder, time_limit: float = calls.CALL_SECONDS):
    """In the student's kernel: record each check of ``checks`` ([(exercise, [function names])]) on
    the functions of ``namespace`` into ``folder`` (outcome-N.json, recording-N.json/.npz)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for index, (name, names) in enumerate(checks):
        functions = [namespace.get(n) for n in names]
        missing = [n for n, f in zip(names, functions) if not callable(f)]
        if missing:
            outcome = {"state": "missing", "detail": ", ".join(missing)}
        else:
            seconds = (calls.CHECK_CALLS + 1) * time_limit + 3
            task = functools.partial(_record_one, name, functions, folder, index, time_limit)
            state, detail = _in_child(task, seconds)
            outcome = {"state": state, "detail": detail}
        (folder / f"outcome-{index}.json").write_text(json.dumps(outcome), encoding="utf-8")


# ----------------------------------------------------------------------------- replaying, in the grader


class ReplayMismatch(BaseException):
    """The grader's check made a call that the recording does not hold (a BaseException: no check
    may catch it)."""


class _Replay:
    def __init__(self, recorded_calls: list, arrays: dict):
        self.calls, self.arrays, self.position = recorded_calls, arrays, 0
        self.mismatch: str | None = None

    def proxy(self, index: int, blank: bool = False, reads: list | None = None):
        def function(*args, **kwargs):
            return self._next(index, args, kwargs)

        function.student_blank = blank
        function.course_functions_read = reads if isinstance(reads, list) else []
        return function

    def _refuse(self, why: str):
        self.mismatch = self.mismatch or why
        raise ReplayMismatch(why)

    def _take(self) -> dict:
        if self.position >= len(self.calls):
            self._refuse(f"the recording holds {len(self.calls)} events; the check made more calls")
        self.position += 1
        return self.calls[self.position - 1]

    def _same(self, entry, args, kwargs) -> bool:
        encode = fmt.Encoder()
        mine = encode(list(args)), encode(kwargs)
        theirs = entry.get("args"), entry.get("kwargs")
        return all(fmt.same_tree(a, b, encode.arrays, self.arrays) for a, b in zip(mine, theirs))

    def _next(self, index, args, kwargs):
        entry = self._take()
        if entry.get("call") != index or not self._same(entry, args, kwargs):
            self._refuse(
                f"event {self.position} of the recording has other arguments than the check's"
            )
        while True:
            entry = self._take()
            if "callback" in entry:
                self._callback(entry, args, kwargs)
            elif entry.get("end") == index:
                break
            else:
                self._refuse(f"event {self.position} of the recording is out of order")
        self._mirror(args, entry.get("after"))
        if "raised" in entry:
            _raise_recorded(entry["raised"])
        if "items" in entry:
            return self._items(entry["items"])
        return fmt.decode(entry.get("result"), self.arrays)

    def _callback(self, entry, args, kwargs):
        """Call the function the check gave, as the student's function called it in the kernel."""
        where = entry.get("callback")
        target = None
        if isinstance(where, list) and len(where) == 2:
            kind, key = where
            if kind == "args" and isinstance(key, int) and 0 <= key < len(args):
                target = args[key]
            elif kind == "kwargs" and isinstance(key, str):
                target = kwargs.get(key)
        if not callable(target):
            self._refuse(f"event {self.position} of the recording calls no function of the check")
        values = fmt.decode(entry.get("args"), self.arrays)
        named = fmt.decode(entry.get("kwargs"), self.arrays)
        if not isinstance(values, list) or not isinstance(named, dict):
            self._refuse(f"event {self.position} of the recording is not a call")
        try:
            target(*values, **{str(k): v for k, v in named.items()})
        except ReplayMismatch:
            raise
        except BaseException:  # noqa: BLE001, S110 - the student's code saw this error; its end says what followed
            pass
        if self._take().get("back") != where:
            self._refuse(f"event {self.position} of the recording is out of order")

    def _items(self, items):
        for item in items:
            if "stop" in item:
                return
            if "raised" in item:
                _raise_recorded(item["raised"])
            yield fmt.decode(item.get("value"), self.arrays)
        self._refuse("the recording of a generator ends before the check stopped reading it")

    def _mirror(self, args, after):
        """Change the grader's arguments as the student's function changed its own."""
        values = fmt.decode(after, self.arrays) if after is not None else None
        if not isinstance(values, list) or len(values) != len(args):
            return
        for arg, new in zip(args, values):
            try:
                if isinstance(arg, np.ndarray) and isinstance(new, np.ndarray):
                    if new.shape == arg.shape:
                        arg[...] = new
                elif type(arg) is list and isinstance(new, list):
                    arg[:] = new
                elif type(arg) is dict and isinstance(new, dict):
                    arg.clear()
                    arg.update(new)
            except (TypeError, ValueError):
                continue


def _read_recording(folder: Path, index: int, max_bytes: int) -> tuple[dict, dict]:
    """The JSON and the arrays of recording INDEX, read without unpickling and within ``max_bytes``."""
    import zipfile

    json_path, npz_path = folder / f"recording-{index}.json", folder / f"recording-{index}.npz"
    with zipfile.ZipFile(npz_path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if json_path.stat().st_size + unpacked > max_bytes:
        raise ValueError(f"the recording is larger than {max_bytes:,} bytes")
    recording = json.loads(json_path.read_text(encoding="utf-8"))
    with np.load(npz_path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    if not (isinstance(recording, dict) and isinstance(recording.get("calls"), list)):
        raise TypeError("the recording is not a list of calls")
    if not all(isinstance(c, dict) for c in recording["calls"]):
        raise TypeError("the recording is not a list of calls")
    return recording, arrays


def replay(
    name: str,
    function_count: int,
    folder,
    index: int,
    time_limit: float = calls.CALL_SECONDS,
    max_bytes: int = 256 * 2**20,
) -> exercises.CheckResult:
    """In the grader: the verdict of exercise ``name`` from recording INDEX in ``folder``."""
    try:
        recording, arrays = _read_recording(Path(folder), index, max_bytes)
    except Exception as error:  # noqa: BLE001 - whatever the student's kernel wrote
        return exercises.CheckResult(
            name, "failed", f"✗ {name}: the recording could not be read ({error})"
        )
    if recording.get("exercise") != name:
        return exercises.CheckResult(name, "failed", f"✗ {name}: the recording is of another check")
    player = _Replay(recording["calls"], arrays)
    blanks = recording.get("blank")
    blanks = blanks if isinstance(blanks, list) else []
    reads = recording.get("reads")
    reads = reads if isinstance(reads, list) else []
    proxies = [
        player.proxy(i, i < len(blanks) and blanks[i] is True, reads[i] if i < len(reads) else [])
        for i in range(function_count)
    ]
    result = exercises.run_check(name, *proxies, time_limit=time_limit)
    if player.mismatch:
        return exercises.CheckResult(
            name, "failed", f"✗ {name}: the grader cannot use the recording: {player.mismatch}"
        )
    return result
