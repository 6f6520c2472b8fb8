"""Grade a class's exercise notebooks: run each in a sandbox, then judge its functions here.

    python tools/instructors/grade_exercises.py submissions/*.ipynb [--csv grades.csv]

Each submission is a student's copy of one of ``exercises/NN_*.ipynb`` (recognised by its file
name ending, e.g. ``alice_04_cbow_architecture.ipynb``, or by its cells' ids). It runs top to
bottom in a fresh kernel, in a scratch folder of its own, inside a bubblewrap sandbox when one is
available (``tools/instructors/grade_worker.py``); then the functions that the exercise notebook's own
``check(...)`` lines name are called on the checks' inputs and their results are recorded as data.
The verdicts are computed here, in this process, by replaying those results through the checks
(``cbow_helpers.grading``): nothing the student's code prints or changes in its kernel can pass a
check for it. Prints one line per submission (``✓`` passed, ``✗`` failed, ``…`` not written,
``-`` missing function, ``!`` timed out or crashed) and writes a CSV if asked. A submission that
hangs, crashes or is not a notebook is reported as such, and the rest of the class is graded.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_exercises
import sandbox

sys.path.insert(0, str(make_exercises.ROOT))
from cbow_helpers.grading import replay

MARK = {"passed": "✓", "failed": "✗", "not written": "…", "missing": "-"}
FIELDS = ["submission", "notebook", "exercise", "status", "mistake", "message"]
MAX_NOTEBOOK_BYTES = 20 * 2**20


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
        raise ValueError(f"not one of the exercise notebooks ({', '.join(templates)})")
    return best, templates[best]


def read_submission(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``; a ValueError saying why if it is not one (too large, not JSON, ...),
    an OSError if it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise ValueError(
                f"{size:,} bytes, more than a notebook of exercises ({MAX_NOTEBOOK_BYTES:,})"
            )
        return nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    except OSError:
        raise
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except Exception as error:  # noqa: BLE001 - nbformat's many ways of saying "not a notebook"
        first = str(error).strip().split("\n")[0][:120]
        raise ValueError(f"{type(error).__name__}: {first}") from None


class Limits:
    """How long and how much one submission may take (the command line's options)."""

    def __init__(self, args):
        self.cell_timeout = args.cell_timeout
        self.call_timeout = args.call_timeout
        self.timeout = args.timeout
        self.memory_mb = args.memory_mb


def grade(path: Path, templates: dict, limits: Limits, box: sandbox.Sandbox, keep=None) -> dict:
    """Grade one submission: {"notebook", "results": {exercise: (status, mistake, message)}, "problem"}."""
    try:
        submission = read_submission(path)
    except OSError as error:
        return {
            "notebook": "",
            "results": {},
            "problem": ("unreadable", error.strerror or str(error)),
        }
    except ValueError as error:
        return {"notebook": "", "results": {}, "problem": ("not a notebook", str(error))}
    try:
        template_name, template = template_for(submission, path.name, templates)
    except ValueError as error:
        return {"notebook": "", "results": {}, "problem": ("not an exercise notebook", str(error))}
    checks = checks_of(template)
    folder = Path(tempfile.mkdtemp(prefix="cbow-grade-"))
    try:
        nbformat.write(submission, folder / "submission.ipynb")
        run = box.run(folder, checks, limits)
        results = {
            name: _verdict(name, len(functions), folder / "recordings", index, run, limits)
            for index, (name, functions) in enumerate(checks)
        }
        if keep is not None:  # for tests: the notebook as it ran (None if it never finished)
            executed = folder / "executed.ipynb"
            keep.append(nbformat.read(executed, as_version=4) if executed.exists() else None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"notebook": template_name, "results": results, "problem": None}


def _verdict(name, count, recordings: Path, index: int, run: dict, limits: Limits):
    """(status, mistake, message) of check ``index``, from its outcome and recording."""
    outcome = sandbox.read_json(recordings / f"outcome-{index}.json") or {}
    state, detail = outcome.get("state"), str(outcome.get("detail", ""))[:300]
    if state == "recorded":
        result = replay(name, count, recordings, index, time_limit=limits.call_timeout)
        return result.status, result.mistake, result.message
    if state == "missing":
        return "missing", None, f"- {name}: not defined in the notebook ({detail})"
    if state in ("timed out", "crashed"):
        what = "did not finish" if state == "timed out" else "ended the process"
        return state, None, f"! {name}: the check {what} ({detail})"
    status, why = run["status"], run["message"]
    return status, None, f"! {name}: not checked: {why}"


def _line(path: Path, graded: dict) -> str:
    if graded["problem"]:
        status, why = graded["problem"]
        return f"{path.name}: {status}: {why}"
    results = graded["results"]
    passed = sum(status == "passed" for status, _, _ in results.values())
    marks = " ".join(f"{MARK.get(status, '!')}{name}" for name, (status, _, _) in results.items())
    notes = [m.split(": ", 1)[1] for s, _, m in results.values() if s not in MARK]
    shown = f"{path.name}: {passed}/{len(results)} passed   {marks}"
    return shown + ("   (" + "; ".join(dict.fromkeys(notes)) + ")" if notes else "")


def _rows(path: Path, graded: dict) -> list[dict]:
    if graded["problem"]:
        status, why = graded["problem"]
        return [dict(zip(FIELDS, [path.name, "", "", status, "", why]))]
    return [
        dict(
            zip(FIELDS, [path.name, graded["notebook"], name, status, mistake or "", _one_line(m)])
        )
        for name, (status, mistake, m) in graded["results"].items()
    ]


def _one_line(message: str) -> str:
    return " ".join(line.strip() for line in message.splitlines())


def output_problem(path: Path, submissions) -> str | None:
    """Why ``--csv path`` cannot be written (checked before anything is graded), or None."""
    target = path.resolve()
    folder = target.parent
    if target.is_dir():
        return f"{path} is a folder"
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if target in {Path(s).resolve() for s in submissions}:
        return f"{path} is one of the submissions"
    try:
        if target.exists():
            with open(target, "a", encoding="utf-8"):
                pass
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        return f"cannot write {path}: {error.strerror or error}"
    return None


def write_csv(path: Path, rows: list[dict]) -> None:
    """Write ``rows`` to ``path`` all at once (a temporary file in the same folder, then renamed)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "submissions", nargs="+", type=Path, help="the students' exercise notebooks"
    )
    parser.add_argument("--csv", type=Path, help="also write the grades to this CSV file")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds a submission may take in all (600)"
    )
    parser.add_argument(
        "--cell-timeout", type=float, default=60, help="seconds per notebook cell (60)"
    )
    parser.add_argument(
        "--call-timeout", type=float, default=10, help="seconds per call of a function (10)"
    )
    parser.add_argument("--memory-mb", type=int, default=2048, help="memory per process, MB (2048)")
    parser.add_argument(
        "--sandbox",
        choices=["auto", "bwrap", "none"],
        default="auto",
        help="bwrap: require bubblewrap; none: plain processes; auto: bwrap when it works (default)",
    )
    args = parser.parse_args(argv)
    for name in ("timeout", "cell_timeout", "call_timeout", "memory_mb"):
        if not getattr(args, name) > 0:
            parser.error(
                f"argument --{name.replace('_', '-')}: must be positive, got {getattr(args, name)}"
            )
    return parser, args


def main(argv=None, keep=None) -> int:
    parser, args = parse_args(argv)
    if args.csv is not None:
        problem = output_problem(args.csv, args.submissions)
        if problem:
            parser.error(f"argument --csv: {problem}")
    try:
        box = sandbox.Sandbox.choose(args.sandbox, [p.resolve().parent for p in args.submissions])
    except RuntimeError as error:
        parser.error(f"argument --sandbox: {error}")
    if box.note:
        print(f"grade_exercises: {box.note}", file=sys.stderr)
    templates = {
        path.name: nbformat.reads(text, as_version=4)
        for path, text in make_exercises.expected_files().items()
    }
    rows = []
    with threadpool_limits(1, "blas"):  # as in the sandbox: the checks' inputs agree to the bit
        for path in args.submissions:
            graded = grade(path, templates, Limits(args), box, keep)
            print(_line(path, graded), flush=True)
            rows += _rows(path, graded)
    if args.csv is not None:
        write_csv(args.csv, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
