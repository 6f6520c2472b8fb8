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
