"""The exercise notebooks and their checks.

- exercises/ is what ``python tools/instructors/make_exercises.py`` makes from the course notebooks;
- every check passes the course's solution, says "not written yet" for a blank, and names each
  classic mistake (tests/exercise_mistakes.py writes one small wrong implementation per mistake);
- a student's notebook runs top to bottom with its blanks, one friendly line per check, no traceback
  (tests/test_grading.py runs one in a kernel, and grades it).
"""

import ast
import contextlib
import io
import re
import sys
from pathlib import Path

import emoji
import nbformat
import numpy as np
import pytest
from exercise_mistakes import MUTANTS, RIGHT, relative_errors
from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer, word_tokenize

import cbow_helpers
from cbow_helpers.exercises import EXERCISES, MISTAKES, run_check

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "instructors"))
import make_exercises

COURSE = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _exercise_cells(nb):
    """The code cells that hold an exercise: the tagged ones and the guided gradient check."""
    return [c for c in nb.cells if c.cell_type == "code" and c.id.startswith("ex-")]


def _run_cells(sources):
    """Execute cell sources in one namespace (as a kernel would) and return what they printed."""
    namespace = {  # what the notebooks imported before their exercise cells
        "np": np,
        "emoji": emoji,
        "word_tokenize": word_tokenize,
        "NLTKWordTokenizer": NLTKWordTokenizer,
        "PunktSentenceTokenizer": PunktSentenceTokenizer,
    }
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for source in sources:
            exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 - the notebook's own cells
    return out.getvalue().splitlines()


# ----------------------------------------------------------------------------- the generated notebooks


@pytest.mark.slow
def test_exercise_notebooks_are_up_to_date():
    problems = make_exercises.stale_files()
    assert not problems, f"{'; '.join(problems)}: run {make_exercises.COMMAND}"


def test_tags_match_the_table():
    """--tag would change nothing: every cell in TAGGED is tagged, and nothing else is."""
    for path in COURSE:
        nb = nbformat.read(path, as_version=4)
        tagged = [
            (c.id, c.source) for c in nb.cells if make_exercises.TAG in c.metadata.get("tags", [])
        ]
        listed = make_exercises.TAGGED.get(path.stem, [])
        assert [cell_id for cell_id, _ in tagged] == [cell_id for cell_id, _ in listed], path.name
        for (_, source), (_, prefix) in zip(tagged, listed):
            assert source.startswith(prefix)


def test_every_exercise_is_in_a_course_notebook():
    checked = set()
    for path in COURSE:
        for cell in _exercise_cells(nbformat.read(path, as_version=4)):
            checked |= {name for name in EXERCISES if f'check("{name}"' in cell.source}
    assert checked == set(EXERCISES)
    assert len(EXERCISES) >= 12


def test_blank_keeps_signature_docstring_and_check():
    source = 'from x import check\n\n\ndef f(a, b=2):\n    """Doc."""\n    c = a + b\n\n    return c\n\n\ncheck("f", f)'
    blank = make_exercises.blank_functions(source)
    assert blank == (
        'from x import check\n\n\ndef f(a, b=2):\n    """Doc."""\n'
        '    # YOUR CODE HERE (the solution has 2 lines)\n    ...\n\n\ncheck("f", f)'
    )
    with pytest.raises(make_exercises.ExerciseError, match="defines no function"):
        make_exercises.blank_functions("check('f', f)")


@pytest.mark.slow
def test_stale_exercises_are_reported(tmp_path):
    (tmp_path / "notebooks").mkdir()
    course = COURSE[4]
    (tmp_path / "notebooks" / course.name).write_bytes(course.read_bytes())
    assert make_exercises.stale_files(tmp_path) == [f"missing: exercises/{course.name}"]
    make_exercises.write_all(tmp_path)
    assert make_exercises.stale_files(tmp_path) == []
    written = tmp_path / "exercises" / course.name
    written.write_text(
        written.read_text(encoding="utf-8").replace("YOUR CODE HERE", "my answer"), encoding="utf-8"
    )
    assert make_exercises.stale_files(tmp_path) == [f"stale: exercises/{course.name}"]
    assert make_exercises.main(["--check"]) == 0  # the repository's own exercises are current


@pytest.mark.slow
def test_exercise_notebooks_hide_the_solutions():
    for path, text in make_exercises.expected_files().items():
        nb = nbformat.reads(text, as_version=4)
        course = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        by_id = {c.id: c for c in course.cells}
        for cell in nb.cells:
            if make_exercises.TAG in cell.metadata.get("tags", []):
                assert "YOUR CODE HERE" in cell.source and cell.source != by_id[cell.id].source
                assert not re.search(r"^\s*(return|yield)\b", cell.source, re.MULTILINE), (
                    cell.source
                )
            assert cell.cell_type != "code" or (cell.outputs == [] and cell.execution_count is None)


def test_exercise_notebooks_leave_out_the_instructors_notes():
    """The speaker notes answer the questions the students are asked: the exercises omit them."""
    course_notes = 0
    for path, text in make_exercises.expected_files().items():
        course = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        course_notes += sum(map(make_exercises.is_notes, course.cells))
        nb = nbformat.reads(text, as_version=4)
        assert not [c.id for c in nb.cells if make_exercises.is_notes(c)], path.name
        assert not [c.id for c in nb.cells if "Instructor's notes" in c.source], path.name
    assert course_notes > 0  # the course notebooks do have notes to leave out


@pytest.mark.slow
def test_no_exercise_shows_its_answer_above_the_blank():
    """No code cell above a blank computes what the blank must (names ignored, runs of tokens)."""
    for path, text in make_exercises.expected_files().items():
        nb = nbformat.reads(text, as_version=4)
        course = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        assert make_exercises.answers_shown_above(nb, course) == [], path.name


def test_the_cells_above_the_forward_prop_blank_never_compute_a_layer_as_its_answer_does():
    """04's worked cells compute z1 and z2 another way in the exercise version (one window, a
    column or a row at a time): the matrix products of my_forward_prop appear only below its blank."""
    nb = nbformat.read(ROOT / "exercises" / "04_cbow_architecture.ipynb", as_version=4)
    blank = next(i for i, c in enumerate(nb.cells) if c.id == "ex-forward-prop")
    above = {
        ast.unparse(node)
        for c in nb.cells[:blank]
        if c.cell_type == "code"
        for node in ast.walk(ast.parse(c.source))
        if isinstance(node, ast.BinOp)
    }
    assert {"W1 @ x + b1", "W2 @ h + b2"} & above == set()
    assert "columns.mean(axis=1, keepdims=True) + b1" in above  # the worked cells still compute z1


def _masks_and_outer_products(sources):
    """The expressions in ``sources`` that apply a ReLU mask (a product with, or ``np.where`` on,
    a ``> 0`` test) or take an outer product (``... @ v.T``), as source text."""
    found = set()
    for source in sources:
        python = "\n".join(line for line in source.split("\n") if not line.startswith("%"))
        for node in ast.walk(ast.parse(python)):  # a %%magic line dropped
            binop = isinstance(node, ast.BinOp)
            mask = (
                binop
                and isinstance(node.op, ast.Mult)
                and (isinstance(node.left, ast.Compare) or isinstance(node.right, ast.Compare))
            )
            outer = (
                binop
                and isinstance(node.op, ast.MatMult)
                and ast.unparse(node.right).endswith(".T")
            )
            where = isinstance(node, ast.Call) and ast.unparse(node.func) == "np.where"
            if mask or outer or (where and isinstance(node.args[0], ast.Compare)):
                found.add(ast.unparse(node))
    return found


def test_the_cells_above_the_back_prop_blank_never_apply_the_mask_or_take_an_outer_product():
    """05's derivation stays above its blank as prose and numerical checks: the lines of
    my_back_prop (the mask product, the outer products) appear only below it."""
    nb = nbformat.read(ROOT / "exercises" / "05_forward_backward.ipynb", as_version=4)
    blank = next(i for i, c in enumerate(nb.cells) if c.id == "ex-back-prop")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    above = _masks_and_outer_products(c.source for c in nb.cells[:blank] if c.cell_type == "code")
    assert above == set()
    assert {"dz2_one @ h.T", "dz1 @ x.T"} <= _masks_and_outer_products(code)  # the worked cells
    derivation = {c.id for c in nb.cells[:blank]}
    assert {"derive-shapes-md", "derive-outer-md", "derive-mask-product"} <= derivation


@pytest.mark.slow
def test_without_fading_the_answers_above_the_blanks_are_caught(monkeypatch):
    """The course notebooks show the answers before their exercises: the generator refuses them."""
    monkeypatch.setattr(make_exercises, "FADED", {})
    caught = {}
    for path in COURSE:
        try:
            make_exercises.exercise_notebook(path)
        except make_exercises.ExerciseError as error:
            caught[path.stem] = str(error)
    assert set(caught) >= {
        "01_tokenization",
        "02_sliding_windows",
        "03_one_hot_vectors",
        "05_forward_backward",
        "07_pca_visualisation",
    }, caught
    assert "my_back_prop" in caught["05_forward_backward"]
    assert "my_compute_pca" in caught["07_pca_visualisation"]


def test_a_renamed_copy_of_the_answer_counts_as_shown():
    course = nbformat.read(ROOT / "notebooks" / "05_forward_backward.ipynb", as_version=4)
    nb = make_exercises.exercise_notebook(ROOT / "notebooks" / "05_forward_backward.ipynb")
    renamed = (
        "def gradients(inp, probs, target, hidden, A, B, a, b, size):\n"
        "    delta2 = (probs - target) / size\n"
        "    gB = delta2 @ hidden.T\n"
        "    gb = delta2.sum(axis=1, keepdims=True)\n"
        "    delta1 = (B.T @ delta2) * (hidden > 0)\n"
        "    return delta1 @ inp.T, gB, delta1.sum(axis=1, keepdims=True), gb\n"
    )
    at = [c.id for c in nb.cells].index("ex-back-prop")
    nb.cells.insert(at, nbformat.v4.new_code_cell(renamed, id="renamed-copy"))
    assert [name for name, _ in make_exercises.answers_shown_above(nb, course)] == ["my_back_prop"]


def test_a_worked_answer_moves_after_its_check_and_leaves_only_the_imports_used_before_it():
    nb = make_exercises.exercise_notebook(ROOT / "notebooks" / "02_sliding_windows.ipynb")
    ids = [c.id for c in nb.cells]
    assert ids.index("ex-get-windows") + 1 == ids.index("ex-get-windows-worked")
    assert ids.index("ex-get-windows-worked") < ids.index("9e0c8155") < ids.index("0a0d6246")
    assert "after" in nb.cells[ids.index("ex-get-windows-worked")].source
    assert "9e0c8155-imports" not in ids  # tokenize: no cell before the exercise uses it
    nb = make_exercises.exercise_notebook(ROOT / "notebooks" / "07_pca_visualisation.ipynb")
    above = nb.cells[: [c.id for c in nb.cells].index("ex-compute-pca")]
    code_above = "\n".join(c.source for c in above if c.cell_type == "code")
    assert "compute_pca" not in code_above  # the answer is not imported above its blank


def test_a_moved_cell_leaves_behind_the_imports_a_cell_before_the_exercise_uses():
    assert make_exercises._imports_of("import re\nfrom os import path\nx = 1", {"path"}) == (
        "from os import path"
    )


def test_the_function_an_exercise_asks_for_is_not_imported_above_its_blank():
    """A worked cell that imports the course's relu moves after the blank, and so does its import
    (a cell between that needs it would keep it); the cells that compute the answer move too."""
    nb = make_exercises.exercise_notebook(ROOT / "notebooks" / "04_cbow_architecture.ipynb")
    ids = [c.id for c in nb.cells]
    for exercise, name, worked in [
        ("ex-relu", "relu", "69e00b17"),
        ("ex-softmax", "softmax", "42828993"),
        ("ex-forward-prop", "forward_prop", "ce2b5093"),
        ("ex-cross-entropy", "cross_entropy_loss", "357cdc19"),
    ]:
        above = [c.source for c in nb.cells[: ids.index(exercise)] if c.cell_type == "code"]
        assert not [
            s for s in above if re.search(rf"^from .* import .*\b{name}\b", s, re.MULTILINE)
        ]
        assert ids.index(exercise) < ids.index(worked)


# ----------------------------------------------------------------------------- the checks


@pytest.mark.slow
def test_the_course_solutions_pass_and_the_blanks_say_not_written_yet():
    """Run every exercise cell of every course notebook (solutions), then of its exercise version (blanks)."""
    for path in COURSE:
        course = nbformat.read(path, as_version=4)
        solutions = _exercise_cells(course)
        if not solutions:
            continue
        names = [name for c in solutions for name in EXERCISES if f'check("{name}"' in c.source]
        printed = _run_cells([c.source for c in solutions])
        assert len(printed) == len(names), printed
        for name, line in zip(names, printed):
            assert line.startswith(f"✓ {name}: "), line
        blanks = nbformat.reads(
            make_exercises.expected_files()[ROOT / "exercises" / path.name], as_version=4
        )
        printed = _run_cells([c.source for c in _exercise_cells(blanks)])
        assert printed == [
            f"… {name}: not written yet. Write the function above (replace its ... with your code), run its cell, "
            "then run this check again."
            for name in names
        ]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_an_empty_blank_says_not_written_yet(name):
    def raises(*args, **kwargs):
        raise NotImplementedError

    def returns_none(*args, **kwargs):
        pass

    count = EXERCISES[name][0].__code__.co_argcount
    for blank in (raises, returns_none):
        result = run_check(name, *[blank] * count)
        assert result.status == "not written", result.message
        assert "not written yet" in result.message and "Traceback" not in result.message


@pytest.mark.parametrize(
    "exercise, mistake, functions", MUTANTS, ids=[f"{e}:{m}:{f[0].__name__}" for e, m, f in MUTANTS]
)
def test_a_wrong_answer_fails_and_a_classic_mistake_is_named(exercise, mistake, functions):
    result = run_check(exercise, *functions)
    assert result.status == "failed", result.message
    lines = result.message.split("\n")
    assert len(lines) == 2 and lines[0].startswith(f"✗ {exercise}"), result.message
    if mistake is not None:
        assert result.mistake == mistake, result.message
        assert lines[1] == f"  Mistake: {MISTAKES[mistake]}"


def test_a_compute_pca_from_a_notebook_cell_that_calls_the_courses_is_refused():
    namespace = {"compute_pca": cbow_helpers.compute_pca}
    exec("def wrapper(data, n=2):\n    return compute_pca(data, n)\n", namespace)  # noqa: S102 - a notebook cell
    assert run_check("compute_pca", namespace["wrapper"]).mistake == "calls-the-course-function"


def test_a_loss_with_its_arguments_swapped_is_told_the_prediction_comes_first():
    def loss_of_y_and_y_hat(y, y_hat):  # the right formula, its parameters in the wrong order
        return float(-np.sum(y * np.log(np.clip(y_hat, np.finfo(float).tiny, 1.0))))

    result = run_check("cross_entropy_loss", loss_of_y_and_y_hat)
    assert result.mistake == "loss-swapped-arguments", result.message
    assert result.message.startswith("✗ cross_entropy_loss, case \"the notes' y_hat")
    assert (
        "Mistake: you computed -sum y_hat log y: the arguments are (y_hat, y), prediction first"
        in result.message
    )
    assert run_check("cross_entropy_loss", lambda y_hat, y: loss_of_y_and_y_hat(y, y_hat)).passed


def test_a_gradient_check_calling_compute_cost_with_swapped_arguments_is_told_prediction_first():
    def swapped_errors(*args):
        return relative_errors(*args, swapped=True)

    nudge = cbow_helpers.gradient_check.numerical_gradient
    result = run_check("gradient_check", swapped_errors, cbow_helpers.back_prop, nudge)
    assert result.mistake == "gradcheck-cost-swapped-arguments", result.message
    assert (
        "Mistake: your cost calls compute_cost with the arguments swapped, so it computed -sum "
        "y_hat log y, not -sum y log y_hat: the arguments are (y_hat, y, batch_size), prediction "
        "first, as in cross_entropy_loss(y_hat, y)" in result.message
    )
    right = run_check("gradient_check", relative_errors, cbow_helpers.back_prop, nudge)
    assert right.passed, right.message


@pytest.mark.slow
def test_at_least_four_wrong_answers_in_five_get_a_hint_naming_their_mistake(capsys):
    """The battery: 60 or more wrong answers over every exercise; the share with a named mistake."""
    named = sum(run_check(e, *functions).mistake is not None for e, _, functions in MUTANTS)
    share = named / len(MUTANTS)
    with capsys.disabled():
        print(
            f"\n{named} of {len(MUTANTS)} wrong answers get a hint naming their mistake ({share:.0%})"
        )
    assert len(MUTANTS) >= 60 and {e for e, _, _ in MUTANTS} == set(EXERCISES)
    assert share >= 0.8


@pytest.mark.parametrize("exercise, functions", RIGHT, ids=[e for e, _ in RIGHT])
def test_a_right_answer_written_differently_passes(exercise, functions):
    result = run_check(exercise, *functions)
    assert result.passed, result.message


def test_every_named_mistake_has_a_wrong_answer():
    named = {mistake for _, mistake, _ in MUTANTS if mistake is not None}
    assert named == set(MISTAKES)


def test_hints_name_the_mistake_without_the_corrected_code():
    """A hint says what is wrong and where to look; it never holds the line to type."""
    for key, hint in MISTAKES.items():
        assert not re.search(r"\w+ = .*[-+*/@]|\.sum\(axis|keepdims=True|np\.maximum\(", hint), key


def test_the_classic_mistakes_are_among_the_named_ones():
    for key in (
        "backprop-relu-on-gradient",
        "softmax-overflow",
        "context-summed",
        "window-includes-centre",
        "window-off-by-one",
        "batch-repeats-window",
        "pca-not-centred",
        "pca-wrong-order",
        "dict-not-sorted",
    ):
        assert key in MISTAKES
    assert "notebook 05" in MISTAKES["backprop-relu-on-gradient"]


def test_an_error_in_a_function_handed_to_another_names_the_function_that_raised():
    from exercise_mistakes import back_prop_global_z1, relative_errors

    result = run_check(
        "gradient_check", relative_errors, back_prop_global_z1, cbow_helpers.numerical_gradient
    )
    assert "your back_prop raised ValueError" in result.message
    assert 'check("back_prop"' in result.message and "keepdims" not in result.message


def test_a_wrong_answer_shows_shapes_first():
    result = run_check(
        "softmax", lambda z: np.exp(z - z.max())[None, :] / np.exp(z - z.max()).sum()
    )
    assert result.status == "failed" and "expected shape (5,), got shape (1, 5)" in result.message


def test_the_checker_never_raises():
    def broken(*args):
        return undefined_name  # noqa: F821 - the student's NameError

    for name in EXERCISES:
        count = EXERCISES[name][0].__code__.co_argcount
        for functions in (
            [broken] * count,
            [42] * count,
            [],
            [lambda *a: "text"] * count,
            [lambda *a: np.zeros(3)] * count,
            [lambda *a: (1, 2)] * count,
        ):
            result = run_check(name, *functions)
            assert result.status == "failed" and result.message.startswith("✗"), (
                name,
                result.message,
            )
            assert len(result.message.split("\n")) <= 2 and "Traceback" not in result.message
    assert "raised NameError" in run_check("relu", broken).message
    assert "no exercise called 'sofmax'" in run_check("sofmax", np.exp).message


def test_check_prints_one_verdict(capsys):
    from cbow_helpers.exercises import check

    assert check("relu", lambda z: np.maximum(z, 0)) is None
    assert capsys.readouterr().out == "✓ relu: all 2 cases pass.\n"


# ----------------------------------------------------------------------------- the instructors' answers


def test_the_answers_notebook_answers_every_question_and_is_saved_executed():
    """instructors/answers.ipynb is run and compared by nbval (testpaths): it must hold outputs."""
    path = ROOT / "instructors" / "answers.ipynb"
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    answered = sorted(re.findall(r"^\*\*(\d+)\.(\d) ", text, re.MULTILINE))
    questions = []
    for course in COURSE:
        (summary,) = [
            c.source
            for c in nbformat.read(course, as_version=4).cells
            if "## Exercises" in c.source
        ]
        exercises = summary.split("## Exercises")[1].split("##")[0]
        number = str(int(course.stem[:2]))  # "00_word_embeddings" -> "0", "10_..." -> "10"
        questions += [(number, n) for n in re.findall(r"^(\d)\. ", exercises, re.MULTILINE)]
    assert len(questions) == 3 * len(COURSE) and answered == sorted(questions)
    for page in ("README.md", "docs/instructors.md"):  # the pages say the same count
        counts = re.findall(r"\b(\d+) questions", (ROOT / page).read_text(encoding="utf-8"))
        assert counts and set(counts) == {str(len(questions))}, page
    turns = re.findall(r"^\*\*Your turn in notebook (\d+)", text, re.MULTILINE)
    assert turns == ["0", "1"]  # the open your-turn cells: 00's tea, 01's join_to_words
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert sum(bool(c.outputs) for c in code) >= len(code) - 2  # the setup cells print nothing
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
