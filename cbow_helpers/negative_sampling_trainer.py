"""Training CBOW with negative sampling: ``train_negative_sampling``, its settings and its result.

The maths of one window (the loss, its gradient, the noise words, subsampling) is in
``negative_sampling.py``; the batches run in ``engine/negative_sampling_loop.py``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import time
from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from .engine.checks import (
    check_flag,
    non_negative_number,
    positive_int,
    positive_number,
    seed_value,
    str_token_list,
)
from .engine.kernels import HAVE_SPARSETOOLS, KERNELS, resolve_kernel
from .engine.negative_sampling_loop import (
    Batches,
    ProcessBatches,
    check_kept,
    check_memory,
    epoch_workers,
    train_epochs,
)
from .engine.training import DivergenceWatch, WordEmbeddings, progress_bar, settings_from
from .engine.worker_processes import FORK_AVAILABLE, SharedState, shared_array, shared_copy
from .negative_sampling import (
    keep_probabilities,
    linear_decay,
    noise_distribution,
    sample_negatives,
    subsample,
    unigram_table,
)
from .vocabulary import corpus_ids
from .windows import reduced_windows


@dataclasses.dataclass(kw_only=True)
class NegativeSamplingResult(WordEmbeddings):
    """A CBOW model trained with negative sampling (``train_negative_sampling``).

    Not in the notebooks by name: notebook 09 uses the ``NegativeSamplingResult`` that
    ``train_negative_sampling`` returns.

    It works wherever a ``CBOWResult`` does: ``nearest_neighbors``,
    ``evaluate_all``, ``save_vectors(path, result.words, result.embeddings)``. Its attributes
    are those of every trained model (``W1``, ``W2``, ``word2Ind``, ``Ind2word``, ``losses``:
    the mean J of every batch, or of every ``loss_every``-th, ``examples_per_second``: windows
    trained per second, ``config``: the settings and a few facts, V and n_tokens). Words rarer
    than ``min_count`` are dropped, as word2vec does, not mapped to ``'<unk>'``.

    ``loss_steps`` : int64 array, the step (the run's batch, from 0) of each loss: ``0, 1, 2, ...``
    with ``loss_every=1``, else each epoch's first batch and every ``loss_every``-th after it.
    """

    loss_steps: np.ndarray | None = None


UPDATE_RULES = ("word2vec", "gradient")
NEGATIVES = ("per-window", "shared")


@dataclasses.dataclass(frozen=True)
class NegativeSamplingConfig:
    """The settings of ``train_negative_sampling``, with their defaults: the one place they are written.

    Not in the notebooks: ``train_negative_sampling``'s keyword arguments take their defaults
    from here, and so does the command line (``python -m cbow_helpers train``, which changes a
    few for Shakespeare: ``cli.OBJECTIVES``; ``train --help`` prints them).

    The defaults are gensim's ``Word2Vec(sg=0)`` defaults, except ``batch_size`` (gensim
    updates after every window) and ``workers`` (gensim's is 3); see ``train_negative_sampling``
    for every field's meaning.
    Each field is checked when the config is made (a wrong type is a TypeError, a bad value a
    ValueError, naming the field).

    Examples
    --------
    >>> config = NegativeSamplingConfig(N=50)
    >>> config.N, config.C, config.negative, config.learning_rate, config.min_learning_rate
    (50, 5, 5, 0.025, 0.0001)
    >>> NegativeSamplingConfig(learning_rate=0.01, min_learning_rate=0.05)
    Traceback (most recent call last):
    ...
    ValueError: min_learning_rate must be at most learning_rate=0.01, got 0.05
    """

    N: int = 100
    C: int = 5
    negative: int = 5
    sample: float = 1e-3
    min_count: int = 5
    epochs: int = 5
    learning_rate: float = 0.025
    min_learning_rate: float = 0.0001
    batch_size: int = 1024
    dynamic_window: bool = True
    update_rule: str = "word2vec"
    power: float = 0.75
    seed: int = 1
    kernel: str = "auto"
    workers: int = 1
    negatives: str = "per-window"
    group_size: int = 64

    def __post_init__(self):
        names = ("N", "C", "negative", "min_count", "epochs", "batch_size", "workers", "group_size")
        checked = {name: positive_int(name, getattr(self, name)) for name in names}
        if not isinstance(self.negatives, str):
            raise TypeError(
                f"negatives must be a str, one of {NEGATIVES}, got {type(self.negatives).__name__}"
            )
        if self.negatives not in NEGATIVES:
            raise ValueError(f"negatives must be one of {NEGATIVES}, got {self.negatives!r}")
        learning_rate = checked["learning_rate"] = positive_number(
            "learning_rate", self.learning_rate
        )
        min_learning_rate = checked["min_learning_rate"] = non_negative_number(
            "min_learning_rate", self.min_learning_rate
        )
        if min_learning_rate > learning_rate:
            raise ValueError(
                f"min_learning_rate must be at most learning_rate={learning_rate}, "
                f"got {self.min_learning_rate!r}"
            )
        keep_probabilities(np.ones(1), self.sample)  # checks sample
        noise_distribution(np.ones(1), self.power)  # checks power
        checked["dynamic_window"] = check_flag("dynamic_window", self.dynamic_window)
        if self.update_rule not in UPDATE_RULES:
            raise ValueError(f"update_rule must be one of {UPDATE_RULES}, got {self.update_rule!r}")
        if self.kernel != "auto" and self.kernel not in KERNELS:
            raise ValueError(
                f"kernel must be 'auto', 'sparsetools' or 'public', got {self.kernel!r}"
            )
        if self.kernel == "sparsetools" and not HAVE_SPARSETOOLS:
            raise ValueError(
                "kernel='sparsetools' needs scipy.sparse._sparsetools, which this scipy lacks: use 'public'"
            )
        checked["seed"] = seed_value("seed", self.seed)
        for name, value in checked.items():  # stored as plain int / float / bool
            object.__setattr__(self, name, value)


_DIVERGED_ADVICE = (
    "try a smaller learning rate or batch size (a batch sums the updates of a frequent word's "
    "every occurrence)"
)


# Called as train_negative_sampling(tokens, N=..., C=..., ...): @settings_from makes
# NegativeSamplingConfig's fields its keywords, and loss_every (how the run reports, not a setting).
@settings_from(NegativeSamplingConfig, loss_every=1)
def train_negative_sampling(
    tokens: Sequence[str], config: NegativeSamplingConfig, progress: bool, loss_every: int = 1
) -> NegativeSamplingResult:
    """Train CBOW with negative sampling on a list of tokens, over the whole vocabulary.

    Introduced in notebook 09 (negative sampling).

    word2vec's recipe (the defaults are gensim's ``Word2Vec(sg=0)`` defaults,
    except ``batch_size`` and ``workers``): each epoch subsamples the corpus (``sample``), gives
    each centre word a reduced window of 1 .. C words each side
    (``dynamic_window``), draws ``negative`` noise words per window from the
    unigram ** ``power`` table, and takes SGD steps on batches of
    ``batch_size`` windows, the learning rate falling linearly from
    ``learning_rate`` to ``min_learning_rate``. W1 starts uniform in
    [-0.5/N, 0.5/N), W2 at zero, as in word2vec.

    **The update rule.** h is the *mean* of the context vectors, so the true
    gradient of J gives each context word ``dJ/dh / n`` (n words in the window:
    ``update_rule="gradient"``). word2vec (and gensim with ``cbow_mean=1``)
    instead adds the whole ``dJ/dh`` to every context word
    (``update_rule="word2vec"``, the default). That is not the gradient of J:
    it is the gradient step with an n times larger learning rate for W1 than
    for W2 (n is up to 2C = 10). With the true gradient, W1 moves n times
    slower than W2 while it starts from tiny random values and W2 from zero,
    so at word2vec's learning rate the input vectors keep more of their random
    start's direction (notebook 09 prints both rules' median cosine between a
    word's vector and its start); which rule's embeddings score better is
    notebook 09's exercise 3 (``python benchmarks/bench_negative_sampling.py
    --quality`` measures it). The
    "true" gradient of a model is not always the best update rule: what
    matters is the step each parameter takes.

    **Batches.** word2vec updates after every window; here a batch of windows
    (consecutive windows of the subsampled corpus, built when the batch is trained) reads the
    weights once and writes all its updates at once (a word met
    twice in a batch gets both updates, summed). A frequent word is met many
    times per batch, and its summed
    update grows with the batch. So a batch ends early when one more window would
    make it meet a word more than ``MAX_REPEATS_PER_BATCH`` times among its
    context words or its targets: with the default subsampling no context word of
    Shakespeare comes that close, while without it (``sample=0``) the batches
    around ``'.'`` get shorter instead of diverging; with many negatives per window
    (``negative=10``), ``'.'`` drawn as a negative ends batches a little early.

    The keyword arguments are the fields of ``NegativeSamplingConfig`` (their defaults are written
    there), which checks them, and ``loss_every`` and ``progress``, which say how the run reports.

    Parameters
    ----------
    tokens : sequence of str
        The corpus, e.g. ``tokenize_shakespeare()``, as one sequence.
    N : int
        Embedding size.
    C : int
        Largest context half-size (word2vec's ``window``).
    negative : int
        K, negatives per window.
    sample : float
        Subsampling threshold (``keep_probabilities``); 0 turns it off.
    min_count : int
        Words seen fewer times are dropped from the corpus.
    epochs : int
    learning_rate, min_learning_rate : float
        Start and end of the linear decay (``linear_decay``).
    batch_size : int
        Windows per step.
    dynamic_window : bool
        Reduced windows (True) or always C words each side.
    update_rule : {"word2vec", "gradient"}
        See above.
    power : float
        Exponent of the noise distribution.
    seed : int
        Seeds the initial weights and every random draw.
    kernel : {"auto", "sparsetools", "public"}
        How rows of W1 and W2 are gathered and scatter-added: scipy's compiled
        sparse kernels, called in place (fast; private scipy functions), or
        public APIs only: a ``scipy.sparse.csr_matrix`` product and
        ``np.add.at`` (slower, the same numbers; ``benchmarks/`` times both).
        ``"auto"``: sparsetools when this scipy has them.
    workers : int
        Workers that train separate batches at once (HogBatch): each takes the next batch of the
        epoch and updates the shared weights without waiting for the others
        (``engine/negative_sampling_loop.py``). On Linux they are processes, forked once per run
        with the weights and each epoch's kept tokens in shared memory, so that Python's lock does not make them take turns
        (``engine/worker_processes.py``); elsewhere, threads. Every number of workers trains the
        same batches with the same draws. One worker is reproducible; with more, two runs differ
        in the last bits of the weights (which batch writes first depends on timing), and train
        equally well.
    negatives : {"per-window", "shared"}
        ``"per-window"``: every window draws its own K negatives (word2vec). ``"shared"``: the
        windows of a group of ``group_size`` share K negatives, so the output layer's scores and
        updates become matrix products (``engine/shared_negatives.py``; notebook 09 explains it).
    group_size : int
        Windows per group sharing negatives (``negatives="shared"`` only).
    loss_every : int, default 1
        Compute the loss J of every ``loss_every``-th batch of each epoch (the first among them),
        and of no other: ``result.losses`` holds those, ``result.loss_steps`` their steps. The
        updates do not depend on it (not a setting: not in ``config``); J's logarithms are a few
        percent of a step, which a run whose losses nobody reads can skip (gensim computes none
        by default). The progress bar's loss and the divergence watch read the losses there are.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    NegativeSamplingResult

    Raises
    ------
    TypeError
        For an argument of the wrong type (naming it), or a str instead of a list of tokens.
    ValueError
        For an argument with a bad value (naming it), or a corpus with no window, or a
        single word, left after ``min_count``, or a ``sample`` so small that subsampling
        keeps fewer than 2 tokens (checked on the expected count before training, and on
        each epoch's draw).
    TrainingDivergedError
        If the loss becomes NaN or infinite, if the mean loss of the last 20 batches
        rises above twice the loss of the first batch, or if an entry of W1 or W2
        grows larger than 1e4 (checked after each epoch): try a smaller learning rate
        or batch size.
    NotEnoughMemoryError
        (a ValueError and a MemoryError) if training would need more memory than the
        machine has available; raised before allocating.
    """
    tokens = str_token_list("train_negative_sampling", tokens)  # checked once, here
    _, Ind2word, ids = _vocabulary(tokens, config.min_count)
    return train_on_ids(
        ids, Ind2word, config, progress, n_tokens=len(tokens), loss_every=loss_every
    )


def train_on_ids(
    ids, Ind2word: dict, config: NegativeSamplingConfig, progress: bool = False, n_tokens=None,
    loss_every: int = 1,
) -> NegativeSamplingResult:  # fmt: skip
    """``train_negative_sampling`` on a corpus already encoded as word ids, with a config.

    Not in the notebooks: for corpora too large to hold as a list of str (``benchmarks/
    bench_scale.py`` holds 16 Shakespeares as an int32 array of ids, 4 bytes a token).

    ``ids`` : 1-D integer array, the corpus in word ids 0 .. V-1 (``corpus_ids`` makes one; its
    words are the vocabulary, so ``config.min_count`` is not applied again); ``Ind2word`` : dict
    from id to word, V entries; ``n_tokens`` : the corpus's length before words were dropped
    (the learning rate falls with the share of it done), ``len(ids)`` by default;
    ``loss_every`` as in ``train_negative_sampling``.
    """
    loss_every = positive_int("loss_every", loss_every)
    ids = _check_ids(ids, len(Ind2word))
    word2Ind = {word: k for k, word in Ind2word.items()}
    n_tokens = len(ids) if n_tokens is None else n_tokens
    V, N = len(word2Ind), config.N
    check_memory(len(ids), V, N, config.C, config.negative, config.batch_size, config.epochs,
                 loss_every)  # fmt: skip
    counts = np.bincount(ids, minlength=V).astype(np.float64)
    keep = keep_probabilities(counts, config.sample)
    check_kept(counts @ keep, len(ids), config.sample, "are expected to survive each epoch's")
    rng = np.random.default_rng(config.seed)
    options, draws = _step_options(config, unigram_table(counts, config.power), rng, loss_every)
    W_in, W_out = _starting_weights(rng, V, N, options["processes"])
    corpus, processes = (ids, keep, n_tokens), options["processes"]
    batches_of, epoch_batches, kept_buffer = _batch_maker(config, draws, rng, corpus, processes)
    watch = DivergenceWatch(config.learning_rate, _DIVERGED_ADVICE)
    bar = progress_bar(config.epochs, progress, "epoch", "training CBOW (negative sampling)")
    start = time.perf_counter()
    try:
        # BLAS gets one thread per worker (its products here are small); then the workers fork.
        with (
            np.errstate(divide="ignore", over="ignore", invalid="ignore"),
            threadpool_limits(1, "blas"),
            _forked(W_in, W_out, kept_buffer, batches_of, watch, options),
        ):
            losses, windows = train_epochs(
                W_in, W_out, config.epochs, epoch_batches, watch, options, bar
            )
    finally:
        bar.close()
        if options["pool"] is not None:
            options["pool"].shutdown()
    seconds = time.perf_counter() - start
    if options["processes"]:  # ordinary arrays again: the shared memory is freed with them
        W_in, W_out = np.array(W_in), np.array(W_out)
    return NegativeSamplingResult(
        W1=W_in.T,  # a view: the course's (N, V) W1, without a copy
        W2=W_out,
        word2Ind=word2Ind,
        Ind2word=Ind2word,
        losses=np.array([loss for _, loss in losses], dtype=np.float64),
        loss_steps=np.array([step for step, _ in losses], dtype=np.int64),
        examples_per_second=windows / max(seconds, 1e-9),
        config=dict(dataclasses.asdict(config), kernel=options["kernel"], V=V, n_tokens=n_tokens),
    )


def _forked(W_in, W_out, kept_buffer, batches_of, watch, options: dict):
    """Worker processes forked now, once for the run, as ``options["forked"]`` (``epoch_workers``:
    it ends them on exit); or, for threads, nothing to enter."""
    if not options["processes"]:
        return contextlib.nullcontext()
    options["forked"] = epoch_workers(W_in, W_out, kept_buffer, batches_of, watch, options)
    return options["forked"]


def _batch_maker(config: NegativeSamplingConfig, draws: dict, rng, corpus: tuple, processes):
    """For a run on ``corpus`` = (ids, keep, n_tokens): ``batches_of(kept, epoch)``, an epoch's
    ``Batches`` (``ProcessBatches`` for worker processes, sharing one ``SharedState`` made now,
    before the fork); ``epoch_batches(epoch)``, the same on the epoch's kept tokens, drawn into
    ``kept_buffer`` (shared memory for worker processes, else None)."""
    ids, keep, n_tokens = corpus
    state = SharedState(rng) if processes else None
    kept_buffer = shared_array(len(ids), np.int32) if processes else None

    def batches_of(kept, epoch: int):
        rate = _learning_rates(config, epoch, n_tokens)
        if state is None:
            return Batches(kept, config.C, config.batch_size, draws, rate)
        return ProcessBatches(kept, config.C, config.batch_size, draws, rate, state)

    def epoch_batches(epoch: int):
        kept = _kept_tokens(ids, keep, rng, kept_buffer)
        check_kept(len(kept), len(ids), config.sample, f"survived epoch {epoch + 1}'s")
        return batches_of(kept, epoch)

    return batches_of, epoch_batches, kept_buffer


def _starting_weights(rng, V: int, N: int, shared: bool):
    """W_in = W1 transposed (a word per row; W_in.T is the course's (N, V) W1), uniform in
    [-0.5/N, 0.5/N), and W_out = W2, zero, as word2vec starts them; in shared memory for
    forked workers (``shared``), so that every process writes the same weights."""
    W_in = ((rng.random((V, N), dtype=np.float32) - 0.5) / N).astype(np.float32)
    W_out = np.zeros((V, N), dtype=np.float32)
    return (shared_copy(W_in), shared_copy(W_out)) if shared else (W_in, W_out)


def _step_options(config: NegativeSamplingConfig, table, rng, loss_every: int = 1):
    """What every batch of a run shares: ``options`` for ``train_batch`` and ``train_epoch``
    (the window, kernel, update rule, workers and their pool, ``loss_every``), and the random
    ``draws`` of ``Batches``: window half-sizes, and negatives per window or per group of
    windows."""
    workers, K, C = config.workers, config.negative, config.C
    processes = workers > 1 and FORK_AVAILABLE  # else threads (engine/worker_processes.py)
    threads = workers > 1 and not processes
    pool = concurrent.futures.ThreadPoolExecutor(workers - 1) if threads else None
    shared = config.negatives == "shared"
    options = dict(C=C, kernel=resolve_kernel(config.kernel), update_rule=config.update_rule,
                   shared=shared, workers=workers, pool=pool, processes=processes,
                   loss_every=loss_every)  # fmt: skip

    def negatives(m: int, per_group: bool):
        rows = -(-m // config.group_size) if per_group else m  # one set per group, or per window
        return sample_negatives(table, (rows, K), rng)

    def half(m: int):  # word2vec's reduced windows, or always C
        return reduced_windows(m, C, rng) if config.dynamic_window else np.full(m, C, np.int32)

    return options, dict(half=half, negatives=negatives, shared=shared)


def _check_ids(ids, V: int) -> np.ndarray:
    """``ids`` as a 1-D int array of at least 2 word ids in 0 .. V-1 (V >= 2), or a clear error."""
    if not isinstance(ids, np.ndarray) or not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"ids must be a numpy array of integers, got {type(ids).__name__}")
    if ids.ndim != 1 or len(ids) < 2 or V < 2:
        raise ValueError(
            f"ids must be 1-D with at least 2 ids and V >= 2 words, got shape {ids.shape}, V={V}"
        )
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError(f"ids must lie in 0 .. V-1 = {V - 1}, got {ids.min()} .. {ids.max()}")
    return ids


def _vocabulary(tokens: list, min_count: int):
    """``corpus_ids``, with a ValueError in the course's words if fewer than 2 tokens or words remain."""
    word2Ind, Ind2word, ids = corpus_ids.unchecked(tokens, min_count)
    if len(ids) < 2:
        raise ValueError(
            f"after dropping words seen fewer than min_count={min_count} times, {len(ids)} token(s) remain: "
            "a window needs at least 2 (lower min_count or use a larger corpus)"
        )
    if len(word2Ind) < 2:
        raise ValueError(
            f"the vocabulary has a single word, {Ind2word[0]!r}: CBOW needs at least 2 distinct words to tell "
            "apart (use a corpus with more distinct words"
            + (", or a smaller min_count)" if min_count > 1 else ")")
        )
    return word2Ind, Ind2word, ids


# Subsampling draws a float64 per token: a chunk at a time, so that it takes 8 MB, not 8 bytes a token.
SUBSAMPLE_CHUNK = 1 << 20


def _kept_tokens(ids, keep, rng, out=None) -> np.ndarray:
    """One epoch's subsampled corpus, int32 word ids (4 bytes a kept token), at the start of ``out``
    (int32, ``len(ids)``, e.g. in shared memory) or of a new array, written as drawn: its pages
    beyond the kept tokens are never touched (so never take memory), none holds them twice."""
    kept, n = (np.empty(len(ids), dtype=np.int32) if out is None else out), 0
    for i in range(0, len(ids), SUBSAMPLE_CHUNK):
        part = subsample(ids[i : i + SUBSAMPLE_CHUNK], keep, rng)
        kept[n : n + len(part)] = part
        n += len(part)
    return kept[:n]


def _learning_rates(config: NegativeSamplingConfig, epoch: int, n_tokens: int):
    """The learning rate of the batch that starts at window ``a``: it falls with the share of the
    corpus done, ``a / (n_batches * batch_size)`` of this epoch (step / n_batches when every batch
    is whole)."""
    total_words = n_tokens * config.epochs

    def rate(a: int, n_batches: int) -> float:
        done = (epoch + a / (n_batches * config.batch_size)) * n_tokens / total_words
        return linear_decay(config.learning_rate, config.min_learning_rate, done)

    return rate
