"""Slide design: every notebook is a deck with speaker notes, in step with its plan in slides/.

Cheap checks on the notebooks' JSON (no browser, no build); tests/test_browser.py opens the decks.
"""

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def load_tool(name):
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "tools" / "instructors" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


apply_slide_plan = load_tool("apply_slide_plan")
build_site = load_tool("build_site")


def slide_types(nb):
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_is_a_deck_with_notes(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    types = slide_types(nb)
    assert build_site.expected_slide_count(nb) >= 5, f"{path.name}: fewer than 5 slides"
    assert types.count("notes") >= 4, f"{path.name}: fewer than 4 speaker notes"
    assert types[0] == "slide", f"{path.name}: the first cell does not open a slide"
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes":
            assert cell["cell_type"] == "markdown" and "".join(cell["source"]).strip()


def slides_without_notes(nb):
    """Numbers (from 1) of the deck's slides that hold no speaker-notes cell."""
    slides = []  # for each slide: whether it has notes
    for cell in nb["cells"]:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or not slides:
            slides.append(False)
        if kind == "notes":
            slides[-1] = True
    return [number for number, has_notes in enumerate(slides, start=1) if not has_notes]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_has_speaker_notes(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert slides_without_notes(nb) == [], f"{path.name}: slides without speaker notes"


def test_slides_without_notes_are_found():
    nb = toy_notebook()
    nb["cells"][0]["metadata"]["slideshow"] = {"slide_type": "slide"}
    nb["cells"][2]["metadata"]["slideshow"] = {"slide_type": "subslide"}
    assert slides_without_notes(nb) == [1, 2]
    with_notes, _, _ = apply_slide_plan.apply_plan(nb, [PLAN[0], PLAN[2]])
    assert slides_without_notes(with_notes) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_matches_its_slide_plan(path):
    plan = ROOT / "slides" / f"{path.stem}.toml"
    assert plan.is_file(), f"no slide plan {plan.name}"
    text = path.read_text(encoding="utf-8")
    new, problems, _ = apply_slide_plan.apply_plan(
        json.loads(text), apply_slide_plan.load_plan(plan)
    )
    assert problems == []
    assert apply_slide_plan.dumps(new) == text, (
        f"{path.name} differs from {plan.name}: run python tools/instructors/apply_slide_plan.py"
    )


def toy_notebook():
    def code(cid, source, count):
        return {
            "cell_type": "code",
            "id": cid,
            "metadata": {},
            "source": [source],
            "execution_count": count,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": [f"out {count}\n"]}],
        }

    def md(cid, source):
        return {"cell_type": "markdown", "id": cid, "metadata": {}, "source": [source]}

    cells = [
        md("a1", "# Title"),
        code("b2", "x = 1", 1),
        md("c3", "## Next"),
        code("d4", "print(x)", 2),
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


PLAN = [
    {
        "id": "a1",
        "match": "# Title",
        "slide": "slide",
        "notes": "Say hello.\n\nThen  ask   a question.",
    },
    {"id": "b2", "match": "x = 1", "slide": "fragment", "hide_input": True},
    {"id": "zz", "match": "## Next", "slide": "slide", "notes": "Found by its source."},
    {"id": "gone", "match": "nothing like this", "slide": "slide"},
]


def test_apply_sets_metadata_inserts_notes_and_reports_what_it_could_not_match():
    before = toy_notebook()
    after, problems, remarks = apply_slide_plan.apply_plan(before, PLAN)
    assert before == toy_notebook(), "the input notebook must not change"
    # notes follow their cell and the cells that continue its slide (d4 continues c3's)
    assert [c["id"] for c in after["cells"]] == ["a1", "notes-a1", "b2", "c3", "d4", "notes-c3"]
    assert slide_types(after) == ["slide", "notes", "fragment", "slide", None, "notes"]
    for notes in (after["cells"][1], after["cells"][5]):
        assert notes["metadata"]["jupyter"] == {"source_hidden": True}  # collapsed for students
    assert after["cells"][1]["source"] == [
        "**Instructor's notes.** Say hello.\n",
        "\n",
        "Then ask a question.",
    ]
    assert after["cells"][2]["metadata"]["tags"] == ["slides-hide-input"]
    assert problems == [
        "cell gone: not found (no cell has this id or starts with 'nothing like this')"
    ]
    assert any("matched by source as cell c3" in r for r in remarks)
    assert any("cell d4 is not in the plan" in r for r in remarks)
    # sources, outputs and execution counts of the notebook's own cells are untouched
    for old in before["cells"]:
        new = next(c for c in after["cells"] if c["id"] == old["id"])
        assert {k: v for k, v in new.items() if k != "metadata"} == {
            k: v for k, v in old.items() if k != "metadata"
        }


def test_apply_is_idempotent_and_follows_plan_changes():
    once, _, _ = apply_slide_plan.apply_plan(toy_notebook(), PLAN)
    twice, _, _ = apply_slide_plan.apply_plan(once, PLAN)
    assert apply_slide_plan.dumps(twice) == apply_slide_plan.dumps(once)
    # a cell leaving the plan loses its slide type, its tag and its notes; edited notes are updated
    smaller = [dict(PLAN[0], notes="New words."), PLAN[2]]
    changed, problems, _ = apply_slide_plan.apply_plan(once, smaller)
    assert problems == []
    # b2 left the plan, so it now continues a1's slide, and a1's notes move after it
    assert [c["id"] for c in changed["cells"]] == ["a1", "b2", "notes-a1", "c3", "d4", "notes-c3"]
    assert changed["cells"][2]["source"] == ["**Instructor's notes.** New words."]
    assert (
        "slideshow" not in changed["cells"][1]["metadata"]
        and "tags" not in changed["cells"][1]["metadata"]
    )
    without_notes = [{k: v for k, v in PLAN[0].items() if k != "notes"}]
    bare, _, _ = apply_slide_plan.apply_plan(once, without_notes)
    assert [c["id"] for c in bare["cells"]] == ["a1", "b2", "c3", "d4"]


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"id": "a", "match": "x", "slide": "sideways"}, "slide must be one of"),
        ({"id": "a", "match": "", "slide": "slide"}, "'match' must be a non-empty string"),
        ({"id": "a", "match": "x", "slide": "slide", "colour": "red"}, "unknown keys ['colour']"),
        (
            {"id": "a", "match": "x", "slide": "slide", "hide_input": "yes"},
            "hide_input must be true or false",
        ),
    ],
)
def test_bad_plan_entries_are_refused_with_the_reason(tmp_path, entry, message):
    lines = ["[[cell]]"] + [f"{k} = {json.dumps(v)}" for k, v in entry.items()]
    plan = tmp_path / "00_x.toml"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        apply_slide_plan.PlanError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        apply_slide_plan.load_plan(plan)


def test_expected_slide_count_follows_nbconvert():
    nb = copy.deepcopy(toy_notebook())
    # nbconvert opens a slide at the first visible cell, whatever its type
    assert build_site.expected_slide_count(nb) == 1
    once, _, _ = apply_slide_plan.apply_plan(nb, PLAN)
    assert build_site.expected_slide_count(once) == 2
    once["cells"][0]["metadata"]["slideshow"]["slide_type"] = "skip"
    assert build_site.expected_slide_count(once) == 2  # b2 (a fragment) becomes the first slide
