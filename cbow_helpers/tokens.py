"""Tokenization: the course's tokenizer (notebook 01), fed a long text in pieces."""

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
_CANDIDATE = rf"(?<=[^.\s])\.(?=\s|$|{_MARK}(?!\S*?\.(?:\s|$|{_MARK})))"
# punkt moves closing quotes and brackets that start the next sentence back onto this one; nltk's
# word tokenizer splits the period from them only if just spaces and some of them come between.
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


def _cut(text: str, start: int, size: int, limit: int) -> int:
    """Where the piece of ``text`` that begins at ``start`` ends: just after a space or line break.

    The last one within ``size`` characters, else the first one after, else (beyond
    ``limit`` characters, or the text's end) ``start + limit``.
    """
    end = max(text.rfind(" ", start, start + size), text.rfind("\n", start, start + size))
    if end < start:
        found = [
            i
            for i in (
                text.find(" ", start + size, start + limit),
                text.find("\n", start + size, start + limit),
            )
            if i >= 0
        ]
        end = min(found) if found else start + limit - 1
    return end + 1


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


def _tokenize_piece(piece: str) -> Iterator[str]:
    """The notes' pipeline (see ``tokenize``) on one piece of text."""
    data = _SENTENCE_END.sub(" .", _PUNCTUATION_RUN.sub(".", piece))
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
    2. the text is cut into sentences after each period followed by white space
       (what ``nltk.word_tokenize``'s sentence splitter does, without its
       downloaded English model);
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
