"""Corpus files that are not what they seem: UTF-16/32, NUL bytes, unreadable files, a cache
folder that cannot be one."""

import gzip
import os
from pathlib import Path

import pytest

from cbow_helpers import corpus as corpus_module
from cbow_helpers import load_vectors, tokenize_file, tokenize_shakespeare
from cbow_helpers.cli import main

TEXT = "The king and the queen walk in the garden at night. " * 200


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("utf-16-le", "UTF-16LE"),
        ("utf-16-be", "UTF-16BE"),
        ("utf-16", "UTF-16LE"),  # with a byte-order mark
        ("utf-32-le", "UTF-32LE"),
        ("utf-32-be", "UTF-32BE"),
        ("utf-32", "UTF-32LE"),
    ],
)
def test_utf16_and_utf32_corpora_are_named(tmp_path, encoding, named):
    corpus = tmp_path / "wide.txt"
    corpus.write_bytes(TEXT.encode(encoding))
    with pytest.raises(ValueError, match=f"looks like {named} text, not UTF-8: convert it"):
        tokenize_file(corpus)


def test_a_utf16_corpus_is_one_clear_line_from_the_command_line(tmp_path, capsys):
    corpus = tmp_path / "wide.txt"
    corpus.write_bytes(TEXT.encode("utf-16-le"))
    assert (
        main(["train", "--corpus", str(corpus), "--quiet", "--out", str(tmp_path / "v.txt")]) == 1
    )
    err = capsys.readouterr().err
    assert err.startswith(f"error: {corpus} looks like UTF-16LE text") and err.count("\n") == 1
    assert "0 tokens" not in err and os.listdir(tmp_path) == ["wide.txt"]


def test_nul_bytes_between_words_are_refused_with_their_place(tmp_path):
    corpus = tmp_path / "nul.txt"
    corpus.write_bytes(("word " * 1000).encode() + b"king\x00queen " * 20_000)
    with pytest.raises(ValueError, match=r"holds a NUL byte \(byte 5004\): it is not a text file"):
        tokenize_file(corpus)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="Linux's /proc")
def test_a_file_that_cannot_be_read_is_named(capsys):
    with pytest.raises(OSError, match="/proc/self/mem") as caught:
        tokenize_file("/proc/self/mem")
    assert caught.value.filename == "/proc/self/mem"
    with pytest.raises(OSError, match="/proc/self/mem: cannot read it"):
        load_vectors("/proc/self/mem")
    assert main(["neighbors", "/proc/self/mem", "king"]) == 1
    assert "/proc/self/mem" in capsys.readouterr().err


def test_a_cache_folder_that_is_a_file_costs_only_the_cache(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("I am a file", encoding="utf-8")
    monkeypatch.setenv("CBOW_CACHE_DIR", str(not_a_folder))
    monkeypatch.setattr(corpus_module, "load_shakespeare", lambda: "To be or not to be.")
    tokenize_shakespeare.cache_clear()
    try:
        assert tokenize_shakespeare() == ["to", "be", "or", "not", "to", "be", "."]
    finally:
        tokenize_shakespeare.cache_clear()
    assert not_a_folder.read_text(encoding="utf-8") == "I am a file"


def test_a_gzipped_corpus_is_named(tmp_path):
    corpus = tmp_path / "story.txt.gz"
    corpus.write_bytes(gzip.compress(TEXT.encode()))
    with pytest.raises(ValueError, match=r"is gzip-compressed, not text: decompress it first"):
        tokenize_file(corpus)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_vectors_file_is_named(tmp_path, encoding):
    path = tmp_path / "v.txt"
    path.write_bytes("2 2\nab 1 0\ncd 0 1\n".encode(encoding))
    with pytest.raises(ValueError, match="looks like UTF-16LE text, not UTF-8"):
        load_vectors(path)
