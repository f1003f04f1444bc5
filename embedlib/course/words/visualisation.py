"""Checks for 01_words/04_visualisation: PCA and how well a map keeps neighbours."""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, call
from ._common import as_number


def _pca_data():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.2])
    rotation = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    return [(base @ rotation + 10.0, 2), (base[:15, :4] @ rotation[:4, :4] - 3.0, 3)]


def _matches_up_to_sign(got, expected):
    signs = np.sign(np.sum(got * expected, axis=0))
    signs[signs == 0] = 1
    return np.allclose(got * signs, expected, atol=1e-6)


def _check_pca(pca) -> str:
    from sklearn.decomposition import PCA

    for X, k in _pca_data():
        label = f"pca(X of shape {X.shape}, k={k})"
        got = call(pca, X.copy(), k, _label=label)
        got = np.asarray(got, dtype=float)
        if got.shape != (X.shape[0], k):
            if got.shape == (k, X.shape[1]):
                raise Incorrect(f"`{label}` returned the {k} directions (shape {got.shape}); return the data "
                                f"projected onto them, shape {(X.shape[0], k)}")
            raise Incorrect(f"Expected `{label}` to return shape {(X.shape[0], k)}; got {got.shape}")
        expected = PCA(n_components=k).fit_transform(X)
        if _matches_up_to_sign(got, expected):
            continue
        centred = X - X.mean(axis=0)
        _, S, Vt = np.linalg.svd(centred, full_matrices=False)
        if np.allclose(np.abs(got.mean(axis=0)), np.abs((X @ Vt[:k].T).mean(axis=0)), atol=1e-6) and not np.allclose(got.mean(axis=0), 0, atol=1e-6):
            raise Incorrect(f"`{label}`: the projections do not have mean 0; centre X (subtract the column means) first")
        U = np.linalg.svd(centred, full_matrices=False)[0]
        if _matches_up_to_sign(got, U[:, :k]):
            raise Incorrect(f"`{label}` returned U alone; the coordinates are U * S (or X_centred @ V), scaled by the singular values")
        if _matches_up_to_sign(got, centred @ Vt[-k:][::-1].T) or _matches_up_to_sign(got, centred @ Vt[-k:].T):
            raise Incorrect(f"`{label}` used the directions of *least* variance; keep the first k rows of Vt")
        raise Incorrect(f"`{label}` does not match scikit-learn's PCA (even allowing each axis to flip sign)")
    return "matches scikit-learn's PCA on 2 data sets (up to the sign of each axis)"


pca = Exercise(
    "pca",
    _check_pca,
    hints=[
        "Centre first: `Xc = X - X.mean(axis=0)`.",
        "`U, S, Vt = np.linalg.svd(Xc, full_matrices=False)`; the rows of `Vt` are the directions, "
        "largest variance first, so return `Xc @ Vt[:k].T`.",
    ],
)


def _check_explained_variance_ratio(explained_variance_ratio) -> str:
    from sklearn.decomposition import PCA

    for X, _ in _pca_data():
        label = f"explained_variance_ratio(X of shape {X.shape})"
        got = np.asarray(call(explained_variance_ratio, X.copy(), _label=label), dtype=float)
        expected = PCA().fit(X).explained_variance_ratio_
        if got.shape != expected.shape:
            raise Incorrect(f"Expected `{label}` to return {len(expected)} ratios, one per direction; got shape {got.shape}")
        if np.allclose(got, expected, atol=1e-6):
            continue
        if not np.isclose(got.sum(), 1.0):
            raise Incorrect(f"`{label}` sums to {got.sum():.3f}; the shares of the total variance sum to 1")
        centred = X - X.mean(axis=0)
        S = np.linalg.svd(centred, compute_uv=False)
        if np.allclose(got, S / S.sum(), atol=1e-6):
            raise Incorrect(f"`{label}`: variance goes with the *square* of each singular value")
        if np.allclose(got, expected[::-1], atol=1e-6):
            raise Incorrect(f"`{label}` is in the wrong order: largest share first")
        raise Incorrect(f"`{label}` does not match scikit-learn's explained_variance_ratio_; did you centre X?")
    return "matches scikit-learn on 2 data sets"


explained_variance_ratio = Exercise(
    "explained_variance_ratio",
    _check_explained_variance_ratio,
    hints=["With the singular values `S` of the centred data, the shares are `S**2 / (S**2).sum()`."],
)


def _overlap_reference(high, low, k, exclude_self=True):
    def neighbours(X):
        d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
        if exclude_self:
            np.fill_diagonal(d, np.inf)
        return np.argsort(d, axis=1, kind="stable")[:, :k]

    a, b = neighbours(high), neighbours(low)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))


def _check_neighbour_overlap(neighbour_overlap) -> str:
    rng = np.random.default_rng(3)
    high = rng.normal(size=(30, 5))
    cases = [(high, high[:, :2], 3), (high, high[:, :2] + rng.normal(scale=0.5, size=(30, 2)), 5), (high, high * 2.0, 4)]
    for h, low, k in cases:
        label = f"neighbour_overlap(high {h.shape}, low {low.shape}, k={k})"
        got = call(neighbour_overlap, h.copy(), low.copy(), k, _label=label)
        got = as_number(got, label)
        from ...evaluate import neighbour_overlap as reference

        expected = reference(h, low, k)
        if np.isclose(got, expected, atol=1e-9):
            continue
        if got > 1:
            raise Incorrect(f"`{label}` = {got:g} is above 1; return the *fraction* of the k neighbours kept, averaged")
        if np.isclose(got, _overlap_reference(h, low, k, exclude_self=False), atol=1e-9):
            raise Incorrect(f"`{label}` counts each point as its own nearest neighbour; leave it out "
                            "(put np.inf on the diagonal of the distances)")
        raise Incorrect(f"`{label}` = {got:.3f} is not the mean share of each point's {k} nearest "
                        "neighbours (itself excluded) that stay among its k nearest in the map")
    return f"all {len(cases)} test cases pass"


neighbour_overlap = Exercise(
    "neighbour_overlap",
    _check_neighbour_overlap,
    hints=[
        "All pairwise squared distances at once: `((X[:, None] - X[None]) ** 2).sum(-1)`; put `np.inf` "
        "on the diagonal so a point is not its own neighbour.",
        "`np.argsort(d, axis=1)[:, :k]` gives each point's k nearest; compare the two sets row by row.",
    ],
)
