"""The course's reference model: trained once, shipped with the package, the same on every machine.

Training with SGD at the course's step size is *chaotic*: the last bit of one float32 product
(which differs between CPUs and BLAS libraries) grows, step by step, until two runs end with
different neighbour lists. Notebook 6 trains a model on the student's own machine and shows
what does and does not depend on that. The notebooks after it read this reference model
instead, so every student sees the same words and numbers as the saved notebooks.

The file holds exactly what ``train_cbow(tokenize_shakespeare(), **REFERENCE_CONFIG)``
returned on the maintainers' machine. Rebuild it after a change to the trainer, the tokenizer
or the configuration with::

    python -m cbow_helpers.reference

and re-record notebooks 6 to 8 (see the README).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np

from .corpus import tokenize_shakespeare
from .engine.files import atomic_path
from .trainer import CBOWResult, train_cbow
from .vocabulary import encode
from .windows import context_windows

#: The arguments of ``train_cbow`` that made the reference model (introduced in notebook 06, whose
#: whole runs on a part of Shakespeare show why). Chosen by ``benchmarks/reference_quality.py``
#: (its recipe table is in docs/benchmarks.md): a step falling linearly from 1 to 0 over the run,
#: and b1 starting at 0.1 so that every hidden unit fires at the start (with b1 random in
#: [-0.05, 0.05), many of the units that start well below 0 stay idle).
REFERENCE_CONFIG = dict(
    N=50,
    C=2,
    vocab_size=3000,
    batch_size=64,
    epochs=5,
    learning_rate=1.0,
    min_learning_rate=0.0,
    b1_start=0.1,
    seed=1,
)

# The reference model's probe words, and for each the words a reader accepts among its nearest (the
# same kind of thing, or its usual company). tests/test_reference.py passes a probe when two of its
# five nearest are here; benchmarks/reference_recipes.py scores recipes with the same sets.
ACCEPTED_NEIGHBOURS = {
    "king": {"queen", "prince", "duke", "emperor", "lord", "kings", "crown", "throne", "father"},
    "father": {"mother", "son", "brother", "daughter", "sister", "uncle", "husband", "wife"},
    "love": {"hate", "fear", "grief", "joy", "pity", "hope", "desire", "duty", "praise", "sorrow"},
    "night": {
        "day",
        "morning",
        "morrow",
        "evening",
        "tonight",
        "dark",
        "darkness",
        "sleep",
        "hour",
    },
    "sword": {"rapier", "dagger", "blade", "weapon", "knife", "swords", "arms", "spear", "axe"},
    "eye": {"eyes", "ear", "heart", "tongue", "hand", "face", "lip", "cheek", "sight", "brow"},
}

_FILE = "reference_cbow.npz"
_RECIPES = "reference_recipes.json"
_KEYS = ("W1", "W2", "b1", "b2", "words", "losses", "config")


def reference_path() -> Path:
    """Where the shipped reference model lives (inside the installed package)."""
    return Path(str(resources.files("cbow_helpers") / "data" / _FILE))


def save_model(path, result: CBOWResult) -> None:
    """Write a trained model to a ``.npz`` file, atomically (``load_model`` reads it back).

    Not in the notebooks: it saved the reference model that notebook 06 loads.
    """
    words = np.array(result.words)
    with atomic_path(path, suffix=".npz") as tmp, open(tmp, "wb") as f:
        np.savez_compressed(
            f,
            W1=result.W1,
            W2=result.W2,
            b1=result.b1,
            b2=result.b2,
            words=words,
            losses=result.losses,
            config=np.array(json.dumps(result.config, sort_keys=True)),
        )


def load_model(path) -> CBOWResult:
    """Read a model written by ``save_model``.

    Not in the notebooks: ``load_reference_model`` (notebook 06) reads with it.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a model saved by ``save_model`` (a key is missing or a shape is off).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, EOFError, ValueError) as err:  # not an .npz (or .npy) file at all
        raise ValueError(f"{path}: not a readable .npz model file ({err})") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ValueError(  # noqa: TRY004 - the file is wrong, not the argument's type
            f"{path}: not a model saved by save_model (an .npy array, not an .npz archive)"
        )
    with loaded as data:
        missing = [key for key in _KEYS if key not in data.files]
        if missing:
            raise ValueError(
                f"{path}: not a model saved by save_model (missing {', '.join(missing)})"
            )
        arrays = {key: data[key] for key in _KEYS}
    words = [str(w) for w in arrays["words"]]
    N, V = arrays["W1"].shape
    expected = {"W1": (N, V), "W2": (V, N), "b1": (N, 1), "b2": (V, 1), "words": (V,)}
    for key, shape in expected.items():
        if arrays[key].shape != shape:
            raise ValueError(f"{path}: {key} has shape {arrays[key].shape}, expected {shape}")
    word2Ind = {w: i for i, w in enumerate(words)}
    config = json.loads(str(arrays["config"]))
    return CBOWResult(
        W1=arrays["W1"],
        W2=arrays["W2"],
        b1=arrays["b1"],
        b2=arrays["b2"],
        word2Ind=word2Ind,
        Ind2word=dict(enumerate(words)),
        losses=arrays["losses"],
        examples_per_second=float("nan"),
        config=config,
    )


def load_reference_model() -> CBOWResult:
    """The course's reference model: ``train_cbow(tokenize_shakespeare(), **REFERENCE_CONFIG)``, trained once.

    Introduced in notebook 06 (training).

    Its ``examples_per_second`` is NaN: it was not trained on your machine.
    """
    return load_model(reference_path())


def recipe_runs_path() -> Path:
    """Where the record of the recipes' whole runs lives (inside the installed package).

    Not in the notebooks: ``recipe_runs`` (notebook 06) reads it, and
    ``benchmarks/reference_quality.py --record`` writes it.
    """
    return Path(str(resources.files("cbow_helpers") / "data" / _RECIPES))


def recipe_runs() -> dict:
    """Whole runs on all of Shakespeare, one per recipe, as ``benchmarks/reference_quality.py --record`` measured them.

    Introduced in notebook 06 (training): the runs that chose ``REFERENCE_CONFIG``, each five
    epochs of minutes, recorded so that the notebook can plot them in a second.

    Returns a dict: ``entropy`` (the unigram entropy of the centre words, in nats),
    ``curve_steps`` and ``runs``, a list of dicts, one per run: ``changes`` (its settings that
    differ from ``REFERENCE_CONFIG``; empty for the reference model), ``steps``, ``curve`` (the
    mean loss of every ``curve_steps`` steps), ``final_loss`` (the mean of the last 100 steps),
    ``dead`` and ``idle`` (the shares of hidden units that fire on no window, and on fewer than
    1%), and ``neighbours`` (the five nearest words of six probes, by the columns of W1).
    """
    return json.loads(recipe_runs_path().read_text(encoding="utf-8"))


def unigram_entropy(center: np.ndarray, V: int) -> float:
    """The entropy, in nats, of the centre words' frequencies: the loss of a model that knows only them.

    Introduced in notebook 06 (training): the baseline a loss curve must beat. A model that
    predicts every centre word with its frequency p_k scores the mean of -log p_k over the
    windows, which is this entropy, ``-sum_k p_k log p_k``.

    Parameters
    ----------
    center : (n,) int array, the centre word of every window (ids 0 .. V-1)
    V : int, the vocabulary size

    Examples
    --------
    >>> round(unigram_entropy(np.array([0, 0, 1, 2]), V=4), 4)
    1.0397
    """
    counts = np.bincount(np.asarray(center), minlength=V)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def firing_rates(result: CBOWResult, tokens, chunk: int = 100_000) -> np.ndarray:
    """(N,) the share of the windows of ``tokens`` on which each hidden unit fires (z1 > 0).

    Introduced in notebook 06 (training): a unit that never fires (rate 0) is a *dead* ReLU
    unit: its gradient is 0 on every window, so it never learns again.

    Parameters
    ----------
    result : a trained model (``train_cbow``'s result or ``load_reference_model()``)
    tokens : list of str, the corpus (words outside the vocabulary count as ``'<unk>'``)
    """
    ids = encode(tokens, result.word2Ind)
    context, _ = context_windows(ids, result.config["C"])
    W1T, b1 = result.W1.T, result.b1[:, 0]
    fired = np.zeros(len(b1), dtype=np.int64)
    for begin in range(0, len(context), chunk):
        z1 = W1T[context[begin : begin + chunk]].mean(axis=1) + b1
        fired += (z1 > 0).sum(axis=0)
    return fired / len(context)


def build_reference_model(path=None, progress: bool = True) -> CBOWResult:
    """Train the reference model and save it (by default into the package, replacing the shipped one)."""
    result = train_cbow(tokenize_shakespeare(), progress=progress, **REFERENCE_CONFIG)
    save_model(reference_path() if path is None else path, result)
    return result


if __name__ == "__main__":
    built = build_reference_model()
    print(
        f"saved {reference_path()}: V = {built.config['V']}, N = {built.config['N']}, "
        f"final loss (mean of the last 100 steps) {built.losses[-100:].mean():.3f}"
    )
