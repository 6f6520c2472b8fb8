"""The training loop: ``train_cbow`` trains the course's CBOW model on a list of tokens.

It numbers the words (``build_vocabulary``, ``encode``), cuts the windows (``context_windows``),
shuffles them each epoch, and hands batches of distinct windows to ``FastCBOW.step`` (the model's
forward and backward pass on word ids, in ``fast_cbow.py``), watching the loss for divergence.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from ._checks import (
    check_flag,
    check_memory,
    integer_at_least,
    positive_int,
    positive_number,
    seed_value,
    token_list,
)
from .fast_cbow import FastCBOW
from .model import initialize_model
from .text import build_vocabulary, context_windows, encode

# Divergence: the mean loss of the last _LOSS_WINDOW batches above _LOSS_FACTOR times the first
# batch's loss (about log V, a uniform guess), or a row of [W2 | 1 | b2] longer than (checked every
# step) or an entry of W1 larger than (checked each epoch) _WEIGHT_LIMIT.
# Measured on Shakespeare with the old defaults (learning_rate=4.0, m=256, one epoch): the first
# batch's loss is 8.00 (log 3000 = 8.01) and the highest mean of 20 batches is 7.05; at the end the
# longest row of [W2 | 1 | b2] (what the step tracks) is 10.0 and W1's largest entry 7.0, far
# below the limit. At learning_rate=400 the mean loss passes twice its start at step 1.
_LOSS_WINDOW = 20
_LOSS_FACTOR = 2.0
_WEIGHT_LIMIT = 1e4


class TrainingDivergedError(FloatingPointError):
    """Training diverged: the loss became NaN or infinite, rose far above its start, or the weights exploded.

    Not in the notebooks: ``train_cbow`` and ``train_negative_sampling`` raise it, with a
    message that says what happened, at which step, and what to try.
    """


class WordEmbeddings:
    """What every trained model offers: ``words``, ``embedding_matrix(kind)`` and ``embeddings``.

    For a dataclass with ``W1`` (N, V), ``W2`` (V, N) and ``Ind2word``.
    """

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


@dataclasses.dataclass
class CBOWResult(WordEmbeddings):
    """A trained CBOW model: what ``train_cbow`` returns.

    Not in the notebooks by name: notebooks 06 to 08 use the ``CBOWResult`` that ``train_cbow``
    returns (``result.W1``, ``result.losses``, ``result.embeddings``).

    Attributes
    ----------
    W1 : (N, V) float32 array, the input weights; column k belongs to word k
    W2 : (V, N) float32 array, the output weights; row k belongs to word k
    b1 : (N, 1) float32 array
    b2 : (V, 1) float32 array
    word2Ind, Ind2word : dicts between words and indices 0 .. V-1 (most
        frequent word first; ``'<unk>'``, if present, last)
    losses : (steps,) float64 array, the mean cross-entropy of every batch
    embeddings : (V, N) array, the word vectors: the columns of W1, a read-only
        view of ``W1.T`` (see ``embedding_matrix`` for a copy and the other two choices)
    examples_per_second : float, training throughput (windows per second)
    config : dict, the ``CBOWConfig`` of the run (every argument of ``train_cbow`` but
        ``progress``) and three facts: ``V``, ``n_tokens`` and ``n_windows``
    """

    W1: np.ndarray
    W2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    word2Ind: dict
    Ind2word: dict
    losses: np.ndarray
    examples_per_second: float
    config: dict


def divergence_error(
    reason: str,
    step: int,
    epoch: int,
    learning_rate: float,
    advice: str = "try a smaller learning rate",
) -> TrainingDivergedError:
    """The error both trainers raise when training diverges: what happened, where, and what to try."""
    return TrainingDivergedError(
        f"training diverged: {reason} at step {step} (epoch {epoch + 1}) with learning_rate={learning_rate}; {advice}"
    )


def loss_rose(recent: float, first: float, batches: int) -> str:
    return (
        f"the mean loss of the last {batches} batches rose to {recent:.4g}, "
        f"more than {_LOSS_FACTOR:g} times its start ({first:.4g})"
    )


def _diverged(model, recent, first, step, epoch, learning_rate):
    if recent > _LOSS_FACTOR * first:
        reason = loss_rose(recent, first, min(step + 1, _LOSS_WINDOW))
    else:
        w1, w2 = float(np.abs(model.W1T).max()), model._w2_norm_max
        reason = f"the weights exploded (largest entry of W1 {w1:.3g}, longest row of W2 {w2:.3g})"
    raise divergence_error(reason, step, epoch, learning_rate)


def _check_training_memory(n_tokens, n_windows, V, N, C, m, total_steps) -> None:
    """NotEnoughMemoryError if ``train_cbow`` would need more memory than is available.

    The peak, in bytes: the weights (float64 from ``initialize_model`` while their float32
    copies are made, about 32 V N), a batch's logits and their exponentials (8 m V), the token ids, windows and
    their shuffled order (4 + (8C + 12) per window), and the losses (8 per step).
    """
    parts = {
        f"the weights (V={V:,} words x N={N:,}; use a smaller N)": 32.0 * V * N,
        f"a batch's scores (m={m:,} windows x V={V:,} words; use a smaller batch size)": 8.0
        * m
        * V,
        f"the {n_windows:,} windows (use a smaller corpus)": 4.0 * n_tokens
        + (8.0 * C + 12) * n_windows,
        f"the losses of {total_steps:,} steps (use fewer epochs)": 8.0 * total_steps,
    }
    largest = max(parts, key=parts.get)
    check_memory(sum(parts.values()), "training", f"the largest part is {largest}")


@dataclasses.dataclass(frozen=True)
class CBOWConfig:
    """The settings of ``train_cbow``, with their defaults: the one place they are written.

    Not in the notebooks: ``train_cbow``'s keyword arguments take their defaults from here, and so
    does the command line (``python -m cbow_helpers train --objective softmax``; ``train --help``
    prints them).
    Each field is checked when the config is made (a wrong type is a TypeError, a bad value a
    ValueError, naming the field); ``train_cbow(tokens, **dataclasses.asdict(config))`` trains
    with a config.

    Attributes
    ----------
    N : int, the embedding size
    C : int, the context half-size (a window holds 2C+1 words)
    vocab_size : int >= 2 or None, the most words kept, counting ``'<unk>'`` (None: all)
    min_count : int, words seen fewer times become ``'<unk>'``
    batch_size : int, m, the windows per step
    epochs : int, passes over all windows
    learning_rate : float, the SGD step size alpha
    seed : int >= 0, seeds the initial weights and the order of the windows
    shuffle : bool, shuffle the windows each epoch (False: corpus order)
    max_steps : int or None, stop after this many steps (None: train all ``epochs``)

    Examples
    --------
    >>> config = CBOWConfig(N=50)
    >>> config.N, config.C, config.batch_size, config.learning_rate
    (50, 2, 64, 0.5)
    >>> CBOWConfig(C=1.5)
    Traceback (most recent call last):
    ...
    TypeError: C must be an integer, got 1.5
    >>> CBOWConfig(vocab_size=1)
    Traceback (most recent call last):
    ...
    ValueError: vocab_size must be at least 2 (a word and '<unk>'), got 1
    """

    N: int = 100
    C: int = 2
    vocab_size: int | None = 3000
    min_count: int = 1
    # The reference model's recipe (REFERENCE_CONFIG; notebook 06 shows why): a larger step kills
    # hidden units, one epoch ends barely under the unigram baseline.
    batch_size: int = 64
    epochs: int = 5
    learning_rate: float = 0.5
    seed: int = 1
    shuffle: bool = True
    max_steps: int | None = None

    def __post_init__(self):
        checked = {
            name: positive_int(name, getattr(self, name))
            for name in ("N", "C", "batch_size", "epochs", "min_count")
        }
        if self.vocab_size is not None:
            checked["vocab_size"] = integer_at_least(
                "vocab_size", self.vocab_size, 2, why="a word and '<unk>'"
            )
        checked["learning_rate"] = positive_number("learning_rate", self.learning_rate)
        if self.max_steps is not None:
            checked["max_steps"] = positive_int("max_steps", self.max_steps)
        checked["seed"] = seed_value("seed", self.seed)
        checked["shuffle"] = check_flag("shuffle", self.shuffle)
        for name, value in checked.items():  # stored as plain int / float / bool
            object.__setattr__(self, name, value)


_DEFAULTS = CBOWConfig()


def train_cbow(
    tokens: Sequence[str],
    *,
    N: int = _DEFAULTS.N,
    C: int = _DEFAULTS.C,
    vocab_size: int | None = _DEFAULTS.vocab_size,
    min_count: int = _DEFAULTS.min_count,
    batch_size: int = _DEFAULTS.batch_size,
    epochs: int = _DEFAULTS.epochs,
    learning_rate: float = _DEFAULTS.learning_rate,
    seed: int = _DEFAULTS.seed,
    shuffle: bool = _DEFAULTS.shuffle,
    progress: bool = True,
    max_steps: int | None = _DEFAULTS.max_steps,
) -> CBOWResult:
    """Train the course's CBOW model on a list of tokens.

    Introduced in notebook 06 (training).

    The model is the one of ``forward_prop`` / ``back_prop`` (averaged context,
    ReLU hidden layer with bias, softmax output with bias, mean cross-entropy),
    computed in float32 without one-hot matrices, trained by plain SGD on
    mini-batches of distinct windows. Each step is ``FastCBOW.step``, which
    shares its work between two worker threads (on any machine: a fixed split
    gives the same numbers everywhere), with BLAS limited to one thread each.

    The defaults of the keyword arguments are those of ``CBOWConfig``, which checks them.

    Parameters
    ----------
    tokens : sequence of str
        The corpus, e.g. ``tokenize(text)``.
    N : int
        Embedding size.
    C : int
        Context half-size (the window holds 2C+1 words).
    vocab_size : int or None
        Keep at most this many words, counting ``'<unk>'``; None keeps all.
    min_count : int
        Words seen fewer times become ``'<unk>'``.
    batch_size : int
        m, the number of windows per step (the last batch of an epoch may be smaller).
    epochs : int
        Passes over all windows.
    learning_rate : float
        SGD step size alpha.
    seed : int
        Seeds the initial weights (``initialize_model(N, V, seed)``) and the
        order of the windows.
    shuffle : bool
        Shuffle the windows each epoch (False: in corpus order).
    progress : bool
        Show a tqdm progress bar with the loss and examples per second.
    max_steps : int or None
        Stop after this many steps (None: train all ``epochs``); the first steps of a
        run are the same as those of the full run.

    Returns
    -------
    CBOWResult

    Raises
    ------
    TypeError
        For an argument of the wrong type (naming it), or a str instead of a list of tokens.
    ValueError
        For an argument with a bad value (naming it), fewer than 2C+1 tokens, or
        fewer than 2 distinct words.
    TrainingDivergedError
        If the loss becomes NaN or infinite, if the mean loss of the last 20
        batches rises above twice the loss of the first batch, if a row of W2
        (with its bias) grows longer than 1e4 (checked every step) or an entry
        of W1 larger than 1e4 (checked after each epoch): try a smaller learning
        rate. Detection only: a run that does not diverge computes exactly the
        same numbers.
    NotEnoughMemoryError
        (a ValueError and a MemoryError) if training would need more memory
        than the machine has available; raised before allocating.
    """
    config = CBOWConfig(
        N=N,
        C=C,
        vocab_size=vocab_size,
        min_count=min_count,
        batch_size=batch_size,
        epochs=epochs,
        learning_rate=learning_rate,
        seed=seed,
        shuffle=shuffle,
        max_steps=max_steps,
    )
    N, C, vocab_size, min_count = config.N, config.C, config.vocab_size, config.min_count
    batch_size, epochs, learning_rate = config.batch_size, config.epochs, config.learning_rate
    seed, shuffle, max_steps = config.seed, config.shuffle, config.max_steps
    tokens = token_list("train_cbow", tokens)
    if len(tokens) < 2 * C + 1:
        raise ValueError(
            f"train_cbow needs at least 2C+1 = {2 * C + 1} tokens for one window, got {len(tokens)}"
        )

    word2Ind, Ind2word = build_vocabulary(tokens, vocab_size, min_count)
    V = len(word2Ind)
    if V < 2:
        raise ValueError(
            f"the vocabulary has a single word, {Ind2word[0]!r}: CBOW needs at least 2 distinct words to "
            "tell apart (use a corpus with more distinct words"
            + (", or a smaller min_count)" if min_count > 1 else ")")
        )
    n_windows = len(tokens) - 2 * C
    steps_per_epoch = math.ceil(n_windows / batch_size)
    total_steps = (
        steps_per_epoch * epochs if max_steps is None else min(max_steps, steps_per_epoch * epochs)
    )
    _check_training_memory(len(tokens), n_windows, V, N, C, min(batch_size, n_windows), total_steps)
    context, center = context_windows(encode(tokens, word2Ind), C)
    model = FastCBOW(*initialize_model(N, V, random_seed=seed))
    rng = np.random.default_rng(seed)
    losses = np.empty(total_steps)
    loss_limit = None  # _LOSS_FACTOR times the first batch's loss
    # The bar refreshes every 1/40 of the run, not on a timer, so that the same run prints the same lines.
    bar = tqdm(
        total=total_steps,
        disable=not progress,
        unit="batch",
        desc="training CBOW",
        miniters=max(1, total_steps // 40),
        mininterval=0,
        maxinterval=float("inf"),
    )
    start = time.perf_counter()
    step = 0
    # One BLAS thread per worker: the step splits its matrix products between its two worker
    # threads itself.
    blas_limit = (
        threadpool_limits(limits=1, user_api="blas")
        if model._workers > 1
        else contextlib.nullcontext()
    )
    try:
        with blas_limit, np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                order = rng.permutation(n_windows) if shuffle else np.arange(n_windows)
                for begin in range(0, n_windows, batch_size):
                    if step == total_steps:
                        break
                    batch = order[begin : begin + batch_size]
                    loss = model.step(context[batch], center[batch], learning_rate)
                    if not math.isfinite(loss):
                        raise TrainingDivergedError(
                            f"training diverged: the loss became {loss} at step {step} (epoch {epoch + 1}) "
                            f"with learning_rate={learning_rate}; try a smaller learning rate"
                        )
                    losses[step] = loss
                    if loss_limit is None:
                        loss_limit = _LOSS_FACTOR * loss
                    recent = losses[max(0, step + 1 - _LOSS_WINDOW) : step + 1].mean()
                    if recent > loss_limit or not model._w2_norm_max < _WEIGHT_LIMIT:
                        _diverged(model, recent, losses[0], step, epoch, learning_rate)
                    step += 1
                    if progress:
                        if step % bar.miniters == 0 or step == total_steps:
                            rate = step * batch_size / max(time.perf_counter() - start, 1e-9)
                            recent = np.mean(losses[max(0, step - bar.miniters) : step])
                            bar.set_postfix(
                                loss=f"{recent:.3f}", ex_s=f"{rate:,.0f}", refresh=False
                            )
                        bar.update(1)
                if not np.abs(model.W1T).max() < _WEIGHT_LIMIT:
                    _diverged(model, recent, losses[0], step - 1, epoch, learning_rate)
    finally:
        bar.close()
        model.close()
    seconds = time.perf_counter() - start
    W1, W2, b1, b2 = model.weights()
    config = dict(dataclasses.asdict(config), V=V, n_tokens=len(tokens), n_windows=n_windows)
    return CBOWResult(
        W1=W1,
        W2=W2,
        b1=b1,
        b2=b2,
        word2Ind=word2Ind,
        Ind2word=Ind2word,
        losses=losses,
        examples_per_second=min(step * batch_size, n_windows * epochs) / max(seconds, 1e-9),
        config=config,
    )
