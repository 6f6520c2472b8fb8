"""Make the students' exercise notebooks from the course notebooks (the solutions).

    python tools/instructors/make_exercises.py           # write exercises/NN_*.ipynb
    python tools/instructors/make_exercises.py --check   # exit 1 if exercises/ is not what the course gives
    python tools/instructors/make_exercises.py --tag     # (re)apply the "exercise" tags to the course notebooks

A course notebook's code cell tagged ``exercise`` holds one or more solution functions
followed by a ``check(...)`` line. In the exercise notebook each function keeps its
signature and docstring, and its body becomes a blank (``# YOUR CODE HERE`` and ``...``);
everything else in the cell (imports, the check) stays. All outputs are cleared: the
student runs the notebook. A notebook with no tagged cell gets no exercise version.

Worked examples fade (``FADED`` below): a course cell that computes what an exercise asks
for moves to just after that exercise's cell, under a note that it is the worked answer,
to read once the check passes. Its imports stay behind where it was, so the cells between
still run, except the import of the function the exercise asks for when no cell before the blank
uses it. The instructor's speaker notes are left out (they answer the questions the students
are asked). A worked cell that must stay before its exercise computes the same value another
way there (``REWORKED``). Every other cell is copied unchanged.

The tags are keyed by cell id plus the start of the cell's source (``TAGGED`` below), so
``--tag`` can re-apply them after a merge or a re-recording that lost cell metadata; it is
idempotent and refuses a cell whose source no longer starts as expected.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from exercise_rewrites import ANSWERED, REWORKED

ROOT = Path(__file__).resolve().parents[2]
TAG = "exercise"
COMMAND = "python tools/instructors/make_exercises.py"

#: Course notebook -> the cells tagged "exercise": (cell id, how its source starts).
TAGGED = {
    "01_tokenization": [("ex-tokenize", "import re\n\nfrom cbow_helpers.exercises import check")],
    "02_sliding_windows": [
        ("ex-get-windows", "from cbow_helpers.exercises import check\n\n\ndef my_get_windows")
    ],
    "03_one_hot_vectors": [
        ("ex-get-dict", "from cbow_helpers.exercises import check\n\n\ndef my_get_dict"),
        ("ex-one-hot", "def my_word_to_one_hot_vector("),
        ("ex-context-vector", "def my_context_words_to_vector("),
        ("ex-get-batches", "from cbow_helpers import get_windows\n\n\ndef my_get_batches("),
    ],
    "04_cbow_architecture": [
        ("ex-relu", "from cbow_helpers.exercises import check\n\n\ndef my_relu("),
        ("ex-softmax", "def my_softmax("),
        ("ex-forward-prop", "def my_forward_prop("),
        ("ex-cross-entropy", "def my_cross_entropy_loss("),
    ],
    "05_forward_backward": [
        (
            "ex-numerical-gradient",
            "from cbow_helpers.exercises import check\n\n\ndef my_numerical_gradient(",
        ),
        ("ex-back-prop", "def my_back_prop("),
        ("ex-gradient-check", "from cbow_helpers import compute_cost, forward_prop"),
    ],
    "06_training": [
        ("ex-gradient-descent", "from cbow_helpers import back_prop, compute_cost"),
        ("ex-own-functions", "def my_relu("),
        ("ex-capstone", "from cbow_helpers import get_dict\n\n\ndef my_train("),
    ],
    "07_pca_visualisation": [
        ("ex-compute-pca", "from cbow_helpers.exercises import check\n\n\ndef my_compute_pca(")
    ],
    "09_negative_sampling": [
        (
            "ex-ns-gradients",
            (
                "from cbow_helpers import sigmoid\nfrom cbow_helpers.exercises import check\n\n\n"
                "def my_negative_sampling_gradients("
            ),
        )
    ],
}

#: Course notebook -> (exercise cell id, the worked cells that give its answer away). In the
#: exercise notebook those cells move, in their order, to just after the exercise cell.
FADED = {
    "01_tokenization": [
        ("ex-tokenize", ["f4b03298", "a0e87349", "punkt-rules", "e0e90b77", "a8c60b03", "2591bb94"])
    ],
    "02_sliding_windows": [
        ("ex-get-windows", ["9e0c8155", "9d8d7eb7", "0a0d6246", "0a0d6246-read"])
    ],
    "03_one_hot_vectors": [
        ("ex-get-dict", ["fa086bb2", "2bbffd2c"]),
        ("ex-one-hot", ["fbb39100", "shape-trap-md", "shape-trap", "d5893df0"]),
        ("ex-context-vector", ["bf8810c7", "11a6bef0", "a6e17f73"]),
    ],
    "04_cbow_architecture": [
        ("ex-relu", ["32ae5752", "69e00b17"]),
        ("ex-softmax", ["5f8fba9e", "42828993"]),
        ("ex-forward-prop", ["ce2b5093", "ce2b5093-read"]),
        ("ex-cross-entropy", ["357cdc19", "357cdc19-read"]),
    ],
    "05_forward_backward": [
        ("ex-numerical-gradient", ["nudge-one-entry"]),
        (
            "ex-back-prop",
            [
                "nudge-explained",
                "batch-cost",
                "batch-dZ1",
                "derive-shapes",
                "f46ec574",
                "703721e7",
                "384b408d",
                "af200407",
            ],
        ),
    ],
    "07_pca_visualisation": [
        (
            "ex-compute-pca",
            [
                "499e47b9",
                "a8b3eb4c",
                "6044f3f6",
                "pca-top-direction",
                "pca-top-direction-md",
                "c35ebaec",
                "c7ebc714",
            ],
        )
    ],
    "09_negative_sampling": [
        ("ex-ns-gradients", ["df14606c", "cce07d96", "ns-ds-numbers", "9620c985", "5d39917f"])
    ],
}

#: Runs of GRAM tokens are compared; an exercise whose solution has SHOWN or more of its runs in
#: the code cells above it (names ignored) shows its answer above the blank.
GRAM = 5
SHOWN = 0.5

REVEALED = """**The worked answer to the exercise above.** The course notebook shows the cells below
*before* the exercise; here they come after it, so that you write the steps yourself from the
explanations above. Run them once your check prints ✓, and compare them with what you wrote."""

HEADER = """**Exercise version of [{name}](../notebooks/{name})**, with blanks for you to fill.

Run the cells from the top. Where a function says `# YOUR CODE HERE`, replace the `...` with your
code and run the cell: the `check(...)` line at its end tells you at once whether your function is
right, and if not, which case failed, what it expected, what it got, and a hint. Until you write a
function, its check says "not written yet"; the rest of the notebook runs either way.

*Made by `{command}` from the course notebook; the course notebook shows a solution.*"""


class ExerciseError(Exception):
    """A course notebook cannot be turned into an exercise notebook (a clear, one-line reason)."""


def blank_functions(source: str) -> str:
    """``source`` with the body of every top-level function replaced by a blank.

    The ``def`` line(s), decorators and docstring stay; the body becomes
    ``# YOUR CODE HERE`` (with the solution's line count) and ``...``.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ExerciseError(f"an exercise cell is not valid Python: {error}") from None
    lines = source.split("\n")
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    if not functions:
        raise ExerciseError("an exercise cell defines no function to blank")
    for node in reversed(functions):  # from the bottom, so earlier line numbers stay valid
        body = node.body
        has_docstring = (
            isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)
        )
        code = body[1:] if has_docstring else body
        if not code:
            continue
        start = code[0].lineno - 1  # 0-based first line of the code to remove
        end = node.end_lineno  # 0-based exclusive end
        indent = " " * code[0].col_offset
        count = sum(
            1 for line in lines[start:end] if line.strip() and not line.strip().startswith("#")
        )
        lines[start:end] = [
            f"{indent}# YOUR CODE HERE (the solution has {count} line{'s' if count > 1 else ''})",
            f"{indent}...",
        ]
    return "\n".join(lines)


def _imports_of(source: str, used_after: set[str]) -> str:
    """The top-level import lines of a cell's source that ``used_after`` needs (what a moved cell
    leaves behind): an import whose names no later code before the exercise uses stays with the
    moved cell, so the exercise's blank is not handed the function it asks for."""
    tree = ast.parse(source)
    lines = source.split("\n")
    kept = [
        "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any((a.asname or a.name).split(".")[0] in used_after for a in node.names)
    ]
    return "\n".join(kept)


def fade(cells: list, faded: list[tuple[str, list[str]]], name: str) -> list:
    """``cells`` with each exercise's worked cells moved after it (their imports left in place)."""
    by_id = {cell.id: cell for cell in cells}
    position = {cell.id: i for i, cell in enumerate(cells)}
    named = {cell_id for _, ids in faded for cell_id in ids} | {e for e, _ in faded}
    if named - set(by_id):
        missing = ", ".join(sorted(named - set(by_id)))
        raise ExerciseError(f"{name}: FADED names cells that are not there: {missing}")
    faded = [  # a cell's instructor's notes (apply_slide_plan's "notes-<id>") move with it
        (exercise, [i for cell_id in ids for i in (cell_id, f"notes-{cell_id}") if i in by_id])
        for exercise, ids in faded
    ]
    moved_ids = {cell_id for _, ids in faded for cell_id in ids}
    out = []
    for cell in cells:
        if cell.id in moved_ids:
            if position[cell.id] > min(position[e] for e, ids in faded if cell.id in ids):
                raise ExerciseError(f"{name}: cell {cell.id} is already after its exercise")
            exercise = min((e for e, ids in faded if cell.id in ids), key=position.get)
            between = cells[position[cell.id] + 1 : position[exercise] + 1]
            used_after = {
                node.id
                for c in between
                if c.cell_type == "code" and c.id not in moved_ids
                for node in ast.walk(_parse(c.source))
                if isinstance(node, ast.Name)
            }
            imports = _imports_of(cell.source, used_after) if cell.cell_type == "code" else ""
            if imports:
                out.append(nbformat.v4.new_code_cell(imports, id=f"{cell.id}-imports"))
            continue
        out.append(cell)
        for exercise, ids in faded:
            if cell.id == exercise:
                out.append(nbformat.v4.new_markdown_cell(REVEALED, id=f"{exercise}-worked"))
                out.extend(by_id[i] for i in ids)
    return out


def is_notes(cell) -> bool:
    """An instructor's speaker-notes cell: the exercise version leaves them out (they hold answers)."""
    return cell.metadata.get("slideshow", {}).get("slide_type") == "notes"


class _Anonymous(ast.NodeTransformer):
    """Every variable, function and argument name becomes ``_`` (attributes and constants stay)."""

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id="_", ctx=node.ctx), node)

    def visit_arg(self, node):
        node.arg = "_"
        return node


def _parse(source: str) -> ast.Module:
    """A cell's source as Python (IPython's %magics and !commands dropped)."""
    lines = source.split("\n")
    return ast.parse("\n".join(x for x in lines if not x.lstrip().startswith(("%", "!"))))


def _grams(statements, n: int = GRAM) -> set:
    """The runs of n tokens of each statement, with every name replaced by ``_``."""
    grams = set()
    for statement in statements:
        text = ast.unparse(_Anonymous().visit(copy.deepcopy(statement)))
        tokens = re.findall(r"\w+|[^\s\w]", text)
        grams |= {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}
    return grams


def answers_shown_above(nb, course) -> list[tuple[str, float]]:
    """(function, share) for each exercise whose answer the code cells above it show.

    The share is the fraction of the solution's runs of ``GRAM`` tokens (names ignored, so a
    renamed copy counts) that appear in the code cells above the exercise in ``nb``; the
    solution is the exercise cell's function in ``course``. Listed when it reaches ``SHOWN``.
    """
    solutions = {cell.id: cell.source for cell in course.cells}
    shown = []
    for i, cell in enumerate(nb.cells):
        if TAG not in cell.metadata.get("tags", []):
            continue
        above = _grams(
            statement
            for c in nb.cells[:i]
            if c.cell_type == "code"
            for statement in _parse(c.source).body
        )
        for node in _parse(solutions[cell.id]).body:
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                answer = _grams(body)
                share = len(answer & above) / max(len(answer), 1)
                if share >= SHOWN:
                    shown.append((node.name, round(share, 2)))
    return shown


def exercise_notebook(path: Path) -> nbformat.NotebookNode | None:
    """The exercise version of the course notebook at ``path`` (None if it has no exercise cell)."""
    nb = nbformat.read(path, as_version=4)
    if not any(TAG in cell.metadata.get("tags", []) for cell in nb.cells):
        return None
    out = copy.deepcopy(nb)
    out.cells = [
        cell for cell in fade(out.cells, FADED.get(path.stem, []), path.name) if not is_notes(cell)
    ]
    replaced = {"ANSWERED": ANSWERED.get(path.stem, {}), "REWORKED": REWORKED.get(path.stem, {})}
    for cell in out.cells:
        for table, sources in replaced.items():
            if cell.id in sources:
                course, exercise = sources[cell.id]
                if cell.source != course:
                    raise ExerciseError(f"{path.name}, cell {cell.id}: changed; update {table}")
                cell.source = exercise
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if TAG in cell.metadata.get("tags", []):
            try:
                cell.source = blank_functions(cell.source)
            except ExerciseError as error:
                raise ExerciseError(f"{path.name}, cell {cell.id}: {error}") from None
    shown = answers_shown_above(out, nb)
    if shown:
        listed = ", ".join(f"{name} ({share:.0%} of its code)" for name, share in shown)
        raise ExerciseError(f"{path.name}: cells above the blank show the answer of {listed}")
    header = nbformat.v4.new_markdown_cell(
        HEADER.format(name=path.name, command=COMMAND), id="exercise-header"
    )
    out.cells.insert(0, header)
    return out


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    """exercises/<name>.ipynb -> its text, for every course notebook with exercise cells."""
    files = {}
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = exercise_notebook(path)
        if nb is not None:
            files[root / "exercises" / path.name] = nbformat.writes(nb) + "\n"
    return files


def stale_files(root: Path = ROOT) -> list[str]:
    """What differs between exercises/ and what the course notebooks give (empty when up to date)."""
    expected = expected_files(root)
    problems = []
    for path, text in expected.items():
        if not path.exists():
            problems.append(f"missing: {path.relative_to(root)}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"stale: {path.relative_to(root)}")
    for path in sorted((root / "exercises").glob("*.ipynb")):
        if path not in expected:
            problems.append(f"no course notebook with exercises for: {path.relative_to(root)}")
    return problems


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(root: Path = ROOT) -> list[Path]:
    """Write every exercise notebook (only those whose text changes) and remove orphans; return what changed."""
    expected = expected_files(root)  # build everything first: an error leaves exercises/ as it was
    changed = []
    for path, text in expected.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            _write_atomic(path, text)
            changed.append(path)
    for path in sorted((root / "exercises").glob("*.ipynb")):
        if path not in expected:
            path.unlink()
            changed.append(path)
    return changed


def apply_tags(root: Path = ROOT) -> list[str]:
    """Tag the cells listed in TAGGED with "exercise" (idempotent); return what changed."""
    changes = []
    for stem, cells in TAGGED.items():
        path = root / "notebooks" / f"{stem}.ipynb"
        nb = nbformat.read(path, as_version=4)
        by_id = {cell.id: cell for cell in nb.cells}
        modified = False
        for cell_id, prefix in cells:
            cell = by_id.get(cell_id)
            if cell is None:
                raise ExerciseError(f"{path.name}: no cell with id {cell_id!r}")
            if not cell.source.startswith(prefix):
                raise ExerciseError(
                    f"{path.name}, cell {cell_id}: its source no longer starts with {prefix!r}"
                )
            tags = cell.metadata.setdefault("tags", [])
            if TAG not in tags:
                tags.append(TAG)
                modified = True
                changes.append(f"{path.name}: tagged {cell_id}")
        if modified:
            _write_atomic(path, nbformat.writes(nb) + "\n")
    return changes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="exit 1 if exercises/ is stale")
    group.add_argument(
        "--tag", action="store_true", help='apply the "exercise" tags to the course notebooks'
    )
    args = parser.parse_args(argv)
    try:
        if args.tag:
            changes = apply_tags()
            print("\n".join(changes) if changes else "all exercise cells were already tagged")
            return 0
        if args.check:
            problems = stale_files()
            if problems:
                print("; ".join(problems) + f": run {COMMAND}", file=sys.stderr)
                return 1
            print("exercises/ is up to date")
            return 0
        changed = write_all()
        print(
            f"wrote {len(changed)} file(s)" + "".join(f"\n  {p.relative_to(ROOT)}" for p in changed)
        )
        return 0
    except (ExerciseError, OSError) as error:
        print(f"make_exercises: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
