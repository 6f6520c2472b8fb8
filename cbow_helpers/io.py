"""Files: safe atomic writes, and word vectors in the word2vec text format.

Writing a file goes through a temporary file beside it, renamed onto the target
only when complete, so no reader ever sees a half-written file. The rules for
the target:

* a symbolic link is followed: the file it points to gets the new content (as
  the shell's ``>`` does) and the link stays;
* a directory, a device (``/dev/null``), a FIFO or a socket is refused;
* temporary files are named ``.NAME.cbow-tmp-PID-XXXX``: a run killed before it
  could clean up (SIGKILL, a power cut) leaves one behind, and the next write of
  the same file removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import glob
import math
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ._checks import check_memory

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
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions

    def commit(self) -> None:
        """Rename the temporary file onto the target."""
        os.replace(self.tmp, self.target)
        self.tmp = None

    def discard(self) -> None:
        """Remove the temporary file (and the folders made for it); the target is left as it was."""
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None
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


# ----------------------------------------------------------------------------- word2vec text format

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_vectors(words: Sequence[str], vectors) -> tuple[list[str], np.ndarray]:
    """Check that ``words`` and ``vectors`` can be saved and read back; returns them as a list and an array.

    Raises TypeError for words that are not str or numbers that are not real,
    and ValueError for: no words, no columns, a row count that does not match,
    an empty word, a word with white space or that UTF-8 cannot encode, a word
    given twice, and values that are NaN, infinite or outside float32's range.
    """
    words = list(words)
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(
            f"vectors must have one row per word: got {len(words)} words and an array of shape {vectors.shape}"
        )
    if not words or vectors.shape[1] == 0:
        raise ValueError(
            f"there is nothing to save: {len(words)} words of {vectors.shape[1]} numbers each"
        )
    if not (np.issubdtype(vectors.dtype, np.integer) or np.issubdtype(vectors.dtype, np.floating)):
        raise TypeError(f"vectors must hold real numbers, got an array of dtype {vectors.dtype}")
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(vectors.astype(np.float32))
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        raise ValueError(
            f"the vector of {words[row]!r} holds {vectors[row, col].item()!r}: every value must be a finite number (not NaN or inf) "
            f"within float32's range (|x| <= {_FLOAT32_MAX:.4g}); refusing to save it"
        )
    seen = set()
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"words must be str, got {type(word).__name__}: {word!r}")
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(
                f"a word in the word2vec text format must be a non-empty str without spaces, got {word!r}"
            )
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"the word {word!r} cannot be encoded as UTF-8") from None
        if word in seen:
            raise ValueError(f"the word {word!r} is given twice; each word must have one vector")
        seen.add(word)
    return words, vectors


def write_vectors(path, words: Sequence[str], vectors) -> None:
    """Write checked words and vectors (``check_vectors``) to ``path`` directly, not atomically."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n")
        f.writelines(
            word + " " + " ".join(f"{v:.6g}" for v in row) + "\n"
            for word, row in zip(words, vectors.tolist())
        )


def save_vectors(path, words: Sequence[str], vectors) -> None:
    """Save word vectors in the word2vec text format, atomically.

    Not in the notebooks: ``python -m cbow_helpers train`` writes its vectors with it.

    The first line is ``count dim``; then one line per word: the word and its
    ``dim`` numbers, separated by single spaces. gensim reads the file with
    ``KeyedVectors.load_word2vec_format(path, binary=False)``, and so does
    ``load_vectors``: what is refused here (see ``check_vectors``) is what
    ``load_vectors`` would refuse.

    Parameters
    ----------
    path : str or Path
        Where to write (see the module's docstring for links and special files).
    words : sequence of str
        The words, in the order of the rows of ``vectors``: distinct, non-empty,
        without white space.
    vectors : (len(words), dim) array
        One embedding per row; finite values within float32's range.
    """
    words, vectors = check_vectors(words, vectors)
    with atomic_path(path) as tmp:
        write_vectors(tmp, words, vectors)


def _regular_file(path: Path, what: str) -> os.stat_result:
    """stat of ``path``; FileNotFoundError if missing, ValueError if not a regular file (a FIFO would block)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} not found: {path}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{what} {path} is {_file_kind(info.st_mode)}, not a regular file")
    return info


def load_vectors(path) -> tuple[list[str], np.ndarray]:
    """Read word vectors in the word2vec text format.

    Not in the notebooks: ``python -m cbow_helpers neighbors`` and ``evaluate`` read with it.

    Returns
    -------
    words : list of str
    vectors : (count, dim) float32 array

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is not a regular file; if the header is not ``count dim``
        with both at least 1, or promises more vectors than the file's size can
        hold; if a line has the wrong number of values, a value that is not a
        number, NaN, infinite or beyond float32's range, or a word seen before
        (the message names the line number); if the file is not UTF-8 text (a
        binary word2vec file), or holds more or fewer vectors than its header says.
    NotEnoughMemoryError
        (a ValueError and a MemoryError) if the vectors the header announces
        would not fit in the memory available.
    """
    path = Path(path)
    size = _regular_file(path, "vectors file").st_size
    with path.open("rb") as f:
        lines = enumerate(f, start=1)

        def text(lineno: int, raw: bytes) -> str:
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(
                    f"{path}: line {lineno} is not UTF-8 text: this reads the word2vec text format, "
                    "not the binary one (convert a binary file with gensim: "
                    "KeyedVectors.load_word2vec_format(path, binary=True).save_word2vec_format(out, binary=False))"
                ) from None

        _, raw = next(lines, (1, b""))
        header = text(1, raw.removeprefix(b"\xef\xbb\xbf")).split()
        if len(header) != 2 or not all(re.fullmatch(r"[0-9]+", h) for h in header):
            raise ValueError(
                f"{path}: line 1 must be the header 'count dim', got {' '.join(header)[:80]!r}"
            )
        count, dim = int(header[0]), int(header[1])
        if count < 1 or dim < 1:
            raise ValueError(
                f"{path}: line 1: the header announces {count} vectors of {dim} numbers; both must be at least 1"
            )
        # A vector's line holds at least a word and dim numbers of one digit, each after a space.
        most = (size - len(raw)) // (2 * dim + 1)
        if count > most:
            raise ValueError(
                f"{path}: line 1: the header announces {count:,} vectors of {dim:,} numbers, but the file's "
                f"{size:,} bytes can hold at most {most:,}"
            )
        check_memory(
            4.0 * count * dim,
            f"loading {path} ({count:,} vectors of {dim:,} numbers)",
            "use a smaller file",
        )
        words: list[str] = []
        first_line: dict[str, int] = {}
        vectors = np.empty((count, dim), dtype=np.float32)
        for lineno, raw in lines:
            parts = text(lineno, raw).rstrip("\r\n").rstrip(" ").split(" ")
            if parts == [""]:
                continue
            if len(words) == count:
                raise ValueError(
                    f"{path}: line {lineno}: more vectors than the {count} the header announces"
                )
            if len(parts) != dim + 1:
                raise ValueError(
                    f"{path}: line {lineno}: expected a word and {dim} numbers, got {len(parts)} fields"
                )
            word = parts[0]
            if not word:
                raise ValueError(
                    f"{path}: line {lineno}: the line starts with a space instead of a word"
                )
            if word in first_line:
                raise ValueError(
                    f"{path}: line {lineno}: the word {word!r} appears again (first on line {first_line[word]}); "
                    "each word must have one vector"
                )
            row = vectors[len(words)]
            try:
                values = [float(v) for v in parts[1:]]
            except ValueError as err:
                raise ValueError(f"{path}: line {lineno}: {err}") from None
            with np.errstate(over="ignore"):
                row[:] = values
            if not np.isfinite(row).all():
                bad = values[int(np.argmin(np.isfinite(row)))]
                reason = (
                    "is not a finite number"
                    if not math.isfinite(bad)
                    else "is beyond float32's range"
                )
                raise ValueError(f"{path}: line {lineno}: the value {bad!r} of {word!r} {reason}")
            first_line[word] = lineno
            words.append(word)
    if len(words) != count:
        raise ValueError(
            f"{path}: the header announces {count} vectors but the file holds {len(words)}"
        )
    return words, vectors
