"""What both trainers share: the result class, the divergence watch, the memory check, the progress bar,
and how a trainer's keyword arguments come from its config dataclass."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math

import numpy as np
from tqdm import tqdm

from .checks import check_memory

# Divergence: the mean loss of the last LOSS_WINDOW batches above LOSS_FACTOR times the first batch's
# loss (about log V for the softmax model, a uniform guess), or a weight beyond WEIGHT_LIMIT. A run
# that stays far from these limits is not slowed or changed by them (notebook 06 prints its losses).
LOSS_WINDOW = 20
LOSS_FACTOR = 2.0
WEIGHT_LIMIT = 1e4


class TrainingDivergedError(FloatingPointError):
    """Training diverged: the loss became NaN or infinite, rose far above its start, or the weights exploded.

    Not in the notebooks: ``train_cbow`` and ``train_negative_sampling`` raise it, with a
    message that says what happened, at which step, and what to try.
    """


class DivergenceWatch:
    """The checks both trainers run after each batch (the loss) and each epoch (the weights).

    ``advice`` ends every message: what to try instead. ``step`` and ``epoch`` count from 0: the
    batch's index within its epoch, and the epoch's (the messages count from 1).
    """

    def __init__(self, learning_rate: float, advice: str = "try a smaller learning rate"):
        self.learning_rate = learning_rate
        self.advice = advice
        self.first = None  # the first batch's loss
        self.loss_factor, self.weight_limit = LOSS_FACTOR, WEIGHT_LIMIT

    def error(self, reason: str, step: int, epoch: int) -> TrainingDivergedError:
        return TrainingDivergedError(
            f"training diverged: {reason} at step {step + 1} of epoch {epoch + 1} "
            f"with learning_rate={self.learning_rate}; {self.advice}"
        )

    def batch(self, losses, step: int, epoch: int) -> float:
        """Raise if the last loss in ``losses`` is not finite or the recent mean rose too far; return that mean.

        ``losses`` holds this run's losses up to the current batch's (at least its last
        ``LOSS_WINDOW``).
        """
        loss = losses[-1]
        if not math.isfinite(loss):
            raise self.error(f"the loss became {loss}", step, epoch)
        if self.first is None:
            self.first = loss
        recent = np.mean(losses[-LOSS_WINDOW:])
        if recent > self.loss_factor * self.first:
            batches = min(len(losses), LOSS_WINDOW)
            reason = (
                f"the mean loss of the last {batches} batches rose to {recent:.4g}, "
                f"more than {self.loss_factor:g} times its start ({self.first:.4g})"
            )
            raise self.error(reason, step, epoch)
        return recent

    def weights(self, largest: dict[str, float], step: int, epoch: int) -> None:
        """Raise if a size in ``largest`` (description: value, e.g. "largest entry of W1") reaches the limit."""
        if not all(value < self.weight_limit for value in largest.values()):
            sizes = ", ".join(f"{name} {value:.3g}" for name, value in largest.items())
            raise self.error(f"the weights exploded ({sizes})", step, epoch)


def check_training_memory(parts: dict[str, float]) -> None:
    """NotEnoughMemoryError if the parts of a run (description: bytes) need more than is available."""
    largest = max(parts, key=parts.get)
    check_memory(sum(parts.values()), "training", f"the largest part is {largest}")


def progress_bar(total: int, show: bool, unit: str, desc: str, miniters: int = 1):
    """A tqdm bar refreshed every ``miniters`` updates, not on a timer: the same run prints the same lines."""
    return tqdm(
        total=total,
        disable=not show,
        unit=unit,
        desc=desc,
        miniters=miniters,
        mininterval=0,
        maxinterval=float("inf"),
    )


@dataclasses.dataclass(kw_only=True)
class WordEmbeddings:
    """What every trained model is: weights, vocabulary, losses, speed and settings.

    The engine keeps the input weights with a word per row, (V, N); ``W1`` here is the course's
    (N, V), column k for word k: the one place they are transposed (a trainer passes ``W1`` as
    a view of its (V, N) array, so ``embeddings`` is that array again, without a copy).

    Attributes
    ----------
    W1 : (N, V) float32 array, the input weights; column k belongs to word k
    W2 : (V, N) float32 array, the output weights; row k belongs to word k
    word2Ind, Ind2word : dicts between words and indices 0 .. V-1, most frequent first
    losses : (steps,) float64 array, the mean loss of every batch (before its update)
    examples_per_second : float, training throughput: windows trained per second
    config : dict, the run's settings and a few facts about it (V, n_tokens)
    """

    W1: np.ndarray
    W2: np.ndarray
    word2Ind: dict
    Ind2word: dict
    losses: np.ndarray
    examples_per_second: float
    config: dict

    @property
    def words(self) -> list[str]:
        """The vocabulary in index order."""
        return [self.Ind2word[i] for i in range(len(self.Ind2word))]

    def embedding_matrix(self, kind: str = "W1") -> np.ndarray:
        """One embedding per word, as rows of a new (V, N) array (a copy: yours to change).

        Parameters
        ----------
        kind : {"W1", "W2", "average"}
            ``"W1"`` (the default): the columns of W1 (what the input layer
            learned for each word, and what word2vec saves); ``"W2"``: the rows
            of W2 (the output layer's vector for each word); ``"average"``: their
            mean, ``(W1.T + W2) / 2``.
        """
        if kind == "W1":
            return np.ascontiguousarray(self.W1.T)
        if kind == "W2":
            return self.W2.copy()
        if kind == "average":
            return (self.W1.T + self.W2) / 2
        raise ValueError(f"kind must be 'W1', 'W2' or 'average', got {kind!r}")

    @property
    def embeddings(self) -> np.ndarray:
        """The columns of W1 as rows: (V, N), row ``word2Ind[w]`` is the vector of word w.

        A read-only view of ``W1.T``, not a copy: reading it costs nothing, it always shows
        the current ``W1`` (after ``result.W1 = ...`` too), and writing to it raises
        ValueError (change ``W1`` instead). ``embedding_matrix("W1")`` gives a copy of your own.
        """
        view = self.W1.T.view()
        view.flags.writeable = False
        return view


def settings_from(config_class, **run_options):
    """Give a trainer ``(tokens, *, <every field of config_class>, <run_options>, progress=True)``
    as its signature.

    The decorated function is written as ``f(tokens, config, progress, **run_options)``; callers
    pass the config's fields as keywords, whose defaults are the dataclass's (written there once,
    and shown by ``help(f)``). The config checks every value when it is made. ``run_options``
    (name=default) are keywords that, like ``progress``, say how a run reports, not what it
    trains: they are not settings, so not in the config (the trainer checks them).
    """
    fields = dataclasses.fields(config_class)
    names = {field.name for field in fields}

    def decorate(train):
        @functools.wraps(train)
        def trainer(tokens, *, progress: bool = True, **settings):
            options = {name: settings.pop(name, default) for name, default in run_options.items()}
            unknown = sorted(set(settings) - names)
            if unknown:
                raise TypeError(
                    f"{train.__name__}() got an unexpected keyword argument {unknown[0]!r} "
                    f"(its settings: {', '.join(f.name for f in fields)}, "
                    f"{''.join(name + ', ' for name in run_options)}progress)"
                )
            return train(tokens, config_class(**settings), progress, **options)

        keyword = inspect.Parameter.KEYWORD_ONLY
        parameters = [inspect.signature(train).parameters["tokens"]]
        parameters += [
            inspect.Parameter(f.name, keyword, default=f.default, annotation=f.type) for f in fields
        ]
        parameters += [
            inspect.Parameter(name, keyword, default=default)
            for name, default in run_options.items()
        ]
        parameters.append(inspect.Parameter("progress", keyword, default=True, annotation="bool"))
        trainer.__signature__ = inspect.signature(train).replace(parameters=parameters)
        return trainer

    return decorate
