"""Principal component analysis from scratch, to draw embeddings in 2-D."""

from __future__ import annotations

import numbers

import numpy as np


def compute_pca(data, n_components: int = 2) -> np.ndarray:
    """Project the rows of ``data`` onto their first principal components.

    Three steps: centre each column, compute the covariance matrix of the
    columns, and take the eigenvectors with the largest eigenvalues. The
    input is never modified.

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
    """
    X = np.asarray(data, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"data must be a 2-D array with at least 2 rows, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("data holds NaN or infinite values")
    if (
        isinstance(n_components, bool)
        or not isinstance(n_components, numbers.Integral)
        or not 1 <= n_components <= X.shape[1]
    ):
        raise ValueError(f"n_components must be an int from 1 to {X.shape[1]} (the number of columns), got {n_components!r}")
    X_centred = X - X.mean(axis=0)  # a new array: data is left as it was
    covariance = X_centred.T @ X_centred / (X.shape[0] - 1)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending order
    order = np.argsort(eigenvalues)[::-1][:n_components]
    components = eigenvectors[:, order]
    signs = np.sign(components[np.argmax(np.abs(components), axis=0), np.arange(n_components)])
    components = components * np.where(signs == 0, 1.0, signs)
    return X_centred @ components
