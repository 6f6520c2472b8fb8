"""The grader's verdicts cannot be forged, and one bad submission does not stop the class.

One class of small submissions (exercise notebook 04) is graded once, in a module fixture; the
record-and-replay layer (cbow_helpers.grading) is tested without kernels.
"""

import contextlib
import csv
import io
import json
import os
import signal
import sys
import types
from pathlib import Path

import nbformat
import numpy as np
import pytest
from exercise_mistakes import COURSE_STEPS, MUTANTS, RIGHT, _train, relative_errors

import cbow_helpers
from cbow_helpers import grading
from cbow_helpers.exercises import run_check

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "instructors"))
import grade_exercises
import make_exercises
import sandbox

pytestmark = pytest.mark.slow  # the grader: kernels, forks and sandboxes

NAME = "04_cbow_architecture.ipynb"
EXERCISES_04 = ["relu", "softmax", "forward_prop", "cross_entropy_loss"]
PROBE = "grader_probe_was_here.txt"


# ----------------------------------------------------------------------------- record and replay


def _as_pasted(course_function):
    """The course's solution as a student pastes it into a notebook: the same code in a function of
    its own (the check refuses the course's own function object, not its code)."""
    code = course_function
    return types.FunctionType(
        code.__code__, code.__globals__, "my_" + code.__name__, code.__defaults__
    )


_numerical_gradient = _as_pasted(cbow_helpers.numerical_gradient)


def _relu(z):
    return np.maximum(z, 0)


def _softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


SOLUTIONS = [
    ("tokenize", "solution", [cbow_helpers.tokenize]),
    ("get_windows", "solution", [cbow_helpers.get_windows]),
    ("get_batches", "solution", [cbow_helpers.get_batches]),
    ("numerical_gradient", "solution", [_numerical_gradient]),
    (
        "gradient_check",
        "solution",
        [relative_errors, cbow_helpers.back_prop, cbow_helpers.numerical_gradient],
    ),
    ("gradient_descent", "solution", [cbow_helpers.gradient_descent]),
    ("capstone", "solution", [_train(), *COURSE_STEPS]),
] + [(exercise, "right", list(functions)) for exercise, functions in RIGHT]


def _record_and_replay(tmp_path, exercise, functions, time_limit=5.0):
    names = [f"f{i}" for i in range(len(functions))]
    grading.record_exercises([(exercise, names)], dict(zip(names, functions)), tmp_path, time_limit)
    outcome = json.loads((tmp_path / "outcome-0.json").read_text(encoding="utf-8"))
    if outcome["state"] != "recorded":
        return outcome
    return grading.replay(exercise, len(functions), tmp_path, 0, time_limit=time_limit)


#: Mistakes a check finds by watching the student's code run (not by its results), which a recording
#: cannot hold: notebook 03's check counts the look-ups a generator makes before its first batch.
SEEN_ONLY_WHILE_RUNNING = {"batch-builds-everything"}


def test_a_replayed_recording_gives_the_verdict_of_the_check_itself(tmp_path):
    """Every classic mistake and a solution of each kind (a check that hands the student's function
    other functions included): the same status, mistake and message."""
    assert {exercise for exercise, _, _ in MUTANTS} >= {"gradient_check", "capstone"}
    for number, (exercise, kind, functions) in enumerate(SOLUTIONS + MUTANTS):
        replayed = _record_and_replay(tmp_path / str(number), exercise, functions)
        if kind in SEEN_ONLY_WHILE_RUNNING:
            assert replayed.passed, (exercise, kind)  # docs/instructors.md says so
            continue
        direct = run_check(exercise, *functions)
        assert replayed.passed == (kind in ("solution", "right")), (exercise, replayed.message)
        assert (replayed.status, replayed.mistake, replayed.message) == (
            direct.status,
            direct.mistake,
            direct.message,
        )


def test_a_recording_for_other_inputs_or_with_wrong_outputs_does_not_pass(tmp_path):
    assert _record_and_replay(tmp_path, "relu", [_relu]).passed
    path = tmp_path / "recording-0.json"
    honest = json.loads(path.read_text(encoding="utf-8"))
    with np.load(tmp_path / "recording-0.npz") as npz:
        arrays = {key: npz[key] for key in npz.files}
    forged = {key: value + 1 for key, value in arrays.items()}
    np.savez(tmp_path / "recording-0.npz", **forged)  # other inputs, other outputs
    result = grading.replay("relu", 1, tmp_path, 0)
    assert result.status == "failed" and "other arguments" in result.message
    honest["calls"] = honest["calls"][:1]  # a recording that stops early
    path.write_text(json.dumps(honest), encoding="utf-8")
    np.savez(tmp_path / "recording-0.npz", **arrays)
    result = grading.replay("relu", 1, tmp_path, 0)
    assert result.status == "failed" and "the check made more" in result.message


def test_a_recording_is_never_unpickled(tmp_path):
    assert _record_and_replay(tmp_path, "relu", [_relu]).passed
    target = tmp_path / "unpickled.txt"

    class Payload:
        def __reduce__(self):
            return (Path.write_text, (target, "code ran"))

    with np.load(tmp_path / "recording-0.npz") as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["a0"] = np.array([Payload()], dtype=object)
    np.savez(tmp_path / "recording-0.npz", **arrays)
    result = grading.replay("relu", 1, tmp_path, 0)
    assert result.status == "failed" and "could not be read" in result.message
    assert not target.exists()  # np.savez pickled the payload; the grader did not unpickle it


def test_os_exit_in_one_function_loses_only_that_check(tmp_path):
    def relu(z):
        os._exit(3)

    checks = [("relu", ["my_relu"]), ("softmax", ["my_softmax"])]
    grading.record_exercises(checks, {"my_relu": relu, "my_softmax": _softmax}, tmp_path)
    outcomes = [json.loads((tmp_path / f"outcome-{i}.json").read_text()) for i in range(2)]
    assert [o["state"] for o in outcomes] == ["crashed", "recorded"]
    assert grading.replay("softmax", 1, tmp_path, 1).passed


def test_a_function_that_turns_off_the_time_limit_is_killed(tmp_path):
    def relu(z):
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        while True:
            pass

    outcome = _record_and_replay(tmp_path, "relu", [relu], time_limit=0.1)
    assert outcome["state"] == "timed out"


# ----------------------------------------------------------------------------- a class, graded


def _notebook(*extra_sources, solutions=True, blank=True):
    """Exercise notebook 04 as a student gets it (or only ``import numpy as np`` if not ``blank``),
    then the course's solutions, then ``extra_sources``."""
    nb = nbformat.reads(make_exercises.expected_files()[ROOT / "exercises" / NAME], as_version=4)
    if not blank:
        nb.cells = [nbformat.v4.new_code_cell("import numpy as np", id="imports")]
    if solutions:
        course = nbformat.read(ROOT / "notebooks" / NAME, as_version=4)
        for cell in course.cells:
            if make_exercises.TAG in cell.metadata.get("tags", []):
                nb.cells.append(nbformat.v4.new_code_cell(cell.source, id=f"pasted-{cell.id}"))
    for number, source in enumerate(extra_sources):
        nb.cells.append(nbformat.v4.new_code_cell(source, id=f"extra-{number}"))
    return nb


FORGER = f"""import os, pathlib
print('GRADES:' + '{{"relu": ["passed", null], "softmax": ["passed", null]}}')
import cbow_helpers.exercises, cbow_helpers.grading
cbow_helpers.exercises.run_check = lambda name, *f, **k: cbow_helpers.exercises.CheckResult(name, "passed", "")
for target in [pathlib.Path({PROBE!r}), pathlib.Path({str(ROOT)!r}) / {PROBE!r}]:
    try:
        target.write_text("x")
        print("wrote", target)
    except OSError:
        print("refused", target)
print("secret:", os.environ.get("CBOW_GRADER_SECRET"))"""

HOSTILE = """import os, sys
def my_relu(z):
    print('GRADES:{"relu": ["passed", null], "softmax": ["passed", null]}')
    while True:
        pass
def my_softmax(z):
    sys.exit(0)
def my_forward_prop(x, W1, W2, b1, b2):
    h = np.maximum(W1 @ x + b1, 0)
    return W2 @ h + b2, h
def my_cross_entropy_loss(y_hat, y):
    os._exit(3)
from cbow_helpers.exercises import check
check("cross_entropy_loss", my_cross_entropy_loss)  # the grader skips this line"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Four submissions graded in one run: (printed lines, CSV rows, executed notebooks by name)."""
    folder = tmp_path_factory.mktemp("class")
    submissions = {
        f"alice_{NAME}": _notebook(),
        f"bob_{NAME}": _notebook(HOSTILE, FORGER, solutions=False, blank=False),
        f"dave_{NAME}": _notebook("import os\nos._exit(0)", solutions=False, blank=False),
    }
    hang = nbformat.v4.new_code_cell("while True:\n    pass", id="hang")
    alice = submissions[f"alice_{NAME}"]
    alice.cells.insert(len(alice.cells) - 4, hang)  # after the blanks, before the solutions
    paths = []
    for name, nb in submissions.items():
        nbformat.write(nb, folder / name)
        paths.append(str(folder / name))
    (folder / f"carol_{NAME}").write_text("my answers are in the email", encoding="utf-8")
    paths.insert(2, str(folder / f"carol_{NAME}"))
    executed, out = [], io.StringIO()
    options = ["--csv", str(folder / "grades.csv"), "--call-timeout", "1", "--cell-timeout", "3"]
    os.environ["CBOW_GRADER_SECRET"] = "s3cret"
    try:
        with contextlib.redirect_stdout(out):
            assert grade_exercises.main(paths + options, keep=executed) == 0
    finally:
        del os.environ["CBOW_GRADER_SECRET"]
        for leftover in (ROOT / PROBE, ROOT / "exercises" / PROBE):
            leftover.unlink(missing_ok=True)
    with open(folder / "grades.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    graded_names = [Path(p).name for p in paths if "carol" not in p]
    return out.getvalue().splitlines(), rows, dict(zip(graded_names, executed))


def _statuses(rows, who):
    return {r["exercise"]: r["status"] for r in rows if r["submission"].startswith(who)}


def test_a_correct_submission_passes_every_check(graded):
    lines, rows, executed = graded
    assert (
        lines[0] == f"alice_{NAME}: 4/4 passed   ✓relu ✓softmax ✓forward_prop ✓cross_entropy_loss"
    )
    assert _statuses(rows, "alice") == dict.fromkeys(EXERCISES_04, "passed")
    for cell in executed[f"alice_{NAME}"].cells:  # the notebook, blanks and all, ran without errors
        outputs = cell.get("outputs", [])
        errors = [o.ename for o in outputs if o.output_type == "error"]
        assert errors == (["KeyboardInterrupt"] if cell.get("id") == "hang" else []), cell.source
        assert not [o for o in outputs if o.get("name") == "stderr"], cell.source


def test_each_function_gets_its_own_verdict_whatever_another_does(graded):
    _, rows, _ = graded
    assert _statuses(rows, "bob") == {
        "relu": "failed",
        "softmax": "failed",
        "forward_prop": "passed",
        "cross_entropy_loss": "crashed",
    }
    messages = {r["exercise"]: r["message"] for r in rows if r["submission"].startswith("bob")}
    assert "did not finish within 1 s" in messages["relu"]
    assert "sys.exit()" in messages["softmax"]
    assert "ended the process" in messages["cross_entropy_loss"]


def test_a_fake_grades_line_or_a_replaced_run_check_changes_nothing(graded):
    """bob's relu and a cell print a GRADES line saying relu and softmax pass, and run_check is
    replaced: both still fail."""
    lines, _, executed = graded
    assert lines[1].startswith(f"bob_{NAME}: 1/4 passed   ✗relu ✗softmax ✓forward_prop !cross")
    printed = "".join(o.get("text", "") for o in executed[f"bob_{NAME}"].cells[-2].outputs)
    assert "GRADES:" in printed  # the forgery ran, and was ignored
    assert "secret: None" in printed  # the grader's environment does not reach the student
    assert not (ROOT / "exercises" / PROBE).exists()  # the working folder is a scratch folder
    if sandbox.Sandbox.choose("auto", []).use_bwrap:
        assert f"refused {ROOT / PROBE}" in printed  # the checkout is read-only in the sandbox


def test_a_file_that_is_not_a_notebook_is_reported_and_the_class_goes_on(graded):
    lines, rows, _ = graded
    assert lines[2].startswith(f"carol_{NAME}: not a notebook: NotJSONError")
    (carol,) = [r for r in rows if r["submission"].startswith("carol")]
    assert carol["status"] == "not a notebook" and carol["exercise"] == ""
    assert len(lines) == 4 and _statuses(rows, "dave")  # the submissions after carol are graded


def test_a_kernel_that_dies_is_reported_for_each_check(graded):
    _, rows, _ = graded
    assert _statuses(rows, "dave") == dict.fromkeys(EXERCISES_04, "crashed")
    assert all(
        "kernel died in cell" in r["message"] for r in rows if r["submission"].startswith("dave")
    )


def test_a_cell_that_hangs_is_interrupted_and_the_functions_are_graded(graded):
    """alice's notebook has an endless loop between the blanks and her solutions."""
    _, rows, executed = graded
    assert _statuses(rows, "alice") == dict.fromkeys(EXERCISES_04, "passed")
    (hang,) = [c for c in executed[f"alice_{NAME}"].cells if c.get("id") == "hang"]
    assert hang.outputs[-1].ename == "KeyboardInterrupt"


def test_a_submission_over_its_time_is_reported_as_timed_out(tmp_path, capsys):
    path = tmp_path / f"frank_{NAME}"
    nbformat.write(_notebook("import time\ntime.sleep(60)", solutions=False, blank=False), path)
    main = grade_exercises.main
    assert (
        main(
            [str(path), "--timeout", "3", "--cell-timeout", "100", "--csv", str(tmp_path / "g.csv")]
        )
        == 0
    )
    assert "0/4 passed" in capsys.readouterr().out
    with open(tmp_path / "g.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["status"] for r in rows} == {"timed out"} and len(rows) == 4


def test_an_unwritable_csv_is_refused_before_grading(tmp_path, monkeypatch, capsys):
    def never(*args, **kwargs):
        raise AssertionError("graded before the output was checked")

    monkeypatch.setattr(grade_exercises, "grade", never)
    submission = str(ROOT / "exercises" / NAME)
    for target, said in [
        (tmp_path / "missing" / "grades.csv", "does not exist"),
        (tmp_path, "is a folder"),
    ]:
        with pytest.raises(SystemExit) as stop:
            grade_exercises.main([submission, "--csv", str(target)])
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert "argument --csv" in err and said in err and "Traceback" not in err


def test_the_grader_finds_the_checks_of_a_template():
    template = nbformat.reads(
        make_exercises.expected_files()[ROOT / "exercises" / "05_forward_backward.ipynb"],
        as_version=4,
    )
    assert grade_exercises.checks_of(template) == [
        ("numerical_gradient", ["my_numerical_gradient"]),
        ("back_prop", ["my_back_prop"]),
        ("gradient_check", ["my_relative_errors", "my_back_prop", "my_numerical_gradient"]),
    ]
