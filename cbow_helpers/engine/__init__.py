"""The machinery under the course's modules: what a student need not read to follow the notebooks.

Fast training steps and their kernels, the training loop's shared parts (divergence watch,
memory estimate, progress bar, the result class), file safety, argument checks, process and
stream handling. The course's modules import from here; nothing here is in the notebooks
except through the public names of ``cbow_helpers``.
"""

import numpy as np

#: The smallest normal float64: a probability is clipped to it before its log (log(0) would be
#: -inf), so a loss stays finite.
TINY = np.finfo(np.float64).tiny
