"""The checks of notebooks 01 to 03: tokenize, get_windows, get_dict, one-hot vectors, get_batches."""

from __future__ import annotations

import itertools
import re

import numpy as np

from .. import tokens as tokens_module
from .. import vectors, vocabulary
from .. import windows as windows_module
from .common import SENTENCE, TEXT, Failed, NotWritten, call, differs, run, show, which_mistake


def _tokenize_steps(corpus, lower=True, numbers=False, merge=True, split=True, emoji_kept=True):
    """The course's four tokenizer steps, each of which can be left out (the classic mistakes)."""
    import emoji
    from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer

    step1 = re.sub(r"[,!?;-]+", ".", corpus) if merge else corpus
    sentences = PunktSentenceTokenizer().tokenize(step1) if split else [step1]
    tokens = [t for sentence in sentences for t in NLTKWordTokenizer().tokenize(sentence)]

    def keep(t):
        return (
            t.isalpha()
            or t == "."
            or (numbers and t.isalnum())
            or (emoji_kept and emoji.is_emoji(t))
            or (not merge and not t.isalnum() and t in ",!?;-!!!")
        )

    return [t.lower() if lower else t for t in tokens if keep(t)]


def _split_on_spaces(corpus):
    return [t.lower() for t in re.sub(r"[,!?;-]+", ".", corpus).split()]


def check_tokenize(tokenize):
    cases = [
        'Who ❤️ "word embeddings" in 2020? I do!!!',
        "Hello, World; bye-bye... Fine.",
        "In 1599 the Globe opened. Dost thou know it?",
        "",
    ]
    mistakes = [
        ("tokenize-not-lowercased", lambda c: _tokenize_steps(c, lower=False)),
        ("tokenize-keeps-numbers", lambda c: _tokenize_steps(c, numbers=True)),
        ("tokenize-punctuation-kept", lambda c: _tokenize_steps(c, merge=False)),
        ("tokenize-period-glued", lambda c: _tokenize_steps(c, split=False)),
        ("tokenize-drops-emoji", lambda c: _tokenize_steps(c, emoji_kept=False)),
        ("tokenize-split-on-spaces", _split_on_spaces),
    ]
    for corpus in cases:
        got = call(tokenize, corpus)
        got = list(got) if isinstance(got, tuple) else got
        difference = differs(tokens_module.tokenize(corpus), got)
        if difference is None:
            continue
        key = which_mistake(mistakes, (corpus,), got, differs)
        if key is None and isinstance(got, list) and all(isinstance(t, str) for t in got):
            if any(t in {",", "!", "?", ";", "-", "!!!"} for t in got):
                key = "tokenize-punctuation-kept"
            elif any(t != t.lower() for t in got):
                key = "tokenize-not-lowercased"
            elif any(len(t) > 1 and t.endswith(".") for t in got):
                key = "tokenize-period-glued"
        raise Failed(f'case "tokenize({corpus!r})": {difference}', key)
    return len(cases)


def _windows_as_lists(result, limit=1000):
    items = list(itertools.islice(iter(result), limit))
    out = []
    for item in items:
        try:
            context, centre = item
        except (TypeError, ValueError):
            return items
        out.append((list(context) if not isinstance(context, str) else context, centre))
    return out


def check_get_windows(get_windows):
    def reference(words, C):
        return list(windows_module.get_windows(words, C))

    def includes_centre(words, C):
        return [(words[i - C : i + C + 1], words[i]) for i in range(C, len(words) - C)]

    def off_by_one(words, C):
        return reference(words, C)[:-1]

    def one_side(words, C):
        return [(words[i - C : i], words[i]) for i in range(C, len(words) - C)]

    def swapped(words, C):
        return [(centre, context) for context, centre in reference(words, C)]

    def short_at_edges(words, C):
        return [
            (words[max(0, i - C) : i] + words[i + 1 : i + C + 1], words[i])
            for i in range(len(words))
        ]

    def short_right(words, C):
        return [
            (words[i - C : i] + words[i + 1 : i + C], words[i]) for i in range(C, len(words) - C)
        ]

    def context_order(words, C):
        return [
            (words[i + 1 : i + C + 1] + words[i - C : i], words[i])
            for i in range(C, len(words) - C)
        ]

    mistakes = [
        ("window-includes-centre", includes_centre),
        ("window-off-by-one", off_by_one),
        ("window-one-side", one_side),
        ("window-swapped", swapped),
        ("window-short-at-edges", short_at_edges),
        ("window-short-at-edges", lambda w, C: short_at_edges(w, C)[C:]),
        ("window-short-at-edges", lambda w, C: short_at_edges(w, C)[: len(w) - C]),
        ("window-context-order", context_order),
        ("window-short-right", short_right),
    ]
    cases = [(SENTENCE, 2), (SENTENCE, 1), (SENTENCE, 3), (SENTENCE[:4], 2)]
    for words, C in cases:
        run(
            lambda w, c: _windows_as_lists(call(get_windows, w, c)),
            (words, C),
            reference,
            f"{len(words)} words, C = {C}",
            mistakes=mistakes,
        )
    return len(cases)


def check_get_dict(get_dict):
    def first_seen(data):
        order = list(dict.fromkeys(data))
        return {w: i for i, w in enumerate(order)}, {i: w for i, w in enumerate(order)}

    def with_duplicates(data):
        word2Ind = {}
        for i, w in enumerate(data):
            word2Ind[w] = i
        return word2Ind, {i: w for w, i in word2Ind.items()}

    cases = [SENTENCE, TEXT]
    for data in cases:
        got = call(get_dict, list(data))
        if not (isinstance(got, tuple) and len(got) == 2):
            raise Failed(
                f'case "{" ".join(data[:4])} ...": expected a pair (word2Ind, Ind2word), '
                f"got {type(got).__name__}: {show(got)}"
            )
        word2Ind, Ind2word = got
        expected_w2i, expected_i2w = vocabulary.get_dict(data)
        case = f"get_dict of {' '.join(data[:4])} ..."
        if word2Ind != expected_w2i:
            difference = differs(expected_w2i, word2Ind)
            if isinstance(word2Ind, dict) and set(word2Ind) == set(expected_w2i):
                if word2Ind == first_seen(data)[0] or sorted(word2Ind.values()) == list(
                    range(len(word2Ind))
                ):
                    raise Failed(f'case "{case}": word2Ind {difference}', "dict-not-sorted")
                if sorted(word2Ind.values()) == list(range(1, len(word2Ind) + 1)):
                    key = "dict-starts-at-one"
                    if word2Ind == {w: i + 1 for w, i in expected_w2i.items()}:
                        raise Failed(f'case "{case}": word2Ind {difference}', key)
                if word2Ind == with_duplicates(data)[0] or max(word2Ind.values()) >= len(word2Ind):
                    raise Failed(f'case "{case}": word2Ind {difference}', "dict-counts-duplicates")
            raise Failed(f'case "{case}": word2Ind {difference}')
        if Ind2word != expected_i2w:
            raise Failed(
                f'case "{case}": Ind2word {differs(expected_i2w, Ind2word)}', "dict-not-inverse"
            )
    return len(cases)


def check_word_to_one_hot_vector(function):
    word2Ind, _ = vocabulary.get_dict(SENTENCE)
    V = len(word2Ind)
    cases = [("happy", V), ("am", V), ("learning", V), ("i", 8)]
    for word, size in cases:
        index = word2Ind[word]
        column = vectors.word_to_one_hot_vector(word, word2Ind, size)[:, None]
        shifted = np.zeros(size)
        shifted[(index + 1) % size] = 1
        shifted_back = np.zeros(size)
        shifted_back[index - 1] = 1
        run(
            function,
            (word, dict(word2Ind), size),
            vectors.word_to_one_hot_vector,
            f"word_to_one_hot_vector({word!r}, word2Ind, V={size})",
            mistakes=[
                ("one-hot-column", column),
                ("one-hot-wrong-index", shifted),
                ("one-hot-wrong-index", shifted_back),
                ("one-hot-returns-index", index),
            ],
        )
    _unknown_word_fails(function, word2Ind, V)
    return len(cases) + 1


def _unknown_word_fails(function, word2Ind, V) -> None:
    """A word not in word2Ind must raise an error that names it (notebook 03), never give a vector."""
    case = f"word_to_one_hot_vector('zebra', word2Ind, V={V}): a word not in word2Ind"
    try:
        got = call(function, "zebra", dict(word2Ind), V)
    except Failed as failure:
        if str(failure).startswith("your function raised") and "zebra" in str(failure):
            return
        raise Failed(
            f'case "{case}": {failure}', failure.mistake or "one-hot-unknown-word"
        ) from None
    raise Failed(
        f'case "{case}": expected an error naming the word, got {show(got)}',
        "one-hot-unknown-word",
    )


def check_context_words_to_vector(function):
    word2Ind, _ = vocabulary.get_dict(SENTENCE)
    V = len(word2Ind)

    def summed(context, w2i, V):
        return len(context) * vectors.context_words_to_vector(context, w2i, V)

    def unique(context, w2i, V):
        return vectors.context_words_to_vector(sorted(set(context)), w2i, V)

    def stacked(context, w2i, V):
        return np.array([vectors.word_to_one_hot_vector(w, w2i, V) for w in context])

    cases = [["i", "am", "because", "i"], ["am", "happy", "i", "am"], ["happy", "because"]]
    for context in cases:
        run(
            function,
            (context, dict(word2Ind), V),
            vectors.context_words_to_vector,
            f"context {context}",
            mistakes=[
                ("context-summed", summed),
                ("context-unique-words", unique),
                ("context-divided-by-V", lambda c, w2i, V: summed(c, w2i, V) / V),
                ("context-not-averaged", stacked),
                ("context-wrong-axis", lambda c, w2i, V: stacked(c, w2i, V).mean(axis=1)),
            ],
        )
    return len(cases)


def check_get_batches(function):
    words = TEXT[:14]  # 10 windows with C = 2, all different
    word2Ind, _ = vocabulary.get_dict(words)
    V, C, m = len(word2Ind), 2, 4
    expected = list(itertools.islice(vectors.get_batches(words, word2Ind, V, C, m), 3))
    generator = call(function, list(words), dict(word2Ind), V, C, m)
    try:
        got = list(itertools.islice(iter(generator), 3))
    except NotImplementedError:
        raise NotWritten() from None
    except Exception as error:  # noqa: BLE001
        raise Failed(f"your batches raised {type(error).__name__}: {error}") from None
    case = f"10 windows, batch_size = {m}, the first 3 batches"
    if len(got) < 3:
        raise Failed(
            f'case "{case}": expected 3 batches (the generator wraps around forever), got {len(got)}',
            "batch-stops",
        )
    for b, ((X, Y), (got_X, got_Y)) in enumerate(zip(expected, (pair for pair in got)), start=1):
        for name, want, have in (("X", X, got_X), ("Y", Y, got_Y)):
            difference = differs(want, have)
            if difference is None:
                continue
            have = np.asarray(have, dtype=float)
            message = f'case "{case}": batch {b}, {name}: {difference}'
            if have.shape == want.shape[::-1]:
                raise Failed(message, "batch-transposed")
            if have.ndim == 2 and have.shape[0] == want.shape[0] and have.shape[1] < m:
                raise Failed(message, "batch-stops")
            raise Failed(message)
    _check_batches_stream(function)
    return 4


class _CountingIndex(dict):
    """A word2Ind that counts its look-ups: about 2C + 1 per window whose vectors were built."""

    lookups = 0

    def __getitem__(self, word):
        self.lookups += 1
        return super().__getitem__(word)

    def get(self, word, default=None):
        self.lookups += 1
        return super().get(word, default)


def _check_batches_stream(function):
    """On a long text, the first batch must not wait for the vectors of every window."""
    words = TEXT * 200  # 2,996 windows with C = 2
    word2Ind = _CountingIndex(vocabulary.get_dict(words)[0])
    V, C, m = len(word2Ind), 2, 4
    case = f"{len(words) - 2 * C:,} windows, batch_size = {m}, the first batch"
    try:
        next(iter(call(function, words, word2Ind, V, C, m)))
    except NotImplementedError:
        raise NotWritten() from None
    except Exception as error:  # noqa: BLE001
        raise Failed(
            f'case "{case}": your batches raised {type(error).__name__}: {error}'
        ) from None
    built = word2Ind.lookups // (2 * C + 1)
    if built > 10 * m:
        raise Failed(
            f'case "{case}": your generator built the vectors of about {built:,} windows '
            f"before yielding a batch of {m}",
            "batch-builds-everything",
        )


def check_get_batches_with_diagnosis(function):
    """get_batches, naming a repeated or skipped window when the batches differ."""
    try:
        return check_get_batches(function)
    except Failed as failure:
        if failure.mistake is not None:
            raise
        words = TEXT[:14]
        word2Ind, _ = vocabulary.get_dict(words)
        V, C, m = len(word2Ind), 2, 4
        windows = list(vectors.get_training_example(words, C, word2Ind, V))
        key = {(x.tobytes(), y.tobytes()): i for i, (x, y) in enumerate(windows)}
        try:
            batches = list(
                itertools.islice(iter(function(list(words), dict(word2Ind), V, C, m)), 3)
            )
            columns = [
                key.get(
                    (np.asarray(X, float)[:, j].tobytes(), np.asarray(Y, float)[:, j].tobytes())
                )
                for X, Y in batches
                for j in range(m)
            ]
        except Exception:  # noqa: BLE001
            raise failure from None
        if None not in columns:
            # the first pass over the windows: up to the first window seen twice
            repeat = next((r for r in range(len(columns)) if columns[r] in columns[:r]), None)
            if repeat is not None and repeat < len(windows):
                wrapped_early = columns[:repeat] == list(range(repeat)) and columns[repeat] == 0
                if wrapped_early and repeat > m:
                    raise Failed(str(failure), "batch-drops-window") from None
                raise Failed(str(failure), "batch-repeats-window") from None
            if columns != list(range(len(columns))) and set(columns) != set(range(len(windows))):
                raise Failed(str(failure), "batch-drops-window") from None
        raise failure from None
