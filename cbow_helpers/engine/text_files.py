"""Reading a text file safely: in blocks, as UTF-8, with a clear error for what it is not."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from ..tokens import last_cut

#: Files are read in blocks of this many bytes.
BLOCK_BYTES = 1 << 20

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


def check_text_block(path: Path, block: bytes, offset: int) -> None:
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


def text_pieces(path: Path, bar) -> Iterator[str]:
    """The text of a UTF-8 file in consecutive pieces, each ending after a space or a line break.

    Read in blocks of ``BLOCK_BYTES``: a piece is the text read so far up to its last space or
    line break, so the file is never held in memory whole (only a run of more than eight blocks
    with neither is cut where it stands). ``bar`` (a tqdm bar) advances by the bytes read.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    offset = 0  # bytes read before the current block
    with path.open("rb") as f:
        while True:
            block = _read_block(f, path)
            check_text_block(path, block, offset)
            text = _decode(decoder, block, path, offset)
            if offset == 0:
                text = text.removeprefix("\ufeff")  # a byte-order mark is not text
            offset += len(block)
            bar.update(len(block))
            pending += text
            if not block:
                if pending:
                    yield pending
                return
            end = last_cut(pending)  # after a space or line break that a word follows
            if end < 0 and len(pending) > 8 * BLOCK_BYTES:
                end = len(pending)
            if end > 0:
                yield pending[:end]
                pending = pending[end:]


def _read_block(f, path: Path) -> bytes:
    try:
        return f.read(BLOCK_BYTES)
    except OSError as err:  # /proc/self/mem, a failing disk: name the file
        raise type(err)(err.errno, err.strerror, str(path)) from None


def _decode(decoder, block: bytes, path: Path, offset: int) -> str:
    try:
        return decoder.decode(block, final=not block)
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not UTF-8 text (byte {offset - len(decoder.getstate()[0]) + err.start} cannot be "
            "decoded); convert it to UTF-8"
        ) from None
