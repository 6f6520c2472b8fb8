"""Principal component analysis from scratch, to draw embeddings in 2-D."""

from __future__ import annotations

import numpy as np

from .engine.checks import positive_int

# Above this many columns, the components come from an SVD rather than the covariance matrix.
_COVARIANCE_MAX_COLUMNS = 4096


def compute_pca(data, n_components: int = 2) -> np.ndarray:
    """Project the rows of ``data`` onto their first principal components.

    Introduced in notebook 07 (seeing embeddings: PCA); notebook 00 previews it.

    Three steps: centre each column, compute the covariance matrix of the
    columns, and take the eigenvectors with the largest eigenvalues. The
    input is never modified. For data with more than 4096 columns the same
    components come from a singular value decomposition of the centred data,
    because the n x n covariance matrix would be too large to hold.

    Each component's sign is fixed so that its largest-magnitude entry is
    positive (an eigenvector's sign is arbitrary); scikit-learn's PCA gives the
    same projection up to the sign of each component.

    Parameters
    ----------
    data : (m, n) array
        One observation per row, e.g. one word embedding (length N) per row.
    n_components : int
        How many components to keep, 1 <= n_components <= n.

    Returns
    -------
    (m, n_components) array
        The coordinates of each row along the components, largest variance first.

    Examples
    --------
    >>> compute_pca(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), 1).round(3)
    array([[-3.071],
           [-0.261],
           [ 3.332]])
    """
    X = np.asarray(data, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"data must be a 2-D array with at least 2 rows, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("data holds NaN or infinite values")
    n_components = positive_int("n_components", n_components)
    if n_components > X.shape[1]:
        raise ValueError(
            f"n_components must be at most {X.shape[1]} (the number of columns), got {n_components}"
        )
    X_centred = X - X.mean(axis=0)  # a new array: data is left as it was
    if X.shape[1] <= _COVARIANCE_MAX_COLUMNS:
        covariance = X_centred.T @ X_centred / (X.shape[0] - 1)
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending order
        order = np.argsort(eigenvalues)[::-1][:n_components]
        components = eigenvectors[:, order]
    else:
        if n_components > X.shape[0]:
            raise ValueError(
                f"n_components must be at most the number of rows ({X.shape[0]}) for data this wide, got {n_components}"
            )
        # The n x n covariance of very wide data would not fit in memory (100,000 columns: 75 GiB).
        # Its eigenvectors are the right singular vectors of the centred data, largest first,
        # and the SVD of an m x n matrix with m < n needs only m x n numbers.
        components = np.linalg.svd(X_centred, full_matrices=False)[2][:n_components].T
    signs = np.sign(components[np.argmax(np.abs(components), axis=0), np.arange(n_components)])
    components = components * np.where(signs == 0, 1.0, signs)
    return X_centred @ components
