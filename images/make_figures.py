"""Draw every figure the notebooks show.

    python images/make_figures.py            # writes images/*.png

One function per figure. Figures that show data call the helpers students use
(``tokenize``, ``get_windows``, ``get_dict``, ``word_to_one_hot_vector``,
``context_words_to_vector``, ``relu``, ``softmax``). The PNGs carry no
creation date or software version, so running the script twice writes
byte-identical files.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer

from cbow_helpers import (
    context_words_to_vector,
    get_dict,
    get_windows,
    relu,
    softmax,
    tokenize,
    word_to_one_hot_vector,
)
from cbow_helpers.engine.files import atomic_path
from cbow_helpers.plotting import PALETTE

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE  # where _save writes; main(out_dir) changes it

# The course's one palette (Okabe-Ito: colour-blind readers can tell its colours apart).
BLUE, ORANGE, GREEN, PINK, VERMILION, SKY, YELLOW, GREY = (
    PALETTE[name]
    for name in ("blue", "orange", "green", "pink", "vermilion", "sky", "yellow", "grey")
)
TOY = ["i", "am", "happy", "because", "i", "am", "learning"]
SIX_WORDS = ["happy", "excited", "paper", "zebra", "hand", "sad"]  # notebook 00's vocabulary
EMOJI_SENTENCE = 'Who ❤️ "word embeddings" in 2020? I do!!!'

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 14,
        "axes.titlesize": 16,
        "axes.labelsize": 14,
        "svg.hashsalt": "cbow",
        "path.simplify": False,
    }
)


def _save(fig, name: str) -> Path:
    path = OUT_DIR / name
    with atomic_path(path, suffix=".png") as tmp:  # a failed run leaves no half-written PNG
        fig.savefig(tmp, format="png", dpi=100, metadata={"Software": None}, facecolor="white")
    plt.close(fig)
    return path


def _box(ax, x, y, w, h, text, colour, fontsize=14, text_colour="black"):
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=colour,
            edgecolor="black",
            linewidth=1.2,
        )
    )
    ax.text(
        x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, color=text_colour
    )


def _arrow(ax, start, end, text=None, offset=0.18, fontsize=13):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=18, linewidth=1.6, color="black"
        )
    )
    if text:
        ax.text(
            (start[0] + end[0]) / 2,
            (start[1] + end[1]) / 2 + offset,
            text,
            ha="center",
            va="bottom",
            fontsize=fontsize,
        )


def _blank_axes(fig, xlim, ylim):
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axis("off")
    return ax


def _vector_column(ax, x, values, labels=None, title=None, colour=BLUE, fmt="{:g}"):
    """Draw a column vector as a stack of cells, top = index 0."""
    n = len(values)
    for i, v in enumerate(values):
        y = n - 1 - i
        shade = colour if v else "white"
        alpha = 0.25 + 0.75 * float(v) if v else 1.0
        ax.add_patch(
            plt.Rectangle((x, y), 1, 1, facecolor=shade, alpha=min(alpha, 1.0), edgecolor="black")
        )
        ax.text(x + 0.5, y + 0.5, fmt.format(v), ha="center", va="center", fontsize=13)
        if labels is not None:
            ax.text(x - 0.15, y + 0.5, labels[i], ha="right", va="center", fontsize=13)
    if title:
        ax.text(x + 0.5, n + 0.25, title, ha="center", va="bottom", fontsize=14)


def _one_hot_columns(words, name: str):
    """A one-hot vector per vocabulary word of ``words``: the columns of an identity matrix."""
    word2Ind, Ind2word = get_dict(words)
    V = len(word2Ind)
    fig = plt.figure(figsize=(9 + 0.8 * (V - 5), 4.6 + 0.5 * (V - 5)))
    ax = _blank_axes(fig, (-3.2, 2 * V + 0.5), (-1.6, V + 1.4))
    for j, word in Ind2word.items():
        vec = word_to_one_hot_vector(word, word2Ind, V)
        _vector_column(
            ax,
            2 * j,
            vec.astype(int),
            labels=[Ind2word[i] for i in range(V)] if j == 0 else None,
            title=f'"{word}"',
            colour=BLUE,
        )
    ax.text(
        V, -1.1, f"one-hot vectors: V = {V} rows, a single 1 per column", ha="center", fontsize=14
    )
    return _save(fig, name)


def one_hot_representation():
    """Notebook 03's one-hot vectors: the five words of the toy sentence."""
    return _one_hot_columns(TOY, "one_hot_representation.png")


def one_hot_six_words():
    """Notebook 00's one-hot vectors: the six words its integers and one-hot sections use."""
    return _one_hot_columns(SIX_WORDS, "one_hot_six_words.png")


def embedding_line():
    """A 1-D embedding: a single number per word, from negative to positive."""
    words = {
        "terrible": -2.5,
        "sad": -1.6,
        "paper": 0.1,
        "spider": -0.8,
        "happy": 1.6,
        "excited": 2.3,
        "joyful": 2.7,
    }
    fig = plt.figure(figsize=(10, 3.2))
    ax = _blank_axes(fig, (-3.4, 3.4), (-1.3, 1.4))
    ax.add_patch(
        FancyArrowPatch((-3.1, 0), (3.2, 0), arrowstyle="<|-|>", mutation_scale=20, linewidth=1.8)
    )
    ax.text(-3.1, -0.55, "negative", ha="left", fontsize=14, color=VERMILION)
    ax.text(3.2, -0.55, "positive", ha="right", fontsize=14, color=BLUE)
    for k, (word, value) in enumerate(sorted(words.items(), key=lambda kv: kv[1])):
        colour = VERMILION if value < -0.3 else BLUE if value > 0.3 else GREY
        ax.plot([value], [0], "o", color=colour, markersize=11)
        up = 0.35 if k % 2 == 0 else 0.8
        ax.text(value, up, f"{word}\n{value:+.1f}", ha="center", va="bottom", fontsize=13)
    ax.text(
        0, -1.15, "happy and excited are close; paper is far from both", ha="center", fontsize=13
    )
    return _save(fig, "embedding_line.png")


def learning_schema():
    """Corpus + embedding method -> word embeddings."""
    fig = plt.figure(figsize=(10, 3.4))
    ax = _blank_axes(fig, (0, 10), (0, 3.4))
    _box(ax, 0.2, 2.0, 2.6, 1.1, "corpus\n(words in context)", SKY)
    _box(ax, 0.2, 0.3, 2.6, 1.1, "embedding method\n(e.g. CBOW)", ORANGE)
    _box(ax, 4.0, 1.0, 2.4, 1.4, "training\n(self-supervised)", YELLOW)
    _box(ax, 7.6, 1.0, 2.2, 1.4, "word\nembeddings", GREEN)
    _arrow(ax, (2.85, 2.5), (3.95, 1.95))
    _arrow(ax, (2.85, 0.85), (3.95, 1.45))
    _arrow(ax, (6.45, 1.7), (7.55, 1.7), "by-product", offset=0.12)
    ax.text(5.2, 0.35, "hyperparameters: N, C, ...", ha="center", fontsize=12)
    return _save(fig, "learning_schema.png")


def cbow_windows():
    """Windows of 2C+1 words sliding along the toy sentence, C = 2."""
    C = 2
    windows = list(get_windows(TOY, C))
    fig = plt.figure(figsize=(11, 4.4))
    ax = _blank_axes(fig, (-1.6, len(TOY) * 1.5), (-0.9, len(windows) + 0.9))
    for row, (context, center) in enumerate(windows):
        y = len(windows) - 1 - row
        i = row + C
        ax.text(-0.3, y + 0.4, f"window {row + 1}", ha="right", va="center", fontsize=13)
        for j, word in enumerate(TOY):
            colour = ORANGE if j == i else SKY if abs(j - i) <= C else "white"
            _box(ax, j * 1.5, y, 1.35, 0.8, word, colour, fontsize=13)
    ax.text(
        len(TOY) * 0.75,
        len(windows) + 0.2,
        "centre word (orange) and its C = 2 context words on each side (blue): window size 2C+1 = 5",
        ha="center",
        fontsize=13,
    )
    ax.text(
        len(TOY) * 0.75,
        -0.7,
        "the model predicts the centre word from the context words",
        ha="center",
        fontsize=13,
    )
    return _save(fig, "cbow_windows.png")


def tokenization_pipeline():
    """Notebook 01's four steps of ``tokenize`` on the emoji sentence."""
    step1 = re.sub(r"[,!?;-]+", ".", EMOJI_SENTENCE)
    sentences = PunktSentenceTokenizer().tokenize(step1)
    step3 = [token for sentence in sentences for token in NLTKWordTokenizer().tokenize(sentence)]
    result = tokenize(EMOJI_SENTENCE)
    steps = [
        ("raw text", EMOJI_SENTENCE),
        ("1. runs of , ! ? ; -  become '.'", step1),
        ("2. cut into sentences (punkt)", "   ||   ".join(sentences)),
        ("3. split each sentence into\n    words (NLTKWordTokenizer)", " | ".join(step3)),
        ("4. lowercase, keep words,\n    '.' and emoji: tokenize()", " | ".join(result)),
    ]
    fig = plt.figure(figsize=(11.5, 6.4))
    ax = _blank_axes(fig, (0, 11.5), (0, 6.4))
    colours = [SKY, YELLOW, PINK, ORANGE, GREEN]
    for k, (label, text) in enumerate(steps):
        y = 5.3 - 1.3 * k
        ax.text(0.15, y + 0.4, label, ha="left", va="center", fontsize=13)
        _box(ax, 3.9, y, 7.4, 0.8, text, colours[k], fontsize=13)
        if k:
            _arrow(ax, (7.6, y + 1.28), (7.6, y + 0.83))
    return _save(fig, "tokenization_pipeline.png")


def context_average():
    """The 2C one-hot vectors of a window's context words averaged into x."""
    word2Ind, Ind2word = get_dict(TOY)
    V = len(word2Ind)
    context, center = next(get_windows(TOY, 2))
    fig = plt.figure(figsize=(11, 4.8))
    ax = _blank_axes(fig, (-3.4, 14.5), (-1.7, V + 1.5))
    labels = [Ind2word[i] for i in range(V)]
    for k, word in enumerate(context):
        _vector_column(
            ax,
            2 * k,
            word_to_one_hot_vector(word, word2Ind, V).astype(int),
            labels=labels if k == 0 else None,
            title=f'"{word}"',
        )
        if k:
            ax.text(2 * k - 0.5, V / 2, "+", ha="center", va="center", fontsize=18)
    ax.text(8.3, V / 2, "÷ 4  =", ha="center", va="center", fontsize=18)
    x = context_words_to_vector(context, word2Ind, V)
    _vector_column(ax, 9.6, x, title="x", colour=GREEN, fmt="{:.2f}")
    y = word_to_one_hot_vector(center, word2Ind, V)
    _vector_column(ax, 12.6, y.astype(int), title=f'y: "{center}"', colour=ORANGE)
    ax.text(
        4.5,
        -1.2,
        f"context of the first window: {' '.join(context)}  (2C = 4 words)",
        ha="center",
        fontsize=13,
    )
    ax.text(13.1, -1.2, "the target", ha="center", fontsize=13)
    return _save(fig, "context_average.png")


def _architecture(batch: bool):
    m = "m" if batch else "1"
    fig = plt.figure(figsize=(12, 4.2))
    ax = _blank_axes(fig, (0, 12), (0, 4.2))
    X, H, Z, Y = ("X", "H", "Z₂", "Ŷ") if batch else ("x", "h", "z₂", "ŷ")
    boxes = [
        (0.2, f"{X}\nV × {m}", SKY, "input: averaged\ncontext one-hots"),
        (3.6, f"{H}\nN × {m}", YELLOW, "hidden layer\n(the embedding size N)"),
        (7.0, f"{Z}\nV × {m}", ORANGE, "logits"),
        (9.9, f"{Y}\nV × {m}", GREEN, "probabilities of\nthe centre word"),
    ]
    for x, text, colour, caption in boxes:
        _box(ax, x, 1.6, 1.7, 1.2, text, colour, fontsize=15)
        ax.text(x + 0.85, 1.3, caption, ha="center", va="top", fontsize=12)
    _arrow(ax, (1.95, 2.2), (3.55, 2.2), "W1 (N × V)\nb1 (N × 1)\nReLU", offset=0.08, fontsize=12)
    _arrow(ax, (5.35, 2.2), (6.95, 2.2), "W2 (V × N)\nb2 (V × 1)", offset=0.08, fontsize=12)
    _arrow(ax, (8.75, 2.2), (9.85, 2.2), "softmax", offset=0.15, fontsize=12)
    title = (
        "a batch of m examples, one per column: b1 and b2 are broadcast over the m columns"
        if batch
        else "one example: column vectors"
    )
    ax.text(6, 3.85, title, ha="center", fontsize=14)
    return fig


def cbow_architecture():
    """The layers and their dimensions for one example."""
    return _save(_architecture(batch=False), "cbow_architecture.png")


def cbow_architecture_batch():
    """The layers and their dimensions for a batch of m examples."""
    return _save(_architecture(batch=True), "cbow_architecture_batch.png")


def backward_pass():
    """The backward pass of one example on the architecture: each gradient, its formula, its shape."""
    fig = plt.figure(figsize=(12, 4.4))
    ax = _blank_axes(fig, (0, 12), (1.0, 5.4))
    centres = {}
    for x, text, colour in [
        (0.2, "x\nV × 1", SKY),
        (3.6, "h\nN × 1", YELLOW),
        (7.0, "z₂\nV × 1", ORANGE),
        (9.9, "ŷ\nV × 1", GREEN),
    ]:
        _box(ax, x, 2.6, 1.7, 1.1, text, colour, fontsize=15)
        centres[text[0]] = x + 0.85
    for start, end, label in [
        (1.95, 3.55, "W1, b1, ReLU"),
        (5.35, 6.95, "W2, b2"),
        (8.75, 9.85, "softmax"),
    ]:
        _arrow(ax, (start, 3.15), (end, 3.15), label, offset=0.06, fontsize=11)
    for middle, text in [
        (2.75, "dJ/dW1 = dJ/dz₁ xᵀ   (N × V)\ndJ/db1 = dJ/dz₁"),
        (6.15, "dJ/dW2 = dJ/dz₂ hᵀ   (V × N)\ndJ/db2 = dJ/dz₂"),
    ]:
        ax.text(middle, 4.05, text, ha="center", va="bottom", fontsize=12, color=VERMILION)
    backward = [
        (centres["ŷ"], centres["z"], "dJ/dz₂ = ŷ − y\n(V × 1)"),
        (centres["z"], centres["h"], "dJ/dh = W2ᵀ dJ/dz₂\n(N × 1)"),
        (centres["h"], 2.75, "dJ/dz₁ = dJ/dh ⊙ 1[z₁ > 0]\n(N × 1): 0 where a unit is off"),
    ]
    for start, end, text in backward:
        ax.add_patch(
            FancyArrowPatch(
                (start, 2.3),
                (end, 2.3),
                arrowstyle="-|>",
                mutation_scale=18,
                linewidth=1.8,
                color=VERMILION,
            )
        )
        ax.text((start + end) / 2, 1.95, text, ha="center", va="top", fontsize=12)
    ax.text(
        6,
        5.0,
        "the backward pass of one example: every gradient has its tensor's shape",
        ha="center",
        fontsize=14,
    )
    return _save(fig, "backward_pass.png")


def relu_plot():
    """ReLU(z) = max(0, z)."""
    z = np.linspace(-4, 4, 401)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(z, relu(z), color=BLUE, linewidth=2.5, label="ReLU(z) = max(0, z)")
    ax.plot(
        z,
        (z > 0).astype(float),
        color=ORANGE,
        linewidth=2,
        linestyle="--",
        label="its derivative 1[z > 0]",
    )
    ax.axhline(0, color=GREY, linewidth=0.8)
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.set_xlabel("z")
    ax.set_title("ReLU and the mask used in back-propagation")
    ax.legend(loc="upper left", fontsize=12)
    fig.tight_layout()
    return _save(fig, "relu.png")


def softmax_plot():
    """A small vector before and after softmax."""
    z = np.array([9.0, 8.0, 11.0, 10.0, 8.5])
    y_hat = softmax(z)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    idx = np.arange(len(z))
    ax1.bar(idx, z, color=SKY, edgecolor="black")
    ax1.set_title("logits z (any real numbers)")
    for i, v in enumerate(z):
        ax1.text(i, v + 0.2, f"{v:g}", ha="center", fontsize=12)
    ax1.set_ylim(0, 12.5)
    ax2.bar(idx, y_hat, color=GREEN, edgecolor="black")
    ax2.set_title("softmax(z): positive, sums to 1")
    for i, v in enumerate(y_hat):
        ax2.text(i, v + 0.015, f"{v:.2f}", ha="center", fontsize=12)
    ax2.set_ylim(0, 0.72)
    for ax in (ax1, ax2):
        ax.set_xticks(idx, [f"k={i}" for i in idx])
    fig.tight_layout()
    return _save(fig, "softmax.png")


def cross_entropy_plot():
    """The loss -log(p) of the probability p given to the right word."""
    p = np.linspace(0.005, 1, 400)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(p, -np.log(p), color=VERMILION, linewidth=2.5)
    for q, shift in ((0.1, (12, 8)), (0.5, (-150, -10)), (0.9, (-60, 30))):
        ax.plot([q], [-np.log(q)], "o", color=BLUE)
        ax.annotate(
            f"p = {q}: J = {-np.log(q):.2f}",
            (q, -np.log(q)),
            xytext=shift,
            textcoords="offset points",
            arrowprops=dict(arrowstyle="-", color=GREY),
            fontsize=12,
        )
    ax.set_xlabel("p = ŷ of the centre word")
    ax.set_ylabel("J = −log p")
    ax.set_title("cross-entropy: confident and right costs little")
    ax.set_ylim(0, 5.5)
    fig.tight_layout()
    return _save(fig, "cross_entropy.png")


FIGURES = [
    one_hot_representation,
    one_hot_six_words,
    embedding_line,
    learning_schema,
    cbow_windows,
    tokenization_pipeline,
    context_average,
    cbow_architecture,
    cbow_architecture_batch,
    backward_pass,
    relu_plot,
    softmax_plot,
    cross_entropy_plot,
]


def main(out_dir: Path = HERE) -> list[Path]:
    """Draw every figure into ``out_dir``; return the paths written."""
    global OUT_DIR
    OUT_DIR = Path(out_dir)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    try:
        return [figure() for figure in FIGURES]
    finally:
        OUT_DIR = HERE


if __name__ == "__main__":
    for written in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
