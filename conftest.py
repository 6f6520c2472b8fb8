"""pytest setup shared by the unit tests and the notebooks (nbval)."""

import os
import tempfile

# matplotlib writes a font cache on first use; a fresh, writable config folder keeps
# its one-time messages out of the notebooks' outputs.
os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="mplconfig-"))
os.environ.setdefault("PYTHONHASHSEED", "0")

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot
import pytest


def _shares_a_module_fixture(item) -> bool:
    """Whether the test uses a fixture made once per module (a trained model, a graded class)."""
    definitions = getattr(item, "_fixtureinfo", None)
    definitions = definitions.name2fixturedefs.values() if definitions else ()
    return any(d.scope in ("module", "package", "session") for ds in definitions for d in ds)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every notebook cell (nbval) and every browser test is also `slow`, so that
    `pytest -m "not slow" -n 0` runs the unit tests and doctests alone (CONTRIBUTING: Tests).

    pytest-xdist (`--dist loadgroup`) hands each test to the next free worker, except a group: the
    cells of one notebook (they share its kernel), and the tests that share a module fixture.
    """
    for item in items:
        if item.path.suffix == ".ipynb" or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
        if item.path.suffix == ".ipynb" or _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.path.name))
