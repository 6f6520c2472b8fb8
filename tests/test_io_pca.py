import numpy as np
import pytest
from gensim.models import KeyedVectors
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.decomposition import PCA

from cbow_helpers import compute_pca, load_vectors, save_vectors
from cbow_helpers.engine.files import atomic_path


def test_vectors_round_trip_and_gensim_reads_them(tmp_path):
    words = ["king", "queen", "❤️"]
    vectors = np.array([[0.5, -1.25], [1e-7, 3.0], [2.0, 0.0]], dtype=np.float32)
    path = tmp_path / "v.txt"
    save_vectors(path, words, vectors)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "3 2"
    got_words, got = load_vectors(path)
    assert got_words == words
    np.testing.assert_allclose(got, vectors, rtol=1e-6)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=False)
    assert kv.index_to_key == words
    np.testing.assert_allclose(kv["queen"], vectors[1], rtol=1e-6)


@pytest.mark.parametrize(
    "content,match",
    [
        ("2 2\nking 1 2\nqueen 1\n", "line 3"),
        ("2 2\nking 1 2\nqueen 1 x\n", "line 3"),
        ("two 2\nking 1 2\n", "line 1"),
        ("3 2\nking 1 2\nqueen 1 2\n", "header announces 3"),
        ("1 2\nking 1 2\nqueen 1 2\n", "line 3"),
    ],
)
def test_malformed_vector_files(tmp_path, content, match):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        load_vectors(path)


def test_save_vectors_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="one row per word"):
        save_vectors(tmp_path / "v.txt", ["a"], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        save_vectors(tmp_path / "v.txt", ["a"], np.array([[np.nan]]))
    with pytest.raises(ValueError, match="spaces"):
        save_vectors(tmp_path / "v.txt", ["a b"], np.zeros((1, 3)))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _assert_equal_up_to_sign(ours, theirs):
    for k in range(ours.shape[1]):
        sign = np.sign(ours[:, k] @ theirs[:, k]) or 1.0
        np.testing.assert_allclose(ours[:, k], sign * theirs[:, k], atol=1e-8)


def test_compute_pca_matches_scikit_learn_and_leaves_its_input():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(30, 6)) @ rng.normal(size=(6, 6))
    before = data.copy()
    ours = compute_pca(data, 3)
    np.testing.assert_array_equal(data, before)
    _assert_equal_up_to_sign(ours, PCA(3, svd_solver="full").fit_transform(data))


@settings(deadline=None, max_examples=30)
@given(
    arrays(
        np.float64, st.tuples(st.integers(5, 12), st.integers(2, 5)), elements=st.floats(-10, 10)
    )
)
def test_compute_pca_property(data):
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(data.T)))[::-1]
    # The components are not unique when eigenvalues (nearly) tie: such examples are discarded
    # (assume), not counted as passes.
    assume(eigenvalues[1] >= 1e-6 and np.min(-np.diff(eigenvalues[:3])) >= 1e-6)
    pca = PCA(2, svd_solver="full").fit(data)
    _assert_equal_up_to_sign(compute_pca(data, 2), pca.transform(data))


@pytest.mark.parametrize(
    "n,error", [(0, ValueError), (4, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_compute_pca_bad_n_components(n, error):
    with pytest.raises(error, match=f"n_components .*got {n}"):
        compute_pca(np.ones((5, 3)), n)
