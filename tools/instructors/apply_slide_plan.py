"""Apply the slide design in slides/*.toml to the notebooks' cell metadata.

    python tools/instructors/apply_slide_plan.py            # write the notebooks, report what changed
    python tools/instructors/apply_slide_plan.py --check    # change nothing; exit 1 if a notebook is out of date

The slide design of notebook ``notebooks/NN_name.ipynb`` lives in ``slides/NN_name.toml``, one
``[[cell]]`` table per cell that has a role in the deck:

    [[cell]]
    id = "9babf3e9"               # the cell's id in the notebook
    match = "## Forward pass"     # the start of the cell's source (used when the id has changed)
    slide = "slide"               # slide | subslide | fragment | - | skip
    notes = '''What to say or ask the room.'''   # optional: speaker notes for this cell
    hide_input = true             # optional: the deck shows only the output (a figure, say)

What the script does to each notebook:

- a planned cell gets ``metadata.slideshow.slide_type``; a cell the plan does not name loses it
  (it continues the slide before it, and is reported, so that new cells get a place in the plan);
- a planned ``notes`` text becomes a Markdown cell with slide type ``notes`` and id
  ``notes-<cell id>``, after its cell and the cells that continue it (so after the outputs it
  talks about), collapsed in the notebook (``metadata.jupyter.source_hidden``: JupyterLab shows a
  "..." that opens it), so a student reading the notebook meets the output before any answer in
  the notes; updated in place when it exists; notes cells of this script whose cell left the plan
  are removed;
- ``hide_input = true`` adds the tag ``slides-hide-input`` (the deck then shows the cell's output
  without its code; the page shows both); the tag is removed from every other cell;
- nothing else: no source, output or execution count of any other cell changes, and running it
  twice changes nothing the second time.

A planned cell is found by its id; if no cell has that id, by a unique cell whose source starts
with ``match``. Entries found by neither are reported and make the exit status 1.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PLANS = ROOT / "slides"
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip")
NOTES_PREFIX = "notes-"
NOTES_HEADER = "**Instructor's notes.** "
#: Slide types that start what the audience sees next: a cell's notes go just before the next of these.
STARTS = ("slide", "subslide", "fragment")
HIDE_INPUT_TAG = "slides-hide-input"  # the deck shows this cell's output only (build_site.py)


class PlanError(Exception):
    """A plan file that cannot be used as it is."""


def load_plan(path: Path) -> list[dict]:
    if tomllib is None:
        raise PlanError("reading slides/*.toml needs Python 3.11 or later (tomllib)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PlanError(f"{path}: {error}") from None
    entries = data.get("cell", [])
    if not isinstance(entries, list) or not entries:
        raise PlanError(f"{path}: expected [[cell]] tables, found none")
    seen = set()
    for k, entry in enumerate(entries, start=1):
        where = f"{path.name}, [[cell]] number {k}"
        for key in ("id", "match", "slide"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise PlanError(
                    f"{where}: '{key}' must be a non-empty string, got {entry.get(key)!r}"
                )
        unknown = set(entry) - {"id", "match", "slide", "notes", "hide_input"}
        if unknown:
            raise PlanError(
                f"{where}: unknown keys {sorted(unknown)} (expected id, match, slide, notes, hide_input)"
            )
        if not isinstance(entry.get("hide_input", False), bool):
            raise PlanError(
                f"{where}: hide_input must be true or false, got {entry['hide_input']!r}"
            )
        if entry["slide"] not in SLIDE_TYPES:
            raise PlanError(
                f"{where}: slide must be one of {', '.join(SLIDE_TYPES)}, got {entry['slide']!r}"
            )
        if "notes" in entry and (not isinstance(entry["notes"], str) or not entry["notes"].strip()):
            raise PlanError(f"{where}: notes must be non-empty text, got {entry['notes']!r}")
        if entry["id"] in seen:
            raise PlanError(f"{where}: the id {entry['id']!r} is planned twice")
        seen.add(entry["id"])
    return entries


def source_lines(text: str) -> list[str]:
    """A source string as nbformat stores it: a list of lines that keep their newlines."""
    return text.splitlines(keepends=True)


def set_tag(metadata: dict, tag: str, present: bool) -> None:
    tags = metadata.get("tags", [])
    if present and tag not in tags:
        metadata["tags"] = tags + [tag]
    elif not present and tag in tags:
        tags = [t for t in tags if t != tag]
        if tags:
            metadata["tags"] = tags
        else:
            del metadata["tags"]


def tidy(text: str) -> str:
    """Notes text with each paragraph on one line (paragraphs are separated by blank lines)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def is_our_notes(cell: dict) -> bool:
    return (
        cell.get("id", "").startswith(NOTES_PREFIX)
        and cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"
    )


def find_cell(cells: list[dict], entry: dict) -> tuple[int | None, str | None]:
    """Index of the planned cell, and a remark when it was not a clean match (None if clean)."""
    by_id = [i for i, c in enumerate(cells) if c.get("id") == entry["id"]]
    if by_id:
        i = by_id[0]
        if not "".join(cells[i]["source"]).startswith(entry["match"]):
            return (
                i,
                f"cell {entry['id']}: matched by id, but its source no longer starts with {entry['match']!r}",
            )
        return i, None
    by_source = [
        i
        for i, c in enumerate(cells)
        if not is_our_notes(c) and "".join(c["source"]).startswith(entry["match"])
    ]
    if len(by_source) == 1:
        i = by_source[0]
        return (
            i,
            f"cell {entry['id']}: id not found, matched by source as cell {cells[i].get('id')}",
        )
    if len(by_source) > 1:
        return (
            None,
            f"cell {entry['id']}: id not found, and {len(by_source)} cells start with {entry['match']!r}",
        )
    return (
        None,
        f"cell {entry['id']}: not found (no cell has this id or starts with {entry['match']!r})",
    )


def apply_plan(nb: dict, entries: list[dict]) -> tuple[dict, list[str], list[str]]:
    """Return (new notebook, problems, remarks). Problems are plan entries that matched no cell."""
    nb = copy.deepcopy(nb)
    problems, remarks = [], []
    old_notes = {c["id"]: c for c in nb["cells"] if is_our_notes(c)}
    cells = [c for c in nb["cells"] if not is_our_notes(c)]

    planned = {}  # index in cells -> entry
    for entry in entries:
        i, remark = find_cell(cells, entry)
        if i is None:
            problems.append(remark)
            continue
        if remark:
            remarks.append(remark)
        if i in planned:
            problems.append(
                f"cell {entry['id']}: the same cell is already planned as {planned[i]['id']}"
            )
            continue
        planned[i] = entry

    result, pending = [], []  # pending: the notes of the slide being built, written at its end
    for i, cell in enumerate(cells):
        metadata = cell.setdefault("metadata", {})
        entry = planned.get(i)
        if entry is not None and entry["slide"] in STARTS:
            result += pending
            pending = []
        if entry is None:
            if "slideshow" in metadata:
                metadata["slideshow"].pop("slide_type", None)
                if not metadata["slideshow"]:
                    del metadata["slideshow"]
            if "".join(cell["source"]).strip():
                first = "".join(cell["source"]).strip().splitlines()[0][:60]
                remarks.append(
                    f"cell {cell.get('id')} is not in the plan (it continues the slide before it): {first!r}"
                )
        else:
            metadata.setdefault("slideshow", {})["slide_type"] = entry["slide"]
        set_tag(metadata, HIDE_INPUT_TAG, bool(entry and entry.get("hide_input")))
        result.append(cell)
        if entry is not None and "notes" in entry:
            notes_id = NOTES_PREFIX + cell.get("id", entry["id"])
            notes = old_notes.get(notes_id) or {
                "cell_type": "markdown",
                "id": notes_id,
                "metadata": {},
                "source": [],
            }
            notes["metadata"].setdefault("slideshow", {})["slide_type"] = "notes"
            notes["metadata"]["jupyter"] = {"source_hidden": True}
            notes["source"] = source_lines(NOTES_HEADER + tidy(entry["notes"]))
            pending.append(notes)
    nb["cells"] = result + pending
    return nb, problems, remarks


def dumps(nb: dict) -> str:
    """The notebook as nbformat writes it (indent 1, sorted keys, UTF-8, final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a notebook differs from its plan",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="report only problems and changed notebooks"
    )
    args = parser.parse_args(argv)
    plans = sorted(PLANS.glob("*.toml"))
    if not plans:
        print(f"apply_slide_plan: error: no slide plans in {PLANS}", file=sys.stderr)
        return 2
    status = 0
    for plan in plans:
        path = NOTEBOOKS / f"{plan.stem}.ipynb"
        if not path.is_file():
            print(f"{plan.name}: no notebook {path.name}")
            status = 1
            continue
        try:
            entries = load_plan(plan)
        except PlanError as error:
            print(f"apply_slide_plan: error: {error}", file=sys.stderr)
            return 2
        text = path.read_text(encoding="utf-8")
        new, problems, remarks = apply_plan(json.loads(text), entries)
        new_text = dumps(new)
        changed = new_text != text
        for line in problems:
            print(f"{path.name}: NOT APPLIED: {line}")
        if not args.quiet:
            for line in remarks:
                print(f"{path.name}: {line}")
        if problems:
            status = 1
        if changed:
            if args.check:
                print(
                    f"{path.name}: out of date with {plan.relative_to(ROOT)} (run python tools/instructors/apply_slide_plan.py)"
                )
                status = 1
            else:
                write_atomic(path, new_text)
                print(f"{path.name}: updated")
        elif not args.quiet:
            print(f"{path.name}: up to date")
    return status


if __name__ == "__main__":
    sys.exit(main())
