"""``tokenize`` against the notes' pipeline: nltk's sentence splitter, nltk's word tokenizer on each
sentence, then the notes' filter (lowercase; keep alphabetic words, '.' and emoji).

``nltk.word_tokenize`` splits sentences with punkt's English model, a download this course never
makes; ``PunktSentenceTokenizer()`` runs the same algorithm untrained, with no data. Untrained, it
reads a one-letter word before a period ("O, then" becomes "O. then") as an initial, as in
"J. Bach", and does not end the sentence there; nltk's word tokenizer then leaves "O." whole and
the filter drops it. ``tokenize`` ends the sentence there. On Shakespeare, those are the only
differences (elsewhere, punkt also reads a number before a period and a lower-case word, "in
2020. then", as no sentence end).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import re

import emoji
import pytest
from nltk import redos
from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer

from cbow_helpers import load_shakespeare, tokenize, tokenize_shakespeare
from cbow_helpers.corpus import _cache_dir
from cbow_helpers.engine.files import atomic_write_text

# A one-letter word and a period, before white space: what untrained punkt reads as an initial.
ONE_LETTER = re.compile(r"\b[^\W\d_]\.(?=\s)")


def notes_filter(tokens: list[str]) -> list[str]:
    return [t.lower() for t in tokens if t.isalpha() or t == "." or emoji.is_emoji(t)]


def notes_pipeline(text: str) -> list[str]:
    """The notes' pipeline, with punkt untrained."""
    text = re.sub(r"[,!?;-]+", ".", text)
    words = NLTKWordTokenizer()
    return [
        t for s in PunktSentenceTokenizer().tokenize(text) for t in notes_filter(words.tokenize(s))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I know he's. Yes.", ["i", "know", "he", ".", "yes", "."]),
        ("I was deceiv'd, and so...", ["i", "was", "deceiv", ".", "and", "so"]),
        ("I was deceiv'd.", ["i", "was", "deceiv", "."]),
        ("Thou hast kill'd. Upon't.", ["thou", "hast", "kill", ".", "upo", "."]),
        ("Like to a step-dame or a dowager", ["like", "to", "a", "or", "a", "dowager"]),
        ("I say 'Behold.' And he's.' Yes", ["i", "say", "behold", ".", "and", "he", ".", "yes"]),
        ("Faith, Sir John,'tis more", ["faith", ".", "sir", "john", ".", "tis", "more"]),
        ("the same\ndefect,'Ladies,'", ["the", "same", "ladies", "."]),
        ("the goodly saying is,\n' --O heart", ["the", "goodly", "saying", "heart"]),
        ("It was 2020. Then came more.", ["it", "was", ".", "then", "came", "more", "."]),
        (
            'Who ❤️ "word embeddings" in 2020? I do!!!',
            ["who", "❤️", "word", "embeddings", "in", ".", "i", "do", "."],
        ),
    ],
)
def test_tokenize_gives_the_notes_pipeline(text, expected):
    """Clitics before a sentence's period are split off (and dropped by the filter) as nltk does at a
    sentence end; hyphenated words, numbers and a period glued to what punkt does not end a
    sentence at are dropped, as the pipeline drops them."""
    assert notes_pipeline(text) == expected
    assert tokenize(text) == expected


def test_a_one_letter_word_before_a_period_ends_the_sentence_where_punkt_reads_an_initial():
    text = "O, methinks, how slow. I, with complaint."
    assert notes_pipeline(text) == ["methinks", ".", "how", "slow", ".", "with", "complaint", "."]
    assert tokenize(text) == [
        "o", ".", "methinks", ".", "how", "slow", ".", "i", ".", "with", "complaint", ".",
    ]  # fmt: skip


def _pipeline_on_shakespeare() -> dict:
    """The notes' pipeline on every sentence of Shakespeare, and, for each sentence with
    one-letter words before a period, the pipeline on its parts cut after each of them."""
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
    """``_pipeline_on_shakespeare()``, kept in the cache folder: it takes nltk some 25 s of
    processor time. The file is named by a hash of the text, of nltk's and emoji's versions and
    of the code above, so it is never used for another text, nltk or pipeline. Notebook 01 shows
    this check's result and reads the same file."""
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
    path = _cache_dir() / f"shakespeare-notes-pipeline-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    result = _pipeline_on_shakespeare()
    try:
        atomic_write_text(path, json.dumps(result, ensure_ascii=False))
    except (OSError, ValueError):
        pass
    return result


@pytest.fixture(scope="module")
def pipeline_on_shakespeare():
    return notes_pipeline_on_shakespeare()


def test_tokenize_agrees_with_the_notes_pipeline_on_every_sentence_of_shakespeare_but_initials(
    pipeline_on_shakespeare,
):
    """tokenize(Shakespeare) is the pipeline's tokens, sentence by sentence, with the sentences
    that hold a one-letter word before a period cut after it; and there, the only difference is
    that word and its period, which the pipeline drops."""
    sentences, cut = pipeline_on_shakespeare["sentences"], pipeline_on_shakespeare["cut"]
    expected = []
    for i, tokens in enumerate(sentences):
        expected += tokens if str(i) not in cut else [t for part in cut[str(i)] for t in part]
    assert tokenize_shakespeare() == expected

    differ = letters = 0
    for i, parts in cut.items():
        if [t for part in parts for t in part] == sentences[int(i)]:
            continue  # punkt did end the sentence there ("quoth I.\n'" before a closing quote)
        assert all(part[-1:] == ["."] and len(part[-2]) == 1 for part in parts[:-1])
        assert [t for part in parts[:-1] for t in part[:-2]] + parts[-1] == sentences[int(i)]
        differ += 1
        letters += len(parts) - 1
    assert (len(sentences), differ, letters) == (153_925, 1_559, 1_597)
