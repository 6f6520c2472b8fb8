"""Instant checks for the exercise notebooks: ``check("softmax", my_softmax)``.

Each exercise runs the student's function on a few small cases and compares the
result with the course's own function in ``cbow_helpers`` (the one source of
truth). ``check`` prints one short verdict and never raises:

- ``✓ softmax: all 4 cases pass.``
- ``… softmax: not written yet`` for a blank (a body of ``...``, ``pass`` or
  ``raise NotImplementedError``);
- ``✗ softmax, case "…": expected …, got …`` (shapes first when they differ),
  then a hint, which names the mistake when it is one of the classic ones
  (``MISTAKES`` lists them).

``run_check`` returns the same verdict as a ``CheckResult``, for tests and the grader.

The student's function runs with a time limit per case, on its own deep copies of the inputs, with
its printed output captured and capped; ``sys.exit()``, Ctrl-C and an endless loop become verdicts
(``_student_calls`` says how, and what happens on Windows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import _student_calls as calls
from ._exercise_checks.common import (
    EXIT_MESSAGE,
    HINTS,
    INTERRUPT_MESSAGE,
    Failed,
    NotWritten,
    call_seconds,
    course_functions_read,
)
from ._exercise_checks.gradient_checks import (
    check_back_prop,
    check_gradient_check,
    check_numerical_gradient,
)
from ._exercise_checks.negative_sampling_checks import check_negative_sampling_gradients
from ._exercise_checks.network_checks import (
    check_cross_entropy_loss,
    check_forward_prop,
    check_relu,
    check_softmax,
)
from ._exercise_checks.text_checks import (
    check_context_words_to_vector,
    check_get_batches_with_diagnosis,
    check_get_dict,
    check_get_windows,
    check_tokenize,
    check_word_to_one_hot_vector,
)
from ._exercise_checks.training_checks import (
    check_capstone,
    check_compute_pca,
    check_gradient_descent,
)
from .exercise_hints import MISTAKES

__all__ = ["EXERCISES", "MISTAKES", "CheckResult", "check", "course_functions_read", "run_check"]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: status is "passed", "not written" or "failed"."""

    exercise: str
    status: str
    message: str
    mistake: str | None = None
    output: str = ""  # what the student's code printed during the check, capped

    @property
    def passed(self) -> bool:
        return self.status == "passed"


#: Exercise name -> (checker, what the student's function is, notebook).
EXERCISES = {
    "tokenize": (check_tokenize, "tokenize(corpus)", "01"),
    "get_windows": (check_get_windows, "get_windows(words, C)", "02"),
    "get_dict": (check_get_dict, "get_dict(data)", "03"),
    "word_to_one_hot_vector": (
        check_word_to_one_hot_vector,
        "word_to_one_hot_vector(word, word2Ind, V)",
        "03",
    ),
    "context_words_to_vector": (
        check_context_words_to_vector,
        "context_words_to_vector(context_words, word2Ind, V)",
        "03",
    ),
    "get_batches": (
        check_get_batches_with_diagnosis,
        "get_batches(data, word2Ind, V, C, batch_size)",
        "03",
    ),
    "relu": (check_relu, "relu(z)", "04"),
    "softmax": (check_softmax, "softmax(z)", "04"),
    "cross_entropy_loss": (check_cross_entropy_loss, "cross_entropy_loss(y_hat, y)", "04"),
    "forward_prop": (check_forward_prop, "forward_prop(x, W1, W2, b1, b2)", "04"),
    "numerical_gradient": (
        check_numerical_gradient,
        "numerical_gradient(f, param, eps=1e-6)",
        "05",
    ),
    "back_prop": (check_back_prop, "back_prop(x, y_hat, y, h, W1, W2, b1, b2, batch_size)", "05"),
    "gradient_check": (
        check_gradient_check,
        "relative_errors(back_prop, numerical_gradient, x, y, W1, W2, b1, b2)",
        "05",
    ),
    "gradient_descent": (
        check_gradient_descent,
        "gradient_descent(data, word2Ind, N, V, num_iters, alpha)",
        "06",
    ),
    "capstone": (
        check_capstone,
        (
            "train(tokens, N, num_iters, alpha, batch_size, forward_prop, softmax, back_prop), "
            "forward_prop, softmax, back_prop"
        ),
        "06",
    ),
    "compute_pca": (check_compute_pca, "compute_pca(data, n_components)", "07"),
    "negative_sampling_gradients": (
        check_negative_sampling_gradients,
        "negative_sampling_gradients(W1, W2, context, center, negatives)",
        "09",
    ),
}


def run_check(name: str, *functions, time_limit: float = calls.CALL_SECONDS) -> CheckResult:
    """Run the check of exercise ``name`` on the student's function(s); never raises.

    Each call of a student's function may take ``time_limit`` seconds (the whole check six times
    that); what the functions print is captured (``CheckResult.output``, capped) rather than shown.
    """
    if name not in EXERCISES:
        known = ", ".join(EXERCISES)
        return CheckResult(
            str(name),
            "failed",
            f"✗ there is no exercise called {name!r}; the exercises are: {known}",
        )
    checker, signature, _ = EXERCISES[name]
    expected_count = checker.__code__.co_argcount
    if len(functions) != expected_count or not all(callable(f) for f in functions):
        shown = ", ".join(type(f).__name__ for f in functions) or "nothing"
        return CheckResult(
            name,
            "failed",
            f"✗ {name}: pass your function{'s' if expected_count > 1 else ''} "
            f"({signature}), got {shown}",
        )
    token = call_seconds.set(time_limit)
    try:
        with calls.capture_output() as printed:
            result = _verdict(name, checker, signature, functions, time_limit)
    finally:
        call_seconds.reset(token)
    return replace(result, output=printed.text())


def _verdict(name, checker, signature, functions, time_limit) -> CheckResult:
    """Run ``checker`` on the functions (with a time limit for the whole check) and word its verdict."""
    try:
        with calls.time_limit(calls.CHECK_CALLS * time_limit):
            count = checker(*functions)
    except NotWritten:
        return CheckResult(
            name,
            "not written",
            f"… {name}: not written yet. Write the function above (replace its ... with your code), "
            "run its cell, then run this check again.",
        )
    except Failed as failure:
        hint = (
            MISTAKES[failure.mistake]
            if failure.mistake
            else failure.hint
            or f"run your {signature} on the case above and print what it computes, step by step: "
            "where does it first part from the notebook's explanation?"
        )
        label = "Mistake" if failure.mistake else "Hint"
        return CheckResult(
            name, "failed", f"✗ {name}, {failure}\n  {label}: {hint}", failure.mistake
        )
    except calls.TimedOut as error:
        return _failed(name, f"your code {error}", "timeout")
    except SystemExit:
        return _failed(name, EXIT_MESSAGE, "exit")
    except KeyboardInterrupt:
        return _failed(name, INTERRUPT_MESSAGE, "interrupt")
    except BaseException as error:  # noqa: BLE001 - the checker must never show a traceback to a student
        return CheckResult(
            name,
            "failed",
            f"✗ {name}: the check could not run your function ({calls.describe_error(error)})",
        )
    cases = "the case passes" if count == 1 else f"all {count} cases pass"
    return CheckResult(name, "passed", f"✓ {name}: {cases}.")


def _failed(name, message, hint) -> CheckResult:
    return CheckResult(name, "failed", f"✗ {name}: {message}\n  Hint: {HINTS[hint]}")


def check(name: str, *functions) -> None:
    """Check the student's function(s) for exercise ``name`` and print the verdict (one or two lines),
    after what the functions printed (capped). Never raises."""
    try:
        result = run_check(name, *functions)
        print(result.output + result.message)
    except Exception:  # noqa: BLE001, S110 - a broken sys.stdout, say: nothing to print to, never a traceback
        pass
