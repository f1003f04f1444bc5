"""Checks for chapter 2, Sequences.

Each check compares the learner's answer with a reference on small inputs
chosen so that the usual mistakes show, and says which input failed and how.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..vectors import Embeddings
from .checks import Exercise, Incorrect, call, show

# -- 01_item2vec: session_pairs ----------------------------------------------------------


def _pairs(sessions, window):
    out = Counter()
    for session in sessions:
        for i, centre in enumerate(session):
            for j in range(max(0, i - window), min(len(session), i + window + 1)):
                if j != i:
                    out[centre, session[j]] += 1
    return out


_PAIR_CASES = [
    ([["phone", "case", "charger"], ["tent", "pegs"]], 1),
    ([["a", "b", "a", "c"], ["d", "e"], ["f"]], 2),
    ([["x", "y"], ["y", "x"], ["x", "y", "z", "w", "v"]], 3),
    ([["solo"], []], 2),
]


def _check_session_pairs(session_pairs) -> str:
    for sessions, window in _PAIR_CASES:
        label = f"session_pairs({show(sessions)}, window={window})"
        got = call(session_pairs, [list(s) for s in sessions], window, _label=label)
        try:
            got = Counter((a, b) for a, b in got)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return a list of (item, context) pairs; got {show(got)}") from None
        expected = _pairs(sessions, window)
        if got == expected:
            continue
        extra = got - expected
        missing = expected - got
        joined = _pairs([[x for s in sessions for x in s]], window)
        wider = _pairs(sessions, window + 1)
        if extra:
            pair = next(iter(extra))
            if pair in joined and pair not in _pairs(sessions, len(max(sessions, key=len)) + 1):
                raise Incorrect(f"`{label}` pairs {pair[0]!r} with {pair[1]!r}, which are in different sessions: "
                                "a window must stop at the end of its session")
            if pair[0] == pair[1] and pair not in expected:
                raise Incorrect(f"`{label}` pairs {pair[0]!r} with itself; skip the centre position")
            if pair in wider:
                raise Incorrect(f"`{label}` has the pair {pair}, which is more than {window} positions apart; "
                                f"contexts are at most `window` = {window} positions away")
            raise Incorrect(f"`{label}` returns {pair} more often than it occurs ({extra[pair] + expected[pair]} "
                            f"times instead of {expected[pair]})")
        pair = next(iter(missing))
        if all(got[p] >= 1 for p in missing):
            raise Incorrect(f"`{label}` returns {pair} {got[pair]} time(s), but it occurs {expected[pair]} times: "
                            "count every occurrence, do not remove duplicates")
        one_sided = _pairs_right_only(sessions, window)
        if got == one_sided:
            raise Incorrect(f"`{label}` misses {pair}: take contexts on both sides of the centre, before and after")
        narrower = _pairs(sessions, window - 1)
        if got == narrower:
            raise Incorrect(f"`{label}` misses {pair}, which is exactly {window} positions apart: the window "
                            "includes positions up to and including `window` away")
        raise Incorrect(f"`{label}` misses the pair {pair} (expected {sum(expected.values())} pairs, "
                        f"got {sum(got.values())})")
    return f"all {len(_PAIR_CASES)} test cases pass: windows stay inside their sessions"


def _pairs_right_only(sessions, window):
    out = Counter()
    for session in sessions:
        for i, centre in enumerate(session):
            for j in range(i + 1, min(len(session), i + window + 1)):
                out[centre, session[j]] += 1
    return out


session_pairs = Exercise(
    "session_pairs",
    _check_session_pairs,
    hints=[
        "Loop over the sessions one by one; inside a session, it is notebook 1.1's sliding window.",
        "For position `i`, the contexts are positions `j` in `range(max(0, i - window), min(len(s), i + window + 1))` "
        "with `j != i`.",
    ],
)

# -- 01_item2vec: hit_rate_at_k --------------------------------------------------------------

_HIT_CASES = [
    ([["a", "b", "c"], ["c", "a"], ["b"], ["x", "y", "z"]], ["c", "a", "a", "z"], 3, 0.75),
    ([["a", "b", "c"], ["c", "a"], ["b"], ["x", "y", "z"]], ["c", "a", "a", "z"], 2, 0.25),
    ([["a", "b", "c"], ["c", "a"], ["b"], ["x", "y", "z"]], ["c", "a", "a", "z"], 1, 0.0),
    ([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [9, 8]], [1, 1, 8], 5, 1.0),
    ([["p", "q"], ["q", "p"], ["r", "s"], ["s", "r"], ["t"]], ["p", "p", "p", "p", "t"], 1, 0.4),
]


def _check_hit_rate(hit_rate_at_k) -> str:
    for recommended, targets, k, expected in _HIT_CASES:
        label = f"hit_rate_at_k({show(recommended)}, {show(targets)}, k={k})"
        got = call(hit_rate_at_k, [list(r) for r in recommended], list(targets), k, _label=label)
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return a number; got {show(got)}") from None
        if np.isclose(value, expected):
            continue
        if value > 1:
            raise Incorrect(f"`{label}` returned {value:g}, a count: the hit rate is a share of the cases, "
                            "between 0 and 1")
        hits = [t in r[:k] for r, t in zip(recommended, targets)]
        if np.isclose(value, sum(hits) / (k * len(targets))):
            raise Incorrect(f"`{label}` returned {value:g}, the share of hits among all k * n recommendations "
                            f"(precision at k); the hit rate divides by the number of cases, {len(targets)}")
        anywhere = np.mean([t in r for r, t in zip(recommended, targets)])
        first = np.mean([bool(r) and r[0] == t for r, t in zip(recommended, targets)])
        if np.isclose(value, anywhere):
            raise Incorrect(f"`{label}` returned {value:g}: it counts targets anywhere in the list; only the "
                            f"first k = {k} recommendations count")
        if np.isclose(value, first):
            raise Incorrect(f"`{label}` returned {value:g}: it only counts targets in first place; a hit is "
                            f"anywhere in the top k = {k}")
        raise Incorrect(f"`{label}` returned {value:g}; expected {expected:g}")
    return f"all {len(_HIT_CASES)} test cases pass"


hit_rate_at_k = Exercise(
    "hit_rate_at_k",
    _check_hit_rate,
    hints=[
        "A case is a hit if its target is in the first k recommendations: `target in recs[:k]`.",
        "Count the hits over all cases and divide by the number of cases.",
    ],
)

# -- 02_sequences_of_anything: mean_vector ----------------------------------------------

_MEAN_EMB = Embeddings(["a", "b", "c", "d"], np.array([[3.0, 0, 0], [0, 2.0, 0], [1.0, 1.0, 0], [0, 0, 0.5]]))
_MEAN_CASES = [["a", "b"], ["a", "a", "b"], ["c"], ["a", "unknown", "d"], ["unknown"], ["d", "b", "b", "c"]]


def _check_mean_vector(mean_vector) -> str:
    emb = _MEAN_EMB
    for items in _MEAN_CASES:
        label = f"mean_vector(emb, {show(items)})"
        try:
            got = call(mean_vector, emb, list(items), _label=label)
        except Incorrect as err:
            if "raised KeyError" in str(err) and any(i not in emb for i in items):
                raise Incorrect(f"{err}. Skip the items the embeddings do not know (`item in emb`)") from None
            raise
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return a vector; got {show(got)}") from None
        if got.shape != (emb.dim,):
            raise Incorrect(f"Expected `{label}` to return a vector of shape ({emb.dim},); got shape {got.shape}")
        expected = emb.mean_vector(items)
        if np.allclose(got, expected, atol=1e-5):
            continue
        known = [i for i in items if i in emb]
        unit = emb.unit_vectors
        if known:
            rows = [emb.index(i) for i in known]
            if np.allclose(got, emb.vectors[rows].mean(0), atol=1e-5):
                raise Incorrect(f"`{label}` averages the raw vectors; normalise each item's vector to unit length "
                                "first, so that no item weighs more because its vector is longer")
            if np.allclose(got, unit[rows].sum(0), atol=1e-5):
                raise Incorrect(f"`{label}` returns the sum; the mean divides by the number of items")
            if np.allclose(got, unit[sorted(set(rows))].mean(0), atol=1e-5):
                raise Incorrect(f"`{label}` counts each item once; an item viewed twice counts twice")
            if np.allclose(got, unit[rows].sum(0) / len(items), atol=1e-5):
                raise Incorrect(f"`{label}` divides by all {len(items)} items; skip the unknown ones and average "
                                f"over the {len(known)} known")
        raise Incorrect(f"`{label}` returned {show(np.round(got, 3).tolist())}; expected "
                        f"{show(np.round(expected, 3).tolist())}")
    return f"all {len(_MEAN_CASES)} test cases pass, unknown items and repeats included"


mean_vector = Exercise(
    "mean_vector",
    _check_mean_vector,
    hints=[
        "Keep the items the embeddings know: `[i for i in items if i in emb]`; if none, return `np.zeros(emb.dim)`.",
        "`emb.unit_vectors[[emb.index(i) for i in known]].mean(axis=0)`.",
    ],
)

NOTEBOOKS = {
    "02_sequences/01_item2vec": [session_pairs, hit_rate_at_k],
    "02_sequences/02_sequences_of_anything": [mean_vector],
}
