import subprocess
import sys

import numpy as np
import pytest

from cbow_helpers import load_vectors, save_vectors
from cbow_helpers.cli import main

STORY = (
    "The king loves the queen. The queen loves the king. The prince and the princess love the night. "
    "My father and my mother love the day. Her eye and his heart, the sword and the crown. "
) * 30


def run(*args):
    """As a user types it: a new process (kept for the tests of the whole path, which cost ~0.5 s each)."""
    return subprocess.run(
        [sys.executable, "-m", "cbow_helpers", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli(capsys, *args):
    """``main`` in this process, as ``python -m cbow_helpers`` calls it: (exit status, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse errors
        code = exit_.code
    return code, capsys.readouterr().err


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_train_on_a_file_writes_vectors_and_plot(tmp_path, corpus):
    out, plot = tmp_path / "v.txt", tmp_path / "p.png"
    code = main(
        [
            "train",
            "--corpus",
            str(corpus),
            "--dim",
            "8",
            "--epochs",
            "1",
            "--batch-size",
            "16",
            "--out",
            str(out),
            "--plot",
            str(plot),
            "--quiet",
        ]
    )
    assert code == 0
    words, vectors = load_vectors(out)
    assert "king" in words and vectors.shape == (len(words), 8)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_prints_neighbours(tmp_path, corpus, capsys):
    main(
        [
            "train",
            "--corpus",
            str(corpus),
            "--dim",
            "8",
            "--batch-size",
            "16",
            "--out",
            str(tmp_path / "v.txt"),
            "--plot",
            str(tmp_path / "p.png"),
        ]
    )
    out = capsys.readouterr().out
    assert "king:" in out and "wrote" in out


def test_neighbors_command(tmp_path):
    path = tmp_path / "v.txt"
    save_vectors(path, ["king", "queen", "apple"], np.array([[1.0, 0.1], [0.9, 0.2], [-1.0, 0.5]]))
    result = run("neighbors", str(path), "King", "-k", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["queen", "apple"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["train", "--corpus", "no/such/file.txt"], "corpus file not found: no/such/file.txt"),
        (["neighbors", "no/such/vectors.txt", "king"], "vectors file not found"),
    ],
)
def test_errors_are_one_line_without_traceback(args, message):
    result = run(*args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_non_utf8_corpus(tmp_path, capsys):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café au lait ".encode("latin-1") * 10)
    code, err = cli(
        capsys,
        "train",
        "--corpus",
        str(path),
        "--out",
        str(tmp_path / "v.txt"),
        "--plot",
        str(tmp_path / "p.png"),
    )
    assert code == 1 and "not UTF-8" in err and "Traceback" not in err
    assert not (tmp_path / "v.txt").exists() and not (tmp_path / "p.png").exists()


def test_corpus_too_small_for_the_window(tmp_path, capsys):
    path = tmp_path / "tiny.txt"
    path.write_text("to be or not", encoding="utf-8")
    out = tmp_path / "v.txt"
    code, err = cli(
        capsys,
        "train",
        "--corpus",
        str(path),
        "--window",
        "3",
        "--out",
        str(out),
        "--plot",
        str(tmp_path / "p.png"),
    )
    assert code == 1 and "too few" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    "option,value", [("--dim", "0"), ("--learning-rate", "nan"), ("--epochs", "two")]
)
def test_bad_option_values_are_argparse_errors(option, value, capsys):
    code, err = cli(capsys, "train", option, value)
    assert (
        code == 2
        and option in err
        and "Traceback" not in err
        and len(err.strip().splitlines()) == 1
    )


def test_divergence_leaves_no_output(tmp_path, corpus, capsys):
    out = tmp_path / "v.txt"
    code, err = cli(
        capsys,
        "train",
        "--corpus",
        str(corpus),
        "--learning-rate",
        "1e30",
        "--batch-size",
        "4",
        "--out",
        str(out),
        "--plot",
        str(tmp_path / "p.png"),
        "--quiet",
    )
    assert code == 1 and "smaller learning rate" in err
    assert list(tmp_path.iterdir()) == [corpus]


def test_unknown_word_for_neighbors(tmp_path, capsys):
    path = tmp_path / "v.txt"
    save_vectors(path, ["king", "queen"], np.eye(2))
    code, err = cli(capsys, "neighbors", str(path), "zebra")
    assert code == 1 and "zebra" in err and "Traceback" not in err
