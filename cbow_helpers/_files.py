"""Safe file writes: a temporary file beside the target, renamed onto it only when complete.

No reader ever sees a half-written file. The rules for the target:

* a symbolic link is followed: the file it points to gets the new content (as
  the shell's ``>`` does) and the link stays;
* a directory, a device (``/dev/null``), a FIFO or a socket is refused;
* temporary files are named ``.NAME.cbow-tmp-PID-XXXX``: a run killed before it
  could clean up (SIGKILL, a power cut) leaves one behind, and the next write of
  the same file removes those whose process is gone.

``io.py`` (word vectors in the word2vec text format), ``reference.py``, ``text.py``'s token
cache and the command line write their files through these functions.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import stat
import tempfile
from pathlib import Path

_TEMP_MARK = ".cbow-tmp-"
_TEMP_PID = re.compile(r"(\d+)-")


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def output_target(path) -> Path:
    """The file that writing ``path`` replaces, after checking that it may be replaced.

    Symbolic links are followed (the file they point to is written, the link
    stays). Raises ValueError if ``path`` is empty, or it (or the file a link
    points to) is a directory, a device, a FIFO or a socket, or if something
    that is not a directory stands where a parent folder should be.
    """
    if str(path) == "":
        raise ValueError("the output path is empty: give a file name")
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        via = f" (a link to {target})" if target != Path(os.path.abspath(path)) else ""
        raise ValueError(
            f"{path}{via} is {_file_kind(mode)}, not a regular file: refusing to replace it"
        )
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write {path}: {parent} is not a directory")
    return target


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process (or a pid we cannot test): leave its file alone
    return True


def remove_stale_temp_files(target) -> list[Path]:
    """Remove the temporary files of ``target`` left by runs that were killed; returns what was removed.

    Only files named like this module's temporary files (``.NAME.cbow-tmp-PID-...``)
    whose process PID no longer exists are removed, so a run still writing is not
    disturbed.
    """
    target = Path(target)
    removed = []
    prefix = f".{target.name}{_TEMP_MARK}"
    for name in glob.glob(os.path.join(glob.escape(str(target.parent)), glob.escape(prefix) + "*")):
        match = _TEMP_PID.match(os.path.basename(name)[len(prefix) :])
        if match and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(name)
                removed.append(Path(name))
    return removed


# The PendingFiles neither committed nor discarded yet: what a run stopped by a signal must remove.
_PENDING: set[PendingFile] = set()


def discard_pending_files() -> None:
    """Discard every PendingFile of this process that is neither committed nor discarded."""
    for pending in list(_PENDING):
        pending.discard()


class PendingFile:
    """A temporary file beside ``path``, created now, renamed onto ``path`` by ``commit``.

    Creating it checks, before any long work, that ``path`` can be written
    (``output_target``'s rules, missing parent folders, permissions, a read-only
    file system). ``discard`` removes it and the folders it created.
    """

    def __init__(self, path, suffix: str = ""):
        self.path = Path(path)
        self.target = output_target(path)
        self._made_dirs: list[Path] = []
        missing = []
        parent = self.target.parent
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        try:
            for folder in reversed(missing):
                folder.mkdir()
                self._made_dirs.append(folder)
            remove_stale_temp_files(self.target)
            fd, tmp = tempfile.mkstemp(
                prefix=f".{self.target.name}{_TEMP_MARK}{os.getpid()}-",
                suffix=suffix or self.target.suffix,
                dir=self.target.parent,
            )
        except BaseException:
            self._remove_dirs()
            raise
        os.close(fd)
        self.tmp: Path | None = Path(tmp)
        _PENDING.add(self)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions

    def commit(self) -> None:
        """Rename the temporary file onto the target."""
        os.replace(self.tmp, self.target)
        self.tmp = None
        _PENDING.discard(self)

    def discard(self) -> None:
        """Remove the temporary file (and the folders made for it); the target is left as it was."""
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None
        _PENDING.discard(self)
        self._remove_dirs()

    def _remove_dirs(self) -> None:
        for folder in reversed(self._made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._made_dirs = []


@contextlib.contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    A run that fails while writing leaves nothing at ``path`` (and removes the
    temporary file), so no reader ever sees a half-written file. See the module's
    docstring for symbolic links, special files and stale temporary files.
    """
    pending = PendingFile(path, suffix)
    try:
        yield pending.tmp
        pending.commit()
    except BaseException:
        pending.discard()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _regular_file(path: Path, what: str) -> os.stat_result:
    """stat of ``path``; FileNotFoundError if missing, ValueError if not a regular file (a FIFO would block)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} not found: {path}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{what} {path} is {_file_kind(info.st_mode)}, not a regular file")
    return info
