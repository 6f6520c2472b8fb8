"""How good are the embeddings? Neighbours, analogies, and the standard benchmarks.

Every function takes ``vectors`` as any of: a ``CBOWResult`` (its ``embeddings``),
a ``(words, matrix)`` pair, the path of a word2vec text file, or a gensim
``KeyedVectors``. Similarity is cosine similarity throughout.

The benchmark files ship inside gensim (``gensim.test.utils.datapath``):
WordSim-353 (``wordsim353.tsv``), SimLex-999 (``simlex999.txt``) and the Google
analogy questions (``questions-words.txt``); nothing is downloaded.
"""

from __future__ import annotations

import dataclasses
import os
import weakref
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .engine.checks import number_between, positive_int, seed_value
from .engine.training import WordEmbeddings
from .io import load_vectors

#: Fewer pairs (or analogy questions) in the vocabulary than this give no score: a Spearman
#: correlation from a handful of pairs is mostly noise (its standard error is about
#: 1/sqrt(pairs - 3), 0.24 at 20 pairs), and so is an accuracy over a few questions.
MIN_SCORED = 20


@dataclasses.dataclass(frozen=True)
class WordVectors:
    """Words with unit-length vectors, for cosine similarity."""

    words: list[str]
    unit: np.ndarray  # (V, N), each row of length 1 (or 0 for a zero vector)
    index: dict

    @classmethod
    def of(cls, vectors) -> WordVectors:
        if isinstance(vectors, WordVectors):
            return vectors
        if isinstance(vectors, (str, os.PathLike)):
            words, matrix = load_vectors(vectors)
        elif isinstance(vectors, WordEmbeddings):  # a trained model
            words, matrix = vectors.words, vectors.embeddings
        elif hasattr(vectors, "index_to_key") and hasattr(
            vectors, "vectors"
        ):  # gensim KeyedVectors
            words, matrix = list(vectors.index_to_key), vectors.vectors
        elif isinstance(vectors, tuple) and len(vectors) == 2:
            words, matrix = list(vectors[0]), vectors[1]
        else:
            raise TypeError(
                "vectors must be a CBOWResult, a (words, matrix) pair, a vectors file path or gensim KeyedVectors, "
                f"got {type(vectors).__name__}"
            )
        matrix = np.asarray(matrix, dtype=np.float64, order="C")  # C order: the same sums as a copy
        if matrix.ndim != 2 or matrix.shape[0] != len(words):
            raise ValueError(
                f"expected one vector per word: {len(words)} words, matrix of shape {matrix.shape}"
            )
        return cls(list(words), _normalise(matrix), {w: i for i, w in enumerate(words)})

    @classmethod
    def of_model(cls, model) -> WordVectors:
        """``of(model)`` for a trained model, normalised once and reused while its vectors stay the same.

        The cache holds a few models, by identity (weak references: it keeps none alive), and an
        entry is used only while ``model.W1`` is the same array with the same contents (a CRC-32
        of its bytes) and the vocabulary has the same size: assigning new weights, or changing
        W1 in place, gives a freshly normalised copy.
        """
        W1 = getattr(model, "W1", None)
        if not isinstance(W1, np.ndarray):
            return cls.of(model)
        fingerprint = (
            zlib.crc32(np.ascontiguousarray(W1).view(np.uint8).reshape(-1)),
            len(model.Ind2word),
        )
        for k, (model_ref, w1_ref, known, wv) in enumerate(_MODEL_CACHE):
            if model_ref() is model and w1_ref() is W1 and known == fingerprint:
                _MODEL_CACHE.insert(0, _MODEL_CACHE.pop(k))
                return wv
        wv = cls.of(model)
        _MODEL_CACHE.insert(0, (weakref.ref(model), weakref.ref(W1), fingerprint, wv))
        del _MODEL_CACHE[_MODEL_CACHE_SIZE:]
        return wv

    def vector(self, word: str) -> np.ndarray:
        try:
            return self.unit[self.index[word]]
        except KeyError:
            lower = word.lower() if isinstance(word, str) else word
            hint = f"; {lower!r} is" if lower != word and lower in self.index else ""
            raise KeyError(
                f"the word {word!r} is not in the vocabulary ({len(self.words)} words){hint}"
            ) from None

    def query(self, word: str) -> np.ndarray:
        """``vector(word)``, checked for a nearest-neighbour search: ValueError if ``word`` is the
        only word, or its vector is all zeros (its cosine similarity is undefined)."""
        vector = self.vector(word)
        if len(self.words) < 2:
            raise ValueError(
                f"the vocabulary has a single word, {word!r}: no other word can be its neighbour"
            )
        if not vector.any():
            raise ValueError(
                f"the vector of {word!r} is all zeros: its cosine similarity to any word is "
                "undefined, so it has no nearest neighbours"
            )
        return vector

    def ranked(self, query: np.ndarray, exclude: Sequence[str], k: int) -> list[tuple[str, float]]:
        sims = self.unit @ query
        skip = {self.index[w] for w in exclude if w in self.index}
        order = np.argsort(-sims, kind="stable")
        return [(self.words[i], float(sims[i])) for i in order[: k + len(skip)] if i not in skip][
            :k
        ]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit = matrix / np.where(norms == 0, 1.0, norms)
    unit.flags.writeable = False  # shared by the calls that reuse it (WordVectors.of_model)
    return unit


# Trained models normalised lately, most recent first: (model, its W1, fingerprint, WordVectors).
_MODEL_CACHE: list = []
_MODEL_CACHE_SIZE = 4


def _word_vectors(vectors) -> WordVectors:
    """``WordVectors.of(vectors)``, from the cache for a trained model (``WordVectors.of_model``)."""
    if isinstance(vectors, WordEmbeddings):
        return WordVectors.of_model(vectors)
    return WordVectors.of(vectors)


def _unitvec(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def nearest_neighbors(word: str, vectors, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` words most similar to ``word`` (cosine), with their similarities; ``word`` itself excluded.

    Introduced in notebook 06 (training).

    Examples
    --------
    >>> vectors = (["king", "queen", "apple"], np.array([[1.0, 0.0], [0.8, 0.6], [-2.0, 0.0]]))
    >>> [(w, round(s, 3)) for w, s in nearest_neighbors("king", vectors, k=2)]
    [('queen', 0.8), ('apple', -1.0)]

    Raises KeyError if ``word`` is not in the vocabulary, and ValueError if it is the only
    word or its vector is all zeros (no direction, so no cosine similarity).
    """
    k = positive_int("k", k, "how many neighbours")
    wv = _word_vectors(vectors)
    return wv.ranked(wv.query(word), [word], k)


def similarity(w1: str, w2: str, vectors) -> float:
    """Cosine similarity of two words' vectors.

    Introduced in notebook 07 (seeing embeddings: PCA); notebook 00 describes it.

    Examples
    --------
    >>> round(similarity("king", "queen", (["king", "queen"], np.array([[3.0, 4.0], [4.0, 3.0]]))), 2)
    0.96
    """
    wv = _word_vectors(vectors)
    return float(wv.vector(w1) @ wv.vector(w2))


def analogy(a: str, b: str, c: str, vectors, k: int = 1) -> list[tuple[str, float]]:
    """``a`` is to ``b`` as ``c`` is to ?: the words nearest to b - a + c (unit vectors), excluding a, b and c.

    Introduced in notebook 08 (how good are the embeddings).

    Examples
    --------
    >>> words = ["man", "king", "woman", "queen", "apple"]
    >>> vectors = np.array([[1.0, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, -1, 1]])
    >>> analogy("man", "king", "woman", (words, vectors))[0][0]
    'queen'
    """
    k = positive_int("k", k, "how many answers")
    wv = _word_vectors(vectors)
    query = _unitvec(wv.vector(b) - wv.vector(a) + wv.vector(c))
    return wv.ranked(query, [a, b, c], k)


def _read_pairs(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                raise ValueError(f"{path}: line {lineno}: expected 'word1<TAB>word2<TAB>score'")
            pairs.append((parts[0].lower(), parts[1].lower(), float(parts[2])))
    return pairs


def evaluate_word_pairs(vectors, path) -> dict:
    """Spearman correlation between cosine similarities and human scores.

    Introduced in notebook 08 (how good are the embeddings).

    Pairs with a word outside the vocabulary are left out (words are lowercased).

    Returns
    -------
    dict
        ``spearman`` (rho), ``pearson`` (r), ``pairs`` (number used), ``total``
        (pairs in the file) and ``oov_ratio`` (the share of pairs left out, 0..1),
        ``gold`` and ``predicted`` (the human scores and cosine similarities of the
        pairs used, for ``spearman_interval``). The correlations are NaN when fewer
        than ``MIN_SCORED`` (20) pairs are in the vocabulary: too few to mean anything.
    """
    wv = _word_vectors(vectors)
    gold, predicted, total = [], [], 0
    for w1, w2, score in _read_pairs(path):
        total += 1
        if w1 in wv.index and w2 in wv.index:
            gold.append(score)
            predicted.append(float(wv.vector(w1) @ wv.vector(w2)))
    if len(gold) >= MIN_SCORED:
        from scipy import stats  # lazy on purpose: importing scipy.stats takes seconds

        spearman = float(stats.spearmanr(gold, predicted).statistic)
        pearson = float(stats.pearsonr(gold, predicted).statistic)
    else:
        spearman = pearson = float("nan")
    return {
        "spearman": spearman,
        "pearson": pearson,
        "pairs": len(gold),
        "total": total,
        "oov_ratio": 1 - len(gold) / total if total else float("nan"),
        "gold": gold,
        "predicted": predicted,
    }


def spearman_interval(
    scores: dict, confidence: float = 0.9, n_resamples: int = 2000, seed: int = 0
):
    """A bootstrap confidence interval for the Spearman correlation of ``evaluate_word_pairs``.

    Introduced in notebook 08 (how good are the embeddings).

    The pairs are resampled with replacement (``scipy.stats.bootstrap``, percentile
    method, seeded): the interval says how much the score depends on *which* pairs
    happen to be in the vocabulary. It does not include the spread between training runs.

    Returns
    -------
    (low, high) : tuple of float
    """
    confidence = number_between("confidence", confidence, 0, 1)
    n_resamples = positive_int("n_resamples", n_resamples)
    seed = seed_value("seed", seed)
    gold, predicted = np.asarray(scores["gold"]), np.asarray(scores["predicted"])
    if len(gold) < 3:
        raise ValueError(f"a Spearman interval needs at least 3 pairs, got {len(gold)}")

    from scipy import stats  # lazy on purpose, as in evaluate_word_pairs

    def rho(g, p):
        return stats.spearmanr(g, p).statistic

    result = stats.bootstrap(
        (gold, predicted),
        rho,
        paired=True,
        vectorized=False,
        confidence_level=confidence,
        n_resamples=n_resamples,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def evaluate_analogies(vectors, path) -> dict:
    """Accuracy on analogy questions ``a b c d`` (is ``d`` the top answer of ``analogy(a, b, c)``?).

    Not in the notebooks by name: notebook 08 runs it through ``evaluate_all``.

    Questions with a word outside the vocabulary are skipped (words are lowercased).

    Returns
    -------
    dict
        ``sections``: ``{name: {"correct": int, "total": int, "questions": int}}``
        where ``total`` counts the questions answered and ``questions`` all in the
        section; ``accuracy`` over all answered questions (NaN if fewer than
        ``MIN_SCORED``, 20, were answered); ``coverage``: answered / all questions.
    """
    wv = _word_vectors(vectors)
    sections: dict[str, dict] = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            line = line.strip()
            if not line:
                continue
            if line.startswith(":"):
                current = sections.setdefault(
                    line[1:].strip(), {"correct": 0, "total": 0, "questions": 0}
                )
                continue
            words = line.lower().split()
            if current is None or len(words) != 4:
                raise ValueError(
                    f"{path}: line {lineno}: expected a ': section' line or four words"
                )
            current["questions"] += 1
            if not all(w in wv.index for w in words):
                continue
            a, b, c, expected = words
            current["total"] += 1
            if analogy(a, b, c, wv, k=1)[0][0] == expected:
                current["correct"] += 1
    answered = sum(s["total"] for s in sections.values())
    questions = sum(s["questions"] for s in sections.values())
    correct = sum(s["correct"] for s in sections.values())
    return {
        "sections": sections,
        "accuracy": correct / answered if answered >= MIN_SCORED else float("nan"),
        "correct": correct,
        "answered": answered,
        "coverage": answered / questions if questions else float("nan"),
    }


def analogy_kinds(scores: dict) -> dict[str, dict]:
    """The Google analogy accuracy split into its two kinds: semantic and syntactic questions.

    Introduced in notebook 08 (how good are the embeddings).

    The Google set's 14 sections are of two kinds: 5 *semantic* ones (capitals, currencies,
    cities, family: ``king queen man woman``) and 9 *syntactic* ones, named ``gram1-...`` to
    ``gram9-...`` (comparatives, tenses, plurals: ``good better bad worse``).

    Parameters
    ----------
    scores : ``evaluate_analogies``'s result, or ``evaluate_all``'s (its ``"Google analogies"``)

    Returns
    -------
    dict
        ``{"semantic": {...}, "syntactic": {...}}``, each with ``correct``, ``answered`` and
        ``accuracy`` (NaN if fewer than ``MIN_SCORED`` questions were answered).

    Examples
    --------
    >>> sections = {"family": {"correct": 5, "total": 20}, "gram3-comparative": {"correct": 1, "total": 40}}
    >>> kinds = analogy_kinds({"sections": sections})
    >>> kinds["semantic"]["accuracy"], kinds["syntactic"]["accuracy"]
    (0.25, 0.025)
    """
    if not isinstance(scores, dict):
        raise TypeError(f"scores must be evaluate_analogies' dict, got {type(scores).__name__}")
    sections = scores.get("Google analogies", scores).get("sections")
    if sections is None:
        raise ValueError(
            "scores has no 'sections': pass evaluate_analogies' or evaluate_all's result"
        )
    kinds = {}
    for kind, wanted in (("semantic", False), ("syntactic", True)):
        chosen = [s for name, s in sections.items() if name.startswith("gram") == wanted]
        correct, answered = sum(s["correct"] for s in chosen), sum(s["total"] for s in chosen)
        accuracy = correct / answered if answered >= MIN_SCORED else float("nan")
        kinds[kind] = {"correct": correct, "answered": answered, "accuracy": accuracy}
    return kinds


def on_shared_words(*models) -> list[tuple[list[str], np.ndarray]]:
    """Each model's vectors restricted to the words every model knows, as ``(words, matrix)`` pairs.

    Introduced in notebook 08 (how good are the embeddings): scored on these, two models answer
    exactly the same benchmark pairs and questions, so their scores can be compared.

    The words keep the first model's order. ``models`` are anything ``evaluate_all`` accepts.

    Examples
    --------
    >>> a = (["king", "queen", "sword"], np.eye(3))
    >>> b = (["sword", "king"], np.ones((2, 2)))
    >>> [words for words, _ in on_shared_words(a, b)]
    [['king', 'sword'], ['king', 'sword']]
    """
    if len(models) < 2:
        raise ValueError(f"on_shared_words needs at least two models, got {len(models)}")
    spaces = [_word_vectors(m) for m in models]
    shared = [w for w in spaces[0].words if all(w in s.index for s in spaces[1:])]
    return [(list(shared), s.unit[[s.index[w] for w in shared]]) for s in spaces]


def benchmark_paths() -> dict[str, Path]:
    """The benchmark files that ship inside gensim."""
    from gensim.test.utils import datapath  # lazy on purpose: importing gensim takes seconds

    return {
        "WordSim-353": Path(datapath("wordsim353.tsv")),
        "SimLex-999": Path(datapath("simlex999.txt")),
        "Google analogies": Path(datapath("questions-words.txt")),
    }


def evaluate_all(vectors) -> dict:
    """WordSim-353 and SimLex-999 (``evaluate_word_pairs``) and the Google analogies (``evaluate_analogies``).

    Introduced in notebook 08 (how good are the embeddings).
    """
    wv = _word_vectors(vectors)
    paths = benchmark_paths()
    return {
        "WordSim-353": evaluate_word_pairs(wv, paths["WordSim-353"]),
        "SimLex-999": evaluate_word_pairs(wv, paths["SimLex-999"]),
        "Google analogies": evaluate_analogies(wv, paths["Google analogies"]),
    }


def format_scores(scores: dict, digits: int = 3) -> str:
    """``evaluate_all``'s result as a short table, scores rounded to ``digits`` decimals.

    Introduced in notebook 08 (how good are the embeddings).
    """
    width = digits + 3

    def score(value: float, count: int) -> str:
        # No score from too few pairs or questions (see MIN_SCORED), nor from a degenerate one.
        return (
            f"{value:{width}.{digits}f}"
            if count >= MIN_SCORED and np.isfinite(value)
            else f"{'n/a':>{width}}"
        )

    lines = []
    for name in ("WordSim-353", "SimLex-999"):
        s = scores[name]
        lines.append(
            f"{name:<17} Spearman {score(s['spearman'], s['pairs'])}   on {s['pairs']:>3} of {s['total']} pairs "
            f"({1 - s['oov_ratio']:.0%} in vocabulary)"
        )
    a = scores["Google analogies"]
    lines.append(
        f"{'Google analogies':<17} accuracy {score(a['accuracy'], a['answered'])}   on {a['answered']:>3} of "
        f"{sum(s['questions'] for s in a['sections'].values())} questions ({a['coverage']:.1%} covered)"
    )
    if (
        min(scores["WordSim-353"]["pairs"], scores["SimLex-999"]["pairs"], a["answered"])
        < MIN_SCORED
    ):
        lines.append(
            f"(n/a: fewer than {MIN_SCORED} pairs or questions have all their words in the vocabulary)"
        )
    return "\n".join(lines)
