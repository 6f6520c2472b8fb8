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

import pytest

from cbow_helpers import tokenize, tokenize_shakespeare
from cbow_helpers.notes_pipeline import notes_pipeline, notes_pipeline_on_shakespeare


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


def test_the_notes_pipeline_result_is_kept_and_a_damaged_cache_file_is_recomputed(
    tmp_path, monkeypatch
):
    from cbow_helpers import notes_pipeline as module

    calls = []
    monkeypatch.setenv("CBOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(module, "_pipeline_on_shakespeare", lambda: calls.append(1) or {"cut": {}})
    assert module.notes_pipeline_on_shakespeare() == {"cut": {}}
    assert module.notes_pipeline_on_shakespeare() == {"cut": {}}
    assert len(calls) == 1  # the second call read the file
    (cached,) = (tmp_path / "cbow_helpers").glob("shakespeare-notes-pipeline-*.json")
    cached.write_text('{"cut": ', encoding="utf-8")  # cut short, as by a crash
    assert module.notes_pipeline_on_shakespeare() == {"cut": {}}
    assert len(calls) == 2
