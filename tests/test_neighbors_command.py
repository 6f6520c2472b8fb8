"""``neighbors`` and the vectors it reads: the word as typed, then lowercase; a vocabulary of one
word and a zero vector get a clear line (in the API too); gzipped files are read directly."""

import gzip

import numpy as np
import pytest

from cbow_helpers import load_vectors, nearest_neighbors, save_vectors
from cbow_helpers.cli import main


@pytest.fixture
def cities(tmp_path):
    path = tmp_path / "cities.txt"
    save_vectors(path, ["Paris", "paris", "rome"], np.array([[1, 0], [0.9, 0.1], [0, 1.0]]))
    return path


def neighbours(capsys, *args):
    code = main(["neighbors", *map(str, args)])
    out, err = capsys.readouterr()
    return code, [line.split("\t")[0] for line in out.splitlines()], err


def test_the_word_as_typed_comes_first_then_its_lowercase_form(cities, capsys):
    assert neighbours(capsys, cities, "Paris", "-k", "1") == (0, ["paris"], "")
    assert neighbours(capsys, cities, "paris", "-k", "1") == (0, ["Paris"], "")
    assert neighbours(capsys, cities, "ROME", "-k", "1") == (0, ["paris"], "")
    code, _, err = neighbours(capsys, cities, "Madrid")
    assert code == 1 and "'Madrid' is not in the vocabulary" in err and "(nor is 'madrid')" in err


def test_a_vocabulary_of_one_word_has_no_neighbours(tmp_path, capsys):
    path = tmp_path / "one.txt"
    save_vectors(path, ["solo"], np.array([[1.0, 2.0]]))
    with pytest.raises(ValueError, match="single word, 'solo': no other word"):
        nearest_neighbors("solo", path)
    code, _, err = neighbours(capsys, path, "solo")
    assert code == 1 and err.startswith("error: the vocabulary has a single word")


def test_a_zero_vector_has_no_neighbours(tmp_path, capsys):
    path = tmp_path / "zero.txt"
    save_vectors(path, ["zero", "a", "b"], np.array([[0.0, 0.0], [1, 0], [0, 1]]))
    with pytest.raises(ValueError, match="'zero' is all zeros: its cosine similarity"):
        nearest_neighbors("zero", (["zero", "a", "b"], np.array([[0.0, 0], [1, 0], [0, 1]])))
    code, _, err = neighbours(capsys, path, "zero")
    assert code == 1 and "all zeros" in err and err.count("\n") == 1


def test_a_missing_capitalised_word_points_to_its_lowercase_form():
    with pytest.raises(KeyError, match="'King' is not in the vocabulary .*; 'king' is"):
        nearest_neighbors("King", (["king", "queen"], np.eye(2)))


def test_a_gzipped_text_file_is_read_directly(cities, tmp_path, capsys):
    packed = tmp_path / "cities.txt.gz"
    packed.write_bytes(gzip.compress(cities.read_bytes()))
    words, vectors = load_vectors(packed)
    assert words == load_vectors(cities)[0]
    np.testing.assert_array_equal(vectors, load_vectors(cities)[1])
    assert neighbours(capsys, packed, "rome", "-k", "1") == (0, ["paris"], "")
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(gzip.compress(cities.read_bytes())[:-12])
    with pytest.raises(OSError, match="broken.txt.gz: cannot read it"):
        load_vectors(broken)
