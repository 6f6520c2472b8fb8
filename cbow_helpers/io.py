"""Word vectors in the word2vec text format: ``save_vectors`` and ``load_vectors``.

Files are written atomically (``_files.atomic_path``): a failed save leaves nothing half-written.
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .engine.checks import check_memory
from .engine.files import atomic_path, regular_file
from .engine.text_files import wide_encoding

_FLOAT32_MAX = float(np.finfo(np.float32).max)
# A gzip file starts with these two bytes, and holds at most this many bytes of text per byte.
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_MAX_RATIO = 1032


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


def load_vectors(path) -> tuple[list[str], np.ndarray]:
    """Read word vectors in the word2vec text format (gzipped or not, as gensim reads them).

    Not in the notebooks: ``python -m cbow_helpers neighbors`` and ``evaluate`` read with it.

    Returns
    -------
    words : list of str
    vectors : (count, dim) float32 array

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    OSError
        If reading fails (naming the file).
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
    size = regular_file(path, "vectors file").st_size
    with path.open("rb") as raw:
        try:
            gzipped = raw.read(2) == _GZIP_MAGIC  # a .gz text file is read as gensim reads it
            raw.seek(0)
            f = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            wide = wide_encoding(f.read(4096))
            if wide:
                raise ValueError(
                    f"{path} looks like {wide} text, not UTF-8: convert it first, for instance "
                    f"with iconv -f {wide} -t UTF-8 {path} > vectors-utf8.txt"
                )
            f.seek(0)
            return _parse_vectors(path, f, size * _GZIP_MAX_RATIO if gzipped else size)
        except (OSError, EOFError) as err:  # a failing disk, /proc/self/mem, a damaged .gz
            if isinstance(err, OSError) and err.filename:
                raise
            reason = err.strerror if isinstance(err, OSError) and err.strerror else err
            raise OSError(f"{path}: cannot read it: {reason}") from None


def _parse_vectors(path: Path, f, size: int) -> tuple[list[str], np.ndarray]:
    """The words and vectors of the open (binary) file ``f``; ``size``: its most bytes of text."""
    lines = enumerate(f, start=1)
    _, raw = next(lines, (1, b""))
    count, dim = _header(path, raw, size)
    check_memory(
        4.0 * count * dim,
        f"loading {path} ({count:,} vectors of {dim:,} numbers)",
        "use a smaller file",
    )
    words: list[str] = []
    first_line: dict[str, int] = {}
    vectors = np.empty((count, dim), dtype=np.float32)
    for lineno, raw in lines:
        parts = _text(path, lineno, raw).rstrip("\r\n").rstrip(" ").split(" ")
        if parts == [""]:
            continue
        if len(words) == count:
            raise ValueError(
                f"{path}: line {lineno}: more vectors than the {count} the header announces"
            )
        word = _word(path, lineno, parts, dim, first_line)
        _values(path, lineno, word, parts[1:], vectors[len(words)])
        first_line[word] = lineno
        words.append(word)
    if len(words) != count:
        raise ValueError(
            f"{path}: the header announces {count} vectors but the file holds {len(words)}"
        )
    return words, vectors


def _text(path: Path, lineno: int, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{path}: line {lineno} is not UTF-8 text: this reads the word2vec text format, "
            "not the binary one (convert a binary file with gensim: "
            "KeyedVectors.load_word2vec_format(path, binary=True).save_word2vec_format(out, binary=False))"
        ) from None


def _header(path: Path, raw: bytes, size: int) -> tuple[int, int]:
    """count and dim from the header line ``raw``, if the file's ``size`` bytes can hold them."""
    header = _text(path, 1, raw.removeprefix(b"\xef\xbb\xbf")).split()
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
    return count, dim


def _word(path: Path, lineno: int, parts: list[str], dim: int, first_line: dict) -> str:
    """The word of a vector's line, if the line has dim numbers after it and the word is new."""
    if len(parts) != dim + 1:
        raise ValueError(
            f"{path}: line {lineno}: expected a word and {dim} numbers, got {len(parts)} fields"
        )
    word = parts[0]
    if not word:
        raise ValueError(f"{path}: line {lineno}: the line starts with a space instead of a word")
    if word in first_line:
        raise ValueError(
            f"{path}: line {lineno}: the word {word!r} appears again (first on line {first_line[word]}); "
            "each word must have one vector"
        )
    return word


def _values(path: Path, lineno: int, word: str, fields: list[str], row: np.ndarray) -> None:
    """Parse ``fields`` into ``row`` (float32): a ValueError for a value that is not a finite float32."""
    try:
        values = [float(v) for v in fields]
    except ValueError as err:
        raise ValueError(f"{path}: line {lineno}: {err}") from None
    with np.errstate(over="ignore"):
        row[:] = values
    if not np.isfinite(row).all():
        bad = values[int(np.argmin(np.isfinite(row)))]
        reason = "is not a finite number" if not math.isfinite(bad) else "is beyond float32's range"
        raise ValueError(f"{path}: line {lineno}: the value {bad!r} of {word!r} {reason}")
