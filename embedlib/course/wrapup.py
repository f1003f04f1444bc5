"""Checks for chapter 6, Wrap-up.

Each check compares the learner's answer with a reference on small inputs
chosen so that the usual mistakes show, and says which input failed and how.
"""
from __future__ import annotations

import numpy as np

from .checks import Exercise, Incorrect, call, show

# -- 01_embed_all_the_things: cosine_top_k -------------------------------------------------

# Rows of different lengths, so that ranking by dot product or by distance
# differs from ranking by cosine; no ties, so the order is unambiguous.
_DOCS = np.array([
    [4.0, 0.5, 0.0],   # long, fairly close to the first query
    [1.0, 0.1, 0.0],   # short, the closest to it in angle
    [0.0, 3.0, 1.0],
    [0.2, 0.0, 1.0],
    [2.0, 2.0, 0.4],
    [0.5, 0.7, 0.1],
])
_TOP_K_CASES = [
    (np.array([1.0, 0.0, 0.0]), 3),
    (np.array([0.9, 0.1, 0.0]), 1),
    (np.array([0.0, 1.0, 0.2]), 4),
    (np.array([0.3, 0.3, 0.9]), 6),
    (np.array([2.0, 2.0, 0.0]), 2),
]


def _ranking(scores: np.ndarray) -> np.ndarray:
    return np.argsort(-scores, kind="stable")


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _check_cosine_top_k(cosine_top_k) -> str:
    for query, k in _TOP_K_CASES:
        label = f"cosine_top_k({show(query.tolist())}, docs, k={k})"
        got = call(cosine_top_k, query.copy(), _DOCS.copy(), k, _label=label)
        cosine = _unit(_DOCS) @ _unit(query)
        expected = _ranking(cosine)[:k]
        values = np.asarray(got).ravel() if isinstance(got, (list, tuple, np.ndarray)) else None
        if values is None or values.dtype == object:
            raise Incorrect(f"Expected `{label}` to return a list or array of {k} row indices; got {show(got)}")
        if len(values) != k:
            raise Incorrect(f"Expected `{label}` to return k = {k} indices; got {len(values)}")
        if values.dtype.kind == "f" and not np.allclose(values, np.round(values)):
            if np.allclose(np.sort(values)[::-1], np.sort(cosine)[::-1][:k], atol=1e-6):
                raise Incorrect(f"`{label}` returned the top {k} cosine *scores*; return the indices (row "
                                "numbers) of those rows instead, e.g. with `np.argsort`")
            raise Incorrect(f"`{label}` returned {show(np.round(values, 3).tolist())}: expected the indices "
                            "(row numbers) of the best rows, whole numbers")
        values = values.astype(np.int64)
        if values.min() < 0 or values.max() >= len(_DOCS):
            raise Incorrect(f"`{label}` returned {values.tolist()}: indices must be row numbers of `matrix`, "
                            f"0 to {len(_DOCS) - 1}")
        if np.array_equal(values, expected):
            continue
        dot = _DOCS @ query
        if np.array_equal(values, _ranking(dot)[:k]):
            raise Incorrect(f"`{label}` returned {values.tolist()}, the rows with the largest dot product; "
                            "normalise the rows of `matrix` to unit length too, or long rows win just for "
                            f"being long (by cosine: {expected.tolist()})")
        if np.array_equal(values, _ranking(-np.linalg.norm(_DOCS - query, axis=1))[:k]):
            raise Incorrect(f"`{label}` returned {values.tolist()}, the rows nearest by Euclidean distance; "
                            f"rank by cosine similarity, the angle (expected {expected.tolist()})")
        if np.array_equal(values, _ranking(-cosine)[:k]):
            raise Incorrect(f"`{label}` returned {values.tolist()}, the *least* similar rows: sort the "
                            "similarities the wrong way round? Best first means highest cosine first")
        if set(values.tolist()) == set(expected.tolist()):
            raise Incorrect(f"`{label}` returned the right rows {values.tolist()} in the wrong order; put them "
                            f"best first: {expected.tolist()} (`np.argpartition` does not sort)")
        raise Incorrect(f"`{label}` returned {values.tolist()}; expected {expected.tolist()}")
    return f"all {len(_TOP_K_CASES)} test cases pass: rows of any length, ranked best first"


cosine_top_k = Exercise(
    "cosine_top_k",
    _check_cosine_top_k,
    hints=[
        "Divide the query and every row of `matrix` by their lengths (`np.linalg.norm(..., axis=1, keepdims=True)` "
        "for the rows); then the cosines are one matrix product, `unit_matrix @ unit_query`.",
        "`np.argsort(-scores)` orders the rows from the highest score down; keep the first `k`.",
    ],
)

# -- 01_embed_all_the_things: reciprocal_rank ---------------------------------------------

_RR_CASES = [
    (["Alaska", "Alabama", "Alabama", "Algeria"], "Alabama", 0.5),
    (["Abacus", "Algae", "Abacus"], "Abacus", 1.0),
    (["Alkane", "Acid", "Acid", "Alkane", "Atomic number"], "Atomic number", 0.2),
    (["Apollo 8", "Apollo 8", "Apollo 11", "Apollo 8"], "Apollo 11", 1 / 3),
    (["Aardwolf", "Aardwolf"], "Aardvark", 0.0),
    ([], "Allah", 0.0),
]


def _check_reciprocal_rank(reciprocal_rank) -> str:
    for ranked, target, expected in _RR_CASES:
        label = f"reciprocal_rank({show(ranked)}, {target!r})"
        try:
            got = call(reciprocal_rank, list(ranked), target, _label=label)
        except Incorrect as err:
            if "ZeroDivisionError" in str(err):
                raise Incorrect(f"{err}: positions start at 1, so the first item has position 1 and 1 / 1 = 1") from None
            if target not in ranked:
                raise Incorrect(f"{err}. When the target is not in the list at all, the reciprocal rank is 0: "
                                "return 0.0 instead of raising") from None
            raise
        try:
            value = float(got)
        except (TypeError, ValueError):
            if target not in ranked:
                raise Incorrect(f"`{label}` returned {show(got)}; when the target is not in the list at all, "
                                "the reciprocal rank is 0") from None
            raise Incorrect(f"Expected `{label}` to return a number; got {show(got)}") from None
        if np.isclose(value, expected):
            continue
        if target not in ranked:
            raise Incorrect(f"`{label}` returned {value:g}; when the target is not in the list at all, the "
                            "reciprocal rank is 0")
        positions = [i for i, item in enumerate(ranked, start=1) if item == target]
        first, last = positions[0], positions[-1]
        unique_first = list(dict.fromkeys(ranked)).index(target) + 1
        if np.isclose(value, first):
            raise Incorrect(f"`{label}` returned {value:g}, the position; the reciprocal rank is 1 / position "
                            f"= {expected:g}")
        if first > 1 and np.isclose(value, 1 / (first - 1)):
            raise Incorrect(f"`{label}` returned {value:g}, 1 / {first - 1}: positions start at 1, not 0 "
                            f"(the target is at position {first}, so {expected:g})")
        if last != first and np.isclose(value, 1 / last):
            raise Incorrect(f"`{label}` returned {value:g}, 1 / {last}: use the first time the target "
                            f"appears, position {first}, not the last")
        if unique_first != first and np.isclose(value, 1 / unique_first):
            raise Incorrect(f"`{label}` returned {value:g}: it skips repeated items; count every position, "
                            f"repeats included (the target is at position {first})")
        raise Incorrect(f"`{label}` returned {value:g}; expected {expected:g}")
    return f"all {len(_RR_CASES)} test cases pass, repeats and missing targets included"


reciprocal_rank = Exercise(
    "reciprocal_rank",
    _check_reciprocal_rank,
    hints=[
        "Walk through the list with `for position, item in enumerate(ranked, start=1)`; at the first item equal "
        "to the target, return `1 / position`.",
        "If the loop ends without finding the target, return `0.0`.",
    ],
)

NOTEBOOKS = {
    "06_wrap_up/01_embed_all_the_things": [cosine_top_k, reciprocal_rank],
}
