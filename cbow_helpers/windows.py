"""Windows: the context words around each centre word, as words and as word ids.

- ``get_windows`` (notebook 02): the windows of 2C+1 words, as lists of words;
- ``context_windows`` (notebook 06): the same windows as arrays of word ids, for the trainer;
- ``reduced_windows`` / ``dynamic_contexts`` (notebook 09): word2vec's windows, of a random
  half-size from 1 to C for each centre word, so that near words count more than far ones.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import numpy as np

from .engine.checks import checked_by, context_half_size, positive_int, token_list


def _windows_inputs(words, C):
    C = context_half_size(C)  # checked before the first window, when get_windows is called
    return token_list("get_windows", words), C


@checked_by(_windows_inputs)
def get_windows(words: Sequence[str], C: int) -> Iterator[tuple[list[str], str]]:
    """Slide a window of 2C+1 words along ``words``.

    Introduced in notebook 02 (sliding windows of context words); notebook 00 previews it.

    Parameters
    ----------
    words : sequence of str
        The tokens of the corpus.
    C : int
        The context half-size: the number of words taken on each side of the
        centre word (the window holds 2C+1 words).

    Yields
    ------
    context_words : list of str
        The C words before and the C words after the centre word (2C words).
    center_word : str
        The word in the middle of the window.

    Raises
    ------
    TypeError
        If ``words`` is a str (tokenize it first) or C is not an integer.
    ValueError
        If C < 1.

    The arguments are checked when ``get_windows`` is called, before the first window.

    Examples
    --------
    >>> list(get_windows(["i", "am", "happy", "because", "i"], 1))
    [(['i', 'happy'], 'am'), (['am', 'because'], 'happy'), (['happy', 'i'], 'because')]
    """
    for i in range(C, len(words) - C):
        yield words[i - C : i] + words[i + 1 : i + C + 1], words[i]


def context_windows(ids: np.ndarray, C: int) -> tuple[np.ndarray, np.ndarray]:
    """All windows of a token-id sequence, as arrays: ``get_windows`` for word ids.

    Introduced in notebook 06 (training).

    Returns
    -------
    context : (n_windows, 2C) array, the ids of the C words before and after
    center : (n_windows,) array, the id of the centre word
        Both of the dtype of ``ids`` (int32 from ``encode``).

    Examples
    --------
    >>> context, center = context_windows(np.array([5, 6, 7, 8], dtype=np.int32), 1)
    >>> context
    array([[5, 7],
           [6, 8]], dtype=int32)
    >>> center
    array([6, 7], dtype=int32)
    """
    C = context_half_size(C)
    if len(ids) < 2 * C + 1:
        raise ValueError(
            f"context_windows got {len(ids)} word ids, but one window needs 2C+1 = {2 * C + 1} "
            f"(C={C})"
        )
    view = np.lib.stride_tricks.sliding_window_view(ids, 2 * C + 1)
    context = np.ascontiguousarray(np.delete(view, C, axis=1))
    center = np.ascontiguousarray(view[:, C])
    return context, center


def reduced_windows(n: int, C: int, rng: np.random.Generator) -> np.ndarray:
    """A random window half-size for each of ``n`` centre words, uniform in 1 .. C (word2vec's ``b``).

    A context word at distance d is then used with probability (C - d + 1) / C:
    near words weigh more than far ones, at no cost.

    Introduced in notebook 09 (negative sampling).

    Returns
    -------
    (n,) int32 array

    Examples
    --------
    >>> reduced_windows(5, 2, np.random.default_rng(0))
    array([1, 1, 1, 2, 2], dtype=int32)
    """
    C = positive_int("C", C, "the largest window half-size")
    return C - rng.integers(0, C, size=n, dtype=np.int32)


def dynamic_contexts(ids: np.ndarray, C: int, rng: np.random.Generator | None = None):
    """The context of every position of ``ids``, with reduced windows, in compressed-row form.

    Position i's context is positions i-b .. i+b except i, cut at the ends of
    the sequence, with b from ``reduced_windows`` (or b = C when ``rng`` is None).

    Introduced in notebook 09 (negative sampling).

    Returns
    -------
    indptr : (n + 1,) int32 array; position i's context is ``indices[indptr[i]:indptr[i+1]]``
    indices : (nnz,) int32 array of word ids: each context's left words from far to near,
        then its right words from near to far

    Examples
    --------
    >>> ids = np.array([10, 11, 12, 13, 14])
    >>> indptr, indices = dynamic_contexts(ids, 2)  # full windows, C = 2
    >>> [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(len(ids))]
    [[11, 12], [10, 12, 13], [10, 11, 13, 14], [11, 12, 14], [12, 13]]

    With the same ``rng`` as in ``reduced_windows``' example, b = 1, 1, 1, 2, 2:

    >>> indptr, indices = dynamic_contexts(ids, 2, np.random.default_rng(0))
    >>> [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(len(ids))]
    [[11], [10, 12], [11, 13], [11, 12, 14], [12, 13]]
    """
    ids = np.asarray(ids, dtype=np.int32)
    C = positive_int("C", C, "the largest window half-size")
    n = len(ids)
    b = np.full(n, C, dtype=np.int32) if rng is None else reduced_windows(n, C, rng)
    return window_contexts(ids, C, 0, b)


def window_contexts(ids: np.ndarray, C: int, start: int, b: np.ndarray):
    """The contexts of positions ``start .. start + len(b) - 1`` of ``ids``, of half-sizes ``b``.

    Not in the notebooks: ``dynamic_contexts`` is this for every position; the trainer builds
    the windows of one batch at a time with it (``engine/negative_sampling_loop.py``), so its
    memory does not grow with the corpus. Position ``start + j``'s context is positions
    ``start + j - b[j] .. start + j + b[j]`` except itself, cut at the ends of ``ids`` (int32);
    each ``b[j]`` lies in 0 .. C.

    Returns
    -------
    indptr, indices : as ``dynamic_contexts``, for these ``len(b)`` positions (indptr from 0)
    """
    m = len(b)
    lo, hi = max(start - C, 0), min(start + m + C, len(ids))  # the tokens these windows read
    within, columns = _window_shapes(C)
    valid = within[b]  # (m, 2C): the words within each window's half-size
    if lo > start - C or hi < start + m + C:  # a window reaches an end of ids
        padded = np.full(m + 2 * C, -1, dtype=np.int32)  # -1: off the ends
        padded[lo - (start - C) : hi - (start - C)] = ids[lo:hi]
        # (m, 2C): the 2C words around each position; a view of overlapping rows, then its columns
        window = np.lib.stride_tricks.sliding_window_view(padded, 2 * C + 1)[:, columns]
        valid &= window >= 0
        indices = window[valid]
        counts = np.count_nonzero(valid, axis=1)
    else:  # the usual batch: each kept word's place in the span, then one take
        indices = ids[lo:hi].take(_span_places(C, m)[valid]).astype(np.int32, copy=False)
        counts = 2 * b
    indptr = np.zeros(m + 1, dtype=np.int32)
    np.cumsum(counts, out=indptr[1:])
    return indptr, indices


def _span_places(C: int, m: int) -> np.ndarray:
    """(m, 2C): row j holds the places of window j's 2C words in a span of m + 2C tokens that
    starts C before its first centre word (a view of a cached array)."""
    rows = max(1024, 1 << (m - 1).bit_length())  # a few sizes: batches of up to ``rows`` windows
    return _span_places_of(C, rows)[:m]


@functools.lru_cache(maxsize=8)
def _span_places_of(C: int, rows: int) -> np.ndarray:
    _, columns = _window_shapes(C)
    places = np.arange(rows, dtype=np.intp)[:, None] + columns
    places.flags.writeable = False
    return places


@functools.lru_cache(maxsize=8)
def _window_shapes(C: int):
    """For ``window_contexts``: ``within`` (C + 1, 2C), row h marks the words a window of
    half-size h keeps (the offsets -C .. -1, 1 .. C); ``columns``, the 2C offsets' places in a
    span of 2C + 1 tokens (all but its centre)."""
    offsets = np.concatenate([np.arange(-C, 0), np.arange(1, C + 1)])
    within = np.abs(offsets) <= np.arange(C + 1)[:, None]
    columns = np.concatenate([np.arange(C), np.arange(C + 1, 2 * C + 1)])
    return within, columns
