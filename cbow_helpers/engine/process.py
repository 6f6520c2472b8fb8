"""The command line as a Unix process: signals that unwind like Ctrl-C, and standard streams that
cannot fail a run (a reader that goes away, an encoding that cannot show a word, a closed or full
stderr). ``cli.main`` sets them up; nothing else in the package uses them."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

from .files import discard_pending_files


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C, so that temporary files are removed."""


# How long a run stopped by a signal may take to unwind before it is ended without unwinding.
UNWIND_SECONDS = 10.0


def on_signal(signum, frame):
    for sig in (signal.SIGTERM, signal.SIGHUP):  # a second signal must not cut the clean-up short
        signal.signal(sig, signal.SIG_IGN)
    # The exception unwinds like Ctrl-C. Python runs this handler wherever the main thread is: in
    # a finalizer (``__del__``), which swallows exceptions, ``catch_signals``' hook ends the run at
    # once; after a bare ``except:`` in a library, this watchdog ends it. Both remove the
    # temporary files first.
    watchdog = threading.Timer(UNWIND_SECONDS, end_now, args=(signum,))
    watchdog.daemon = True
    watchdog.start()
    raise Terminated(signum)


def end_now(signum: int) -> None:
    discard_pending_files()
    print(f"terminated by {signal.Signals(signum).name}", file=sys.stderr, flush=True)
    os._exit(128 + signum)


def catch_signals():
    """SIGTERM and SIGHUP unwind like Ctrl-C; returns the function that puts things back."""
    if not (hasattr(signal, "SIGHUP") and _in_main_thread()):
        return lambda: None
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
    previous_hook = sys.unraisablehook

    def unraisable(info):
        if isinstance(info.exc_value, Terminated):  # raised in a finalizer, which swallowed it
            end_now(info.exc_value.args[0])
        previous_hook(info)

    sys.unraisablehook = unraisable

    def restore():
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.unraisablehook = previous_hook

    return restore


def print_out(text: str) -> None:
    """Print a line to stdout. A reader that has gone (``| head -1``) stops the printing, not
    the work: the rest of the output goes nowhere and the command goes on to save its files.
    Another failure (``> /dev/full``) does the same after a note, and the exit status is 1."""
    global _STDOUT_FAILED
    try:
        print(text, flush=True)
    except OSError as err:
        stdout_gone()
        if not isinstance(err, BrokenPipeError):
            _STDOUT_FAILED = True
            print(f"note: cannot write to stdout: {err.strerror or err}", file=sys.stderr)


# Whether writing to stdout failed other than by a closed pipe (the exit status is then 1).
_STDOUT_FAILED = False


def stdout_gone() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the buffered rest, and Python's final flush, too
    os.close(devnull)


class Tolerant:
    """A text stream whose first write error ends its output instead of the run (stderr on a
    full disk or a closed pipe: the progress bar and the notes stop, the work goes on)."""

    def __init__(self, stream):
        self._stream = stream
        self._failed = False

    def write(self, text: str) -> int:
        self._call("write", text)
        return len(text)

    def flush(self) -> None:
        self._call("flush")

    def _call(self, name: str, *args) -> None:
        if not self._failed:
            try:
                getattr(self._stream, name)(*args)
            except OSError:
                self._failed = True

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _writable(fd: int) -> bool:
    """Whether ``fd`` is open for writing (a closed fd 2 may hold a file opened for reading since:
    a shell script that started Python, such as pyenv's shim, reads itself from the lowest fd)."""
    try:
        import fcntl
    except ImportError:  # Windows
        return True
    try:
        return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY
    except OSError:
        return False


def prepare_streams() -> bool:
    """Make stdout and stderr print what their encoding cannot show as escapes (``\\xe9``), not
    fail. A closed stdout or stderr (``>&-``, ``2>&-``) becomes os.devnull, so that no file this
    run opens takes its place. Returns whether stderr can show a progress bar."""
    stderr_open = True
    for fd in (1, 2):
        if not _writable(fd):  # closed: the next file opened would get this number
            stderr_open = stderr_open and fd != 2
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process's life
        stderr_open = False
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    return stderr_open


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def tolerant_stderr():
    """``sys.stderr`` wrapped in ``Tolerant`` for the duration, then put back."""
    stderr, sys.stderr = sys.stderr, Tolerant(sys.stderr)
    try:
        yield
    finally:
        sys.stderr = stderr


def flush_stdout() -> None:
    """Flush stdout; a reader that has gone (``--help | head -1``) ends the output quietly."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        stdout_gone()


def stdout_failed(reset: bool = False) -> bool:
    """Whether writing to stdout failed other than by a closed pipe (``reset``: forget it)."""
    global _STDOUT_FAILED
    failed = _STDOUT_FAILED
    if reset:
        _STDOUT_FAILED = False
    return failed
