"""Files: atomic writes, and word vectors in the word2vec text format."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np


@contextlib.contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    A run that fails while writing leaves nothing at ``path`` (and removes the
    temporary file), so no reader ever sees a half-written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def save_vectors(path, words: Sequence[str], vectors) -> None:
    """Save word vectors in the word2vec text format, atomically.

    The first line is ``count dim``; then one line per word: the word and its
    ``dim`` numbers, separated by single spaces. gensim reads the file with
    ``KeyedVectors.load_word2vec_format(path, binary=False)``.

    Parameters
    ----------
    path : str or Path
        Where to write.
    words : sequence of str
        The words, in the order of the rows of ``vectors``. A word may not be
        empty or contain white space.
    vectors : (len(words), dim) array
        One embedding per row.
    """
    words = list(words)
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(
            f"vectors must have one row per word: got {len(words)} words and an array of shape {vectors.shape}"
        )
    if not np.all(np.isfinite(vectors)):
        raise ValueError("vectors hold NaN or inf values; refusing to save them")
    for word in words:
        if not isinstance(word, str) or not word or any(ch.isspace() for ch in word):
            raise ValueError(f"a word in the word2vec text format must be a non-empty str without spaces, got {word!r}")
    lines = [f"{len(words)} {vectors.shape[1]}"]
    lines += [word + " " + " ".join(f"{v:.6g}" for v in row) for word, row in zip(words, vectors.tolist())]
    atomic_write_text(path, "\n".join(lines) + "\n")


def load_vectors(path) -> tuple[list[str], np.ndarray]:
    """Read word vectors in the word2vec text format.

    Returns
    -------
    words : list of str
    vectors : (count, dim) float32 array

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the header is not ``count dim``, a line has the wrong number of
        values or a value is not a number (the message names the line number),
        or the file holds fewer lines than its header promises.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as f:
        header = f.readline().split()
        if len(header) != 2 or not all(h.isdigit() for h in header):
            raise ValueError(f"{path}: line 1 must be the header 'count dim', got {' '.join(header)!r}")
        count, dim = int(header[0]), int(header[1])
        words: list[str] = []
        vectors = np.empty((count, dim), dtype=np.float32)
        for lineno, line in enumerate(f, start=2):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if parts == [""]:
                continue
            if len(words) == count:
                raise ValueError(f"{path}: line {lineno}: more vectors than the {count} the header announces")
            if len(parts) != dim + 1:
                raise ValueError(
                    f"{path}: line {lineno}: expected a word and {dim} numbers, got {len(parts)} fields"
                )
            try:
                vectors[len(words)] = [float(v) for v in parts[1:]]
            except ValueError as err:
                raise ValueError(f"{path}: line {lineno}: {err}") from None
            words.append(parts[0])
    if len(words) != count:
        raise ValueError(f"{path}: the header announces {count} vectors but the file holds {len(words)}")
    return words, vectors
