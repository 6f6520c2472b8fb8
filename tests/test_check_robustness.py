"""A check survives the student's code: endless loops, sys.exit, Ctrl-C, mutated inputs, floods of
output, and values of the wrong type each become one verdict, and ``check`` never raises.

The student functions below that loop stop by themselves after a few seconds, so that a check
without a time limit fails these tests instead of hanging them.
"""

import sys
import threading
import time

import numpy as np
import pytest

import cbow_helpers
from cbow_helpers.exercises import check, run_check

LIMIT = 0.5  # seconds per call in these tests


def _spin(seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_an_endless_loop_is_stopped_and_named():
    def relu(z):
        _spin()
        return np.maximum(z, 0)

    result = run_check("relu", relu, time_limit=LIMIT)
    assert result.status == "failed"
    assert "did not finish within 0.5 s" in result.message and "loop" in result.message


def test_a_loop_after_a_bare_except_that_swallowed_the_interruption_is_stopped_too():
    def relu(z):
        try:
            _spin()
        except BaseException:  # noqa: BLE001, S110 - what a student's bare except does
            pass
        _spin()
        return np.maximum(z, 0)

    assert "did not finish" in run_check("relu", relu, time_limit=LIMIT).message


def test_a_generator_that_stops_yielding_is_stopped():
    def get_windows(words, C):
        yield words[:C] + words[C + 1 : 2 * C + 1], words[C]
        _spin()

    result = run_check("get_windows", get_windows, time_limit=LIMIT)
    assert result.status == "failed" and "did not finish" in result.message


def test_the_time_limit_holds_outside_the_main_thread():
    def relu(z):
        _spin(2)
        return np.maximum(z, 0)

    results = []
    worker = threading.Thread(
        target=lambda: results.append(run_check("relu", relu, time_limit=LIMIT))
    )
    worker.start()
    worker.join(1.5)
    assert results and "did not finish within 0.5 s" in results[0].message


def test_sys_exit_is_a_verdict_and_check_does_not_raise(capsys):
    def softmax(z):
        sys.exit(1)

    check("softmax", softmax)
    out = capsys.readouterr().out
    assert out.startswith("✗ softmax") and "sys.exit()" in out
    assert "sys.exit()" in run_check("softmax", softmax).message


def test_keyboard_interrupt_and_other_base_exceptions_are_verdicts():
    def interrupted(z):
        raise KeyboardInterrupt

    class Escape(BaseException):
        pass

    def escapes(z):
        raise Escape("out")

    assert "interrupted" in run_check("relu", interrupted).message
    result = run_check("relu", escapes)
    assert result.status == "failed" and "Escape: out" in result.message


def test_a_function_that_rewrites_the_word2ind_it_was_given_fails():
    """The reference gets its own copy: the student's changes cannot make it agree."""

    def word_to_one_hot_vector(word, word2Ind, V):
        word2Ind[word] = 0
        vector = np.zeros(V)
        vector[word2Ind[word]] = 1
        return vector

    result = run_check("word_to_one_hot_vector", word_to_one_hot_vector)
    assert result.status == "failed", result.message


def test_printed_output_is_captured_and_capped(capsys):
    def relu(z):
        print("x" * 1_000_000)
        return np.maximum(z, 0)

    result = run_check("relu", relu)
    assert result.passed and len(result.output) < 2200 and "more characters" in result.output
    assert capsys.readouterr().out == ""
    check("relu", relu)
    out = capsys.readouterr().out
    assert len(out) < 2200 and out.endswith("✓ relu: all 2 cases pass.\n")


def _numpy_pca(X, n):
    """PCA written out (the check refuses a function that calls the course's compute_pca)."""
    centred = X - X.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    return centred @ vectors[:, ::-1][:, :n]


@pytest.mark.parametrize(
    "convert, named",
    [(lambda a: a.tolist(), "got list"), (np.asmatrix, "got an np.matrix")],
    ids=["list", "matrix"],
)
def test_an_array_is_required_where_an_array_is_expected(convert, named):
    result = run_check("relu", lambda z: convert(np.maximum(z, 0)))
    assert result.status == "failed" and "expected a numpy array (np.ndarray)" in result.message
    assert named in result.message
    result = run_check("softmax", lambda z: convert(cbow_helpers.softmax(z)))
    assert result.status == "failed" and named in result.message
    result = run_check("compute_pca", lambda X, n=2: convert(_numpy_pca(X, n)))
    assert result.status == "failed" and named in result.message


def test_an_error_names_the_students_line_even_inside_numpy():
    namespace = {"np": np}
    source = "def relu(z):\n    a = 1\n    return np.maximum(z, np.zeros((2, 2)))\n"
    exec(compile(source, "/tmp/ipykernel_1/2.py", "exec"), namespace)  # noqa: S102 - a cell, as ipykernel names it
    message = run_check("relu", namespace["relu"]).message
    assert "raised ValueError" in message and "(line 3 of your cell)" in message
