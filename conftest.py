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
    # The longest groups first: the workers take groups in this order, so a long notebook started
    # last would keep one worker busy after the other has finished. (sort is stable: a notebook's
    # cells keep their order.)
    items.sort(key=lambda item: LONGEST_FIRST.get(item.path.name, len(LONGEST_FIRST)))


#: The groups that take longest (`pytest --durations=30`), longest first.
LONGEST_FIRST = {
    name: rank
    for rank, name in enumerate(
        [
            "06_training.ipynb",
            "answers.ipynb",
            "09_negative_sampling.ipynb",
            "test_grading.py",
            "08_evaluation_and_scale.ipynb",
        ]
    )
}
