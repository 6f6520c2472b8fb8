"""Output files keep their owner's intent: the shell's ``>`` manners, names that fit, the vectors
kept when only the plot fails, and messages that name the target and its flag."""

import errno
import os
import stat

import numpy as np
import pytest
from cli_runs import STORY

from cbow_helpers import cli, load_vectors, save_vectors
from cbow_helpers import io as io_module
from cbow_helpers.engine.files import PendingFile, remove_stale_temp_files

WORDS, VECTORS = ["king", "queen"], np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def train(story, *options):
    return cli.main(
        ["train", "--corpus", str(story), "--dim", "4", "--epochs", "1", "--quiet", *options]
    )


def no_temporary_files(folder):
    return not [p for p in os.listdir(folder) if "cbow-tmp" in p]


def test_a_read_only_file_is_not_replaced(tmp_path, story, capsys):
    out = tmp_path / "v.txt"
    out.write_text("keep me", encoding="utf-8")
    out.chmod(0o444)
    with pytest.raises(ValueError, match="read-only: refusing to replace it"):
        save_vectors(out, WORDS, VECTORS)
    assert train(story, "--out", str(out), "--no-plot") == 1
    err = capsys.readouterr().err
    assert f"--out: {out} is read-only" in err and "chmod u+w" in err
    assert out.read_text(encoding="utf-8") == "keep me" and no_temporary_files(tmp_path)


def test_a_replaced_file_keeps_its_mode_and_a_new_file_gets_the_umasks(tmp_path):
    private = tmp_path / "private.txt"
    private.write_text("old", encoding="utf-8")
    private.chmod(0o600)
    old_umask = os.umask(0o022)
    try:
        save_vectors(private, WORDS, VECTORS)
        save_vectors(tmp_path / "new.txt", WORDS, VECTORS)
        os.umask(0o077)
        save_vectors(tmp_path / "new_private.txt", WORDS, VECTORS)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "new_private.txt").stat().st_mode) == 0o600
    assert load_vectors(private)[0] == WORDS


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown needs root")
def test_a_replaced_file_keeps_its_owner(tmp_path):
    shared = tmp_path / "shared.txt"
    shared.write_text("old", encoding="utf-8")
    os.chown(shared, 1234, 5678)
    save_vectors(shared, WORDS, VECTORS)
    info = shared.stat()
    assert (info.st_uid, info.st_gid) == (1234, 5678) and load_vectors(shared)[0] == WORDS


def test_the_longest_legal_name_can_be_written_and_its_stale_temporary_file_removed(tmp_path):
    name = "v" * 251 + ".txt"  # 255 bytes: the longest name most file systems allow
    save_vectors(tmp_path / name, WORDS, VECTORS)
    assert load_vectors(tmp_path / name)[0] == WORDS and no_temporary_files(tmp_path)
    left = PendingFile(tmp_path / name)  # as if killed: a short name with a pid that is gone
    os.rename(left.tmp, tmp_path / ".cbow-tmp-999999999-abcdefgh.txt")
    left.tmp = None
    assert [p.name for p in remove_stale_temp_files(tmp_path / name)] == [
        ".cbow-tmp-999999999-abcdefgh.txt"
    ]


def disk_full(path, *args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def test_the_vectors_are_kept_when_the_plots_disk_is_full(tmp_path, story, monkeypatch, capsys):
    out, plot = tmp_path / "v.txt", tmp_path / "p.png"
    monkeypatch.setattr(cli, "plot_pca", disk_full)
    assert train(story, "--out", str(out), "--plot", str(plot)) == 0
    err = capsys.readouterr().err
    assert err == f"note: no plot written to --plot {plot}: No space left on device\n"
    assert "king" in load_vectors(out)[0]
    assert not plot.exists() and no_temporary_files(tmp_path)


def test_a_full_disk_under_out_names_the_flag_and_the_file(tmp_path, story, monkeypatch, capsys):
    out = tmp_path / "v.txt"

    def full(path, *args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write() raises it: no name

    monkeypatch.setattr(cli, "write_vectors", full)
    assert train(story, "--out", str(out), "--no-plot") == 1
    assert capsys.readouterr().err == (
        f"error: --out {out}: cannot write it: No space left on device\n"
    )
    assert os.listdir(tmp_path) == ["story.txt"]


def test_save_vectors_errors_name_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "v.txt"
    monkeypatch.setattr(io_module, "write_vectors", disk_full)
    with pytest.raises(OSError, match="No space left on device") as caught:
        save_vectors(out, WORDS, VECTORS)
    assert caught.value.filename == str(out) and "cbow-tmp" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_name_longer_than_the_folder_allows_names_the_flag(tmp_path, story, capsys):
    out = tmp_path / ("v" * 252 + ".txt")  # 256 bytes
    assert train(story, "--out", str(out), "--no-plot") == 1
    assert capsys.readouterr().err == f"error: --out: cannot write {out}: File name too long\n"
