"""Make the students' exercise notebooks from the course notebooks (the solutions).

    python tools/make_exercises.py           # write exercises/NN_*.ipynb
    python tools/make_exercises.py --check   # exit 1 if exercises/ is not what the course gives
    python tools/make_exercises.py --tag     # (re)apply the "exercise" tags to the course notebooks

A course notebook's code cell tagged ``exercise`` holds one or more solution functions
followed by a ``check(...)`` line. In the exercise notebook each function keeps its
signature and docstring, and its body becomes a blank (``# YOUR CODE HERE`` and ``...``);
everything else in the cell (imports, the check) stays. Every other cell is copied
unchanged, and all outputs are cleared: the student runs the notebook. A notebook with no
tagged cell gets no exercise version.

The tags are keyed by cell id plus the start of the cell's source (``TAGGED`` below), so
``--tag`` can re-apply them after a merge or a re-recording that lost cell metadata; it is
idempotent and refuses a cell whose source no longer starts as expected.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TAG = "exercise"
COMMAND = "python tools/make_exercises.py"

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
    ],
    "06_training": [("ex-gradient-descent", "from cbow_helpers import back_prop, compute_cost")],
    "07_pca_visualisation": [
        ("ex-compute-pca", "from cbow_helpers.exercises import check\n\n\ndef my_compute_pca(")
    ],
}

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


def exercise_notebook(path: Path) -> nbformat.NotebookNode | None:
    """The exercise version of the course notebook at ``path`` (None if it has no exercise cell)."""
    nb = nbformat.read(path, as_version=4)
    if not any(TAG in cell.metadata.get("tags", []) for cell in nb.cells):
        return None
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if TAG in cell.metadata.get("tags", []):
            try:
                cell.source = blank_functions(cell.source)
            except ExerciseError as error:
                raise ExerciseError(f"{path.name}, cell {cell.id}: {error}") from None
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
