"""Tokens: the course's tokenizer, which turns a text into lowercase words and sentence marks.

Introduced in notebook 01 (cleaning and tokenization). Reading a corpus file and the Shakespeare
corpus are in ``corpus.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import emoji

# Runs of these punctuation marks become one sentence mark '.'.
_PUNCTUATION_RUN = re.compile(r"[,!?;-]+")

# Where nltk's sentence splitter (punkt, which ``nltk.word_tokenize`` runs first) ends a sentence
# at a period, ``tokenize`` puts a space before the period: nltk's word tokenizer, given a whole
# piece of text at once, then splits it off as it does at the end of a sentence, with the clitic
# before it ("he's." gives he, 's, .). A candidate period follows a character that is neither a
# period nor white space, and comes before white space or before one of the marks that punkt never
# counts as part of a word ("Behold.' And", "John.'Tis"), unless another candidate follows before
# the next white space (punkt then skips the first one).
_MARK = r"[)\";}\]*:@'({\[\u2018\u2019\u201c\u201d\u00ab\u00bb?!]"
# (the period comes first in the pattern, the look back after it: the regular-expression engine
# then jumps from period to period)
_CANDIDATE = rf"\.(?<=[^.\s]\.)(?=\s|$|{_MARK}(?!\S*?\.(?:\s|$|{_MARK})))"
# punkt moves closing quotes and brackets that start the next sentence back onto the sentence
# before. nltk's word tokenizer then splits the period off that sentence's end only if nothing but
# spaces and the marks of _STILL_SPLIT follow it; otherwise the period stays glued to its word.
_MOVED_BACK = r"\s*[\"')\]}\u2018\u2019\u201c\u201d\u00ab\u00bb]+?(?:\s|--|$)"
_STILL_SPLIT = r" *[\"')\]}\u00bb\u201d\u2019]+?(?:\s|--|$)"
_SENTENCE_END = re.compile(rf"{_CANDIDATE}(?:(?!{_MOVED_BACK})|(?={_STILL_SPLIT}))")

#: Bumped whenever ``tokenize`` would produce different tokens, so that cached
#: token lists made by an older version are never reused.
TOKENIZER_VERSION = 2


# nltk's tokenizer gets the text in pieces of about this many characters: nltk 3.10 stops any
# one regular-expression call after 5 s, which a whole corpus of some 30 MB can take.
_PIECE_CHARS = 1 << 20
# A piece is cut after a space or a line break, where it makes no difference to the tokens; only a
# run of more than this many characters with neither is cut where it stands.
_PIECE_LIMIT = 8 * _PIECE_CHARS
# Files are read in blocks of this many bytes.
_BLOCK_BYTES = 1 << 20


def _keep(token: str) -> bool:
    return token.isalpha() or token == "." or emoji.is_emoji(token)


def _cut_point(text: str, i: int) -> bool:
    """A piece may end just after ``text[i]``: a space or line break with a letter or digit next.

    The period rules above look past white space at what follows a period (a closing quote that
    punkt moves back): before a letter or digit they see the same thing in a piece as in the
    whole text, so such a cut changes no token.
    """
    return text[i] in " \n" and i + 1 < len(text) and text[i + 1].isalnum()


def last_cut(text: str, start: int = 0, stop: int | None = None) -> int:
    """Just after the last cut point (``_cut_point``) in ``text[start:stop]``, or -1 if none."""
    end = len(text) if stop is None else min(stop, len(text))
    while True:
        end = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
        if end < start:
            return -1
        if _cut_point(text, end):
            return end + 1


def _first_cut(text: str, start: int, stop: int) -> int:
    """Just after the first cut point in ``text[start:stop]``, or -1 if none."""
    while start < stop:
        found = [i for i in (text.find(" ", start, stop), text.find("\n", start, stop)) if i >= 0]
        if not found:
            return -1
        if _cut_point(text, min(found)):
            return min(found) + 1
        start = min(found) + 1
    return -1


def _cut(text: str, start: int, size: int, limit: int) -> int:
    """Where the piece of ``text`` that begins at ``start`` ends: just after a cut point.

    The last one within ``size`` characters, else the first one after, else (beyond
    ``limit`` characters, or the text's end) ``start + limit``.
    """
    end = last_cut(text, start, start + size)
    if end < 0:
        end = _first_cut(text, start + size, start + limit)
    return end if end >= 0 else start + limit


def _pieces(text: str, size: int | None = None, limit: int | None = None) -> Iterator[str]:
    """``text`` in consecutive pieces, each ending after a space or line break (see ``_cut``)."""
    size, limit = size or _PIECE_CHARS, limit or _PIECE_LIMIT
    start = 0
    while len(text) - start > size:
        end = _cut(text, start, size, limit)
        yield text[start:end]
        start = end
    if start < len(text):
        yield text[start:]


def _word_tokenize(text: str, **kwargs) -> list[str]:
    """nltk's ``word_tokenize``, imported on first use: importing nltk takes most of a second,
    which every command-line call (even ``--help``) would otherwise pay."""
    from nltk.tokenize import word_tokenize  # lazy on purpose: importing nltk takes seconds

    return word_tokenize(text, **kwargs)


def mark_sentence_ends(text: str) -> str:
    """Steps 1 and 2 of ``tokenize`` as text: punctuation runs become ``'.'``, and a space goes
    before each period where punkt (untrained) ends a sentence, and before the period after a
    one-letter word.

    Shown in notebook 01, where ``tokenize`` is introduced: nltk's word tokenizer then splits each
    marked period off, with a clitic before it, as at the end of a sentence.

    Examples
    --------
    >>> mark_sentence_ends("I know he's. Yes.")
    "I know he's . Yes ."
    >>> mark_sentence_ends("Another moon: but, O, methinks, how slow")
    'Another moon: but . O . methinks . how slow'
    >>> mark_sentence_ends("Dr. Foster went to Gloucester.")  # punkt ends a sentence here too
    'Dr . Foster went to Gloucester .'
    """
    return _SENTENCE_END.sub(" .", _PUNCTUATION_RUN.sub(".", text))


def _tokenize_piece(piece: str) -> Iterator[str]:
    """The notes' pipeline (see ``tokenize``) on one piece of text."""
    data = mark_sentence_ends(piece)
    if not data.strip():
        return
    for token in _word_tokenize(data, preserve_line=True):
        if _keep(token):
            yield token.lower()


def _tokenize_pieces(pieces) -> list[str]:
    """The tokens of consecutive pieces of a text; equal tokens share one str object."""
    tokens: list[str] = []
    interned: dict[str, str] = {}
    for piece in pieces:
        tokens.extend(interned.setdefault(token, token) for token in _tokenize_piece(piece))
    return tokens


def tokenize(corpus: str) -> list[str]:
    """Clean a text and split it into lowercase word tokens.

    Introduced in notebook 01 (cleaning and tokenization).

    The notes' pipeline, in four steps:

    1. every run of ``, ! ? ; -`` becomes one ``'.'``;
    2. the text is cut into sentences where nltk's sentence splitter, punkt, run
       without its downloaded English model, ends one: after a period followed by
       white space, whatever the case of the next word, except after a one-letter
       word (read as an initial: see below) or a number followed by a lowercase
       word; untrained, it knows no abbreviations;
    3. nltk's word tokenizer splits each sentence into words, and the period and
       a clitic before it (``he's.`` gives ``he``, ``'s``, ``.``) into tokens of
       their own;
    4. tokens are lowercased and only alphabetic words, ``'.'`` and emoji are kept
       (so ``'s``, ``n't``, numbers, quotes and hyphenated words are dropped:
       ``step-dame`` became ``step.dame`` in step 1).

    On every sentence of Shakespeare this gives what the notes' pipeline gives
    with nltk's sentence splitter run untrained (``PunktSentenceTokenizer()``),
    except after a one-letter word (``O, then``): untrained, punkt reads ``O.`` as
    an initial and does not end the sentence, and the word and period are lost.
    On other text there is one more difference: a period after a number and
    before a lowercase word (``in 1723. then``) is split off here, where punkt
    does not cut and the notes' pipeline drops ``1723.`` whole, period and all.

    Steps 2 and 3 run as one nltk call per piece of text, with a space put before
    each sentence's period (the same tokens as one call per sentence, faster).
    A long text goes to nltk in pieces of about a million characters, cut after
    a space or a line break: the tokens are the same as from one call (the only
    exception, a run of over eight million characters without a space or line
    break, is cut where it stands), and no call comes near nltk's 5-second limit
    per regular expression. Equal tokens share one str object, so the list costs
    a pointer per token plus its distinct words.

    Parameters
    ----------
    corpus : str
        The raw text.

    Returns
    -------
    list of str
        The tokens, in order. An empty text gives ``[]``.

    Examples
    --------
    >>> tokenize('Who ❤️ "word embeddings" in 2020? I do!!!')
    ['who', '❤️', 'word', 'embeddings', 'in', '.', 'i', 'do', '.']
    """
    if not isinstance(corpus, str):
        raise TypeError(
            f"tokenize expects the corpus as a str, got {type(corpus).__name__}: {corpus!r:.60}"
            + (
                " (decode bytes first, e.g. data.decode('utf-8'))"
                if isinstance(corpus, bytes)
                else ""
            )
        )
    return _tokenize_pieces(_pieces(corpus))
