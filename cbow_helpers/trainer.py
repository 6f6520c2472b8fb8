"""The training loop: ``train_cbow`` trains the course's CBOW model on a list of tokens.

It numbers the words (``build_vocabulary``, ``encode``), cuts the windows (``context_windows``),
shuffles them each epoch, and hands batches of distinct windows to ``FastCBOW.step`` (the model's
forward and backward pass on word ids, in ``engine/fast_cbow.py``), watching the loss for
divergence (the loop is in ``engine/cbow_loop.py``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from .engine.cbow_loop import check_memory, train_epochs
from .engine.checks import (
    check_flag,
    integer_at_least,
    non_negative_number,
    positive_int,
    positive_number,
    seed_value,
    str_token_list,
)
from .engine.fast_cbow import FastCBOW
from .engine.training import WordEmbeddings, settings_from
from .model import initialize_model
from .vocabulary import build_vocabulary, encode
from .windows import context_windows


@dataclasses.dataclass(kw_only=True)
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

    b1: np.ndarray
    b2: np.ndarray


@dataclasses.dataclass(frozen=True)
class CBOWConfig:
    """The settings of ``train_cbow``, with their defaults: the one place they are written.

    Not in the notebooks: ``train_cbow``'s keyword arguments are these fields, with these
    defaults, and so are the command line's (``python -m cbow_helpers train --objective softmax``; ``train --help``
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
    learning_rate : float, the SGD step size alpha (at the first step)
    min_learning_rate : float >= 0 or None, the step falls linearly from learning_rate towards
        this over the whole run (word2vec's schedule); None: a constant step
    b1_start : float >= 0 or None, every entry of b1 starts at this value; None: b1 starts
        random, like the other weights (``initialize_model``)
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
    # Far larger than notebook 05's alpha: J is the mean over the batch's m windows, so each window
    # moves the weights by only learning_rate / m of a step, and a context word's row of W1 by a
    # further 1/(2C) of that. Notebook 06's whole runs show why not larger (a larger constant step
    # kills hidden units) and what the reference model (REFERENCE_CONFIG) adds: a falling step
    # (min_learning_rate) and a positive start for b1 (b1_start). The defaults here stay the
    # plain recipe, a constant step from initialize_model's start.
    batch_size: int = 64
    epochs: int = 5
    learning_rate: float = 0.5
    min_learning_rate: float | None = None
    b1_start: float | None = None
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
        if self.min_learning_rate is not None:
            checked["min_learning_rate"] = non_negative_number(
                "min_learning_rate", self.min_learning_rate
            )
            if checked["min_learning_rate"] > checked["learning_rate"]:
                raise ValueError(
                    f"min_learning_rate must be at most learning_rate={checked['learning_rate']}, "
                    f"got {self.min_learning_rate!r}"
                )
        if self.b1_start is not None:
            checked["b1_start"] = non_negative_number("b1_start", self.b1_start)
        if self.max_steps is not None:
            checked["max_steps"] = positive_int("max_steps", self.max_steps)
        checked["seed"] = seed_value("seed", self.seed)
        checked["shuffle"] = check_flag("shuffle", self.shuffle)
        for name, value in checked.items():  # stored as plain int / float / bool
            object.__setattr__(self, name, value)


# Called as train_cbow(tokens, N=..., C=..., ...): @settings_from makes CBOWConfig's fields its
# keywords.
@settings_from(CBOWConfig)
def train_cbow(tokens: Sequence[str], config: CBOWConfig, progress: bool) -> CBOWResult:
    """Train the course's CBOW model on a list of tokens.

    Introduced in notebook 06 (training).

    The model is the one of ``forward_prop`` / ``back_prop`` (averaged context,
    ReLU hidden layer with bias, softmax output with bias, mean cross-entropy),
    computed in float32 without one-hot matrices, trained by plain SGD on
    mini-batches of distinct windows. Each step is ``FastCBOW.step``, which
    shares its work between two worker threads (on any machine: a fixed split
    gives the same numbers everywhere), with BLAS limited to one thread each.

    The keyword arguments are the fields of ``CBOWConfig`` (their defaults are written there),
    which checks them.

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
        SGD step size alpha (of the first step, if ``min_learning_rate`` is set).
    min_learning_rate : float or None
        If set, step s of a run of S steps (all ``epochs``, whatever ``max_steps``) takes
        ``learning_rate - (learning_rate - min_learning_rate) * s / S``; None keeps it constant.
    b1_start : float or None
        If set, every entry of b1 starts at this value instead of at random: with a positive
        start every hidden unit fires on every window at first, so none starts out dead.
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
    tokens = str_token_list("train_cbow", tokens)  # checked once, here
    C, batch_size = config.C, config.batch_size
    if len(tokens) < 2 * C + 1:
        raise ValueError(
            f"train_cbow needs at least 2C+1 = {2 * C + 1} tokens for one window, got {len(tokens)}"
        )
    word2Ind, Ind2word = _vocabulary(tokens, config.vocab_size, config.min_count)
    V, n_windows = len(word2Ind), len(tokens) - 2 * C
    steps_per_epoch = math.ceil(n_windows / batch_size)
    total_steps = steps_per_epoch * config.epochs
    if config.max_steps is not None:
        total_steps = min(config.max_steps, total_steps)
    check_memory(len(tokens), n_windows, V, config.N, C, min(batch_size, n_windows), total_steps)
    context, center = context_windows(encode.unchecked(tokens, word2Ind), C)
    W1, W2, b1, b2 = initialize_model(config.N, V, random_seed=config.seed)
    if config.b1_start is not None:
        b1 = np.full_like(b1, config.b1_start)
    model = FastCBOW(W1, W2, b1, b2)
    losses, examples_per_second = train_epochs(
        model, context, center, config, total_steps, progress
    )
    W1, W2, b1, b2 = model.weights()
    return CBOWResult(
        W1=W1,
        W2=W2,
        b1=b1,
        b2=b2,
        word2Ind=word2Ind,
        Ind2word=Ind2word,
        losses=losses,
        examples_per_second=examples_per_second,
        config=dict(dataclasses.asdict(config), V=V, n_tokens=len(tokens), n_windows=n_windows),
    )


def _vocabulary(tokens: list, vocab_size, min_count: int):
    """``build_vocabulary``, with a ValueError in the course's words if it has a single word."""
    word2Ind, Ind2word = build_vocabulary.unchecked(tokens, vocab_size, min_count)
    if len(word2Ind) < 2:
        raise ValueError(
            f"the vocabulary has a single word, {Ind2word[0]!r}: CBOW needs at least 2 distinct words to "
            "tell apart (use a corpus with more distinct words"
            + (", or a smaller min_count)" if min_count > 1 else ")")
        )
    return word2Ind, Ind2word
