"""What careless and hostile users type: nothing loses their work, damages the machine, or returns
garbage as a success. Grouped by what could go wrong; each runs the API and the command line, in
this process (``main``) or, where the process itself matters, as a user would."""

import codecs
import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest
from cli_runs import STORY, run_cli

from cbow_helpers import (
    UNK,
    TrainingDivergedError,
    build_vocabulary,
    compute_pca,
    evaluate_word_pairs,
    load_vectors,
    save_vectors,
    tokenize,
    tokenize_file,
    train_cbow,
)
from cbow_helpers import tokens as tokens_module
from cbow_helpers import trainer as trainer_module
from cbow_helpers.cli import main
from cbow_helpers.engine import text_files
from cbow_helpers.engine import training as training_module
from cbow_helpers.engine.checks import NotEnoughMemoryError
from cbow_helpers.engine.files import remove_stale_temp_files
from cbow_helpers.evaluation import format_scores
from cbow_helpers.tokens import _pieces, _tokenize_piece, _tokenize_pieces

TINY = ["--dim", "4", "--batch-size", "32", "--quiet"]


run = run_cli


def one_line_error(stderr):
    """The CLI's error contract: one line, no traceback."""
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


@pytest.fixture
def old_outputs(tmp_path):
    """Outputs of an earlier run, which a failed run must leave as they were."""
    out, plot = tmp_path / "v.txt", tmp_path / "p.png"
    out.write_text("old vectors", encoding="utf-8")
    plot.write_bytes(b"old plot")
    return out, plot


def assert_untouched(old_outputs, folder):
    out, plot = old_outputs
    assert out.read_text(encoding="utf-8") == "old vectors" and plot.read_bytes() == b"old plot"
    assert not [p for p in os.listdir(folder) if "cbow-tmp" in p]


# ----------------------------------------------------------------------------- the plot is optional


@pytest.mark.slow
def test_a_corpus_without_the_plots_english_words_keeps_its_vectors(tmp_path):
    corpus = tmp_path / "rot13.txt"
    corpus.write_text(codecs.encode(STORY, "rot13"), encoding="utf-8")
    out, plot = tmp_path / "v.txt", tmp_path / "p.png"
    result = run(
        "train",
        "--corpus",
        str(corpus),
        *TINY,
        "--epochs",
        "1",
        "--out",
        str(out),
        "--plot",
        str(plot),
    )
    assert result.returncode == 0
    assert "most frequent words instead" in one_line_error(result.stderr)
    words, _ = load_vectors(out)
    assert "gur" in words  # 'the' in rot13
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_plot_when_the_vectors_cannot_be_drawn_but_the_vectors_are_saved(
    tmp_path, story, capsys
):
    out, plot = tmp_path / "v.txt", tmp_path / "p.png"
    assert (
        main(
            [
                "train",
                "--corpus",
                str(story),
                "--dim",
                "1",
                "--batch-size",
                "32",
                "--quiet",
                "--out",
                str(out),
                "--plot",
                str(plot),
            ]
        )
        == 0
    )
    assert "no plot written" in one_line_error(capsys.readouterr().err)
    assert load_vectors(out)[1].shape[1] == 1 and not plot.exists()
    assert (
        main(
            ["train", "--corpus", str(story), *TINY, "--out", str(tmp_path / "w.txt"), "--no-plot"]
        )
        == 0
    )
    assert sorted(os.listdir(tmp_path)) == ["story.txt", "v.txt", "w.txt"]


# ----------------------------------------------------------------------------- large corpora


def test_tokenize_hands_nltk_bounded_pieces_with_the_same_tokens(monkeypatch, tmp_path):
    text = STORY * 4  # 22,000 characters
    expected = tokenize(text)
    sizes = []
    real = tokens_module._word_tokenize
    monkeypatch.setattr(
        tokens_module, "_word_tokenize", lambda t, **kw: sizes.append(len(t)) or real(t, **kw)
    )
    monkeypatch.setattr(tokens_module, "_PIECE_CHARS", 1000)
    monkeypatch.setattr(tokens_module, "_PIECE_CHARS", 1000)
    assert tokenize(text) == expected
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(text_files, "BLOCK_BYTES", 777)
    assert tokenize_file(path) == expected
    # a piece grows by the space put before each sentence's period: a third at most ("a. a." -> "a . a .")
    assert len(sizes) > 40 and max(sizes) <= 1000 * 4 // 3 + 1
    tokens = tokenize_file(path)
    kings = [t for t in tokens if t == "king"]
    assert len(kings) > 2 and all(k is kings[0] for k in kings)  # one str object per distinct word


CHARS = list(
    "aAsStTnNdDlLrevm.'\"`’“”«»:;,!?-()[]{}<>*@#$%&\u2013 \n\t\r\x0b\x1c\x85\xa0\u2028"
) + ["❤️", "cannot", "gonna", "'s", "n't", "...", "U.S.", "'t", "is", "d'ye"]


def test_a_piece_never_ends_before_a_closing_quote_that_punkt_moves_back():
    # "U.S.\n'": punkt moves the quote back across the line break, so the period stays glued and
    # the word is dropped; a piece ending after the line break would split the period off instead.
    for text in ("a U.S.\n' b", "U.S.\n'"):
        whole = list(_tokenize_piece(text))
        for size in range(1, len(text)):
            assert _tokenize_pieces(_pieces(text, size, len(text) + 1)) == whole, (text, size)


def test_cutting_after_a_space_or_line_break_never_changes_the_tokens():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(CHARS), max_size=60), st.integers(1, 10))
    def check(chars, size):
        text = "".join(chars)
        pieces = list(_pieces(text, size, len(text) + 1))
        assert "".join(pieces) == text
        assert _tokenize_pieces(pieces) == list(_tokenize_piece(text))

    check()


def test_a_corpus_file_is_read_in_pieces_through_the_cli(monkeypatch, tmp_path, story, capsys):
    (tmp_path / "bad.txt").write_bytes(STORY.encode() + b"\xff rest")
    assert (
        main(
            [
                "train",
                "--corpus",
                str(tmp_path / "bad.txt"),
                *TINY,
                "--out",
                str(tmp_path / "v.txt"),
            ]
        )
        == 1
    )
    assert f"byte {len(STORY.encode())} cannot be decoded" in one_line_error(
        capsys.readouterr().err
    )
    monkeypatch.setattr(tokens_module, "_PIECE_CHARS", 500)
    monkeypatch.setattr(text_files, "BLOCK_BYTES", 300)
    assert (
        main(
            ["train", "--corpus", str(story), *TINY, "--out", str(tmp_path / "v.txt"), "--no-plot"]
        )
        == 0
    )
    assert len(load_vectors(tmp_path / "v.txt")[0]) == len(set(tokenize(STORY)))


# ----------------------------------------------------------------------------- special files and links


def test_a_link_to_a_device_is_refused_before_training(tmp_path, story, capsys):
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    assert (
        main(
            [
                "train",
                "--corpus",
                str(story),
                *TINY,
                "--out",
                str(link),
                "--plot",
                str(tmp_path / "p.png"),
            ]
        )
        == 1
    )
    assert "character device, not a regular file" in one_line_error(capsys.readouterr().err)
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["null", "story.txt"]


def test_special_files_are_refused_and_links_written_through(tmp_path, story, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for bad in (fifo, tmp_path):
        assert main(["train", "--corpus", str(story), *TINY, "--out", str(bad)]) == 1
        assert "not a regular file" in one_line_error(capsys.readouterr().err)
        with pytest.raises(ValueError, match="not a regular file"):
            save_vectors(bad, ["a"], [[1.0]])
        with pytest.raises(ValueError, match="not a regular file"):
            load_vectors(bad)  # a FIFO would block for ever
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real.name)
    assert main(["train", "--corpus", str(story), *TINY, "--out", str(link), "--no-plot"]) == 0
    assert link.is_symlink() and load_vectors(real)[0][0] == "the"


# ----------------------------------------------------------------------------- divergence


@pytest.mark.parametrize(
    "objective, message",
    [
        ("softmax", "training diverged: the mean loss"),  # the stable softmax keeps the loss finite
        ("negative-sampling", "training diverged: "),
    ],
)
def test_a_diverged_run_with_a_finite_loss_is_an_error(
    tmp_path, story, old_outputs, capsys, objective, message
):
    out, plot = old_outputs
    assert (
        main(
            [
                "train",
                "--corpus",
                str(story),
                *TINY,
                "--objective",
                objective,
                "--learning-rate",
                "400",
                "--out",
                str(out),
                "--plot",
                str(plot),
            ]
        )
        == 1
    )
    assert message in one_line_error(capsys.readouterr().err)
    assert_untouched(old_outputs, tmp_path)


def test_negative_sampling_catches_a_rising_loss_and_exploding_weights(monkeypatch):
    from cbow_helpers import negative_sampling_trainer as ns
    from cbow_helpers.engine import training

    tokens = tokenize(STORY)
    monkeypatch.setattr(training, "LOSS_FACTOR", 0.5)  # any loss is "far above" half its start
    with pytest.raises(TrainingDivergedError, match="the mean loss of the last 1 batches rose to"):
        ns.train_negative_sampling(tokens, N=8, min_count=1, batch_size=32, progress=False)
    monkeypatch.undo()
    monkeypatch.setattr(training, "WEIGHT_LIMIT", 1e-3)  # below the first weights
    with pytest.raises(TrainingDivergedError, match="weights exploded"):
        ns.train_negative_sampling(tokens, N=8, min_count=1, batch_size=32, progress=False)
    monkeypatch.undo()
    result = ns.train_negative_sampling(tokens, N=8, min_count=1, batch_size=32, progress=False)
    assert np.isfinite(result.losses).all()


def test_divergence_in_the_api_and_a_normal_run_is_untouched():
    tokens = tokenize(STORY)
    with pytest.raises(TrainingDivergedError, match="smaller learning rate"):
        train_cbow(tokens, N=8, batch_size=32, learning_rate=400.0, progress=False)
    # Exploding weights with a loss that stays low: caught too (a limit below the first weights).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(training_module, "WEIGHT_LIMIT", 0.5)
        with pytest.raises(TrainingDivergedError, match="weights exploded"):
            train_cbow(tokens, N=8, batch_size=32, progress=False)
    result = train_cbow(tokens, N=8, batch_size=32, epochs=5, progress=False)
    assert result.losses[-10:].mean() < result.losses[0]


# ----------------------------------------------------------------------------- memory


@pytest.mark.parametrize("objective", ["softmax", "negative-sampling"])
def test_training_too_large_for_memory_is_refused_before_allocating(
    tmp_path, story, old_outputs, capsys, objective
):
    out, plot = old_outputs
    for option, value, part in (
        ("--dim", "1000000000", "the weights"),
        ("--epochs", "1000000000000", "the losses"),
    ):
        assert (
            main(
                [
                    "train",
                    "--corpus",
                    str(story),
                    *TINY,
                    "--objective",
                    objective,
                    option,
                    value,
                    "--out",
                    str(out),
                    "--plot",
                    str(plot),
                ]
            )
            == 1
        )
        line = one_line_error(capsys.readouterr().err)
        assert "would need about" in line and part in line
    assert_untouched(old_outputs, tmp_path)
    with pytest.raises(NotEnoughMemoryError, match="the weights"):
        train_cbow(tokenize(STORY), N=10**9, progress=False)
    from cbow_helpers import train_negative_sampling

    with pytest.raises(NotEnoughMemoryError, match="the weights"):
        train_negative_sampling(
            tokenize(STORY), N=10**9, min_count=1, batch_size=32, progress=False
        )


def test_a_vectors_header_that_promises_too_much_is_refused(tmp_path, capsys):
    path = tmp_path / "v.txt"
    path.write_text("999999999 300\nking " + " ".join(["1"] * 300) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="can hold at most 1$"):
        load_vectors(path)
    assert main(["neighbors", str(path), "king"]) == 1
    assert "999,999,999 vectors" in one_line_error(capsys.readouterr().err)


@pytest.mark.slow
def test_pca_of_very_wide_data_needs_no_n_by_n_covariance():
    data = np.random.default_rng(0).normal(size=(27, 100_000))  # the covariance would take 74.5 GiB
    ours = compute_pca(data, 2)
    # The projections are also the top eigenvectors of the small 27 x 27 Gram matrix, scaled.
    centred = data - data.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(centred @ centred.T)
    for k in range(2):
        expected = eigenvectors[:, -1 - k] * np.sqrt(eigenvalues[-1 - k])
        np.testing.assert_allclose(np.abs(ours[:, k]), np.abs(expected), rtol=1e-8)


# ----------------------------------------------------------------------------- outputs checked first, all or none


def test_output_problems_are_found_before_training(
    monkeypatch, tmp_path, story, old_outputs, capsys
):
    out, plot = old_outputs
    monkeypatch.setattr(
        trainer_module, "train_cbow", lambda *a, **k: pytest.fail("trained before checking outputs")
    )
    (tmp_path / "folder").mkdir()
    cases = [
        (["--out", str(tmp_path / "folder"), "--plot", str(plot)], "--out: "),
        (
            ["--out", str(tmp_path / "x.png"), "--plot", str(tmp_path / "x.png")],
            "name the same file",
        ),
        (["--out", str(story), "--plot", str(plot)], "is the corpus file"),
        (["--out", str(story / "v.txt"), "--plot", str(plot)], "is not a directory"),
    ]
    for args, message in cases:
        assert main(["train", "--corpus", str(story), *TINY, *args]) == 1
        assert message in one_line_error(capsys.readouterr().err)
    real_mkstemp = __import__("tempfile").mkstemp

    def read_only(*args, dir=None, **kwargs):
        if str(dir) == str(tmp_path / "ro"):
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    (tmp_path / "ro").mkdir()
    assert (
        main(
            [
                "train",
                "--corpus",
                str(story),
                *TINY,
                "--out",
                str(out),
                "--plot",
                str(tmp_path / "ro" / "p.png"),
            ]
        )
        == 1
    )
    assert "--plot: cannot write" in one_line_error(capsys.readouterr().err)
    assert_untouched(old_outputs, tmp_path)
    assert story.read_text(encoding="utf-8") == STORY
    for args, flag in (
        (["--out", ""], "--out"),
        (["--out", "dir/"], "--out"),
        (["--plot", "pca.jpg"], "--plot"),
    ):
        with pytest.raises(SystemExit):
            main(["train", *args])
        assert flag in one_line_error(capsys.readouterr().err)


@pytest.mark.slow
@pytest.mark.parametrize("ext,magic", [("pdf", b"%PDF"), ("svg", b"<?xml")])
def test_the_plot_is_written_in_the_format_of_its_extension(tmp_path, story, ext, magic):
    plot = tmp_path / f"pca.{ext}"
    assert (
        main(
            [
                "train",
                "--corpus",
                str(story),
                *TINY,
                "--out",
                str(tmp_path / "v.txt"),
                "--plot",
                str(plot),
            ]
        )
        == 0
    )
    assert plot.read_bytes().startswith(magic)


# ----------------------------------------------------------------------------- signals and stale temporary files


def _start_training(tmp_path, story, out, plot):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cbow_helpers",
            "train",
            "--corpus",
            str(story),
            *TINY,
            "--epochs",
            "100000",
            "--out",
            str(out),
            "--plot",
            str(plot),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while len([p for p in os.listdir(tmp_path) if "cbow-tmp" in p]) < 2:  # both outputs reserved
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    return proc


@pytest.mark.slow
def test_sigterm_cleans_up_like_ctrl_c(tmp_path, story, old_outputs):
    out, plot = old_outputs
    proc = _start_training(tmp_path, story, out, plot)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert one_line_error(stderr) == "terminated by SIGTERM"
    assert_untouched(old_outputs, tmp_path)


# Python runs a signal handler wherever the main thread is. In a finalizer (``__del__``: seen here
# in the regex module's, while nltk loaded) the exception it raises is swallowed, and so it is by a
# library's bare ``except:``. The run must end all the same, with the same status and message.
SWALLOWED = {
    "in a finalizer": """
class Finalizer:
    def __del__(self):
        _process.on_signal(signal.SIGTERM, None)

Finalizer()  # collected at once: the handler runs in its __del__
""",
    "by a bare except": """
try:
    _process.on_signal(signal.SIGTERM, None)
except BaseException:
    pass
""",
}


@pytest.mark.slow
@pytest.mark.parametrize("where", SWALLOWED)
def test_sigterm_ends_the_run_even_if_the_exception_is_swallowed(tmp_path, where):
    script = f"""
import signal, time
from cbow_helpers.engine import process as _process
from cbow_helpers.engine.files import PendingFile
_process.UNWIND_SECONDS = 0.5
_process.catch_signals()
pending = PendingFile({str(tmp_path / "v.txt")!r})
{SWALLOWED[where]}
time.sleep(30)
print("still running")
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert proc.stderr == "terminated by SIGTERM\n"
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_the_next_run_removes_what_a_killed_run_left(tmp_path, story, old_outputs):
    out, plot = old_outputs
    proc = _start_training(tmp_path, story, out, plot)
    proc.kill()
    proc.communicate(timeout=60)
    left = sorted(p for p in os.listdir(tmp_path) if "cbow-tmp" in p)
    assert (
        len(left) == 2
        and left[0].startswith(".p.png.cbow-tmp-")
        and left[1].startswith(".v.txt.cbow-tmp-")
    )
    alive = tmp_path / f".v.txt.cbow-tmp-{os.getppid()}-x.txt"  # a run still going: left alone
    alive.write_text("", encoding="utf-8")
    assert (
        main(["train", "--corpus", str(story), *TINY, "--out", str(out), "--plot", str(plot)]) == 0
    )
    assert sorted(os.listdir(tmp_path)) == [alive.name, "p.png", "story.txt", "v.txt"]
    assert remove_stale_temp_files(out) == []


# ----------------------------------------------------------------------------- crashes and cryptic errors


def test_a_one_word_vocabulary_is_a_clear_error(tmp_path, capsys):
    from cbow_helpers import train_negative_sampling

    for text in ("la " * 50, ". , ! " * 50):
        with pytest.raises(ValueError, match="a single word"):
            train_cbow(tokenize(text), N=4, progress=False)
        with pytest.raises(ValueError, match="a single word"):
            train_negative_sampling(tokenize(text), N=4, min_count=1, progress=False)
    with pytest.raises(ValueError, match="vocab_size must be at least 2"):
        train_cbow(["a", "b", "c"], C=1, vocab_size=1, progress=False)
    corpus = tmp_path / "la.txt"
    corpus.write_text("la " * 50, encoding="utf-8")
    for objective in ("softmax", "negative-sampling"):
        assert (
            main(
                [
                    "train",
                    "--corpus",
                    str(corpus),
                    *TINY,
                    "--objective",
                    objective,
                    "--out",
                    str(tmp_path / "v.txt"),
                ]
            )
            == 1
        )
        assert "a single word, 'la'" in one_line_error(capsys.readouterr().err)
        assert os.listdir(tmp_path) == ["la.txt"]
    for option, value in (("--vocab-size", "1"), ("--seed", "-1")):
        with pytest.raises(SystemExit):
            main(["train", option, value])
        assert f"argument {option}:" in one_line_error(capsys.readouterr().err)


def test_unk_in_the_corpus_gets_one_index_and_tokens_that_are_not_str_are_refused():
    word2Ind, _ = build_vocabulary(["a", UNK, "b", "a", "c", UNK], vocab_size=3)
    assert word2Ind == {"a": 0, "b": 1, UNK: 2}
    word2Ind, _ = build_vocabulary(["a", UNK, "b", "a"], vocab_size=None)
    assert list(word2Ind) == ["a", "b", UNK]
    for bad in ([1, 2, 3, 4, 5], [["a"], "b", "c", "d", "e"]):
        with pytest.raises(TypeError, match="tokens must be str"):
            train_cbow(bad, N=4, progress=False)
    with pytest.raises(ValueError, match="seed"):
        train_cbow(["a", "b", "c"], C=1, seed=-1, progress=False)
    from cbow_helpers import get_dict

    for bad in (["b", 1, "a"], ["b", ["a"]]):
        with pytest.raises(TypeError, match="tokens must be str"):
            get_dict(bad)


def test_scores_from_a_handful_of_pairs_are_not_reported(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"w{i}\tw{i + 1}\t{i}\n" for i in range(4)), encoding="utf-8")
    vectors = ([f"w{i}" for i in range(5)], np.random.default_rng(0).normal(size=(5, 3)))
    scores = evaluate_word_pairs(vectors, pairs)
    assert scores["pairs"] == 4 and np.isnan(scores["spearman"])
    report = {
        "WordSim-353": scores,
        "SimLex-999": scores,
        "Google analogies": {
            "accuracy": 1.0,
            "answered": 2,
            "coverage": 0.1,
            "sections": {"x": {"questions": 20}},
        },
    }
    text = format_scores(report)
    assert "Spearman    n/a" in text and "accuracy    n/a" in text and "fewer than 20" in text


def test_a_binary_vectors_file_gets_a_hint(tmp_path, capsys):
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 2\nking \x81\x00\x00\x80?\x00\x00\x00@\n")
    assert main(["neighbors", str(path), "king"]) == 1
    line = one_line_error(capsys.readouterr().err)
    assert str(path) in line and "line 2 is not UTF-8" in line and "binary" in line


# ----------------------------------------------------------------------------- the vectors loader is strict


@pytest.mark.parametrize(
    "content,match",
    [
        (
            "2 2\nking 1 2\nking 3 4\n",
            "line 3: the word 'king' appears again \\(first on line 2\\)",
        ),
        ("2 2\nking 1 2\nqueen nan 4\n", "line 3: the value nan of 'queen' is not a finite number"),
        ("2 2\nking inf 2\nqueen 1 4\n", "line 2: the value inf"),
        (
            "2 2\nking 1 2\nqueen 1 1e39\n",
            "line 3: the value 1e\\+39 of 'queen' is beyond float32's range",
        ),
        ("0 2\n", "line 1"),
        ("2 0\nking\nqueen\n", "line 1"),
        ("1 2\n 1 2\n", "line 2"),
        ("\u00b2 2\nking 1 2\n", "line 1"),
    ],
)
def test_the_loader_rejects_bad_files_with_the_line_number(tmp_path, content, match):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        load_vectors(path)


@pytest.mark.parametrize(
    "words,vectors",
    [
        (["a", "a"], np.ones((2, 2))),
        (["a"], [[1e39, 1.0]]),
        ([], np.zeros((0, 2))),
        (["a"], np.zeros((1, 0))),
        (["\ud800"], [[1.0]]),
    ],
)
def test_save_refuses_what_load_would_refuse(tmp_path, words, vectors):
    with pytest.raises(ValueError):
        save_vectors(tmp_path / "v.txt", words, vectors)
    assert os.listdir(tmp_path) == []


def test_the_cli_reports_a_duplicate_word_in_one_line(tmp_path, capsys):
    path = tmp_path / "v.txt"
    path.write_text("3 2\nking 1 0\nqueen 0.9 0.1\nking 1 0\n", encoding="utf-8")
    assert main(["neighbors", str(path), "king"]) == 1
    assert "line 4: the word 'king' appears again" in one_line_error(capsys.readouterr().err)
