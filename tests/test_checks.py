"""The argument checks (cbow_helpers/engine/checks.py): scikit-learn's split between a wrong type
(TypeError) and a bad value (ValueError), messages that name the value, and checks made once."""

import numpy as np
import pytest

import cbow_helpers.model as model_module
import cbow_helpers.vectors as vectors_module
from cbow_helpers import (
    build_vocabulary,
    context_windows,
    context_words_to_vector,
    encode,
    get_batches,
    get_dict,
    get_training_example,
    get_windows,
    gradient_descent,
    initialize_model,
    word_to_one_hot_vector,
)
from cbow_helpers.cli import main
from cbow_helpers.engine.checks import (
    integer_at_least,
    non_negative_number,
    positive_int,
    positive_number,
    seed_value,
)

WORDS = ["i", "am", "happy", "because", "i", "am", "learning"]


@pytest.mark.parametrize(
    "check,value,error,message",
    [
        (positive_int, 0, ValueError, "m must be at least 1, got 0"),
        (positive_int, -3, ValueError, "m must be at least 1, got -3"),
        (positive_int, np.int64(0), ValueError, "m must be at least 1, got 0"),
        (positive_int, 1.5, TypeError, "m must be an integer, got 1.5"),
        (positive_int, 2.0, TypeError, "m must be an integer, got 2.0"),
        (positive_int, True, TypeError, "m must be an integer, got True"),
        (positive_int, "2", TypeError, "m must be an integer, got '2'"),
        (positive_int, None, TypeError, "m must be an integer, got None"),
        (seed_value, -1, ValueError, r"m \(the random seed\) must be at least 0, got -1"),
        (seed_value, 0.5, TypeError, r"m \(the random seed\) must be an integer, got 0.5"),
        (positive_number, 0, ValueError, "m must be a positive finite number, got 0"),
        (positive_number, float("nan"), ValueError, "m must be a positive finite number, got nan"),
        (positive_number, float("inf"), ValueError, "m must be a positive finite number, got inf"),
        (positive_number, "0.1", TypeError, "m must be a number, got '0.1'"),
        (positive_number, False, TypeError, "m must be a number, got False"),
        (non_negative_number, -0.5, ValueError, "m must be a finite number >= 0, got -0.5"),
        (non_negative_number, [1], TypeError, r"m must be a number, got \[1\]"),
    ],
)
def test_wrong_type_is_a_typeerror_bad_value_a_valueerror(check, value, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        check("m", value)


def test_good_values_come_back_as_python_numbers():
    assert positive_int("m", np.int32(3)) == 3 and type(positive_int("m", np.int32(3))) is int
    assert seed_value("seed", 0) == 0
    assert positive_number("alpha", 1) == 1.0 and type(positive_number("alpha", 1)) is float
    assert non_negative_number("sample", 0) == 0.0
    assert integer_at_least("vocab_size", 2, 2) == 2
    with pytest.raises(
        ValueError, match=r"^vocab_size must be at least 2 \(a word and x\), got 1$"
    ):
        integer_at_least("vocab_size", 1, 2, why="a word and x")


@pytest.mark.parametrize(
    "call",
    [
        lambda w2i: get_windows(WORDS, 1.5),
        lambda w2i: get_windows(WORDS, True),
        lambda w2i: context_windows(np.arange(9), 1.5),
        lambda w2i: word_to_one_hot_vector("i", w2i, 5.0),
        lambda w2i: context_words_to_vector(["i", "am"], w2i, "5"),
        lambda w2i: get_training_example(WORDS, "2", w2i, 5),
        lambda w2i: get_batches(WORDS, w2i, 5, 1, 2.5),
        lambda w2i: build_vocabulary(WORDS, vocab_size=3.0),
        lambda w2i: initialize_model(4, 5.5),
    ],
)
def test_the_helpers_refuse_a_wrong_type_with_a_typeerror(call):
    word2Ind, _ = get_dict(WORDS)
    with pytest.raises(TypeError, match="must be an integer, got"):
        call(word2Ind)


def test_context_windows_of_too_few_ids_names_the_count_and_2c_plus_1():
    with pytest.raises(ValueError, match=r"got 4 word ids, but one window needs 2C\+1 = 5 \(C=2\)"):
        context_windows(np.arange(4, dtype=np.int32), 2)
    context, center = context_windows(np.arange(5, dtype=np.int32), 2)  # exactly one window
    assert context.tolist() == [[0, 1, 3, 4]] and center.tolist() == [2]


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: model_module.relu("x"), "z"),
        (lambda: model_module.softmax(["a", "b"]), "z"),
        (lambda: model_module.forward_prop("x", *initialize_model(2, 3)), "x"),
    ],
)
def test_the_model_functions_refuse_non_numbers_with_a_typeerror(call, name):
    with pytest.raises(TypeError, match=f"^{name} must be an array of real numbers, got"):
        call()


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda w2i: get_windows(WORDS, 0), r"C \(.*\) must be at least 1, got 0"),
        (lambda w2i: word_to_one_hot_vector("i", w2i, -5), r"V \(.*\) must be at least 1, got -5"),
        (lambda w2i: word_to_one_hot_vector("i", w2i, 3), "V=3 is smaller than the vocabulary"),
        (lambda w2i: get_batches(WORDS, w2i, 5, 0, 2), "C .* must be at least 1, got 0"),
        (lambda w2i: build_vocabulary(WORDS, min_count=0), "min_count must be at least 1, got 0"),
        (lambda w2i: build_vocabulary(WORDS, vocab_size=1), "vocab_size must be at least 2"),
    ],
)
def test_the_helpers_refuse_a_bad_value_with_a_valueerror(call, message):
    word2Ind, _ = get_dict(WORDS)
    with pytest.raises(ValueError, match=message):
        call(word2Ind)


@pytest.mark.parametrize(
    "call",
    [
        lambda w2i: get_batches("i am happy because i am learning", w2i, 5, 1, 2),
        lambda w2i: get_batches("i am", w2i, 5, 1, 2),  # a short text: not the batch-size error
        lambda w2i: get_training_example("i am happy", 1, w2i, 5),
        lambda w2i: get_windows("i am happy", 1),
        lambda w2i: build_vocabulary("i am happy"),
        lambda w2i: encode("i am", w2i),
        lambda w2i: get_dict("i am happy"),
    ],
)
def test_a_text_where_tokens_are_expected_says_tokenize_first(call):
    word2Ind, _ = get_dict(WORDS)
    # Raised by the call itself, not at the first batch: the generators check their arguments early.
    with pytest.raises(TypeError, match=r"expects a list of tokens, got a str: call tokenize"):
        call(word2Ind)


def test_the_vocabulary_size_is_checked_once_per_call_not_once_per_vector(monkeypatch):
    word2Ind, _ = get_dict(WORDS)
    calls = []
    check = vectors_module.vocabulary_size

    def counted(*args):
        calls.append(args)
        return check(*args)

    monkeypatch.setattr(vectors_module, "vocabulary_size", counted)
    batches = get_batches(WORDS * 3, word2Ind, len(word2Ind), 2, 4)
    for _ in range(5):
        next(batches)
    context_words_to_vector(["i", "am", "happy", "am"], word2Ind, len(word2Ind))
    list(get_training_example(WORDS, 1, word2Ind, len(word2Ind)))
    assert len(calls) == 3


def test_gradient_descent_checks_no_shapes_in_its_loop(monkeypatch):
    """Its weights come from initialize_model: the loop calls the unchecked forward and back pass."""
    word2Ind, _ = get_dict(WORDS)
    calls = []
    shapes, columns = model_module.model_shapes, model_module.batch_columns
    monkeypatch.setattr(model_module, "model_shapes", lambda *a: calls.append(1) or shapes(*a))
    monkeypatch.setattr(model_module, "batch_columns", lambda *a: calls.append(1) or columns(*a))
    *_, costs = gradient_descent(WORDS * 3, word2Ind, 3, len(word2Ind), 6, C=1, batch_size=4)
    assert len(costs) == 6 and calls == []


@pytest.mark.parametrize(
    "option,value,message",
    [
        ("--dim", "0", "argument --dim: must be at least 1, got 0"),
        ("--dim", "1.5", "argument --dim: must be an integer, got '1.5'"),
        ("--epochs", "two", "argument --epochs: must be an integer, got 'two'"),
        ("--learning-rate", "nan", "argument --learning-rate: must be a positive finite number"),
        ("--learning-rate", "fast", "argument --learning-rate: must be a number, got 'fast'"),
        ("--sample", "-1", "argument --sample: must be a finite number >= 0, got -1.0"),
        ("--seed", "-1", "argument --seed: must be at least 0, got -1"),
        (
            "--vocab-size",
            "1",
            "argument --vocab-size: must be at least 2 (a word and <unk>), got 1",
        ),
    ],
)
def test_cli_options_are_checked_by_the_same_functions(option, value, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", option, value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_evaluation_arguments_follow_the_same_split():
    from cbow_helpers import analogy, nearest_neighbors, spearman_interval

    vectors = (["king", "queen", "man", "woman"], np.eye(4) + 0.1)
    with pytest.raises(ValueError, match=r"k \(how many neighbours\) must be at least 1, got 0"):
        nearest_neighbors("king", vectors, k=0)
    with pytest.raises(TypeError, match=r"k \(how many neighbours\) must be an integer, got 2.5"):
        nearest_neighbors("king", vectors, k=2.5)
    with pytest.raises(TypeError, match=r"k \(how many answers\) must be an integer, got '1'"):
        analogy("man", "king", "woman", vectors, k="1")
    scores = {"gold": [1.0, 2.0, 3.0, 4.0], "predicted": [1.0, 3.0, 2.0, 4.0]}
    with pytest.raises(TypeError, match="confidence must be a number, got '0.9'"):
        spearman_interval(scores, confidence="0.9")
    with pytest.raises(ValueError, match="confidence must be between 0 and 1, got 90"):
        spearman_interval(scores, confidence=90)
