"""Each public function's docstring names the notebook that introduces it, truthfully."""

import inspect
import json
import re
from pathlib import Path

import pytest

import cbow_helpers

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DOCUMENTED = [name for name in cbow_helpers.__all__ if callable(getattr(cbow_helpers, name))]


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("name", DOCUMENTED)
def test_the_docstring_names_the_notebook_that_introduces_it(name):
    doc = inspect.getdoc(getattr(cbow_helpers, name)) or ""
    introduced = re.search(r"Introduced in notebook (\d\d) \(", doc)
    if introduced:
        (notebook,) = [nb for nb in NOTEBOOKS if nb.name.startswith(introduced[1] + "_")]
        # In the notebook's code, or (an exception) in an error it shows.
        assert re.search(rf"\b{name}\b", notebook.read_text(encoding="utf-8")), notebook.name
        # A notebook before it that already calls it is named too ("notebook 00 shows a few").
        for earlier in NOTEBOOKS[: NOTEBOOKS.index(notebook)]:
            if re.search(rf"\b{name}\b", code_of(earlier)):
                assert f"notebook {earlier.name[:2]}" in doc, f"{earlier.name} uses {name} first"
    else:
        assert "Not in the notebooks" in doc, f"{name}'s docstring names no notebook"
        assert not any(re.search(rf"\b{name}\b", code_of(nb)) for nb in NOTEBOOKS)
