import hashlib
import json
from pathlib import Path

import emoji
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cbow_helpers import (
    UNK,
    build_vocabulary,
    context_windows,
    encode,
    get_dict,
    get_windows,
    load_shakespeare,
    tokenize,
    tokenize_shakespeare,
)

EMOJI_SENTENCE = 'Who ❤️ "word embeddings" in 2020? I do!!!'


def test_tokenize_emoji_sentence_exactly():
    assert tokenize(EMOJI_SENTENCE) == ["who", "❤️", "word", "embeddings", "in", ".", "i", "do", "."]


def test_tokenize_splits_sentence_final_periods_inside_the_text():
    # word_tokenize(preserve_line=True) only splits the text's last period.
    assert tokenize("It was 2020. Then came more.") == [
        "it",
        "was",
        ".",
        "then",
        "came",
        "more",
        ".",
    ]
    assert tokenize("Good night. Sleep well.") == ["good", "night", ".", "sleep", "well", "."]


def test_tokenize_punctuation_runs_become_one_period():
    assert tokenize("yes, no; maybe?! - fine") == ["yes", ".", "no", ".", "maybe", ".", ".", "fine"]


def test_tokenize_drops_numbers_and_lowercases():
    assert tokenize("The 3 Kings") == ["the", "kings"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_tokenize_empty(text):
    assert tokenize(text) == []


@pytest.mark.parametrize("bad", [None, b"bytes", 42, ["a", "list"]])
def test_tokenize_rejects_non_str(bad):
    with pytest.raises(TypeError, match="str"):
        tokenize(bad)


@given(st.text(max_size=200))
def test_tokenize_output_is_clean(text):
    for token in tokenize(text):
        assert token == token.lower()
        assert token.isalpha() or token == "." or emoji.is_emoji(token)


def test_get_windows_emoji_example():
    windows = list(get_windows(tokenize(EMOJI_SENTENCE), 2))
    assert windows == [
        (["who", "❤️", "embeddings", "in"], "word"),
        (["❤️", "word", "in", "."], "embeddings"),
        (["word", "embeddings", ".", "i"], "in"),
        (["embeddings", "in", "i", "do"], "."),
        (["in", ".", "do", "."], "i"),
    ]


@given(st.lists(st.sampled_from("abcde"), max_size=30), st.integers(1, 5))
def test_get_windows_shape(words, C):
    windows = list(get_windows(words, C))
    assert len(windows) == max(len(words) - 2 * C, 0)
    for i, (context, center) in enumerate(windows):
        assert len(context) == 2 * C
        assert center == words[i + C]
        assert context == words[i : i + C] + words[i + C + 1 : i + 2 * C + 1]


@pytest.mark.parametrize(
    "C,err",
    [(0, ValueError), (-1, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)],
)
def test_get_windows_bad_C(C, err):
    with pytest.raises(err, match="C"):
        list(get_windows(["a", "b", "c"], C))


def test_get_windows_rejects_a_string():
    with pytest.raises(TypeError, match="tokenize"):
        list(get_windows("i am happy", 1))


def test_get_dict_sorted():
    word2Ind, Ind2word = get_dict(["i", "am", "happy", "because", "i", "am", "learning"])
    assert word2Ind == {"am": 0, "because": 1, "happy": 2, "i": 3, "learning": 4}
    assert Ind2word == {0: "am", 1: "because", 2: "happy", 3: "i", 4: "learning"}


def test_shakespeare_has_no_markup():
    text = load_shakespeare()
    assert "**" not in text and "#" not in text and "_" not in text
    assert "Now, fair Hippolyta, our nuptial hour" in text
    # speaker names and stage directions are gone
    assert "THESEUS" not in text and "Enter THESEUS" not in text and "Exeunt" not in text


def test_shakespeare_tokens_are_exactly_those_of_one_nltk_call():
    """Exactly the tokens of one nltk call on the whole text (before tokenize cut it into pieces),
    which the notebooks' recorded outputs depend on: their number and a SHA-256 of them.

    From the cache when it is warm: its key holds the tokenizer's source code, so cached tokens
    are this tokenizer's (test_shakespeare_token_cache checks the key and the cache)."""
    tokens = tokenize_shakespeare()
    assert len(tokens) == 979_293 and len(set(tokens)) == 22_548
    digest = hashlib.sha256("\n".join(tokens).encode("utf-8")).hexdigest()
    assert digest == "abce378a0d30e1f9d8235130fabeb09710c1994b59551d90b692c52f1765439d"
    assert {"king", "queen", "love", "night"} <= set(tokens)


def test_shakespeare_token_cache(tmp_path, monkeypatch):
    """The cache mechanics, on the first 20,000 characters (the cache is keyed by the text)."""
    from cbow_helpers import text

    excerpt = load_shakespeare()[:20_000]
    monkeypatch.setattr(text, "load_shakespeare", lambda: excerpt)
    monkeypatch.setenv("CBOW_CACHE_DIR", str(tmp_path))
    tokenize_shakespeare.cache_clear()
    try:
        tokens = tokenize_shakespeare()  # computes, and writes the cache
        assert tokens == tokenize(excerpt)
        (cache,) = tmp_path.rglob("*.json")
        cache.write_text(json.dumps(["cached"]), encoding="utf-8")
        tokenize_shakespeare.cache_clear()
        assert tokenize_shakespeare() == ["cached"]  # read back from the cache, not computed again
        assert tokenize_shakespeare(use_cache=False) == tokens
        # another tokenizer source (as after an edit of tokens.py) does not read this cache file
        real_read_text = Path.read_text
        monkeypatch.setattr(
            Path,
            "read_text",
            lambda self, *a, **k: (
                real_read_text(self, *a, **k) + ("# edited" if self.name == "tokens.py" else "")
            ),
        )
        tokenize_shakespeare.cache_clear()
        assert tokenize_shakespeare() == tokens
        assert len(list(tmp_path.rglob("*.json"))) == 2
        monkeypatch.setattr(Path, "read_text", real_read_text)
        # a damaged cache file is ignored and rewritten
        cache.write_text('["half', encoding="utf-8")
        tokenize_shakespeare.cache_clear()
        assert tokenize_shakespeare() == tokens
        assert json.loads(cache.read_text(encoding="utf-8")) == tokens
    finally:
        tokenize_shakespeare.cache_clear()


@pytest.mark.parametrize("C", [1, 2, 3])
def test_the_trainers_windows_are_get_windows_in_word_ids(C):
    """context_windows(encode(...)) holds get_windows' windows, word for word, as ids."""
    tokens = tokenize(
        "I am happy because I am learning, and you are happy because you are learning!"
    )
    word2Ind, Ind2word = build_vocabulary(tokens)
    context, center = context_windows(encode(tokens, word2Ind), C)
    as_words = [
        ([Ind2word[int(i)] for i in row], Ind2word[int(c)]) for row, c in zip(context, center)
    ]
    assert as_words == list(get_windows(tokens, C))


def test_the_two_vocabularies_hold_the_same_words_in_their_own_order():
    """get_dict numbers the words alphabetically (the notes); build_vocabulary by frequency, so that a
    cap keeps the most frequent words, with every other word in '<unk>' at the end."""
    tokens = tokenize("the king and the queen . the prince and a rare word .")
    alphabetical, _ = get_dict(tokens)
    by_frequency, _ = build_vocabulary(tokens)
    assert set(by_frequency) == set(alphabetical)
    assert list(alphabetical) == sorted(alphabetical)
    assert list(by_frequency)[:3] == ["the", ".", "and"]  # 3, 2, 2 occurrences; ties alphabetical
    capped, _ = build_vocabulary(tokens, vocab_size=4)
    assert list(capped) == ["the", ".", "and", UNK]
