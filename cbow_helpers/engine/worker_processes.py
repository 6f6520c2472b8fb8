"""HogBatch workers as processes: forked once per run, training separate batches into weights held in
shared memory, so that Python's lock no longer makes them take turns.

Threads (``negative_sampling_loop.train_epoch``) share the weights for free, but every numpy, scipy
and BLAS call holds Python's lock (GIL) while it parses its arguments and allocates its result, and
a batch makes about a hundred such calls on small arrays: two threads queue for the lock. Processes
each have their own lock. Here:

- the weights live in anonymous shared memory (``shared_array``: an ``mmap`` that a fork does not
  copy), so every process reads and writes the same W1 and W2, as threads do;
- a run forks ``workers - 1`` children once (``WorkerProcesses``), before its first epoch; each
  epoch's kept tokens are written into shared memory, and a small job (the epoch's number and
  length) sent down each child's pipe starts the epoch there; the parent is a worker too;
- the batches are handed out exactly as to threads (``ProcessBatches``: the epoch's position, the
  batch count, the stop flag and the random generator's state sit in shared memory, under a
  lock that works across processes), so the batches, their draws and their learning rates are the
  same whatever the number of workers and whether they are threads or processes;
- each child sends back its batches' losses (or its error) through its pipe and waits for the
  next epoch; at the run's end it leaves with ``os._exit``, running none of the parent's clean-up.

Only where ``fork`` is safe: Linux (``FORK_AVAILABLE``). Windows has no fork, and on macOS the
system's BLAS (Accelerate) is not safe in a forked child; there the trainer uses threads.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import pickle
import sys
import warnings

import numpy as np

#: Whether workers can be forked processes here (Linux); elsewhere the trainer uses threads.
FORK_AVAILABLE = sys.platform.startswith("linux") and hasattr(os, "fork")

# Room for the pickled state of the random generator (PCG64's takes about 120 bytes).
_STATE_BYTES = 1024


def shared_array(shape, dtype) -> np.ndarray:
    """A zeroed array in anonymous shared memory: after a fork, parent and children see one array."""
    dtype = np.dtype(dtype)
    size = max(int(np.prod(shape)) * dtype.itemsize, 1)
    return np.frombuffer(mmap.mmap(-1, size), dtype=dtype, count=int(np.prod(shape))).reshape(shape)


def shared_copy(a: np.ndarray) -> np.ndarray:
    """``a``'s values in a new ``shared_array``."""
    out = shared_array(a.shape, a.dtype)
    out[...] = a
    return out


class SharedState:
    """The hand-out state of ``Batches`` (position, count, stop flag) and a random generator's
    state, in shared memory under a lock that works across forked processes."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.lock = multiprocessing.get_context("fork").Lock()
        self.numbers = shared_array(4, np.int64)  # a, count, stopped, length of the pickled state
        self.state = shared_array(_STATE_BYTES, np.uint8)
        self.save_rng()

    def save_rng(self) -> None:
        data = pickle.dumps(self.rng.bit_generator.state)
        if len(data) > _STATE_BYTES:
            raise RuntimeError(f"the random state takes {len(data)} bytes, over {_STATE_BYTES}")
        self.state[: len(data)] = np.frombuffer(data, np.uint8)
        self.numbers[3] = len(data)

    def load_rng(self) -> None:
        self.rng.bit_generator.state = pickle.loads(self.state[: self.numbers[3]].tobytes())


class WorkerProcesses:
    """``children`` processes forked once, each running ``work(job)`` whenever the parent calls
    ``run(job)`` (which runs it in the parent too): a run's epochs fork once, not once each.

    Each child waits on its own pipe for a job (a small picklable value, e.g. an epoch's number;
    what it works on is in shared memory), sends back ``("ok", result)`` or ``("error",
    exception)`` and waits for the next, until ``close`` (or the parent's end of its pipe closing)
    ends it with ``os._exit``, running none of the parent's clean-up. Use it as a context manager.
    """

    def __init__(self, work, children: int):
        self.work, self.children = work, []  # (pid, the parent's end of its pipe)
        try:
            for _ in range(children):
                self.children.append(self._fork())
        except BaseException:
            self.close()
            raise

    def _fork(self):
        mine, theirs = multiprocessing.Pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a process with threads (BLAS's idle ones, a progress
            # bar's monitor) may deadlock a child that takes a lock another thread held. The child
            # runs numpy, scipy and one-threaded BLAS only (OpenBLAS re-creates its state at fork)
            # and leaves with os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid != 0:
            theirs.close()
            return pid, mine
        for _, other in self.children:  # the child holds no other child's pipe open
            other.close()
        mine.close()
        _serve(self.work, theirs)  # never returns

    def run(self, job, on_error) -> list:
        """``work(job)`` in every child and in this process; returns the results, this process's
        first. If any raises, ``on_error()`` is called (it should make the others stop), every
        child's result is waited for, and the first error is raised."""
        results, errors, sent = [], [], []
        try:
            for child in self.children:
                child[1].send(("job", job))
                sent.append(child)
            results.append(self.work(job))
        except BaseException as error:  # noqa: BLE001 - raised below, once the children are done
            on_error()
            errors.append(error)
        for pid, pipe in sent:  # every child is waited for, even after an error
            try:
                results.append(_result(pid, pipe))
            except BaseException as error:  # noqa: BLE001 - raised below, once all are done
                on_error()
                errors.append(error)
        if errors:
            raise errors[0]
        return results

    def close(self) -> None:
        """End every child and wait for it."""
        for pid, pipe in self.children:
            try:
                pipe.send(("stop", None))
            except OSError:  # it has ended already
                pass
            pipe.close()
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:  # reaped already, by ``_result`` after it died
                pass
        self.children = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(work, pipe) -> None:
    """A forked child: ``work(job)`` for each ``("job", job)`` its pipe brings, each result sent
    back, until ``("stop", None)``."""
    status = 0
    try:
        while (order := pipe.recv())[0] == "job":
            try:
                reply = ("ok", work(order[1]))
            except BaseException as error:  # noqa: BLE001 - every error goes back to the parent
                reply = ("error", _picklable(error))
            pipe.send(reply)
    except BaseException:  # noqa: BLE001 - the parent is gone (EOFError) or interrupted us
        status = 1
    finally:
        os._exit(status)


def _result(pid: int, pipe):
    """The result a child sent for the current job; its error is raised here."""
    try:
        kind, value = pipe.recv()
    except (EOFError, OSError):
        _, status = os.waitpid(pid, os.WNOHANG)
        raise RuntimeError(
            f"a worker process ended without a result (wait status {status}): was it killed, "
            "e.g. for lack of memory? Try workers=1"
        ) from None
    if kind == "error":
        raise value
    return value


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - an exception that does not pickle is sent as its text
        return RuntimeError(f"a worker process failed: {type(error).__name__}: {error}")


def run_forked(work, children: int, on_error) -> list:
    """``work()`` in ``children`` forked processes and in this one, once; returns the results,
    this process's first (``WorkerProcesses.run``, with children that end after it)."""
    with WorkerProcesses(lambda _: work(), children) as workers:
        return workers.run(None, on_error)
