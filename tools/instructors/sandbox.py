"""Where and how the grader runs a student's notebook: a scratch folder, limits, bubblewrap if it works.

``Sandbox.run(folder, checks, limits)`` starts ``tools/instructors/grade_worker.py`` on ``folder`` as a child
process with:

- **limits**: its address space (``--memory-mb``, every process), the size of any file it writes
  (64 MB), no core files, and a wall-clock limit for the whole submission (``--timeout``), after
  which every process of the submission is killed;
- **a clean environment**: only PATH, PYTHONPATH (this checkout first), a HOME and Jupyter/IPython/
  matplotlib folders inside the scratch folder, one BLAS thread; none of the grader's other
  variables (tokens, keys) reach the student's code;
- with **bubblewrap** (``bwrap``, Linux): new user, PID, network, IPC and UTS namespaces (no
  network; killing the sandbox kills every process in it), the whole file system read-only, an
  empty in-memory /tmp (64 MB), the submissions' folders hidden, and only the scratch folder
  writable.

Without bubblewrap (macOS, or a container that forbids namespaces) the limits and the clean
environment still apply, but the student's code can read and write whatever the grader's user can.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: no POSIX resource limits (and no fork)
    resource = None

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parent / "grade_worker.py"
FILE_LIMIT = 64 * 2**20
TMP_BYTES = 64 * 2**20
CHECK_CALLS = 7  # seconds of a check, in calls' time limits (6 per check, plus one of slack)


def read_json(path: Path, limit: int = 2**20):
    """The JSON value in ``path`` (at most ``limit`` bytes), or None if it is missing or not JSON."""
    try:
        if path.stat().st_size > limit:
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _bwrap_works() -> bool:
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"]
    try:
        return subprocess.run(probe, check=False, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


class Sandbox:
    """Runs the worker, in bubblewrap (``use_bwrap``) or as a plain child process."""

    def __init__(self, use_bwrap: bool, hidden=(), note: str = ""):
        self.use_bwrap, self.hidden, self.note = use_bwrap, list(hidden), note

    @classmethod
    def choose(cls, mode: str, submission_folders) -> Sandbox:
        """``mode`` "bwrap" (a RuntimeError if it does not work), "none", or "auto"."""
        if resource is None or not hasattr(os, "fork"):
            raise RuntimeError(
                "the grader runs on Linux and macOS only (it needs fork and rlimits)"
            )
        works = mode != "none" and _bwrap_works()
        if mode == "bwrap" and not works:
            raise RuntimeError(
                "bubblewrap (bwrap) is not installed or cannot create namespaces here"
            )
        if not works:
            note = (
                "no sandbox: bubblewrap (bwrap) is not available or not working, so the students' "
                "code runs as you, limited in time, memory and file size only"
                if mode == "auto"
                else ""
            )
            return cls(False, note=note)
        return cls(True, hidden=sorted(set(submission_folders)))

    def _environment(self, folder: Path) -> dict:
        paths = [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": os.pathsep.join(paths),
            "HOME": str(folder / "home"),
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(folder / "home" / "matplotlib"),
            "IPYTHONDIR": str(folder / "home" / "ipython"),
            "JUPYTER_RUNTIME_DIR": str(folder / "home" / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        for name in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
            Path(env[name]).mkdir(parents=True, exist_ok=True)
        return env

    def _bwrap(self, folder: Path) -> list[str]:
        """bubblewrap's options: read-only /, fresh /dev /proc /tmp, the scratch folder writable."""
        command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        command += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
        needed = {ROOT, Path(sys.prefix), Path(sys.base_prefix)}
        needed |= {Path(p) for p in sys.path if p and Path(p).exists()}
        for hidden in self.hidden:
            if not any(hidden == n or hidden in n.parents for n in needed | {folder}):
                command += ["--tmpfs", str(hidden)]
        covered = [Path("/tmp"), *self.hidden]
        for path in sorted(needed):  # what /tmp or a hidden folder would otherwise cover
            if any(c == path or c in path.parents for c in covered):
                command += ["--ro-bind", str(path), str(path)]
        command += ["--bind", str(folder), str(folder), "--chdir", str(folder)]
        return command + ["--unshare-all", "--die-with-parent", "--new-session", "--"]

    def run(self, folder: Path, checks, limits) -> dict:
        """Run the worker on ``folder``; {"status", "message"} for the checks it did not record."""
        record_timeout = len(checks) * (CHECK_CALLS * limits.call_timeout + 5) + 30
        job = {
            "checks": checks,
            "call_timeout": limits.call_timeout,
            "cell_timeout": limits.cell_timeout,
            "record_timeout": record_timeout,
        }
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        env = self._environment(folder)
        prefix = self._bwrap(folder) if self.use_bwrap else []
        command = prefix + [sys.executable, str(WORKER), str(folder)]
        memory = limits.memory_mb * 2**20

        def apply_limits():
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        with open(folder / "worker.log", "wb") as log:
            worker = subprocess.Popen(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=apply_limits,  # noqa: PLW1509 - the grader starts no threads
                start_new_session=True,
            )
            try:
                worker.wait(timeout=limits.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
                return {
                    "status": "timed out",
                    "message": f"the notebook took more than {limits.timeout:g} s",
                }
        return self._ending(folder, worker.returncode)

    @staticmethod
    def _ending(folder: Path, returncode: int) -> dict:
        state = read_json(folder / "worker.json") or {}
        cell = state.get("cell")
        where = f" in cell {cell + 1}" if isinstance(cell, int) else ""
        if state.get("state") == "kernel died":
            return {
                "status": "crashed",
                "message": f"the kernel died{where} (os._exit, a crash, or out of memory)",
            }
        if state.get("state") == "timed out":
            return {
                "status": "timed out",
                "message": f"cell {cell + 1 if isinstance(cell, int) else '?'} could not be interrupted",
            }
        if state.get("state") == "error":
            return {
                "status": "crashed",
                "message": f"the notebook could not be run: {str(state.get('detail'))[:200]}",
            }
        if not state:
            tail = (folder / "worker.log").read_bytes()[-300:].decode("utf-8", "replace").strip()
            return {
                "status": "crashed",
                "message": f"the grader's worker ended with status {returncode}: {tail}",
            }
        return {
            "status": "missing",
            "message": "the notebook's recording cell did not record this check",
        }
