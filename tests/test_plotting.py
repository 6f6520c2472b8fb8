"""One PCA plot (``plot_embeddings_pca``) and one palette (``PALETTE``) for the notebook, the
command line and the figures."""

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from cbow_helpers import PALETTE, compute_pca, embeddings_pca, plot_embeddings_pca
from cbow_helpers.plotting import GROUP_COLOURS

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["king", "queen", "day", "night", "eye", "unused"]


@pytest.fixture
def vectors():
    return WORDS, np.random.default_rng(0).normal(size=(len(WORDS), 5))


def test_embeddings_pca_is_compute_pca_of_unit_vectors(vectors):
    words, matrix = vectors
    groups = {"royalty": ["king", "queen", "duke"], "time": ["day", "night"]}
    chosen, coords = embeddings_pca(vectors, groups)
    assert chosen == [("royalty", "king"), ("royalty", "queen"), ("time", "day"), ("time", "night")]
    rows = matrix[[words.index(w) for _, w in chosen]]
    expected = compute_pca(rows / np.linalg.norm(rows, axis=1, keepdims=True), 2)
    np.testing.assert_allclose(coords, expected, atol=1e-12)


def test_too_few_words_or_dimensions_are_value_errors(vectors):
    with pytest.raises(ValueError, match="at least 2 words, and only 1"):
        embeddings_pca(vectors, {"g": ["king", "duke"]})
    with pytest.raises(ValueError, match="at least 2 numbers"):
        embeddings_pca((["a", "b"], np.ones((2, 1))), {"g": ["a", "b"]})


def test_the_plot_draws_each_group_in_its_palette_colour(vectors):
    groups = {"royalty": ["king", "queen"], "absent": ["duke"], "time": ["day", "night"]}
    fig = plot_embeddings_pca(vectors, groups, title="a title")
    try:
        ax = fig.axes[0]
        assert ax.get_title() == "a title"
        scatters = ax.collections
        assert [s.get_label() for s in scatters] == ["royalty", "time"]
        # a group keeps its colour by position, even when an earlier group has no word
        colours = [matplotlib.colors.to_hex(s.get_facecolor()[0]).upper() for s in scatters]
        assert colours == [GROUP_COLOURS[0], GROUP_COLOURS[2]]
        assert sorted(t.get_text() for t in ax.texts) == ["day", "king", "night", "queen"]
    finally:
        plt.close(fig)


def test_group_colours_come_from_the_palette():
    assert set(GROUP_COLOURS) <= set(PALETTE.values())
    assert len(set(GROUP_COLOURS)) == len(GROUP_COLOURS)


def test_no_other_file_writes_a_palette_colour():
    """The palette's colours are written once, in cbow_helpers/plotting.py."""
    hexes = {c.upper() for c in PALETTE.values()}
    files = [
        *(ROOT / "cbow_helpers").glob("*.py"),
        ROOT / "images" / "make_figures.py",
        ROOT / "notebooks" / "07_pca_visualisation.ipynb",
    ]
    for path in files:
        if path.name == "plotting.py":
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":  # the sources, not the PNG outputs
            import json

            text = "".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
        found = {h.upper() for h in re.findall(r"#[0-9A-Fa-f]{6}\b", text)} & hexes
        assert not found, f"{path.relative_to(ROOT)} writes palette colours {sorted(found)}"


@pytest.mark.slow
def test_a_word_the_font_lacks_draws_and_saves_without_a_warning(tmp_path):
    """An emoji or a Chinese word is drawn as boxes; neither the plot nor the CLI's save warns."""
    from cbow_helpers.cli import plot_pca

    words = ["king", "queen", "\U0001f600", "\u9f99"]
    vectors = np.eye(4, 3) + 0.1
    groups = {"all": words}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plt.close(plot_embeddings_pca((words, vectors), groups))
        plot_pca(tmp_path / "p.svg", words, vectors, groups)
    assert (tmp_path / "p.svg").stat().st_size > 0
    fig = plot_embeddings_pca((words, vectors), groups, ax=plt.subplots()[1])  # no tight_layout
    with pytest.warns(UserWarning, match="Glyph .* missing from font"):  # what is silenced
        fig.canvas.draw()
    plt.close(fig)


@pytest.fixture
def tight_cluster():
    """Six words whose points nearly coincide, and two far from them and from each other."""
    words = ["father", "mother", "brother", "sister", "daughter", "son", "king", "day"]
    cluster = np.ones((6, 3)) + 1e-3 * np.random.default_rng(1).normal(size=(6, 3))
    matrix = np.vstack([cluster, [[1, -1, 0], [-1, 0, 1]]])
    fig = plot_embeddings_pca((words, matrix), {"family": words[:6], "other": words[6:]})
    fig.canvas.draw()
    yield fig.axes[0]
    plt.close(fig)


def test_the_labels_of_a_tight_cluster_do_not_overlap_each_other_or_the_points(tight_cluster):
    ax = tight_cluster
    labels = [matplotlib.text.Text.get_window_extent(t) for t in ax.texts]  # the text, no line
    points = ax.transData.transform(np.vstack([s.get_offsets() for s in ax.collections]))
    for i, a in enumerate(labels):
        name = ax.texts[i].get_text()
        assert ax.bbox.contains(a.x0, a.y0) and ax.bbox.contains(a.x1, a.y1), name
        for j, b in enumerate(labels[:i]):
            assert not a.overlaps(b), (name, ax.texts[j].get_text())
        for x, y in points:
            assert not a.contains(x, y), (name, x, y)


def test_a_label_moved_from_its_point_gets_a_line_to_it(tight_cluster):
    lines = {t.get_text(): t.arrow_patch is not None for t in tight_cluster.texts}
    assert not lines["king"] and not lines["day"]  # alone: the label sits beside its point
    assert sum(lines.values()) >= 4  # a stack of six labels: most are moved, and linked


def test_a_unit_of_distance_is_as_long_on_both_axes_of_the_pca_plot(tight_cluster):
    ax = tight_cluster
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = ax.bbox.width, ax.bbox.height
    assert width / (x1 - x0) == pytest.approx(height / (y1 - y0), rel=1e-3)


class _Run:
    def __init__(self, losses):
        self.losses = np.asarray(losses, dtype=float)


def test_plot_runs_draws_each_run_smoothed_in_its_steps_colour_and_the_baseline_dashed():
    from cbow_helpers import plot_runs
    from cbow_helpers.plotting import STEP_COLOURS

    runs = {"constant 2": _Run(np.arange(300.0)), "constant 0.5, b1 0.1": _Run(np.ones(300))}
    fig = plot_runs(runs, "t", 4.75, epochs=3, dotted=("constant 2",), window=100)
    ax = fig.axes[0]
    curves = {
        line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")
    }
    first = curves["constant 2"]
    assert len(first.get_xdata()) == 201 and first.get_ydata()[0] == pytest.approx(49.5)
    assert first.get_linestyle() == ":" and curves["constant 0.5, b1 0.1"].get_linestyle() == "-"
    assert first.get_color() == STEP_COLOURS["2"]
    assert curves["unigram entropy"].get_ydata()[0] == 4.75
    assert curves["unigram entropy"].get_linestyle() == "--"
    assert (
        sum(line.get_label().startswith("_") for line in ax.get_lines()) == 2
    )  # the ends of 2 epochs
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one run"):
        plot_runs({}, "t", 4.75, epochs=3)
