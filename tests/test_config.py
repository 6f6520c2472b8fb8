"""The training defaults live once, in CBOWConfig and NegativeSamplingConfig: the trainers, the
command line and ``train --help`` all take them from there."""

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from cbow_helpers import (
    REFERENCE_CONFIG,
    CBOWConfig,
    NegativeSamplingConfig,
    train_cbow,
    train_negative_sampling,
)
from cbow_helpers import cli as cli_module
from cbow_helpers.cli import build_parser, main

# The defaults as the course states them (README, notebooks): changing one must be deliberate.
SOFTMAX_DEFAULTS = dict(
    N=100,
    C=2,
    vocab_size=3000,
    min_count=1,
    batch_size=64,
    epochs=5,
    learning_rate=0.5,
    min_learning_rate=None,
    b1_start=None,
    seed=1,
    shuffle=True,
    max_steps=None,
)
NEGATIVE_SAMPLING_DEFAULTS = dict(
    N=100,
    C=5,
    negative=5,
    sample=1e-3,
    min_count=5,
    epochs=5,
    learning_rate=0.025,
    min_learning_rate=0.0001,
    batch_size=1024,
    dynamic_window=True,
    update_rule="word2vec",
    power=0.75,
    seed=1,
    kernel="auto",
    workers=1,
    negatives="per-window",
    group_size=64,
)
# The command line's changes to NegativeSamplingConfig (README and docs/command_line.md state them,
# docs/benchmarks_negative_sampling.md says why).
CLI_CHANGES = dict(N=120, C=3, epochs=25, negative=10, workers=2)


def keyword_defaults(function) -> dict:
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.kind is p.KEYWORD_ONLY and name not in ("progress", "loss_every")  # how a run reports
    }


def test_the_configs_hold_the_course_defaults():
    assert dataclasses.asdict(CBOWConfig()) == SOFTMAX_DEFAULTS
    assert dataclasses.asdict(NegativeSamplingConfig()) == NEGATIVE_SAMPLING_DEFAULTS


@pytest.mark.parametrize(
    ("trainer", "config"),
    [(train_cbow, CBOWConfig), (train_negative_sampling, NegativeSamplingConfig)],
)
def test_the_trainers_signatures_show_the_configs_defaults(trainer, config):
    # settings_from builds each signature from its config: help() and inspect show these defaults
    assert keyword_defaults(trainer) == dataclasses.asdict(config())


def test_the_reference_config_is_a_valid_cbow_config():
    config = CBOWConfig(**REFERENCE_CONFIG)
    assert {k: getattr(config, k) for k in REFERENCE_CONFIG} == REFERENCE_CONFIG


def train_help() -> str:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    return " ".join(subparsers.choices["train"].format_help().split())


def shown_default(help_text: str, option: str) -> str:
    """The ``(default: ...)`` text of ``option`` in the help."""
    match = re.search(re.escape(option) + r" [A-Z_]+ .*?\(default: ([^)]*)\)", help_text)
    assert match, f"no default shown for {option} in: {help_text}"
    return match.group(1)


def test_train_help_shows_the_configs_defaults():
    text = train_help()
    softmax = CBOWConfig()
    negative = dataclasses.replace(NegativeSamplingConfig(), **CLI_CHANGES)
    assert shown_default(text, "--dim") == (
        f"{negative.N}"  # the same for both objectives: shown once
        if negative.N == softmax.N
        else f"{negative.N}, or {softmax.N} with softmax"
    )
    assert shown_default(text, "--seed") == f"{negative.seed}" == f"{softmax.seed}"
    assert shown_default(text, "--window") == f"{negative.C}, or {softmax.C} with softmax"
    assert shown_default(text, "--min-count") == (
        f"{negative.min_count}, or {softmax.min_count} with softmax"
    )
    assert shown_default(text, "--batch-size") == (
        f"{negative.batch_size}, or {softmax.batch_size} with softmax"
    )
    assert shown_default(text, "--epochs") == (
        f"{negative.epochs}"  # the same for both objectives: shown once
        if negative.epochs == softmax.epochs
        else f"{negative.epochs}, or {softmax.epochs} with softmax"
    )
    assert shown_default(text, "--learning-rate") == (
        f"{negative.learning_rate} falling linearly to {negative.min_learning_rate}, "
        f"or {softmax.learning_rate} with softmax"
    )
    assert shown_default(text, "--vocab-size") == f"{softmax.vocab_size}"
    assert shown_default(text, "--negative") == f"{negative.negative}"
    assert shown_default(text, "--sample") == f"{negative.sample}"
    assert shown_default(text, "--negatives") == f"{negative.negatives}"
    assert shown_default(text, "--workers") == f"{negative.workers}"
    # and the values themselves, as the README states them
    assert shown_default(text, "--dim") == "120, or 100 with softmax"
    assert shown_default(text, "--window") == "3, or 2 with softmax"
    assert shown_default(text, "--learning-rate") == (
        "0.025 falling linearly to 0.0001, or 0.5 with softmax"
    )


class Recorded(Exception):
    """Raised by the stand-in trainers once they have recorded their arguments."""


@pytest.fixture
def recorded(monkeypatch):
    calls = {}

    def stand_in(name):
        def trainer(tokens, **kwargs):
            calls[name] = kwargs
            raise Recorded

        return trainer

    monkeypatch.setattr(cli_module, "train_cbow", stand_in("train_cbow"))
    monkeypatch.setattr(cli_module, "train_negative_sampling", stand_in("train_negative_sampling"))
    return calls


def run_train(tmp_path, *options):
    corpus = tmp_path / "story.txt"
    corpus.write_text("the king loves the queen and the queen loves the king . " * 5)
    with pytest.raises(Recorded):
        main(
            [
                "train",
                "--corpus",
                str(corpus),
                "--out",
                str(tmp_path / "v.txt"),
                "--no-plot",
                "--quiet",
                *options,
            ]
        )


def test_the_cli_trains_softmax_with_train_cbows_defaults(tmp_path, recorded):
    run_train(tmp_path, "--objective", "softmax")
    kwargs = recorded["train_cbow"]
    assert kwargs.pop("progress") is False
    assert kwargs == keyword_defaults(train_cbow)


def test_the_cli_trains_negative_sampling_with_its_defaults_changed_for_shakespeare(
    tmp_path, recorded
):
    run_train(tmp_path)
    kwargs = recorded["train_negative_sampling"]
    assert kwargs.pop("progress") is False
    assert kwargs.pop("loss_every") == 10  # the loss of every 10th batch only: faster
    assert kwargs == dict(keyword_defaults(train_negative_sampling), **CLI_CHANGES)


ROOT = Path(__file__).parent.parent
# How the docs state the command's default: "... is `python -m cbow_helpers train --window 3 ...`"
DOCUMENTED_DEFAULT = re.compile(
    r"`python -m cbow_helpers train` is `python -m cbow_helpers train ([^`]+)`"
)


def documented_changes(path: Path) -> dict:
    """The config fields the command line's default changes, as ``path`` states them."""
    found = DOCUMENTED_DEFAULT.findall(" ".join(path.read_text(encoding="utf-8").split()))
    assert len(found) == 1, f"{path.name} should state the default command once, found {found}"
    args = build_parser().parse_args(["train", *found[0].split()])
    given = {option: getattr(args, option) for option in cli_module.TRAINING_OPTIONS}
    return {cli_module.TRAINING_OPTIONS[o]: v for o, v in given.items() if v is not None}


@pytest.mark.parametrize("doc", ["README.md", "docs/command_line.md"])
def test_the_docs_state_the_command_lines_default(doc):
    # CLI_CHANGES is what the command passes (the test above): the docs must say the same
    assert documented_changes(ROOT / doc) == CLI_CHANGES


def test_the_cli_passes_the_options_given(tmp_path, recorded):
    run_train(tmp_path, "--objective", "softmax", "--dim", "7", "--window", "1", "--seed", "3")
    assert recorded["train_cbow"] | {"progress": False} == dict(
        keyword_defaults(train_cbow), N=7, C=1, seed=3, progress=False
    )
    run_train(tmp_path, "--learning-rate", "0.00005")  # below the final rate: it stays
    kwargs = recorded["train_negative_sampling"]
    assert kwargs["learning_rate"] == kwargs["min_learning_rate"] == 0.00005


@pytest.mark.parametrize(
    ("config", "field", "value", "error"),
    [
        (CBOWConfig, "N", 0, ValueError),
        (CBOWConfig, "C", -1, ValueError),
        (CBOWConfig, "vocab_size", 1, ValueError),
        (CBOWConfig, "learning_rate", 0.0, ValueError),
        (CBOWConfig, "learning_rate", float("nan"), ValueError),
        (CBOWConfig, "max_steps", 0, ValueError),
        (CBOWConfig, "seed", -1, ValueError),
        (CBOWConfig, "seed", 1.5, TypeError),
        (CBOWConfig, "shuffle", "yes", TypeError),
        (NegativeSamplingConfig, "negative", 0, ValueError),
        (NegativeSamplingConfig, "sample", -0.1, ValueError),
        (NegativeSamplingConfig, "min_learning_rate", 1.0, ValueError),
        (NegativeSamplingConfig, "update_rule", "adam", ValueError),
        (NegativeSamplingConfig, "kernel", "cuda", ValueError),
        (NegativeSamplingConfig, "power", -1.0, ValueError),
        (NegativeSamplingConfig, "seed", None, TypeError),
        (NegativeSamplingConfig, "dynamic_window", 1, TypeError),
    ],
)
def test_a_bad_field_is_refused_naming_it(config, field, value, error):
    with pytest.raises(error, match=field):
        config(**{field: value})


@pytest.mark.parametrize("config", [CBOWConfig, NegativeSamplingConfig])
def test_a_size_of_the_wrong_type_is_a_type_error_and_a_bad_size_a_value_error(config):
    with pytest.raises(TypeError, match=r"^N must be an integer, got 1\.5$"):
        config(N=1.5)
    with pytest.raises(TypeError, match=r"^N must be an integer, got '8'$"):
        config(N="8")
    with pytest.raises(ValueError, match=r"^N must be at least 1, got 0$"):
        config(N=0)


def test_vocab_size_is_checked_in_one_place_with_its_reason():
    with pytest.raises(
        ValueError, match=r"^vocab_size must be at least 2 \(a word and '<unk>'\), got 1$"
    ):
        CBOWConfig(vocab_size=1)
    with pytest.raises(TypeError, match=r"^vocab_size must be an integer, got 2\.0$"):
        CBOWConfig(vocab_size=2.0)
    assert CBOWConfig(vocab_size=2).vocab_size == 2
    assert CBOWConfig(vocab_size=None).vocab_size is None


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("0.001", TypeError, r"^min_learning_rate must be a number, got '0\.001'$"),
        (None, TypeError, r"^min_learning_rate must be a number, got None$"),
        (False, TypeError, r"^min_learning_rate must be a number, got False$"),
        (-0.001, ValueError, r"^min_learning_rate must be a finite number >= 0, got -0\.001$"),
        (float("nan"), ValueError, r"^min_learning_rate must be a finite number >= 0, got nan$"),
        (0.5, ValueError, r"^min_learning_rate must be at most learning_rate=0\.025, got 0\.5$"),
    ],
)
def test_min_learning_rate_is_a_number_from_0_to_the_learning_rate(value, error, message):
    with pytest.raises(error, match=message):
        NegativeSamplingConfig(min_learning_rate=value)


def test_min_learning_rate_may_be_0_or_the_learning_rate():
    assert NegativeSamplingConfig(min_learning_rate=0).min_learning_rate == 0.0
    config = NegativeSamplingConfig(learning_rate=0.01, min_learning_rate=0.01)
    assert type(config.min_learning_rate) is float and config.min_learning_rate == 0.01


def test_train_cbow_checks_its_arguments_through_the_config():
    with pytest.raises(ValueError, match="vocab_size"):
        train_cbow(["a", "b", "c", "d", "e"], vocab_size=1)
    with pytest.raises(TypeError, match="update_rule|dynamic_window"):
        train_negative_sampling(["a", "b"] * 10, dynamic_window="no")


def test_configs_are_frozen_and_store_plain_numbers():
    import numpy as np

    config = CBOWConfig(N=np.int64(8), learning_rate=np.float32(0.5))
    assert type(config.N) is int and type(config.learning_rate) is float
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.N = 9
