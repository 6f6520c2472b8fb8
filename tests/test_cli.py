import contextlib
import io
from collections import Counter

import numpy as np
import pytest
from cli_runs import STORY, run_cli

from cbow_helpers import evaluate_all, load_vectors, nearest_neighbors, save_vectors, tokenize
from cbow_helpers.cli import SHOWCASE_WORDS, main

run = run_cli


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


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One ``train`` run on STORY (one epoch, N=8, not quiet): its files, stdout and exit status."""
    folder = tmp_path_factory.mktemp("trained")
    corpus = folder / "story.txt"
    corpus.write_text(STORY, encoding="utf-8")
    out, plot = folder / "v.txt", folder / "p.png"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
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
            ]
        )
    return {"code": code, "out": out, "plot": plot, "stdout": stdout.getvalue()}


def test_train_writes_the_vectors_of_the_whole_vocabulary(trained):
    assert trained["code"] == 0
    words, vectors = load_vectors(trained["out"])
    # Every word of the story is seen 30 times or more, above the default min_count of 5: all are
    # kept, most frequent first, each with one N=8 vector that training moved apart from the others.
    counts = Counter(tokenize(STORY))
    assert sorted(words) == sorted(counts) and len(words) == len(set(words))
    assert [counts[w] for w in words] == sorted(counts.values(), reverse=True)
    assert vectors.shape == (len(counts), 8) and np.all(np.isfinite(vectors))
    assert len(np.unique(vectors.round(6), axis=0)) == len(words)
    assert f"trained V={len(words):,} words, N=8 in" in trained["stdout"]
    assert f"wrote {trained['out']} and {trained['plot']}" in trained["stdout"]


def test_train_draws_a_png_plot(trained):
    import matplotlib.image

    data = trained["plot"].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[-12:-4] == b"\x00\x00\x00\x00IEND"
    image = matplotlib.image.imread(trained["plot"])  # decodes every pixel
    assert image.shape == (600, 800, 4)  # figsize 8 x 6 inches at 100 dpi
    rgba = (image * 255).round().astype(np.uint8)
    colours = np.unique(rgba.reshape(-1, 4).view(np.uint32))
    assert len(colours) > 20  # not blank: points, labels, axes and legend


def test_train_prints_each_showcase_words_neighbours(trained):
    words, vectors = load_vectors(trained["out"])
    lines = [line.strip() for line in trained["stdout"].splitlines() if line.startswith("  ")]
    listed = dict(line.split(": ", 1) for line in lines)
    # king, love, night, father, eye are in the story ("sword" too); each listed once, in order.
    assert list(listed) == [w for w in SHOWCASE_WORDS if w in words] and len(listed) >= 5
    for word, neighbours in listed.items():
        expected = [w for w, _ in nearest_neighbors(word, (words, vectors), 8)]
        assert neighbours.split(", ") == expected  # 8 vocabulary words, not the word itself
        assert word not in expected and set(expected) <= set(words)


def test_neighbors_and_evaluate_on_the_trained_vectors(trained, capsys):
    words, vectors = load_vectors(trained["out"])
    assert main(["neighbors", str(trained["out"]), "King", "-k", "5"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosine = unit @ unit[words.index("king")]
    assert len(rows) == 5
    assert [w for w, _ in rows] == [words[i] for i in np.argsort(-cosine) if words[i] != "king"][:5]
    for word, sim in rows:
        assert sim == f"{cosine[words.index(word)]:.4f}"
    assert main(["evaluate", str(trained["out"])]) == 0
    out = capsys.readouterr().out
    scores = evaluate_all(trained["out"])
    # Too few benchmark words in a story of 40 words: every score is n/a, the counts are real.
    for name in ("WordSim-353", "SimLex-999"):
        assert f"n/a   on {scores[name]['pairs']:>3} of {scores[name]['total']} pairs" in out
    assert scores["WordSim-353"]["total"] == 353 and scores["SimLex-999"]["total"] == 999
    assert f"on {scores['Google analogies']['answered']:>3} of 19544 questions" in out


@pytest.mark.slow
def test_neighbors_command(tmp_path):
    path = tmp_path / "v.txt"
    save_vectors(path, ["king", "queen", "apple"], np.array([[1.0, 0.1], [0.9, 0.2], [-1.0, 0.5]]))
    result = run("neighbors", str(path), "King", "-k", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["queen", "apple"]


@pytest.mark.slow
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


def test_train_measures_negative_samplings_loss_on_every_tenth_batch():
    """The command line's negative sampling computes J on every 10th batch of an epoch only (the
    loss costs time of its own); the softmax objective keeps every batch's."""
    from cbow_helpers.cli import OBJECTIVES, _train

    tokens = tokenize(STORY)
    settings = dict(N=8, epochs=1, batch_size=4)
    ns = _train(OBJECTIVES["negative-sampling"].__class__(**settings), tokens, False)
    assert len(ns.loss_steps) >= 3 and len(ns.losses) == len(ns.loss_steps)
    assert ns.loss_steps.tolist() == list(range(0, 10 * len(ns.loss_steps), 10))
    softmax = _train(OBJECTIVES["softmax"].__class__(**settings), tokens, False)
    assert len(softmax.losses) == -(-softmax.config["n_windows"] // 4)
