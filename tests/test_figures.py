import importlib.util
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # draws every figure again

ROOT = Path(__file__).resolve().parents[1]


def load_make_figures():
    spec = importlib.util.spec_from_file_location(
        "make_figures", ROOT / "images" / "make_figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    make_figures = load_make_figures()
    first = make_figures.main(tmp_path_factory.mktemp("first"))
    second = make_figures.main(tmp_path_factory.mktemp("second"))
    return first, second


def referenced_images():
    refs = set()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                refs.update(re.findall(r"\.\./images/([\w.-]+\.png)", "".join(cell["source"])))
    return refs


def test_figures_are_byte_identical_and_committed(drawn):
    first, second = drawn
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"
        committed = ROOT / "images" / a.name
        assert committed.exists(), (
            f"images/{a.name} is not committed: run python images/make_figures.py"
        )
        assert committed.read_bytes() == a.read_bytes(), (
            f"images/{a.name} is stale: run python images/make_figures.py"
        )


def test_every_referenced_image_exists_and_every_figure_is_used(drawn):
    written = {p.name for p in drawn[0]}
    refs = referenced_images()
    assert refs, "no notebook references an image"
    missing = sorted(r for r in refs if not (ROOT / "images" / r).exists())
    assert not missing, f"notebooks reference images that do not exist: {missing}"
    unused = sorted(written - refs)
    assert not unused, f"figures no notebook shows: {unused}"
    assert {p.name for p in (ROOT / "images").glob("*.png")} == written, (
        "a PNG in images/ is not drawn by the script"
    )
