"""Checks for 01_words/04_visualisation: PCA, how many neighbours a map keeps, and how that
changes with the map's dimension."""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, call, show
from ._common import as_number

# -- pca -------------------------------------------------------------------------------------


def _pca_data():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.2])
    rotation = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    return [(base @ rotation + 10.0, 2), (base[:15, :4] @ rotation[:4, :4] - 3.0, 3)]


def _matches_up_to_sign(got, expected):
    signs = np.sign(np.sum(got * expected, axis=0))
    signs[signs == 0] = 1
    return np.allclose(got * signs, expected, atol=1e-6)


def _check_coordinates(got, X, k, label):
    from sklearn.decomposition import PCA

    if got.shape != (X.shape[0], k):
        if got.shape == (k, X.shape[1]):
            raise Incorrect(f"`{label}` returned the {k} directions (shape {got.shape}) as coordinates; return the "
                            f"data projected onto them, shape {(X.shape[0], k)}")
        raise Incorrect(f"Expected the coordinates from `{label}` to have shape {(X.shape[0], k)}; got {got.shape}")
    expected = PCA(n_components=k).fit_transform(X)
    if _matches_up_to_sign(got, expected):
        return
    centred = X - X.mean(axis=0)
    U, _, Vt = np.linalg.svd(centred, full_matrices=False)
    if _matches_up_to_sign(got - X.mean(axis=0) @ Vt[:k].T, expected):
        raise Incorrect(f"`{label}`: the coordinates do not have mean 0; centre X (subtract the column means) "
                        "before projecting")
    if _matches_up_to_sign(got, U[:, :k]):
        raise Incorrect(f"`{label}` returned U alone as coordinates; they are U * S (or X_centred @ V), "
                        "scaled by the singular values")
    if _matches_up_to_sign(got, centred @ Vt[-k:][::-1].T) or _matches_up_to_sign(got, centred @ Vt[-k:].T):
        raise Incorrect(f"`{label}` used the directions of *least* variance; keep the first k rows of Vt")
    raise Incorrect(f"`{label}`: the coordinates do not match scikit-learn's PCA (even allowing each axis to "
                    "flip sign)")


def _check_ratios(got, X, k, label):
    from sklearn.decomposition import PCA

    total = PCA().fit(X).explained_variance_ratio_
    expected = total[:k]
    if got.shape != (k,):
        if got.shape == total.shape:
            raise Incorrect(f"`{label}` returned a ratio for each of the {len(total)} directions; return the "
                            f"{k} of the directions kept")
        raise Incorrect(f"Expected the ratios from `{label}` to have shape ({k},); got {got.shape}")
    if np.allclose(got, expected, atol=1e-6):
        return
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    if np.allclose(got, S[:k] / S.sum(), atol=1e-6) or np.allclose(got, S[:k] / S[:k].sum(), atol=1e-6):
        raise Incorrect(f"`{label}`: the variance along a direction goes with the *square* of its singular value")
    if np.allclose(got, expected / expected.sum(), atol=1e-6):
        raise Incorrect(f"`{label}`: the ratios sum to 1 over the {k} directions kept; divide by the total variance "
                        "of *all* directions, so the sum says how much the map keeps")
    if np.allclose(got, expected[::-1], atol=1e-6):
        raise Incorrect(f"`{label}`: the ratios are in the wrong order: largest share first")
    if not 0 < got.sum() <= 1 + 1e-9:
        raise Incorrect(f"`{label}`: the ratios sum to {got.sum():.3g}; they are shares of the total variance, "
                        "so they sum to at most 1")
    raise Incorrect(f"`{label}`: the ratios {show(got.round(3).tolist())} do not match scikit-learn's "
                    "explained_variance_ratio_")


def _check_pca(pca) -> str:
    for X, k in _pca_data():
        label = f"pca(X of shape {X.shape}, k={k})"
        got = call(pca, X.copy(), k, _label=label)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            what = f"an array of shape {got.shape}" if isinstance(got, np.ndarray) else show(got)
            raise Incorrect(f"Expected `{label}` to return a pair (coordinates, ratios); got {what}")
        coords, ratios = (np.asarray(g, dtype=float) for g in got)
        _check_coordinates(coords, X, k, label)
        _check_ratios(ratios, X, k, label)
    return "matches scikit-learn's PCA on 2 data sets (up to the sign of each axis), variance shares included"


pca = Exercise(
    "pca",
    _check_pca,
    hints=[
        "Centre first: subtract each column's mean (`X.mean(axis=0)`). Then `np.linalg.svd(..., "
        "full_matrices=False)` returns U, S and Vt; the rows of Vt are the principal directions, largest "
        "variance first.",
        "The coordinates of a point on a direction are its dot product with it: a matrix product of the "
        "centred data with the first k directions, transposed to columns. Check the shape: (n, k).",
        "The variance along direction i is proportional to S[i] squared. For singular values [3, 2, 1] the "
        "squares are [9, 4, 1], the total 14, and the first two shares [9/14, 4/14]. "
        "`ex.pca.solution()` shows one answer.",
    ],
)

# -- neighbour_overlap ------------------------------------------------------------------------------


def _nearest(points, k, exclude_self=True, drop_first=False):
    d = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    if exclude_self:
        np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")
    return order[:, 1 : k + 1] if drop_first else order[:, :k]


def _share(a, b, k):
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a.tolist(), b.tolist())]))


def _overlap_cases():
    rng = np.random.default_rng(3)
    high = rng.normal(size=(30, 5))
    cases = [(high, high[:, :2], 3), (high, high[:, :2] + rng.normal(scale=0.5, size=(30, 2)), 5), (high, high * 2.0, 4)]
    # duplicated rows (4 rows appear twice), in a map that separates each pair a little, as t-SNE
    # does; seed 32 leaves no tie at any row's k-th neighbour, so how ties are broken does not matter
    rng = np.random.default_rng(32)
    twins = rng.normal(size=(24, 5))
    twins = np.vstack([twins, twins[[2, 9, 15, 20]]])[rng.permutation(28)]
    return cases + [(twins, twins[:, :2] + rng.normal(scale=0.01, size=(28, 2)), 3)]


def _check_neighbour_overlap(neighbour_overlap) -> str:
    from ...evaluate import neighbour_overlap as reference

    for h, low, k in _overlap_cases():
        label = f"neighbour_overlap(high {h.shape}, low {low.shape}, k={k})"
        got = call(neighbour_overlap, h.copy(), low.copy(), k, _label=label)
        if np.ndim(got) == 1 and len(got) == len(h):
            raise Incorrect(f"`{label}` returned one value per row ({len(got)} of them); return their mean, "
                            "one number")
        got = as_number(got, label)
        expected = reference(h, low, k)
        if np.isclose(got, expected, atol=1e-9):
            continue
        has_twins = len(np.unique(h, axis=0)) < len(h)
        a, b = _nearest(h, k), _nearest(low, k)
        if got > 1:
            raise Incorrect(f"`{label}` = {got:g} is above 1; return the *fraction* of the k neighbours kept, "
                            "averaged over rows")
        if np.isclose(got, _share(_nearest(h, k, False), _nearest(low, k, False), k), atol=1e-9):
            raise Incorrect(f"`{label}` counts each point as its own nearest neighbour; leave it out "
                            "(put np.inf on the diagonal of the distances)")
        if np.isclose(got, len(set(a.ravel().tolist()) & set(b.ravel().tolist())) / a.size, atol=1e-9):
            raise Incorrect(f"`{label}` pools the neighbours of all rows before comparing; compare each row's k "
                            "neighbours with the same row's k neighbours in the map, then average the fractions")
        if np.isclose(got, float((a == b).mean()), atol=1e-9):
            raise Incorrect(f"`{label}` compares the neighbour lists position by position; the order within "
                            "the k does not matter: count the members the two sets share")
        if has_twins:
            raise Incorrect(f"`{label}` = {got:.3f}, expected {expected:.3f}. Some rows of `high` are duplicates: "
                            "a row's twin is at distance 0, like the row itself, so dropping the first column of "
                            "the sorted distances may drop the twin and keep the row; leave each row out by its "
                            "position (np.inf on the diagonal)")
        raise Incorrect(f"`{label}` = {got:.3f} is not the mean share of each point's {k} nearest "
                        "neighbours (itself excluded) that stay among its k nearest in the map")
    return "all 4 test cases pass, duplicated rows included"


neighbour_overlap = Exercise(
    "neighbour_overlap",
    _check_neighbour_overlap,
    hints=[
        "Broadcasting gives all pairwise squared distances at once: an (n, 1, d) array minus a (1, n, d) "
        "array is (n, n, d); sum over the last axis. A point must not count as its own neighbour, even "
        "when another point sits exactly on it.",
        "`np.argsort(..., axis=1)` sorts each row; its first k columns are that point's k nearest. Do this "
        "for `high` and for `low`, then, row by row, count the members the two sets share "
        "(`set(...) & set(...)`), divide by k, and average over the rows.",
        "`ex.neighbour_overlap.solution()` shows one answer.",
    ],
)

# -- overlap_by_dimension: vary the map's dimension, measure what it keeps -------------------------------


def _dimension_cases():
    """(X, dims, k): dims out of order and not ending at X's own dimension, then the case the success
    message reports, which ends at it (that map is a rotation, so its overlap is 1.0). The first case
    runs first: an answer that repeats one value shows which value it repeats, not just 1.0."""
    X, _ = _pca_data()[0]
    return [(X, [4, 1, 2], 5), (X, [1, 2, 3, 6], 5)]


def _reference_by_dimension(X, dims, k, transform=None):
    from sklearn.decomposition import PCA

    from ...evaluate import neighbour_overlap as overlap

    transform = transform or (lambda X, d: PCA(n_components=d).fit_transform(X))
    # k=None: the mistake of using each map's dimension d as the number of neighbours
    return np.array([overlap(X, transform(X, d), d if k is None else k) for d in dims])


def _by_dimension_diagnosis(got, expected, X, dims, k, label) -> str:
    """Why a list of overlaps of the right shape is wrong: name the mistake."""
    if np.allclose(got, expected[-1]) and not np.allclose(expected, expected[-1]):
        return (f"`{label}` = {show(got.round(3).tolist())}: every entry is the overlap of the last map "
                f"(d = {dims[-1]}), {expected[-1]:.3f}. Compute each d's overlap inside the loop and append it "
                "there, not once after the loop")
    if np.allclose(got, 1.0):
        return f"`{label}` is 1.0 for every d: it compares X with itself; compare X with its d-dimensional PCA map"
    if np.allclose(got, _reference_by_dimension(X, sorted(dims), k)):
        return (f"`{label}` gives the overlaps in order of increasing d; keep the order of `dims`, entry i for "
                "dims[i]")
    positions = list(range(1, len(dims) + 1))
    if positions != list(dims) and np.allclose(got, _reference_by_dimension(X, positions, k)):
        return (f"`{label}` uses each entry's position (1, 2, 3, ...) as the dimension; use the entry itself, "
                "d = dims[i] (loop over `dims`, not over `range(len(dims))` or `enumerate`'s counter)")
    if np.allclose(got, _reference_by_dimension(X, dims, k, lambda X, d: X[:, :d])):
        return (f"`{label}` keeps the first d *columns* of X; a map keeps the first d *principal directions* "
                "(PCA with n_components=d)")
    if np.allclose(got, _reference_by_dimension(X, dims, None)):
        return (f"`{label}` uses d as the number of neighbours; k stays {k} for every map, only the map's "
                "dimension d changes")
    return (f"`{label}` = {show(got.round(3).tolist())}, expected {show(expected.round(3).tolist())}: the "
            f"neighbour overlap (k={k}) between X and its PCA map to d dimensions, for each d")


def _check_overlap_by_dimension(overlap_by_dimension) -> str:
    for X, dims, k in _dimension_cases():
        label = f"overlap_by_dimension(X of shape {X.shape}, dims={dims}, k={k})"
        got = call(overlap_by_dimension, X.copy(), list(dims), k, _label=label)
        if isinstance(got, dict):
            raise Incorrect(f"`{label}` returned a dict; return an array with one overlap per entry of `dims`, "
                            "in the same order")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return an array of {len(dims)} numbers; got {show(got)}") from None
        if got.shape != (len(dims),):
            raise Incorrect(f"Expected `{label}` to return {len(dims)} numbers, one per dimension; got shape {got.shape}")
        expected = _reference_by_dimension(X, dims, k)
        if not np.allclose(got, expected, atol=1e-9):
            raise Incorrect(_by_dimension_diagnosis(got, expected, X, dims, k, label))
    return f"the overlaps {', '.join(f'{v:.2f}' for v in expected)} for d = {dims}"


overlap_by_dimension = Exercise(
    "overlap_by_dimension",
    _check_overlap_by_dimension,
    hints=[
        "Loop over `dims`: for each d, make the d-dimensional PCA map of X (scikit-learn's `PCA` with "
        "`n_components=d`), then measure it with the library's `neighbour_overlap` against X, with the same k "
        "every time.",
        "Collect the numbers in a list, in the order of `dims`, and turn it into an array at the end. For "
        "d equal to X's own dimension the map is a rotation: its overlap is 1.0. "
        "`ex.overlap_by_dimension.solution()` shows one answer.",
    ],
)
