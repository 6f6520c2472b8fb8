"""How negative sampling gathers rows of a weight matrix and scatter-adds into them.

Rows of W1 and W2 are gathered and scatter-added with scipy's compiled sparse kernels
(``"sparsetools"``, private scipy functions) or with public APIs only (``"public"``); both
add the same numbers in the same order (a test checks it). ``benchmarks/`` times them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

try:  # scipy's compiled sparse kernels (private: a public path below gives the same numbers)
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - a future scipy may move them
    _sparsetools = None

#: Whether this scipy has the compiled kernels that ``kernel="sparsetools"`` calls.
HAVE_SPARSETOOLS = _sparsetools is not None


def resolve_kernel(kernel: str) -> str:
    """``"auto"`` becomes ``"sparsetools"`` when this scipy has it, else ``"public"``."""
    if kernel == "auto":
        return "sparsetools" if HAVE_SPARSETOOLS else "public"
    return kernel


def gather_mean_public(W, indptr, indices, weights, out) -> None:
    """``out[i] = sum_j weights[j] * W[indices[j]]`` over row i's entries (public path).

    A product with the (m, V) sparse matrix of the weights, through the public
    ``scipy.sparse.csr_matrix``: it adds the terms in the same order as the
    compiled kernel of ``gather_mean_sparsetools``, so both give the same
    numbers. (``np.add.reduceat`` would sum in another order, which changes
    the last bits.)
    """
    A = scipy.sparse.csr_matrix((weights, indices, indptr), shape=(len(indptr) - 1, W.shape[0]))
    out[:] = A @ W


def scatter_add_public(W, indptr, indices, weights, X) -> None:
    """``W[indices[j]] += weights[j] * X[i]`` for every entry j of row i, in place (public path).

    ``np.add.at`` on flat indices adds repeated rows correctly (a plain
    ``W[idx] += ...`` would keep only one of them) and is faster than on 2-D
    indices.
    """
    N = W.shape[1]
    counts = np.diff(indptr)
    values = np.repeat(X, counts, axis=0) * weights[:, None]
    flat = (indices.astype(np.int64)[:, None] * N + np.arange(N)).ravel()
    np.add.at(W.reshape(-1), flat, values.ravel())


def gather_mean_sparsetools(W, indptr, indices, weights, out) -> None:
    """As ``gather_mean_public``, with scipy's compiled CSR kernel (``out`` must be C-contiguous)."""
    out[:] = 0
    _sparsetools.csr_matvecs(
        len(indptr) - 1, W.shape[0], W.shape[1], indptr, indices, weights, W.ravel(), out.ravel()
    )


def scatter_add_sparsetools(W, indptr, indices, weights, X) -> None:
    """As ``scatter_add_public``, with scipy's compiled CSC kernel, in place on W (C-contiguous)."""
    _sparsetools.csc_matvecs(
        W.shape[0], len(indptr) - 1, W.shape[1], indptr, indices, weights, X.ravel(), W.ravel()
    )


def check_windows(indptr, indices, m: int, what: str) -> None:
    """A ValueError unless ``indptr`` holds m + 1 offsets from 0 to ``len(indices)``: the compiled
    kernels do not check bounds, and would read or write outside the arrays."""
    if len(indptr) != m + 1 or indptr[0] != 0 or indptr[-1] != len(indices):
        raise ValueError(
            f"indptr must hold m + 1 = {m + 1} offsets from 0 to len(indices) = {len(indices)} "
            f"(m: the number of {what}), got {len(indptr)} from {indptr[0]} to {indptr[-1]}"
        )


KERNELS = {
    "public": (gather_mean_public, scatter_add_public),
    "sparsetools": (gather_mean_sparsetools, scatter_add_sparsetools),
}
