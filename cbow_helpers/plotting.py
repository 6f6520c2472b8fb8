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
    with this; ``python -m cbow_helpers train`` saves its plot with it. Colours: ``GROUP_COLOURS``, in the order of ``groups``.

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
    for k, group in enumerate(groups):
        rows = [i for i, (g, _) in enumerate(chosen) if g == group]
        if not rows:
            continue
        colour = GROUP_COLOURS[k % len(GROUP_COLOURS)]
        ax.scatter(coords[rows, 0], coords[rows, 1], color=colour, label=group, s=40)
        for i in rows:
            ax.annotate(
                chosen[i][1], coords[i], xytext=(4, 3), textcoords="offset points", fontsize=10
            )
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(title)
    if len(groups) > 1:
        ax.legend(loc="best", fontsize=9)
    if new_figure:
        with missing_glyphs_quiet():
            ax.figure.tight_layout()
    return ax.figure
