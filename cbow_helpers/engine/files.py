"""Safe file writes: a temporary file beside the target, renamed onto it only when complete.

No reader ever sees a half-written file. The rules for the target:

* a symbolic link is followed: the file it points to gets the new content (as
  the shell's ``>`` does) and the link stays;
* a directory, a device (``/dev/null``), a FIFO or a socket is refused, and so is a
  file without write permission (the shell's ``>`` refuses it too);
* the new file keeps the mode and owner of the file it replaces; a new file gets the
  permissions the umask allows;
* temporary files are named ``.NAME.cbow-tmp-PID-XXXX`` (``.cbow-tmp-PID-XXXX`` when a
  long NAME would make that longer than the folder allows): a run killed before it
  could clean up (SIGKILL, a power cut) leaves one behind, and the next write in the
  same folder removes those whose process is gone;
* an OS error while writing names the target, never the temporary file.

``io.py`` (word vectors in the word2vec text format), ``reference.py``, ``corpus.py``'s token
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
# The longest suffix (``.png``) a temporary file keeps when its name must be short.
_SHORT_SUFFIX = 16


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
    via = f" (a link to {target})" if target != Path(os.path.abspath(path)) else ""
    if mode is not None and not stat.S_ISREG(mode):
        raise ValueError(
            f"{path}{via} is {_file_kind(mode)}, not a regular file: refusing to replace it"
        )
    if mode is not None and (not mode & 0o222 or not os.access(target, os.W_OK)):
        raise ValueError(
            f"{path}{via} is read-only: refusing to replace it (as the shell's > does); "
            "make it writable (chmod u+w) or choose another name"
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
    """Remove the temporary files in ``target``'s folder left by runs that were killed; returns them.

    Only files named like this module's temporary files (``.NAME.cbow-tmp-PID-...`` or
    ``.cbow-tmp-PID-...``) whose process PID no longer exists are removed, so a run still
    writing is not disturbed.
    """
    target = Path(target)
    removed = []
    mark = _TEMP_MARK[1:]  # the short names have no dot before it
    for name in glob.glob(os.path.join(glob.escape(str(target.parent)), f".*{mark}*")):
        base = os.path.basename(name)
        match = _TEMP_PID.match(base[base.rfind(mark) + len(mark) :])
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
            fd, tmp = tempfile.mkstemp(**_temp_name(self.target, suffix or self.target.suffix))
        except BaseException:
            self._remove_dirs()
            raise
        os.close(fd)
        self.tmp: Path | None = Path(tmp)
        _PENDING.add(self)
        _keep_owner_and_mode(self.target, self.tmp)

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


def _check_outputs(outputs, protected) -> None:
    """ValueError naming the flag if an output cannot be written, is ``protected`` (the corpus),
    or names the same file as an earlier one."""
    protected = None if protected is None else Path(os.path.realpath(protected))
    seen: dict[Path, str] = {}
    for flag, path in outputs:
        try:
            target = output_target(path)
        except ValueError as err:
            raise ValueError(f"{flag}: {err}") from None
        except OSError as err:  # a name longer than the folder allows, a folder we cannot enter
            raise ValueError(f"{flag}: cannot write {path}: {err.strerror or err}") from None
        if target == protected:
            raise ValueError(
                f"{flag} {path} is the corpus file: writing it would destroy the corpus"
            )
        if target in seen:
            raise ValueError(
                f"{seen[target]} and {flag} name the same file ({path}): give them different names"
            )
        seen[target] = flag


def reserve_outputs(outputs, protected=None) -> list[PendingFile]:
    """A PendingFile for each ``(flag, path)`` of ``outputs``, made before any long work.

    Raises ValueError, naming the flag and the path, if one cannot be written (see
    ``output_target``; a folder without write permission), if one is the file ``protected``
    (the corpus, which writing would destroy), or if two name the same file.
    """
    _check_outputs(outputs, protected)
    pending: list[PendingFile] = []
    try:
        for flag, path in outputs:
            try:
                pending.append(PendingFile(path))
            except OSError as err:
                raise ValueError(f"{flag}: cannot write {path}: {err.strerror or err}") from None
    except BaseException:
        for file in pending:
            file.discard()
        raise
    return pending


def _temp_name(target: Path, suffix: str) -> dict:
    """``mkstemp``'s prefix, suffix and folder for a temporary file beside ``target``.

    ``.NAME.cbow-tmp-PID-XXXXXXXX.SUFFIX``, or ``.cbow-tmp-PID-XXXXXXXX`` (with the suffix if it
    is short) when that would be longer than the folder's longest name: wherever the target's
    name fits, so does the temporary file's.
    """
    try:
        longest = os.pathconf(target.parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        longest = 255
    short = f"{_TEMP_MARK[1:]}{os.getpid()}-"
    prefix = f".{target.name}.{short}"
    if len(os.fsencode(prefix + suffix)) + 8 <= longest:  # mkstemp adds 8 random characters
        return {"prefix": prefix, "suffix": suffix, "dir": target.parent}
    suffix = suffix if len(os.fsencode(suffix)) <= _SHORT_SUFFIX else ""
    return {"prefix": "." + short, "suffix": suffix, "dir": target.parent}


def _keep_owner_and_mode(target: Path, tmp: Path) -> None:
    """Give ``tmp`` the owner and mode of the file ``target`` if it exists, else the umask's mode.

    The owner is kept where this process may set it (root, or the owner's own group); else
    the new file is this user's, with the old file's mode.
    """
    try:
        info = os.stat(target)
    except OSError:
        mode = 0o666 & ~_umask()  # mkstemp makes 0600; give a new file the usual permissions
    else:
        mode = stat.S_IMODE(info.st_mode)
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):
                os.chown(tmp, info.st_uid, info.st_gid)
    with contextlib.suppress(OSError):  # a file system without modes (FAT) keeps mkstemp's
        os.chmod(tmp, mode)  # after chown, which clears set-id bits


def _naming_target(err: OSError, path) -> OSError:
    """``err`` with ``path`` as its file name (never the temporary file's)."""
    return type(err)(err.errno, err.strerror or str(err), str(path))


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
    except OSError as err:
        pending.discard()
        if err.errno is None:
            raise
        raise _naming_target(err, path) from None
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


def regular_file(path: Path, what: str) -> os.stat_result:
    """stat of ``path``; FileNotFoundError if missing, ValueError if not a regular file (a FIFO would block)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} not found: {path}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{what} {path} is {_file_kind(info.st_mode)}, not a regular file")
    return info
