"""One-hot vectors, averaged context vectors, training examples and dense batches.

Each function checks its arguments once, at the call (``@checked_by``, with the check just above
its function); ``f.unchecked`` is its body alone, which the functions built on it call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from .engine.checks import checked_by, context_half_size, positive_int, token_list, vocabulary_size
from .windows import get_windows


def _index(word: str, word2Ind: Mapping[str, int]) -> int:
    try:
        return word2Ind[word]
    except KeyError:
        raise KeyError(
            f"the word {word!r} is not in the vocabulary (word2Ind has {len(word2Ind)} words)"
        ) from None
    except TypeError:
        raise TypeError(f"a word must be a str, got {type(word).__name__}: {word!r}") from None


def _one_hot_inputs(word, word2Ind, V):
    return word, word2Ind, vocabulary_size(V, word2Ind)


@checked_by(_one_hot_inputs)
def word_to_one_hot_vector(word: str, word2Ind: Mapping[str, int], V: int) -> np.ndarray:
    """The one-hot vector of ``word``.

    Introduced in notebook 03 (one-hot vectors and context averaging); notebook 00 shows a few.

    Parameters
    ----------
    word : str
    word2Ind : dict
        Word to index (from ``get_dict``).
    V : int
        The vocabulary size.

    Returns
    -------
    (V,) float64 array
        1 at ``word2Ind[word]``, 0 elsewhere.

    Examples
    --------
    >>> word_to_one_hot_vector("happy", {"am": 0, "happy": 1, "i": 2}, 3)
    array([0., 1., 0.])
    """
    one_hot_vector = np.zeros(V)
    one_hot_vector[_index(word, word2Ind)] = 1
    return one_hot_vector


def _context_inputs(context_words, word2Ind, V):
    if isinstance(context_words, str):
        raise TypeError(f"context_words must be a list of words, got the str {context_words!r}")
    if len(context_words) == 0:
        raise ValueError("context_words is empty: the mean of no one-hot vectors is undefined")
    return context_words, word2Ind, vocabulary_size(V, word2Ind)


@checked_by(_context_inputs)
def context_words_to_vector(
    context_words: Sequence[str], word2Ind: Mapping[str, int], V: int
) -> np.ndarray:
    """The mean of the one-hot vectors of the context words: the input ``x``.

    Introduced in notebook 03 (one-hot vectors and context averaging).

    Parameters
    ----------
    context_words : sequence of str
        The 2C context words of one window.
    word2Ind : dict
    V : int

    Returns
    -------
    (V,) float64 array
        Entry k is the share of the context words that are word k.

    Examples
    --------
    >>> context_words_to_vector(["i", "am", "i", "happy"], {"am": 0, "happy": 1, "i": 2}, 3)
    array([0.25, 0.25, 0.5 ])
    """
    one_hots = [word_to_one_hot_vector.unchecked(w, word2Ind, V) for w in context_words]
    return np.mean(one_hots, axis=0)


def _example_inputs(words, C, word2Ind, V):
    C = context_half_size(C)
    words = token_list("get_training_example", words)
    return words, C, word2Ind, vocabulary_size(V, word2Ind)


@checked_by(_example_inputs)
def get_training_example(
    words: Sequence[str], C: int, word2Ind: Mapping[str, int], V: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(x, y)`` for each window: the averaged context vector and the one-hot centre word.

    Introduced in notebook 03 (one-hot vectors and context averaging).

    Yields
    ------
    x : (V,) float64 array
        ``context_words_to_vector`` of the window's 2C context words.
    y : (V,) float64 array
        ``word_to_one_hot_vector`` of its centre word.

    Examples
    --------
    >>> word2Ind = {"am": 0, "happy": 1, "i": 2}
    >>> for x, y in get_training_example(["i", "am", "happy", "i"], 1, word2Ind, 3):
    ...     print(x, y)
    [0.  0.5 0.5] [1. 0. 0.]
    [0.5 0.  0.5] [0. 1. 0.]
    """
    for context_words, center_word in get_windows.unchecked(words, C):
        x = context_words_to_vector.unchecked(context_words, word2Ind, V)
        yield x, word_to_one_hot_vector.unchecked(center_word, word2Ind, V)


def _batch_inputs(data, word2Ind, V, C, batch_size):
    data = token_list("get_batches", data)
    batch_size = positive_int("batch_size", batch_size)
    C = context_half_size(C)
    V = vocabulary_size(V, word2Ind)
    n_windows = max(len(data) - 2 * C, 0)
    if n_windows < batch_size:
        raise ValueError(
            f"the data gives {n_windows} windows with C={C}, fewer than batch_size={batch_size}: "
            "use a smaller batch_size or more data"
        )
    return data, word2Ind, V, C, batch_size


@checked_by(_batch_inputs)
def get_batches(
    data: Sequence[str], word2Ind: Mapping[str, int], V: int, C: int, batch_size: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield dense batches ``(X, Y)`` forever, cycling over the windows of ``data``.

    Introduced in notebook 03 (one-hot vectors and context averaging).

    Each batch holds ``batch_size`` *distinct* windows, taken in order: the
    first batch is windows 0 .. m-1, the next m .. 2m-1, and so on, wrapping
    around to the start of the data when it runs out.

    Parameters
    ----------
    data : sequence of str
        The tokens.
    word2Ind : dict
    V : int
    C : int
        Context half-size.
    batch_size : int
        m, the number of windows (columns) per batch.

    Yields
    ------
    X : (V, m) float64 array
        Column j is the averaged context vector x of window j.
    Y : (V, m) float64 array
        Column j is the one-hot vector y of the centre word of window j.

    Raises
    ------
    TypeError
        If ``data`` is a str (tokenize it first), or V, C or ``batch_size`` is not an integer.
    ValueError
        If V, C or ``batch_size`` < 1, V is smaller than the vocabulary, or the data holds
        fewer than ``batch_size`` windows (a batch would have to repeat a window).

    The arguments are checked when ``get_batches`` is called, before the first batch.

    Examples
    --------
    >>> words = "i am happy because i am learning".split()
    >>> word2Ind = {"am": 0, "because": 1, "happy": 2, "i": 3, "learning": 4}
    >>> X, Y = next(get_batches(words, word2Ind, 5, 2, 3))
    >>> X.shape, Y.shape
    ((5, 3), (5, 3))
    >>> Y  # the centre words happy, because, i
    array([[0., 0., 0.],
           [0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """

    def forever():
        while True:  # restart the generator rather than keep every dense vector in memory
            yield from get_training_example.unchecked(data, C, word2Ind, V)

    examples = forever()
    while True:
        X = np.empty((V, batch_size))
        Y = np.empty((V, batch_size))
        for j in range(batch_size):
            X[:, j], Y[:, j] = next(examples)
        yield X, Y
