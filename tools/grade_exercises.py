"""Grade a class's exercise notebooks: run each one, then run every check on the student's functions.

    python tools/grade_exercises.py submissions/*.ipynb [--csv grades.csv]

Each submission is a student's copy of one of ``exercises/NN_*.ipynb`` (recognised by its
file name ending, e.g. ``alice_04_cbow_architecture.ipynb``, or by its cells' ids). It is
executed top to bottom in a fresh kernel (a cell that fails does not stop the rest), then a
last cell calls ``run_check`` on the functions that the exercise notebook's own ``check(...)``
lines name: a student who edited or deleted a check line is graded all the same. Prints one
line per submission (``✓`` passed, ``✗`` failed, ``…`` not written, ``-`` missing function) and
writes a CSV if asked.

Running a submission runs the student's code with your permissions: grade in a throwaway
environment (a container or a virtual machine) when you do not trust the code.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_exercises

MARK = {"passed": "✓", "failed": "✗", "not written": "…", "missing": "-"}
RESULT_PREFIX = "GRADES:"


def checks_of(template: nbformat.NotebookNode) -> list[tuple[str, list[str]]]:
    """The ``check("name", f, ...)`` calls of an exercise notebook's cells, in order: (name, [function names])."""
    calls = []
    for cell in template.cells:
        if cell.cell_type != "code" or not cell.id.startswith("ex-"):
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "check"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                calls.append(
                    (node.args[0].value, [a.id for a in node.args[1:] if isinstance(a, ast.Name)])
                )
    return calls


def grading_cell(calls) -> str:
    return f"""import json as _json
from cbow_helpers.exercises import run_check as _run_check
_grades = {{}}
for _name, _functions in {calls!r}:
    if all(f in globals() for f in _functions):
        _result = _run_check(_name, *[globals()[f] for f in _functions])
        _grades[_name] = [_result.status, _result.mistake]
    else:
        _grades[_name] = ["missing", None]
print({RESULT_PREFIX!r} + _json.dumps(_grades))"""


def template_for(
    submission: nbformat.NotebookNode, name: str, templates: dict[str, nbformat.NotebookNode]
):
    """The exercise notebook a submission was made from: by file name, else by the most shared cell ids."""
    for template_name, template in templates.items():
        if name.endswith(template_name):
            return template_name, template
    ids = {c.get("id") for c in submission.cells}
    best = max(templates, key=lambda t: len(ids & {c.id for c in templates[t].cells}))
    if not ids & {c.id for c in templates[best].cells}:
        raise ValueError(f"{name}: not one of the exercise notebooks ({', '.join(templates)})")
    return best, templates[best]


def grade(submission: nbformat.NotebookNode, template: nbformat.NotebookNode, timeout: int = 600):
    """Execute ``submission`` and check it; return ({exercise: (status, mistake)}, the executed notebook)."""
    from nbclient import NotebookClient

    calls = checks_of(template)
    nb = nbformat.from_dict(json.loads(json.dumps(submission)))  # a copy; the file stays as it was
    nb.cells.append(nbformat.v4.new_code_cell(grading_cell(calls), id="grading"))
    folder = make_exercises.ROOT / "exercises"
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    line = next((line for line in text.splitlines() if line.startswith(RESULT_PREFIX)), None)
    if line is None:
        return {name: ("missing", None) for name, _ in calls}, nb
    results = json.loads(line[len(RESULT_PREFIX) :])
    return {name: tuple(value) for name, value in results.items()}, nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "submissions", nargs="+", type=Path, help="the students' exercise notebooks"
    )
    parser.add_argument("--csv", type=Path, help="also write the grades to this CSV file")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    templates = {
        path.name: nbformat.reads(text, as_version=4)
        for path, text in make_exercises.expected_files().items()
    }
    rows = []
    for path in args.submissions:
        try:
            submission = nbformat.read(path, as_version=4)
            template_name, template = template_for(submission, path.name, templates)
        except (OSError, ValueError) as error:  # nbformat's validation errors are ValueErrors too
            print(f"grade_exercises: {path}: {error}", file=sys.stderr)
            return 1
        results, _ = grade(submission, template, args.timeout)
        passed = sum(status == "passed" for status, _ in results.values())
        marks = " ".join(f"{MARK[status]}{name}" for name, (status, _) in results.items())
        print(f"{path.name}: {passed}/{len(results)} passed   {marks}")
        rows += [
            {
                "submission": path.name,
                "notebook": template_name,
                "exercise": name,
                "status": status,
                "mistake": mistake or "",
            }
            for name, (status, mistake) in results.items()
        ]
    if args.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=["submission", "notebook", "exercise", "status", "mistake"]
        )
        writer.writeheader()
        writer.writerows(rows)
        fd, tmp = tempfile.mkstemp(dir=args.csv.resolve().parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
