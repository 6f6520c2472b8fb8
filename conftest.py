"""pytest setup shared by the unit tests and the notebooks (nbval)."""

import os
import tempfile

# matplotlib writes a font cache on first use; a fresh, writable config folder keeps
# its one-time messages out of the notebooks' outputs.
os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="mplconfig-"))
os.environ.setdefault("PYTHONHASHSEED", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401  (builds the font cache before any notebook runs)
