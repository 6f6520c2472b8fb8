"""The command line: ``python -m cbow_helpers train | neighbors | evaluate``."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

# Words whose neighbours `train` prints, and the groups its PCA plot shows.
SHOWCASE_WORDS = ["king", "love", "night", "sword", "father", "eye"]
PLOT_GROUPS = {
    "royalty": ["king", "queen", "prince", "duke", "lord", "lady"],
    "family": ["father", "mother", "son", "daughter", "brother", "sister"],
    "time of day": ["night", "day", "morning", "evening", "hour"],
    "body": ["eye", "eyes", "hand", "heart", "head", "face"],
    "feelings": ["love", "hate", "fear", "joy", "grief"],
}


class CLIError(Exception):
    """A problem the user can fix; printed as one line, exit status 1."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text!r}")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


# Each objective's defaults for the options left unset. Negative sampling: word2vec's and gensim's
# CBOW defaults except a window of 3, which puts words of one kind (king, queen) nearest; softmax:
# the course's trainer (`train_cbow`). The README says why negative sampling is the default.
OBJECTIVE_DEFAULTS = {
    "negative-sampling": dict(window=3, min_count=5, batch_size=1024, epochs=5, learning_rate=0.025,
                              negative=5, sample=1e-3, vocab_size=None),
    "softmax": dict(window=2, min_count=1, batch_size=256, epochs=1, learning_rate=4.0, vocab_size=3000,
                    negative=None, sample=None),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cbow_helpers",
        description="Train and explore CBOW word embeddings built from scratch in numpy.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = sub.add_parser("train", help="train on Shakespeare (or a text file), save vectors and a PCA plot")
    train.add_argument("--corpus", default="shakespeare", help="'shakespeare' (the default) or the path of a UTF-8 text file")
    train.add_argument("--objective", choices=list(OBJECTIVE_DEFAULTS), default="negative-sampling",
                       help="the output layer: word2vec's negative sampling over the whole vocabulary (the default), "
                            "or the course's full softmax (notebooks 04-08)")
    train.add_argument("--dim", type=_positive_int, default=100, help="embedding size N (default: 100)")
    train.add_argument("--window", type=_positive_int, help="context half-size C (default: 3, or 2 with softmax)")
    train.add_argument("--vocab-size", type=_positive_int,
                       help="softmax only: largest vocabulary, counting <unk> (default: 3000)")
    train.add_argument("--min-count", type=_positive_int,
                       help="rarer words are dropped (negative sampling) or become <unk> (softmax) (default: 5, or 1 with softmax)")
    train.add_argument("--batch-size", type=_positive_int, help="windows per step m (default: 1024, or 256 with softmax)")
    train.add_argument("--epochs", type=_positive_int, help="passes over the corpus (default: 5, or 1 with softmax)")
    train.add_argument("--learning-rate", type=_positive_float,
                       help="SGD step size alpha (default: 0.025 falling linearly to 0.0001, or 4.0 with softmax)")
    train.add_argument("--negative", type=_positive_int, help="negative sampling only: negatives per window K (default: 5)")
    train.add_argument("--sample", type=_non_negative_float,
                       help="negative sampling only: subsampling threshold, 0 for none (default: 0.001)")
    train.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    train.add_argument("--out", type=Path, default=Path("vectors.txt"), help="vectors file, word2vec text format (default: vectors.txt)")
    train.add_argument("--plot", type=Path, default=Path("pca.png"), help="PCA plot of chosen words (default: pca.png)")
    train.add_argument("--quiet", action="store_true", help="no progress bar and no neighbour listing")

    neighbors = sub.add_parser("neighbors", help="nearest neighbours of a word by cosine similarity")
    neighbors.add_argument("vectors", type=Path, help="a vectors file (word2vec text format)")
    neighbors.add_argument("word")
    neighbors.add_argument("-k", type=_positive_int, default=10, help="how many neighbours (default: 10)")

    evaluate = sub.add_parser("evaluate", help="WordSim-353, SimLex-999 and Google analogy scores of a vectors file")
    evaluate.add_argument("vectors", type=Path, help="a vectors file (word2vec text format)")
    return parser


def _read_corpus(spec: str) -> list[str]:
    from .text import tokenize, tokenize_shakespeare

    if spec == "shakespeare":
        return list(tokenize_shakespeare())
    path = Path(spec)
    if not path.exists():
        raise CLIError(f"corpus file not found: {path}")
    if not path.is_file():
        raise CLIError(f"corpus is not a file: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CLIError(f"corpus {path} is not UTF-8 text (byte {err.start} cannot be decoded); convert it to UTF-8") from None
    return tokenize(text)


def plot_pca(path: Path, words: list[str], vectors: np.ndarray, groups=PLOT_GROUPS) -> None:
    """Save a 2-D PCA scatter plot of the words of ``groups`` found in ``words``, atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .evaluation import WordVectors
    from .io import atomic_path
    from .pca import compute_pca

    wv = WordVectors.of((words, vectors))
    chosen = [(g, w) for g, ws in groups.items() for w in ws if w in wv.index]
    if len(chosen) < 2:
        raise CLIError("too few of the plot's words are in the vocabulary to draw a PCA plot")
    # Unit vectors: similarity is cosine, and frequent words have long vectors.
    coords = compute_pca(np.array([wv.vector(w) for _, w in chosen]), 2)
    colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]
    fig, ax = plt.subplots(figsize=(8, 6))
    for k, group in enumerate(groups):
        pts = [(coords[i], w) for i, (g, w) in enumerate(chosen) if g == group]
        if not pts:
            continue
        xy = np.array([p for p, _ in pts])
        ax.scatter(xy[:, 0], xy[:, 1], color=colours[k % len(colours)], label=group)
        for (x, y), w in pts:
            ax.annotate(w, (x, y), xytext=(4, 3), textcoords="offset points", fontsize=10)
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title("CBOW embeddings of chosen words, projected by PCA")
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)


def _apply_objective_defaults(args) -> None:
    """Fill the options left unset with the chosen objective's defaults; refuse options of the other one."""
    defaults = OBJECTIVE_DEFAULTS[args.objective]
    for name, value in defaults.items():
        given = getattr(args, name)
        if value is None and given is not None:
            owners = " or ".join(o for o, d in OBJECTIVE_DEFAULTS.items() if d[name] is not None)
            raise CLIError(f"--{name.replace('_', '-')} applies only to --objective {owners}, not {args.objective}")
        if given is None:
            setattr(args, name, value)


def _train(args, tokens):
    if args.objective == "softmax":
        from .trainer import train_cbow

        return train_cbow(
            tokens, N=args.dim, C=args.window, vocab_size=args.vocab_size, min_count=args.min_count,
            batch_size=args.batch_size, epochs=args.epochs, learning_rate=args.learning_rate, seed=args.seed,
            progress=not args.quiet,
        )
    from .negative_sampling import train_negative_sampling

    return train_negative_sampling(
        tokens, N=args.dim, C=args.window, negative=args.negative, sample=args.sample, min_count=args.min_count,
        batch_size=args.batch_size, epochs=args.epochs, learning_rate=args.learning_rate,
        min_learning_rate=min(0.0001, args.learning_rate), seed=args.seed, progress=not args.quiet,
    )


def _speed(result) -> str:
    if hasattr(result, "words_per_second"):
        return f"{result.words_per_second:,.0f} words/s"
    return f"{result.examples_per_second:,.0f} windows/s"


def cmd_train(args) -> int:
    from .evaluation import WordVectors, nearest_neighbors
    from .io import atomic_path, save_vectors

    say = (lambda *a: None) if args.quiet else print
    _apply_objective_defaults(args)
    t0 = time.perf_counter()
    tokens = _read_corpus(args.corpus)
    if len(tokens) < 2 * args.window + 1:
        raise CLIError(
            f"the corpus has {len(tokens)} tokens, too few for one window of 2C+1 = {2 * args.window + 1} words "
            "(use a larger corpus or a smaller --window)"
        )
    say(f"corpus: {len(tokens):,} tokens ({time.perf_counter() - t0:.1f} s to load)")
    result = _train(args, tokens)
    words, vectors = result.words, result.embeddings
    # Write both outputs to temporary files first, so that a failure leaves neither half-done.
    with atomic_path(args.out) as tmp_vectors:
        save_vectors(tmp_vectors, words, vectors)
        plot_pca(args.plot, words, vectors)
    say(
        f"trained V={len(words):,} words, N={args.dim} in {time.perf_counter() - t0:.1f} s "
        f"({_speed(result)}); final loss {np.mean(result.losses[-50:]):.3f}"
    )
    say(f"wrote {args.out} and {args.plot}")
    wv = WordVectors.of((words, vectors))  # normalised once for all the showcase words
    for word in SHOWCASE_WORDS:
        if word in wv.index:
            say(f"  {word:>7}: " + ", ".join(w for w, _ in nearest_neighbors(word, wv, 8)))
    return 0


def _vectors_file(path: Path) -> Path:
    if not path.is_file():
        raise CLIError(f"vectors file not found: {path}")
    return path


def cmd_neighbors(args) -> int:
    from .evaluation import nearest_neighbors

    for word, sim in nearest_neighbors(args.word.lower(), _vectors_file(args.vectors), args.k):
        print(f"{word}\t{sim:.4f}")
    return 0


def cmd_evaluate(args) -> int:
    from .evaluation import evaluate_all, format_scores

    print(format_scores(evaluate_all(_vectors_file(args.vectors))))
    print("(pairs and questions with a word outside the vocabulary are left out; see the coverage)")
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .trainer import TrainingDivergedError

    try:
        return {"train": cmd_train, "neighbors": cmd_neighbors, "evaluate": cmd_evaluate}[args.command](args)
    except (CLIError, TrainingDivergedError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
