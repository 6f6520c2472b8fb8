"""Vocabularies: words numbered 0 .. V-1, and a corpus as word ids.

- ``get_dict`` (notebook 03): every word, numbered alphabetically, as the notes do;
- ``build_vocabulary`` / ``encode`` (notebook 06): numbered by frequency, so that a cap keeps
  the most frequent words, with every other word in one token, ``UNK``;
- ``corpus_ids`` (notebook 09): word2vec's vocabulary, where rare words are dropped instead.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

import numpy as np

from .engine.checks import (
    checked_by,
    integer_at_least,
    positive_int,
    str_token_list,
    str_tokens,
    token_list,
)


def get_dict(data: Sequence[str]) -> tuple[dict[str, int], dict[int, str]]:
    """Map each distinct word to an index, in alphabetical order, and back.

    Introduced in notebook 03 (one-hot vectors and context averaging).

    Parameters
    ----------
    data : sequence of str
        The tokens.

    Returns
    -------
    word2Ind : dict
        Word to its row in the one-hot vectors (0 .. V-1).
    Ind2word : dict
        The inverse mapping.

    Examples
    --------
    >>> word2Ind, Ind2word = get_dict(["i", "am", "happy", "because", "i"])
    >>> word2Ind
    {'am': 0, 'because': 1, 'happy': 2, 'i': 3}
    >>> Ind2word[2]
    'happy'
    """
    words = sorted(str_tokens(token_list("get_dict", data)))
    word2Ind = {word: i for i, word in enumerate(words)}
    Ind2word = {i: word for i, word in enumerate(words)}
    return word2Ind, Ind2word


#: The token that stands for every word outside a capped vocabulary (introduced in notebook 06).
UNK = "<unk>"


def _vocabulary_inputs(tokens, vocab_size=None, min_count=1):
    if vocab_size is not None:
        vocab_size = integer_at_least("vocab_size", vocab_size, 2, why="a word and '<unk>'")
    min_count = positive_int("min_count", min_count)
    return str_token_list("build_vocabulary", tokens), vocab_size, min_count


@checked_by(_vocabulary_inputs)
def build_vocabulary(tokens: Sequence[str], vocab_size: int | None = None, min_count: int = 1):
    """Word-to-index maps for the trainer, most frequent word first.

    Introduced in notebook 06 (training), beside ``get_dict``.

    Words seen fewer than ``min_count`` times, and all but the ``vocab_size - 1``
    most frequent words when ``vocab_size`` is given, are replaced by one token
    ``'<unk>'``, which takes the last index. Ties in frequency are broken
    alphabetically, so the vocabulary does not depend on hash order. A corpus
    that already marks unknown words with ``'<unk>'`` keeps them in that token.

    Raises TypeError if ``tokens`` is a str (a text, not yet tokenized) or a token is not a str,
    and ValueError if ``vocab_size`` < 2 or ``min_count`` < 1.

    Returns
    -------
    word2Ind : dict
    Ind2word : dict

    Examples
    --------
    >>> build_vocabulary("the king the queen the".split(), vocab_size=2)
    ({'the': 0, '<unk>': 1}, {0: 'the', 1: '<unk>'})
    """
    counts = collections.Counter(tokens)
    unknown = counts.pop(UNK, 0)
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    needs_unk = len(ranked) < len(counts) or unknown > 0
    if vocab_size is not None and len(ranked) + needs_unk > vocab_size:
        ranked = ranked[: vocab_size - 1]  # '<unk>' takes the last place
        needs_unk = True
    if needs_unk:
        ranked.append(UNK)
    word2Ind = {w: i for i, w in enumerate(ranked)}
    return word2Ind, {i: w for w, i in word2Ind.items()}


def _encode_inputs(tokens, word2Ind):
    return token_list("encode", tokens), word2Ind


@checked_by(_encode_inputs)
def encode(tokens: Sequence[str], word2Ind: dict) -> np.ndarray:
    """Token ids (int32); a word missing from ``word2Ind`` becomes ``'<unk>'``.

    Introduced in notebook 06 (training).

    Examples
    --------
    >>> encode(["the", "queen", "king"], {"the": 0, "<unk>": 1})
    array([0, 1, 1], dtype=int32)
    """
    unk = word2Ind.get(UNK, -1)
    ids = np.fromiter((word2Ind.get(t, unk) for t in tokens), dtype=np.int32, count=len(tokens))
    if (ids < 0).any():
        missing = tokens[int(np.argmax(ids < 0))]
        raise KeyError(f"the word {missing!r} is not in the vocabulary, which has no '<unk>' token")
    return ids


def _corpus_inputs(tokens, min_count=5):
    min_count = positive_int("min_count", min_count)
    return str_token_list("corpus_ids", tokens), min_count


@checked_by(_corpus_inputs)
def corpus_ids(tokens: Sequence[str], min_count: int = 5):
    """word2vec's vocabulary: words seen at least ``min_count`` times, most frequent first, and the corpus as ids.

    Introduced in notebook 09 (negative sampling).

    Rarer words are *dropped* from the corpus (so a window reaches past them), not
    replaced by ``'<unk>'`` as ``build_vocabulary`` does for the softmax model.

    Returns
    -------
    word2Ind : dict
    Ind2word : dict
    ids : (n,) int32 array, the kept tokens' ids in corpus order

    Examples
    --------
    >>> corpus_ids("the king and the queen and the fool".split(), min_count=2)
    ({'the': 0, 'and': 1}, {0: 'the', 1: 'and'}, array([0, 1, 0, 1, 0], dtype=int32))
    """
    word2Ind, Ind2word = build_vocabulary.unchecked(tokens, None, min_count)
    ids = encode.unchecked(tokens, word2Ind)
    if UNK in word2Ind and word2Ind[UNK] == len(word2Ind) - 1:  # dropped, not kept as a word
        ids = ids[ids != word2Ind.pop(UNK)]
        del Ind2word[len(word2Ind)]
    return word2Ind, Ind2word, ids
