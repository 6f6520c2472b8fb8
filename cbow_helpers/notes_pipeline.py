"""The notes' tokenizing pipeline, run with nltk itself, to check ``tokenize`` against.

The notes lowercase ``nltk.word_tokenize``'s tokens and keep alphabetic words, '.' and emoji.
``nltk.word_tokenize`` splits sentences with punkt's English model, a download this course never
makes; ``PunktSentenceTokenizer()`` runs the same algorithm untrained, with no data. Untrained, it
reads a one-letter word before a period ("O, then" becomes "O. then") as an initial, as in
"J. Bach", and does not end the sentence there; nltk's word tokenizer then leaves "O." whole and
the filter drops it. ``tokenize`` ends the sentence there.

Shown in notebook 01 and used by ``tests/test_tokens.py``. This is checking machinery: the
course's tokenizer is ``cbow_helpers.tokens.tokenize``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import re

import emoji

from .corpus import cache_dir, load_shakespeare
from .engine.files import atomic_write_text

# A one-letter word and a period, before white space: what untrained punkt reads as an initial.
ONE_LETTER = re.compile(r"\b[^\W\d_]\.(?=\s)")


def notes_filter(tokens: list[str]) -> list[str]:
    """The notes' last step: lowercase, keep alphabetic words, '.' and emoji."""
    return [t.lower() for t in tokens if t.isalpha() or t == "." or emoji.is_emoji(t)]


def notes_pipeline(text: str) -> list[str]:
    """The notes' pipeline on ``text``, with punkt untrained."""
    from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer  # importing nltk is slow

    text = re.sub(r"[,!?;-]+", ".", text)
    words = NLTKWordTokenizer()
    return [
        t for s in PunktSentenceTokenizer().tokenize(text) for t in notes_filter(words.tokenize(s))
    ]


def _pipeline_on_shakespeare() -> dict:
    """The pipeline on every sentence of Shakespeare, and, for each sentence with one-letter
    words before a period, the pipeline on its parts cut after each of them."""
    from nltk import redos
    from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer

    text = re.sub(r"[,!?;-]+", ".", load_shakespeare())
    real_timeout = redos.DEFAULT_TIMEOUT
    redos.DEFAULT_TIMEOUT = None  # punkt's scan of the whole text takes longer than nltk's 5 s
    try:
        sentences = PunktSentenceTokenizer().tokenize(text)
    finally:
        redos.DEFAULT_TIMEOUT = real_timeout
    words, seen = NLTKWordTokenizer(), {}

    def pipeline(sentence):  # many sentences come more than once ("Ay, my lord.")
        if sentence not in seen:
            seen[sentence] = notes_filter(words.tokenize(sentence))
        return seen[sentence]

    cut = {}
    for i, sentence in enumerate(sentences):
        ends = [m.end() for m in ONE_LETTER.finditer(sentence)]
        if ends:
            parts = [sentence[a:b] for a, b in zip([0, *ends], [*ends, len(sentence)])]
            cut[str(i)] = [pipeline(part) for part in parts]
    return {"sentences": [pipeline(s) for s in sentences], "cut": cut}


def notes_pipeline_on_shakespeare() -> dict:
    """The notes' pipeline on all of Shakespeare, kept in the cache folder (nltk needs some 25 s).

    Returns a dict: ``"sentences"``, each sentence's tokens as punkt cut the whole text, and
    ``"cut"``, for the sentences holding a one-letter word before a period (keyed by their index
    as a string), the tokens of their parts cut after each such word.

    The cache file is named by a hash of the text, of nltk's and emoji's versions and of the code
    above, so it is never used for another text, nltk or pipeline; it is written atomically, and
    a damaged one is ignored and rewritten.
    """
    key = hashlib.sha256(
        "\0".join(
            [
                load_shakespeare(),
                importlib.metadata.version("nltk"),
                importlib.metadata.version("emoji"),
                inspect.getsource(notes_filter),
                inspect.getsource(_pipeline_on_shakespeare),
                ONE_LETTER.pattern,
            ]
        ).encode("utf-8")
    ).hexdigest()[:16]
    path = cache_dir() / f"shakespeare-notes-pipeline-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    result = _pipeline_on_shakespeare()
    try:
        atomic_write_text(path, json.dumps(result, ensure_ascii=False))
    except OSError:
        pass  # a read-only cache folder: the result is still right, only not kept
    return result
