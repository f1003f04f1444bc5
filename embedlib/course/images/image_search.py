"""Checks for notebook 4.3, image search: cosine_top_k, precision_at_k."""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, call, show
from ._common import _array, _number

# -- 03_image_search: cosine_top_k ----------------------------------------------------------------


def _search_cases():
    rng = np.random.default_rng(3)
    database = rng.normal(size=(30, 4)) * rng.uniform(0.2, 5, size=(30, 1))  # lengths differ a lot
    queries = rng.normal(size=(6, 4)) * np.array([[0.5], [1], [2], [3], [0.1], [10]])
    return [(queries, database, 4), (queries[:2], database[:10], 1), (database[:3], database, 5)]


def _top(scores, k):
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def _check_cosine_top_k(cosine_top_k) -> str:
    for queries, database, k in _search_cases():
        label = f"cosine_top_k(queries, database, k={k}) ({len(queries)} queries, {len(database)} rows)"
        got = _array(call(cosine_top_k, queries.copy(), database.copy(), k, _label=label), label)
        unit_q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        unit_d = database / np.linalg.norm(database, axis=1, keepdims=True)
        cosines = unit_q @ unit_d.T
        expected = _top(cosines, k)
        if got.shape != expected.shape:
            raise Incorrect(f"Expected `{label}` to return {k} row numbers per query, shape {expected.shape}; "
                            f"got shape {got.shape}")
        if np.array_equal(got, expected):
            continue
        if np.allclose(got, np.sort(cosines, axis=1)[:, ::-1][:, :k]):
            raise Incorrect(f"`{label}` returns the similarities; return the row numbers (indices) of the most "
                            "similar rows")
        if np.array_equal(got, np.argsort(cosines, axis=1)[:, :k]):
            raise Incorrect(f"`{label}` returns the *least* similar rows: sort the most similar first")
        if np.array_equal(got, _top(queries @ database.T, k)) or np.array_equal(got, _top(unit_q @ database.T, k)):
            raise Incorrect(f"`{label}` ranks by dot product: normalise the database rows to unit length first, "
                            "so that long vectors do not win")
        distances = ((queries[:, None, :] - database[None, :, :]) ** 2).sum(-1)
        if np.array_equal(got, np.argsort(distances, axis=1)[:, :k]):
            raise Incorrect(f"`{label}` ranks by Euclidean distance between the raw vectors; rank by cosine "
                            "similarity")
        raise Incorrect(f"`{label}` returned {show(got.tolist())}; expected {show(expected.tolist())}")
    return "the k most similar rows by cosine, most similar first"


cosine_top_k = Exercise(
    "cosine_top_k",
    _check_cosine_top_k,
    hints=[
        "Normalise the rows of both matrices to unit length; then `queries @ database.T` holds every cosine at once.",
        "`np.argsort(-scores, axis=1)[:, :k]` puts the largest first.",
    ],
)

# -- 03_image_search: precision_at_k -----------------------------------------------------------

_PRECISION_CASES = [
    ([0, 1, 2], [[0, 0, 1, 0], [1, 2, 2, 1], [0, 0, 0, 2]], 3),
    ([0, 1, 2], [[0, 0, 1, 0], [1, 2, 2, 1], [0, 0, 0, 2]], 1),
    ([5, 5], [[5, 4, 5, 5, 5], [4, 4, 5, 4, 4]], 2),
    ([7, 3, 3, 1], [[7, 7, 7], [1, 3, 3], [3, 3, 3], [2, 2, 1]], 2),
]


def _check_precision_at_k(precision_at_k) -> str:
    for query, retrieved, k in _PRECISION_CASES:
        query, retrieved = np.array(query), np.array(retrieved)
        label = f"precision_at_k({show(query.tolist())}, {show(retrieved.tolist())}, k={k})"
        value = _number(call(precision_at_k, query.copy(), retrieved.copy(), k, _label=label), label)
        same = retrieved == query[:, None]
        expected = same[:, :k].mean()
        if np.isclose(value, expected):
            continue
        if value > 1:
            raise Incorrect(f"`{label}` returned {value:g}, a count: precision is the *share* of the first k "
                            "results that match, between 0 and 1")
        if np.isclose(value, same.mean()):
            raise Incorrect(f"`{label}` returned {value:g}: it scores all {retrieved.shape[1]} results; only the "
                            f"first k = {k} count")
        if np.isclose(value, same[:, :k].any(axis=1).mean()):
            raise Incorrect(f"`{label}` returned {value:g}, the share of queries with at least one match; "
                            "precision counts how many of the k results match, not whether any does")
        if np.isclose(value, same[:, 1 : k + 1].mean()):
            raise Incorrect(f"`{label}` returned {value:g}: it skips the first column, but the first column is "
                            "the nearest result, not the query itself")
        raise Incorrect(f"`{label}` returned {value:g}; expected {expected:g}")
    return f"all {len(_PRECISION_CASES)} test cases pass"


precision_at_k = Exercise(
    "precision_at_k",
    _check_precision_at_k,
    hints=[
        "`retrieved_labels[:, :k] == query_labels[:, None]` marks each of the first k results that matches.",
        "The mean of that boolean matrix is the precision@k averaged over the queries.",
    ],
)
