"""One submission, inside the grader's sandbox: run the notebook, then record its checks.

    python tools/instructors/grade_worker.py FOLDER

``tools/instructors/grade_exercises.py`` starts this in a scratch FOLDER that holds ``submission.ipynb`` and
``job.json`` (the checks to record, the time limits). The notebook runs top to bottom in a fresh
kernel whose working folder is FOLDER (a cell that fails does not stop the rest; a cell that runs
too long is interrupted; the notebook's own ``check(...)`` lines are skipped); a last cell then records every check of the student's functions
(``cbow_helpers.grading.record_exercises``) into ``FOLDER/recordings``. Writes ``worker.json``
(how the run ended) and ``executed.ipynb`` (outputs cut to a few thousand characters a cell).
Everything here is as untrusted as the student's code: the grader only reads data back.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

# nbformat validates with jsonschema, whose optional IRI format checker (rfc3987_syntax) builds a
# grammar when imported: about 3 s per submission, for a format the notebook schema never uses.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat

OUTPUT_CHARACTERS = 5000  # per cell, in executed.ipynb

RECORD_CELL = """import importlib as _importlib
import cbow_helpers.grading as _grading
_grading = _importlib.reload(_grading)
_grading.reload_checks()
_grading.record_exercises({checks!r}, globals(), {folder!r}, {call_timeout!r})"""


def skip_check_lines(source: str) -> str:
    """``source`` with its top-level ``check(...)`` statements replaced by ``pass`` (same line numbers):
    the grader runs every check itself, and a student's own check line must not end the kernel."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (%magic) or a student's typo: left as it is
        return source
    lines = source.split("\n")
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "check"
        ):
            lines[node.lineno - 1] = "pass"
            for number in range(node.lineno, node.end_lineno):
                lines[number] = ""
    return "\n".join(lines)


def _cut_outputs(nb) -> None:
    """Keep the first OUTPUT_CHARACTERS characters of each cell's text outputs, drop the rest."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        room, kept = OUTPUT_CHARACTERS, []
        for output in cell.get("outputs", []):
            text = output.get("text") if output.get("output_type") == "stream" else None
            if text is None:
                text = json.dumps(
                    output.get("data", {}).get("text/plain", output.get("evalue", ""))
                )
                if len(text) > room:
                    continue
            elif len(text) > room:
                output["text"] = text[:room] + "\n… (output cut)\n"
            room -= min(len(text), room)
            kept.append(output)
        cell["outputs"] = kept


def run(folder: Path) -> dict:
    """Execute folder/submission.ipynb with the recording cell; return how it ended."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    nb = nbformat.read(folder / "submission.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = skip_check_lines(cell.source)
    recordings = str(folder / "recordings")
    source = RECORD_CELL.format(
        checks=[tuple(c) for c in job["checks"]],
        folder=recordings,
        call_timeout=job["call_timeout"],
    )
    nb.cells.append(nbformat.v4.new_code_cell(source, id="grading"))
    state = {"state": "ran", "cell": None}

    def on_cell_start(cell, cell_index):
        state["cell"] = cell_index

    def timeout_of(cell):
        return job["record_timeout"] if cell.get("id") == "grading" else job["cell_timeout"]

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout_func=timeout_of,
        interrupt_on_timeout=True,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
        on_cell_start=on_cell_start,
    )
    try:
        client.execute()
    except DeadKernelError:
        state["state"] = "kernel died"
    except CellTimeoutError:
        state["state"] = "timed out"
    except Exception as error:  # noqa: BLE001 - reported to the grader, which goes on with the class
        state.update(state="error", detail=f"{type(error).__name__}: {error}"[:500])
    _cut_outputs(nb)
    nbformat.write(nb, folder / "executed.ipynb")
    return state


def main(argv=None) -> int:
    folder = Path((argv or sys.argv[1:])[0]).resolve()
    state = run(folder)
    (folder / "worker.json").write_text(json.dumps(state), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
