"""Streams and encodings: a reader that goes away, a terminal that cannot show a word, and a
closed stderr stop neither the work nor the command (each runs the real command, as a user would)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from cli_runs import STORY

from cbow_helpers import load_vectors, save_vectors

pytestmark = pytest.mark.slow  # every test runs the real command in a new process

# A story whose words include one ASCII cannot show.
CAFE_STORY = STORY + "The café and the king. The queen in the café. " * 30


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("streams")
    (folder / "story.txt").write_text(CAFE_STORY, encoding="utf-8")
    words = ["king", "café", "queen"] + [f"w{i}" for i in range(2000)]
    vectors = np.random.default_rng(0).normal(size=(len(words), 4))
    vectors[:2] = [[1, 0, 0, 0], [1, 0.1, 0, 0]]  # café is king's nearest neighbour
    vectors[2:, 0] = -np.abs(vectors[2:, 0])
    save_vectors(folder / "many.txt", words, vectors)
    return folder


def command(folder, *args, env=None, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "cbow_helpers", *args],
        cwd=folder,
        env={**os.environ, **(env or {})},
        stderr=kwargs.pop("stderr", subprocess.PIPE),
        **kwargs,
    )


TRAIN = ["train", "--corpus", "story.txt", "--dim", "4", "--epochs", "1", "--no-plot"]


@pytest.mark.parametrize("reads", [0, 1], ids=["reader-gone-at-once", "reader-takes-one-line"])
def test_train_into_a_closed_pipe_saves_the_vectors_and_ends_quietly(folder, reads):
    out = folder / f"closed-{reads}.txt"
    proc = command(folder, *TRAIN, "--out", out.name, stdout=subprocess.PIPE)
    for _ in range(reads):
        proc.stdout.readline()
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Broken pipe" not in stderr, stderr
    assert "king" in load_vectors(out)[0]


def test_neighbors_into_a_closed_pipe_ends_quietly(folder):
    proc = command(folder, "neighbors", "many.txt", "king", "-k", "2000", stdout=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0 and stderr == b""


def test_a_word_the_terminal_cannot_show_is_escaped(folder):
    ascii_only = {"PYTHONIOENCODING": "ascii"}
    proc = command(
        folder, "neighbors", "many.txt", "king", "-k", "1", env=ascii_only, stdout=subprocess.PIPE
    )
    assert proc.communicate(timeout=60) == (b"caf\\xe9\t" + _similarity(folder) + b"\n", b"")
    out = folder / "ascii.txt"
    proc = command(
        folder,
        *TRAIN,
        "--min-count",
        "1",
        "--out",
        out.name,
        env=ascii_only,
        stdout=subprocess.PIPE,
    )
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"error" not in stderr, stderr
    assert "café" in load_vectors(out)[0]


def _similarity(folder) -> bytes:
    _, vectors = load_vectors(folder / "many.txt")
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return f"{unit[1] @ unit[0]:.4f}".encode()


def _close_stderr():
    os.close(2)


def _stderr_read_only():
    os.dup2(os.open(os.devnull, os.O_RDONLY), 2)  # what a shell script's own file leaves there


def _stderr_full():
    os.dup2(os.open("/dev/full", os.O_WRONLY), 2)  # every write fails: no space left


@pytest.mark.parametrize(
    "how", [_close_stderr, _stderr_read_only, _stderr_full], ids=["closed", "read-only", "full"]
)
def test_a_stderr_that_cannot_be_written_turns_the_progress_bar_off(folder, how):
    if how is _stderr_full and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    out = folder / f"stderr-{how.__name__}.txt"
    proc = command(
        folder, *TRAIN, "--out", out.name, stdout=subprocess.PIPE, stderr=None, preexec_fn=how
    )
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"wrote" in stdout
    assert "king" in load_vectors(out)[0]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_stdout_that_cannot_be_written_keeps_the_work_and_fails_with_a_note(folder):
    out = folder / "stdout-full.txt"
    with open("/dev/full", "w") as full:
        proc = command(folder, *TRAIN, "--out", out.name, stdout=full)
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert b"note: cannot write to stdout: No space left on device" in stderr
    assert "king" in load_vectors(out)[0]
