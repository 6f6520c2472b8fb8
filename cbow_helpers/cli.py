"""The command line: ``python -m cbow_helpers train | neighbors | evaluate``."""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

from .corpus import tokenize_file, tokenize_shakespeare
from .engine import checks
from .engine.files import PendingFile, regular_file, reserve_outputs
from .engine.process import (
    Terminated,
    catch_signals,
    flush_stdout,
    prepare_streams,
    print_out,
    stdout_failed,
    tolerant_stderr,
)
from .engine.training import TrainingDivergedError
from .evaluation import WordVectors, evaluate_all, format_scores, nearest_neighbors
from .io import check_vectors, write_vectors
from .negative_sampling_trainer import NegativeSamplingConfig, train_negative_sampling
from .plotting import missing_glyphs_quiet, plot_embeddings_pca
from .trainer import CBOWConfig, train_cbow
from .vocabulary import UNK

# Words whose neighbours `train` prints, and the groups its PCA plot shows.
SHOWCASE_WORDS = ["king", "love", "night", "sword", "father", "eye"]
PLOT_GROUPS = {
    "royalty": ["king", "queen", "prince", "duke", "lord", "lady"],
    "family": ["father", "mother", "son", "daughter", "brother", "sister"],
    "time of day": ["night", "day", "morning", "evening", "hour"],
    "body": ["eye", "eyes", "hand", "heart", "head", "face"],
    "feelings": ["love", "hate", "fear", "joy", "grief"],
}


# The plot's formats, by file extension, and the metadata that would make the same plot differ.
PLOT_FORMATS = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Creator": None, "Date": None},
}
# A vocabulary without the plot's (English) words gets a plot of its most frequent words.
PLOT_FREQUENT_WORDS = 30


class CLIError(Exception):
    """A problem the user can fix; printed as one line, exit status 1."""


def _option_type(parse, check):
    """An argparse ``type``: ``parse`` the text (int or float), then ``check`` the value.

    ``check(name, value)`` is one of ``_checks``' functions, called with no name: argparse puts
    ``argument --dim:`` in front of its message. Text that does not parse goes to ``check`` as it
    is, to be refused as the wrong type. argparse prints the message of an ArgumentTypeError as it
    is; a TypeError or ValueError would only give "invalid _positive_int value: '0'".
    """

    def convert(text: str):
        try:
            value = parse(text)
        except ValueError:
            value = text  # "two" where an integer is expected: check says what it expects
        try:
            return check("", value)
        except (TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


_positive_int = _option_type(int, checks.positive_int)
# word2vec's windows and negatives are 2 to 20; far more averages the context away or makes each
# window (K + 1) times slower for nothing, so the command line stops at this.
_OPTION_MAX = 50
_up_to_max = _option_type(
    int,
    lambda name, value: checks.integer_from_to(
        name, value, 1, _OPTION_MAX, why="word2vec uses 2 to 20"
    ),
)
_positive_float = _option_type(float, checks.positive_number)
_non_negative_float = _option_type(float, checks.non_negative_number)
_seed = _option_type(int, lambda name, value: checks.integer_at_least(name, value, 0))
_vocab_size = _option_type(
    int, lambda name, value: checks.integer_at_least(name, value, 2, why="a word and <unk>")
)


def _output_file(text: str) -> Path:
    if not text:
        raise argparse.ArgumentTypeError("expected a file name, got an empty string")
    if text.endswith(("/", os.sep)) or Path(text).name in ("", ".", ".."):
        raise argparse.ArgumentTypeError(f"expected a file name, got the folder {text!r}")
    return Path(text)


def _plot_file(text: str) -> Path:
    path = _output_file(text)
    if path.suffix.lower().lstrip(".") not in PLOT_FORMATS:
        raise argparse.ArgumentTypeError(
            f"the plot's file name must end in {', '.join('.' + f for f in PLOT_FORMATS)}, got {text!r}"
        )
    return path


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one ``--help`` away)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")


# Each objective's config fills the options left unset. Negative sampling: gensim's defaults changed
# for Shakespeare by measurement (docs/benchmarks_negative_sampling.md, 1); softmax: `train_cbow`'s.
OBJECTIVES = {
    "negative-sampling": NegativeSamplingConfig(N=120, C=3, epochs=25, negative=10, workers=2),
    "softmax": CBOWConfig(),
}
DEFAULT_OBJECTIVE = "negative-sampling"
# The training options of `train`, by the config field each one sets.
TRAINING_OPTIONS = {
    "dim": "N",
    "window": "C",
    "vocab_size": "vocab_size",
    "min_count": "min_count",
    "batch_size": "batch_size",
    "epochs": "epochs",
    "learning_rate": "learning_rate",
    "negative": "negative",
    "sample": "sample",
    "negatives": "negatives",
    "workers": "workers",
    "seed": "seed",
}


def objective_defaults(objective: str) -> dict:
    """The value of every training option (by ``args`` name) under ``objective``; None: not used."""
    config = dataclasses.asdict(OBJECTIVES[objective])
    return {option: config.get(field) for option, field in TRAINING_OPTIONS.items()}


def _default_help(option: str) -> str:
    """``(default: 3, or 2 with softmax)``: the defaults of the configs, the default objective first."""

    def shown(objective):
        value = objective_defaults(objective)[option]
        if option == "learning_rate" and objective == "negative-sampling":
            final = OBJECTIVES[objective].min_learning_rate
            return f"{value} falling linearly to {final}"
        return str(value)

    users = [o for o in OBJECTIVES if objective_defaults(o)[option] is not None]
    users.sort(key=lambda o: o != DEFAULT_OBJECTIVE)
    first, others = shown(users[0]), [(o, shown(o)) for o in users[1:]]
    rest = "".join(f", or {text} with {o}" for o, text in others if text != first)
    return f"(default: {first}{rest})"


# The training options of `train`: their type check and help (the default is added from the configs).
_TRAINING_OPTION_HELP = {
    "dim": (_positive_int, "embedding size N"),
    "window": (_up_to_max, f"context half-size C, 1 to {_OPTION_MAX}"),
    "vocab_size": (_vocab_size, "softmax only: largest vocabulary, counting <unk>"),
    "min_count": (
        _positive_int,
        "rarer words are dropped (negative sampling) or become <unk> (softmax)",
    ),
    "batch_size": (_positive_int, "windows per step m"),
    "epochs": (_positive_int, "passes over the corpus"),
    "learning_rate": (_positive_float, "SGD step size alpha"),
    "negative": (
        _up_to_max,
        f"negative sampling only: negatives per window K, 1 to {_OPTION_MAX}",
    ),
    "sample": (
        _non_negative_float,
        "negative sampling only: subsampling threshold, 0 for none",
    ),
    "negatives": (str, "negative sampling only: per-window (word2vec) or shared by 64 windows"),
    "workers": (_positive_int, "negative sampling only: processes training separate batches"),
    "seed": (_seed, "random seed, a non-negative integer"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m cbow_helpers",
        description="Train and explore CBOW word embeddings built from scratch in numpy.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(sub)
    _add_lookups(sub)
    return parser


def _add_train(sub) -> None:
    train = sub.add_parser(
        "train", help="train on Shakespeare (or a text file), save vectors and a PCA plot"
    )
    train.add_argument(
        "--corpus",
        default="shakespeare",
        help="'shakespeare' (the default) or the path of a UTF-8 text file",
    )
    train.add_argument(
        "--objective",
        choices=list(OBJECTIVES),
        default=DEFAULT_OBJECTIVE,
        help="the output layer: word2vec's negative sampling over the whole vocabulary (the default), "
        "or the course's full softmax (notebooks 04-08)",
    )
    for option, (kind, text) in _TRAINING_OPTION_HELP.items():
        train.add_argument(
            "--" + option.replace("_", "-"), type=kind, help=f"{text} {_default_help(option)}"
        )
    train.add_argument(
        "--out",
        type=_output_file,
        default=Path("vectors.txt"),
        help="vectors file, word2vec text format (default: vectors.txt; a symbolic link is followed)",
    )
    train.add_argument(
        "--plot",
        type=_plot_file,
        default=Path("pca.png"),
        help="PCA plot of chosen words, .png, .pdf or .svg (default: pca.png)",
    )
    train.add_argument("--no-plot", action="store_true", help="do not draw the PCA plot")
    train.add_argument(
        "--quiet", action="store_true", help="no progress bar and no neighbour listing"
    )


def _add_lookups(sub) -> None:
    """The commands that read a vectors file: ``neighbors`` and ``evaluate``."""
    neighbors = sub.add_parser(
        "neighbors", help="nearest neighbours of a word by cosine similarity"
    )
    neighbors.add_argument("vectors", type=Path, help="a vectors file (word2vec text format)")
    neighbors.add_argument("word")
    neighbors.add_argument(
        "-k", type=_positive_int, default=10, help="how many neighbours (default: 10)"
    )

    evaluate = sub.add_parser(
        "evaluate", help="WordSim-353, SimLex-999 and Google analogy scores of a vectors file"
    )
    evaluate.add_argument("vectors", type=Path, help="a vectors file (word2vec text format)")


def _read_corpus(spec: str, progress: bool) -> list[str]:
    if spec == "shakespeare":
        return list(tokenize_shakespeare())
    return tokenize_file(spec, progress=progress)


def plot_words(words: list[str], groups=PLOT_GROUPS) -> tuple[dict, str]:
    """The words to plot, by group, and a note if they are not the groups' words.

    The groups' words found in ``words``; if fewer than 2 are (a corpus in another
    language), the ``PLOT_FREQUENT_WORDS`` first words of ``words`` (the most
    frequent, for a trainer's vocabulary) that are not ``'.'`` or ``'<unk>'``.
    """
    present = set(words)
    chosen = {g: [w for w in ws if w in present] for g, ws in groups.items()}
    if sum(map(len, chosen.values())) >= 2:
        return {g: ws for g, ws in chosen.items() if ws}, ""
    frequent = [w for w in words if w not in (".", UNK)][:PLOT_FREQUENT_WORDS]
    return {"most frequent words": frequent}, (
        f"only {sum(map(len, chosen.values()))} of the plot's {sum(map(len, groups.values()))} English words "
        f"are in the vocabulary, so the plot shows its {len(frequent)} most frequent words instead"
    )


def plot_pca(
    path: Path, words: list[str], vectors: np.ndarray, groups=PLOT_GROUPS, format: str | None = None
) -> None:
    """Save ``plot_embeddings_pca`` of the words of ``groups`` found in ``words`` (not atomically).

    ``format`` is png, pdf or svg (default: ``path``'s extension). Raises CLIError
    if fewer than 2 of the words are in ``words`` or the vectors have fewer than
    2 dimensions.
    """
    import matplotlib  # on first use: importing matplotlib is slow

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    format = format or Path(path).suffix.lower().lstrip(".")
    if format not in PLOT_FORMATS:
        raise CLIError(f"cannot draw a plot as {format!r}: use {', '.join(PLOT_FORMATS)}")
    title = "the most frequent words" if list(groups) == ["most frequent words"] else "chosen words"
    try:
        fig = plot_embeddings_pca(
            (words, vectors), groups, title=f"CBOW embeddings of {title}, projected by PCA"
        )
    except ValueError as err:  # too few words or dimensions
        raise CLIError(str(err)) from None
    try:
        # svg.hashsalt: the same plot gives the same SVG.
        with missing_glyphs_quiet(), matplotlib.rc_context({"svg.hashsalt": "cbow_helpers"}):
            fig.savefig(path, format=format, dpi=100, metadata=PLOT_FORMATS[format])
    finally:
        plt.close(fig)


def _outputs(args) -> list[tuple[str, Path]]:
    """The outputs as (flag, path)."""
    return [("--out", args.out)] + ([] if args.no_plot else [("--plot", args.plot)])


def _apply_objective_defaults(args):
    """Fill the options left unset from the chosen objective's config; refuse options of the other one.

    Returns the config to train with (``CBOWConfig`` or ``NegativeSamplingConfig``).
    """
    defaults = objective_defaults(args.objective)
    for name, value in defaults.items():
        given = getattr(args, name)
        if value is None and given is not None:
            owners = " or ".join(o for o in OBJECTIVES if objective_defaults(o)[name] is not None)
            raise CLIError(
                f"--{name.replace('_', '-')} applies only to --objective {owners}, not {args.objective}"
            )
        if given is None:
            setattr(args, name, value)
    config = OBJECTIVES[args.objective]
    changes = {
        field: getattr(args, option)
        for option, field in TRAINING_OPTIONS.items()
        if defaults[option] is not None
    }
    if args.objective == "negative-sampling":  # the rate falls to 0.0001, or stays if lower
        changes["min_learning_rate"] = min(config.min_learning_rate, args.learning_rate)
    return dataclasses.replace(config, **changes)


def _train(config, tokens, progress: bool):
    """Train with ``config``: ``train_cbow`` for a CBOWConfig, else ``train_negative_sampling``."""
    settings = dict(dataclasses.asdict(config), progress=progress)
    if isinstance(config, CBOWConfig):
        return train_cbow(tokens, **settings)
    return train_negative_sampling(tokens, **settings, loss_every=10)  # J of every 10th: faster


def _save_plot(args, pending: PendingFile, words, vectors) -> bool:
    """Draw the plot into ``pending``; on any failure (too few words, a full disk, ...) say so,
    discard it and return False: the vectors are the work, and are kept."""
    groups, note = plot_words(words)
    try:
        plot_pca(pending.tmp, words, vectors, groups, format=args.plot.suffix.lower().lstrip("."))
        drawn = True
    except Exception as err:  # noqa: BLE001 - whatever stops the plot, the vectors stay
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        note = f"no plot written to --plot {args.plot}: {_one_line(reason)}"
        pending.discard()
        drawn = False
    if note:
        print(f"note: {note}", file=sys.stderr)
    return drawn


def _write_outputs(args, outputs, pending, words, vectors) -> list[str]:
    """Write the vectors (and the plot), then rename every file onto its output; returns what was written."""
    try:
        write_vectors(pending[0].tmp, words, vectors)
    except OSError as err:
        raise CLIError(f"--out {args.out}: cannot write it: {err.strerror or err}") from None
    if not args.no_plot and not _save_plot(args, pending[1], words, vectors):
        outputs, pending = outputs[:1], pending[:1]
    for (flag, path), file in zip(outputs, pending):
        try:
            file.commit()
        except OSError as err:
            raise CLIError(f"{flag} {path}: cannot replace it: {err.strerror or err}") from None
    return [str(path) for _, path in outputs]


def cmd_train(args) -> int:
    say = (lambda *a: None) if args.quiet else print_out
    config = _apply_objective_defaults(args)
    t0 = time.perf_counter()
    outputs = _outputs(args)
    # Checked, and a temporary file made beside each, before any work; nothing is renamed onto an
    # output until every output is complete.
    corpus = None if args.corpus == "shakespeare" else args.corpus
    pending = reserve_outputs(outputs, corpus)
    try:
        tokens = _read_corpus(args.corpus, progress=args.progress)
        if len(tokens) < 2 * args.window + 1:
            raise CLIError(
                f"the corpus has {len(tokens)} tokens, too few for one window of 2C+1 = {2 * args.window + 1} words "
                "(use a larger corpus or a smaller --window)"
            )
        say(f"corpus: {len(tokens):,} tokens ({time.perf_counter() - t0:.1f} s to load)")
        result = _train(config, tokens, progress=args.progress)
        del tokens
        words, vectors = check_vectors(result.words, result.embeddings)
        written = _write_outputs(args, outputs, pending, words, vectors)
    except BaseException:
        for file in pending:
            file.discard()
        raise
    say(
        f"trained V={len(words):,} words, N={args.dim} in {time.perf_counter() - t0:.1f} s "
        f"({result.examples_per_second:,.0f} windows/s); final loss {np.mean(result.losses[-50:]):.3f}"
    )
    say(f"wrote {' and '.join(written)}")
    wv = WordVectors.of((words, vectors))  # normalised once for all the showcase words
    for word in SHOWCASE_WORDS:
        if word in wv.index:
            say(f"  {word:>7}: " + ", ".join(w for w, _ in nearest_neighbors(word, wv, 8)))
    return 0


def _vectors_file(path: Path) -> Path:
    regular_file(path, "vectors file")  # not found, or a directory, device or FIFO: one line
    return path


def cmd_neighbors(args) -> int:
    wv = WordVectors.of(_vectors_file(args.vectors))
    word = args.word  # as typed, else its lowercase form (the course's tokens are lowercase)
    if word not in wv.index and word.lower() in wv.index:
        word = word.lower()
    if word not in wv.index:
        also = f" (nor is {word.lower()!r})" if word.lower() != word else ""
        raise CLIError(
            f"{word!r} is not in the vocabulary of {args.vectors}{also}: "
            f"it holds {len(wv.words):,} words"
        )
    for neighbour, sim in nearest_neighbors(word, wv, args.k):
        print_out(f"{neighbour}\t{sim:.4f}")
    return 0


def cmd_evaluate(args) -> int:
    print_out(format_scores(evaluate_all(_vectors_file(args.vectors))))
    print_out(
        "(pairs and questions with a word outside the vocabulary are left out; see the coverage)"
    )
    return 0


def main(argv=None) -> int:
    stdout_failed(reset=True)
    stderr_open = prepare_streams()
    with tolerant_stderr():
        code = _main(argv, stderr_open)
    return 1 if stdout_failed() and code == 0 else code


def _main(argv, stderr_open: bool) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help into a closed pipe ends quietly too
        flush_stdout()
        raise
    args.progress = stderr_open and not getattr(args, "quiet", True)
    # SIGTERM (kill, a job scheduler) and SIGHUP (a closed terminal) unwind like Ctrl-C,
    # so that no temporary file is left behind.
    restore_signals = catch_signals()
    try:
        return {"train": cmd_train, "neighbors": cmd_neighbors, "evaluate": cmd_evaluate}[
            args.command
        ](args)
    except (CLIError, TrainingDivergedError, ValueError, OSError) as err:
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return 1
    except MemoryError as err:
        print(f"error: out of memory: {_one_line(err)}", file=sys.stderr)
        return 1
    except KeyError as err:
        print(f"error: {_one_line(err.args[0] if err.args else err)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated as err:
        print(f"terminated by {signal.Signals(err.args[0]).name}", file=sys.stderr)
        return 128 + err.args[0]
    finally:
        restore_signals()


def _one_line(message) -> str:
    return " ".join(str(message).split())
