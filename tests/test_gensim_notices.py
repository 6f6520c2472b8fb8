import ctypes
import sys
import threading

import pytest

from cbow_helpers import gensim_dot_notices_quiet
from cbow_helpers.gensim_notices import GENSIM_DOT_NOTICES

FLOAT_PATH = "gensim.models.word2vec_inner.our_dot_float"


def write_unraisable_without_exception(name: str) -> None:
    """What gensim's compiled loop does on ARM when a dot product is exactly -1.0.

    It calls CPython's PyErr_WriteUnraisable with no exception set (a release build of Python
    prints "Exception ignored in: <name>" and nothing else), from gensim's worker thread.
    """
    write = ctypes.pythonapi.PyErr_WriteUnraisable
    write.argtypes = [ctypes.py_object]
    write.restype = None
    worker = threading.Thread(target=write, args=(name,))
    worker.start()
    worker.join()


def test_the_notice_gensim_writes_from_its_worker_thread_is_dropped(capsys):
    with gensim_dot_notices_quiet():
        write_unraisable_without_exception(FLOAT_PATH)
    assert capsys.readouterr().err == ""


def test_outside_the_block_the_notice_shows_as_before(capsys):
    with gensim_dot_notices_quiet():
        pass
    write_unraisable_without_exception(FLOAT_PATH)
    assert capsys.readouterr().err == f"Exception ignored in: '{FLOAT_PATH}'\n"


def test_other_stderr_text_passes_through_unchanged_and_in_order(capsys):
    other = "Exception ignored in: 'gensim.models.word2vec_inner.train_batch_cbow'\n"
    with gensim_dot_notices_quiet():
        sys.stderr.write("UserWarning: before\n")
        sys.stderr.write(GENSIM_DOT_NOTICES[1])
        sys.stderr.write("Exception ignored in: ")  # the start of a notice, or of another line
        sys.stderr.write(other.removeprefix("Exception ignored in: "))
        sys.stderr.write("Exception ignored")  # unfinished when the block ends: still shown
    assert capsys.readouterr().err == "UserWarning: before\n" + other + "Exception ignored"


def test_a_notice_written_in_one_piece_among_other_lines_is_dropped(capsys):
    with gensim_dot_notices_quiet():
        sys.stderr.write(GENSIM_DOT_NOTICES[0] + GENSIM_DOT_NOTICES[0] + "after\n")
    assert capsys.readouterr().err == "after\n"


def test_stderr_is_restored_when_the_block_raises():
    before = sys.stderr
    with pytest.raises(RuntimeError), gensim_dot_notices_quiet():
        raise RuntimeError("training failed")
    assert sys.stderr is before
