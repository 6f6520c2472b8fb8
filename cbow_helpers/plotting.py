"""Embeddings in 2-D: the PCA scatter plot of notebook 7 and of ``python -m cbow_helpers train``.

matplotlib is imported inside ``plot_embeddings_pca``, on first use: ``import cbow_helpers``
(and every command line call) does not pay for it.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from .evaluation import WordVectors
from .pca import compute_pca

#: The Okabe-Ito palette, whose colours readers with colour-blindness can tell apart: the one
#: palette of the course's plots and figures (``images/make_figures.py`` draws with it too).
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "pink": "#CC79A7",
    "vermilion": "#D55E00",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "grey": "#999999",
}
#: The palette's colours for groups of points, in order: yellow is too pale for a point on
#: white, and grey is for axes and guides.
GROUP_COLOURS = tuple(
    PALETTE[name] for name in ("blue", "orange", "green", "pink", "vermilion", "sky")
)


@contextlib.contextmanager
def missing_glyphs_quiet():
    """Silence matplotlib's warning for a word in a script its font lacks (emoji, Chinese).

    Such a word is drawn as boxes, at drawing time: ``tight_layout`` and ``savefig`` both draw.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


#: A label starts this far (points, right and up) from its point, and gets a thin line back to
#: its point once the spreading below has moved it further than LEADER_AFTER points.
LABEL_START = (4.0, 3.0)
LEADER_AFTER = 4.0


def _overlaps(lo, hi, other_lo, other_hi):
    """(n, k, 2) overlap of box i with box j along x and y (positive on both: they overlap)."""
    return np.minimum(hi[:, None], other_hi[None]) - np.maximum(lo[:, None], other_lo[None])


def _push(overlap, centres, others, hit, share):
    """(n, 2) moves that clear the overlaps ``hit``: along the axis of least overlap, away."""
    move = np.zeros_like(centres)
    for i, j in zip(*np.nonzero(hit)):
        axis = int(np.argmin(overlap[i, j]))
        side = np.sign(centres[i, axis] - others[j, axis]) or (1.0 if i > j else -1.0)
        move[i, axis] += side * share * overlap[i, j, axis]
    return move


def label_offsets(points, sizes, bounds, *, marker=5.0, gap=2.0, iterations=200):
    """Offsets (in points) of text labels from their points, so that no two labels overlap.

    Each label starts at ``LABEL_START`` from its point (its lower left corner there); labels
    that overlap each other, or another label's point, push apart along the axis of least
    overlap, until none does (or ``iterations`` rounds), staying inside ``bounds``.

    Parameters
    ----------
    points : (n, 2) array, the labelled points in points (1/72 inch) on the figure
    sizes : (n, 2) array, each label's width and height in points
    bounds : (x0, y0, x1, y1), the box (the axes) the labels stay inside, in points
    marker : half the width of a point's marker, in points
    gap : the space kept between two labels, in points

    Returns
    -------
    (n, 2) float array: each label's lower left corner minus its point, in points.
    """
    points, sizes = np.asarray(points, float), np.asarray(sizes, float)
    offsets = np.tile(np.asarray(LABEL_START, float), (len(points), 1))
    low, high = np.array(bounds[:2], float), np.array(bounds[2:], float)
    own = np.eye(len(points), dtype=bool)
    for _ in range(iterations):
        lo = points + offsets
        hi = lo + sizes
        apart = _overlaps(lo - gap / 2, hi + gap / 2, lo - gap / 2, hi + gap / 2)
        on_marker = _overlaps(lo, hi, points - marker, points + marker)
        hit_label = (apart > 0).all(axis=2) & ~own
        hit_marker = (on_marker > 0).all(axis=2) & ~own
        if not hit_label.any() and not hit_marker.any():
            break
        centres = lo + sizes / 2
        offsets += _push(apart, centres, centres, hit_label, 0.5)
        offsets += _push(on_marker, centres, points, hit_marker, 1.0)
        offsets = np.clip(points + offsets, low, high - sizes) - points
    return offsets


def embeddings_pca(
    vectors, groups: dict[str, list[str]]
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The 2-D PCA coordinates of the words of ``groups`` that have a vector.

    Introduced in notebook 07 (seeing embeddings: PCA).

    Each vector is scaled to length 1 first (similarity is cosine, and frequent words have
    long vectors), then ``compute_pca(unit_vectors, 2)``: the steps of notebook 7.

    Parameters
    ----------
    vectors : a ``CBOWResult``, a ``(words, matrix)`` pair, a vectors file or gensim
        ``KeyedVectors`` (anything ``nearest_neighbors`` takes)
    groups : dict
        ``{group name: [word, ...]}``; words without a vector are left out.

    Returns
    -------
    chosen : list of (group, word), in the order of ``groups``
    coords : (len(chosen), 2) float64 array, row i the coordinates of ``chosen[i]``

    Raises
    ------
    ValueError
        If fewer than 2 of the words have a vector, or the vectors have fewer than 2 numbers.

    Examples
    --------
    >>> words = ["king", "queen", "man", "woman"]
    >>> vectors = (words, np.eye(4, 3) + 0.1)  # a (words, matrix) pair: 4 words, N = 3
    >>> groups = {"royal": ["king", "queen"], "people": ["man", "dog"]}
    >>> chosen, coords = embeddings_pca(vectors, groups)
    >>> chosen  # "dog" has no vector: left out
    [('royal', 'king'), ('royal', 'queen'), ('people', 'man')]
    >>> coords.shape
    (3, 2)
    """
    wv = WordVectors.of(vectors)
    chosen = [(g, w) for g, ws in groups.items() for w in ws if w in wv.index]
    if len(chosen) < 2:
        raise ValueError(
            f"a PCA plot needs at least 2 words, and only {len(chosen)} of its words are in the vocabulary"
        )
    if wv.unit.shape[1] < 2:
        raise ValueError(
            f"a 2-D PCA plot needs vectors of at least 2 numbers, these have {wv.unit.shape[1]}"
        )
    return chosen, compute_pca(np.array([wv.vector(w) for _, w in chosen]), 2)


def plot_embeddings_pca(
    vectors,
    groups: dict[str, list[str]],
    *,
    title: str = "CBOW embeddings, projected by PCA",
    ax=None,
):
    """Draw the words of ``groups`` at their ``embeddings_pca`` coordinates, one colour per group.

    Introduced in notebook 07 (seeing embeddings: PCA), which builds the steps and then draws
    with this; notebook 00 draws its toy vectors with it, as a preview; ``python -m cbow_helpers
    train`` saves its plot with it. Colours: ``GROUP_COLOURS``, in the order of ``groups``.

    Parameters
    ----------
    vectors, groups
        As for ``embeddings_pca``.
    title : str
        The plot's title.
    ax : matplotlib Axes, optional
        Where to draw; by default a new 8 x 6 inch figure.

    Returns
    -------
    matplotlib Figure
        (show it with ``plt.show()``, or save it with ``fig.savefig``).
    """
    import matplotlib.pyplot as plt  # on first use: importing matplotlib is slow

    chosen, coords = embeddings_pca(vectors, groups)
    new_figure = ax is None
    if new_figure:
        _, ax = plt.subplots(figsize=(8, 6))
    colours = {}
    for k, group in enumerate(groups):
        rows = [i for i, (g, _) in enumerate(chosen) if g == group]
        if rows:
            colours[group] = GROUP_COLOURS[k % len(GROUP_COLOURS)]
            ax.scatter(coords[rows, 0], coords[rows, 1], color=colours[group], label=group, s=40)
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(title)
    ax.set_aspect("equal", adjustable="box")  # a unit of distance is as long on both axes
    if len(groups) > 1:
        ax.legend(loc="best", fontsize=9)
    if new_figure:
        with missing_glyphs_quiet():
            ax.figure.tight_layout()
    ax.apply_aspect()  # the limits the labels are placed in
    _label_points(ax, coords, [w for _, w in chosen], [colours[g] for g, _ in chosen])
    return ax.figure


def _label_points(ax, coords, words, colours, fontsize=10):
    """Write each word next to its point, spread by ``label_offsets`` so that none overlap."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    to_points = 72 / ax.figure.dpi
    font = FontProperties(size=fontsize)
    with missing_glyphs_quiet():
        widths = [TextPath((0, 0), w, prop=font).get_extents().x1 for w in words]
    sizes = np.column_stack([np.add(widths, 1.0), np.full(len(words), 1.25 * fontsize)])
    _make_room(ax, coords, sizes, to_points)
    points = ax.transData.transform(coords) * to_points
    offsets = label_offsets(points, sizes, ax.bbox.extents * to_points)
    for word, xy, offset, colour in zip(words, coords, offsets, colours):
        moved = np.hypot(*(offset - LABEL_START)) > LEADER_AFTER
        leader = dict(arrowstyle="-", color=colour, linewidth=0.6, shrinkA=0, shrinkB=1)
        ax.annotate(
            word,
            xy,
            xytext=offset,
            textcoords="offset points",
            fontsize=fontsize,
            ha="left",
            va="bottom",
            arrowprops=leader if moved else None,
        )


def _make_room(ax, coords, sizes, to_points):
    """Widen the axes' limits to the right and top so that every label fits at its start."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    points = ax.transData.transform(coords) * to_points
    ends = points + np.asarray(LABEL_START) + sizes + 2 * sizes[:, 1:]  # room for a stack
    excess = ends.max(axis=0) - ax.bbox.extents[2:] * to_points
    per_point = np.array([x1 - x0, y1 - y0]) / (ax.bbox.size * to_points)
    grow = np.maximum(excess, 0) * per_point
    ax.set_xlim(x0, x1 + grow[0])
    ax.set_ylim(y0, y1 + grow[1])
    ax.apply_aspect()  # an equal aspect widens one axis again: settle the limits before placing labels


#: The colour of each step size in notebook 06's sweeps (a run is named "constant <step>...").
STEP_COLOURS = {
    "0.5": PALETTE["sky"],
    "1": PALETTE["pink"],
    "2": PALETTE["blue"],
    "4": PALETTE["vermilion"],
}


def plot_runs(runs, title: str, baseline: float, *, epochs: int, dotted=(), window: int = 100):
    """Each run's batch cost, the mean of every ``window`` steps, against the unigram ``baseline``.

    Introduced in notebook 06 (training), whose whole runs on a part of Shakespeare it draws.

    Parameters
    ----------
    runs : dict
        Name -> a ``train_cbow`` result (its ``losses``: the cost ``J`` of every step), all of the
        same length. A name starts "constant <step>" ("constant 2, b1 0.1"): the step picks the
        colour (``STEP_COLOURS``; grey for another).
    title : str
        The plot's title.
    baseline : float
        The unigram entropy of the centre words, in nats: a dashed line.
    epochs : int
        How many epochs each run has: a thin grey line at the end of each but the last.
    dotted : names of runs drawn dotted, over the solid ones (where two coincide, both stay visible).
    window : int
        How many steps each point of a curve averages.

    Returns the figure.
    """
    import matplotlib.pyplot as plt  # on first use: importing matplotlib is slow

    if not runs:
        raise ValueError("plot_runs needs at least one run, and got none")
    fig, ax = plt.subplots(figsize=(7, 3.5))
    steps = len(next(iter(runs.values())).losses)
    for name, run in runs.items():
        smooth = np.convolve(run.losses, np.ones(window) / window, mode="valid")
        step = name.split()[1].rstrip(",") if len(name.split()) > 1 else ""
        on_top = name in dotted
        ax.plot(np.arange(window - 1, len(run.losses)), smooth, label=name,
                color=STEP_COLOURS.get(step, PALETTE["grey"]), linestyle=":" if on_top else "-",
                linewidth=2.2 if on_top else 1.3, zorder=3 if on_top else 2)  # fmt: skip
    ax.axhline(baseline, color="black", linestyle="--", linewidth=1, label="unigram entropy")
    for epoch in range(1, epochs):
        ax.axvline(epoch * steps / epochs, color=PALETTE["grey"], linewidth=0.5)
    ax.set_ylim(baseline - 0.6, baseline + 0.6)
    ax.set_xlabel("step (thin grey lines: the ends of epochs)")
    ax.set_ylabel(f"cost J (mean of {window} steps)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig
