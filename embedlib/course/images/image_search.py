"""Checks for notebook 4.3, image search: query_by_example, precision_by_category, centre."""
from __future__ import annotations

import contextlib
import operator

import numpy as np

from ..checks import Exercise, Incorrect, Written, call, show
from ._common import _array

# -- 03_image_search: query_by_example --------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _search_cases():
    """(vectors, rows, k) with unit rows; the first collection holds identical pairs, as the emoji do."""
    rng = np.random.default_rng(7)
    twins = _unit(rng.random((10, 5)) + 0.2)
    twins[6], twins[8] = twins[1], twins[3]  # rows 1 and 6, 3 and 8 are the same image
    plain = _unit(rng.normal(size=(30, 6)))
    small = _unit(rng.normal(size=(6, 3)))
    # k beyond a habitual top 10, and k = n - 1: every other row
    return [(twins, np.array([6, 1, 3, 8, 0]), 3), (plain, np.array([0, 7, 29]), 5), (small, np.array([2]), 5),
            (plain, np.array([3, 12]), 13), (small, np.array([0, 5]), 5)]


def _scrambled_argpartition(original, calls: list):
    """``np.argpartition`` whose sides come out in reversed order: still a valid partition.

    NumPy leaves the order inside each side undefined, but on many machines small arrays come
    out sorted, so an answer that forgets to sort its k results would pass there and fail on
    another machine, or on a larger collection. Reversed, the k come out least similar first."""

    def argpartition(a, kth, axis=-1, *args, **kwargs):
        idx = original(a, kth, axis, *args, **kwargs)
        calls.append(kth)
        if axis is None:
            axis = 0
        moved = np.moveaxis(idx, axis, -1).copy()
        n = moved.shape[-1]
        kths = [kth] if np.ndim(kth) == 0 else list(kth)
        cuts = sorted({operator.index(k) % n for k in kths} if n else set())
        start = 0
        for cut in cuts + [n]:  # each side between two fixed positions, reversed
            moved[..., start:cut] = moved[..., start:cut][..., ::-1]
            start = cut + 1
        return np.moveaxis(moved, -1, axis)

    return argpartition


@contextlib.contextmanager
def _partitions_in_any_order():
    """While the learner's answer runs, ``np.argpartition`` returns its sides reversed; yields the
    list of its calls, so that feedback can mention it only to an answer that used it."""
    original, calls = np.argpartition, []
    np.argpartition = _scrambled_argpartition(original, calls)
    try:
        yield calls
    finally:
        np.argpartition = original


def _twins(vectors: np.ndarray, row: int) -> list[int]:
    return [int(j) for j in np.flatnonzero((vectors == vectors[row]).all(axis=1)) if j != row]


def _check_query_by_example(query_by_example) -> str:
    for vectors, rows, k in _search_cases():
        n, m = len(vectors), len(rows)
        label = f"query_by_example(vectors, rows={show(rows.tolist())}, k={k}) ({n} rows)"
        with _partitions_in_any_order() as partitions:
            answer = call(query_by_example, vectors.copy(), rows.copy(), k, _label=label)
        got = _array(answer, label)
        if got.shape != (m, k):
            if got.shape == (m, 10) and k > 10:
                raise Incorrect(f"`{label}` returns 10 results per query, but k = {k}: return the first k, "
                                "whatever k is, not a fixed top 10")
            if got.shape == (m, k - 1):
                raise Incorrect(f"`{label}` returns {k - 1} results per query: after leaving the query out, "
                                f"there must still be k = {k}")
            raise Incorrect(f"Expected `{label}` to return {k} row numbers per query, shape {(m, k)}; "
                            f"got shape {got.shape}")
        if not (np.all(got == np.round(got)) and got.min() >= 0 and got.max() < n):
            if np.all((got >= -1.0 - 1e-6) & (got <= 1.0 + 1e-6)) and not np.all(got == np.round(got)):
                raise Incorrect(f"`{label}` returns similarities; return the row numbers of the most similar images")
            raise Incorrect(f"`{label}` returned {show(got.tolist())}: expected row numbers from 0 to {n - 1}")
        got = got.astype(int)
        repeated = [i for i in range(m) if len(set(got[i].tolist())) < k]
        if repeated:
            raise Incorrect(f"`{label}` returns the same row twice among the results of query {rows[repeated[0]]}: "
                            f"{show(got[repeated[0]].tolist())}")
        sims = vectors[rows] @ vectors.T
        own = sims.copy()
        own[np.arange(m), rows] = -np.inf
        expected = -np.sort(-own, axis=1)[:, :k]
        scores = np.take_along_axis(sims, got, axis=1)
        lowest = np.sort(np.where(np.isinf(own), np.inf, own), axis=1)[:, :k]
        if np.allclose(scores, lowest, atol=1e-6):
            raise Incorrect(f"`{label}` returns the *least* similar images: sort the most similar first")
        for i, q in enumerate(rows):
            twins = _twins(vectors, q)
            missing = [t for t in twins if t not in got[i]]
            if q in got[i] and missing and np.allclose(scores[i], expected[i], atol=1e-6):
                raise Incorrect(f"`{label}` returns row {q} among the results of query {q}, and leaves out row "
                                f"{missing[0]}, an identical image. It seems to drop the first result, taking it "
                                "for the query; but a duplicate ties with the query (both have similarity 1) and "
                                "may come first. Leave the query out by its row number, not by its position")
            if q in got[i]:
                raise Incorrect(f"`{label}` returns row {q} among the results of query {q}: every image is its "
                                "own best match (similarity 1). Leave the query's own row out")
            no_perfect = np.where(sims[i] > 1 - 1e-6, -np.inf, sims[i])
            if missing and np.allclose(scores[i], -np.sort(-no_perfect)[:k], atol=1e-6):
                raise Incorrect(f"`{label}` leaves row {missing[0]} out of the results of query {q}, but row "
                                f"{missing[0]} is a duplicate of the query (another emoji with the same picture, "
                                "similarity 1), and should come first. Leave out the query's own row only, by its "
                                "row number, not every row that scores 1")
        if np.allclose(scores, expected, atol=1e-6):
            continue
        if np.allclose(np.sort(scores, axis=1), np.sort(expected, axis=1), atol=1e-6):
            why = ("; `np.argpartition` only splits off the k best, in an undefined order (on small arrays it "
                   "often comes out sorted by chance, not on every machine): sort the k afterwards"
                   if partitions else "")
            raise Incorrect(f"`{label}` finds the right images but not in order: the most similar first{why}")
        i = int(np.flatnonzero(~np.isclose(scores, expected, atol=1e-6).all(axis=1))[0])
        raise Incorrect(f"`{label}` returned rows whose similarities to query {rows[i]} are "
                        f"{show(np.round(scores[i], 3).tolist())}; the {k} most similar other rows score "
                        f"{show(np.round(expected[i], 3).tolist())}")
    return "the k most similar images, the query left out, its duplicates kept"


query_by_example = Exercise(
    "query_by_example",
    _check_query_by_example,
    hints=[
        "The rows have unit length, so one matrix product of the query rows with the whole collection gives "
        "every cosine at once: one row of scores per query.",
        "Before ranking, make sure each query's own column (found by its row number) can never make it into "
        "the top k. Do not go by the score: a duplicate image also scores 1, and it is a fair result.",
        "NumPy can sort each row of scores; you want the largest first and only the first k of them. "
        "`ex.query_by_example.solution()` shows one answer.",
    ],
)

# -- 03_image_search: precision_by_category ----------------------------------------------------


def _results(labels: np.ndarray, m: int, seed: int) -> np.ndarray:
    """(n, m) result rows for each item of a collection: other items only, each once, in a seeded order."""
    rng = np.random.default_rng(seed)
    n = len(labels)
    return np.array([[j for j in rng.permutation(n) if j != i][:m] for i in range(n)])


def _category_cases():
    """(top, labels, k): a small one to follow by hand, k beyond a top 10, and unequal categories."""
    small_labels = np.array([0, 0, 0, 1, 1, 2])
    small_top = np.array([[1, 3, 2, 4], [2, 0, 5, 3], [3, 0, 4, 1], [0, 4, 1, 2], [0, 3, 1, 2], [0, 3, 1, 4]])
    long_labels = np.arange(24) % 3
    # 9, 3 and 2 items, the categories first seen in the order 1, 0, 2: entry c is category c all the same
    uneven = np.array([1, 0, 0, 2, 0, 1, 0, 0, 2, 0, 0, 1, 0, 0])
    return [(small_top, small_labels, 2), (_results(long_labels, 15, 1), long_labels, 12),
            (_results(uneven, 6, 2), uneven, 4), (small_top, small_labels, 1)]


def _category_mistakes(top, labels, k):
    """What each usual mistake returns on this case, and what to tell it."""
    C = labels.max() + 1
    per_query = lambda cut: (labels[top[:, :cut]] == labels[:, None]).mean(axis=1)  # noqa: E731
    by_query = lambda hits: np.array([hits[labels == c].mean() for c in range(C)])  # noqa: E731
    hits = per_query(k)
    found = labels[top[:, :k]] == labels[:, None]
    results = labels[top[:, :k]]
    by_result = np.array([found[results == c].mean() if (results == c).any() else np.nan for c in range(C)])
    others = np.bincount(labels, minlength=C)[labels] - 1
    m = top.shape[1]
    first_seen = list(dict.fromkeys(labels.tolist()))
    mistakes = [
        (by_query(per_query(m)), f"it looks at all {m} results of each query; only the first k = {k} count"),
        (by_query((labels[top[:, 1 : k + 1]] == labels[:, None]).mean(axis=1)) if m > k else None,
         "it skips the first result of each query (columns 1 to k): `top` already leaves each query itself "
         f"out, so its first k = {k} results are columns 0 to {k - 1}"),
        (np.array([hits[labels == c].mean() for c in first_seen]) if first_seen != sorted(first_seen) else None,
         f"it lists the categories in the order they first appear in `labels` ({show(first_seen)}); entry c "
         f"must be category c's precision, in the order 0 to {C - 1}"),
        (by_query(per_query(10)) if k > 10 else None,
         f"it looks at the first 10 results of each query, but k = {k}: use k, not a habitual top 10"),
        (np.full(C, hits.mean()), "every category gets the mean over all queries; average the queries of each "
         "category separately (the queries of a large category must not outweigh a small one)"),
        (by_result, "it groups by the categories of the *results*; group by the category of the *query*: entry "
         "c is the mean over the queries of category c"),
        (by_query(found.sum(axis=1) / np.maximum(others, 1)), "it divides by the number of other items of the "
         "query's category (that is recall); precision@k divides the hits by k"),
        (by_query(found.sum(axis=1).astype(float)), "it counts the hits; precision@k is their share of the k results"),
    ]
    return [(wrong, why) for wrong, why in mistakes if wrong is not None]


def _check_precision_by_category(precision_by_category) -> str:
    from ...vision import precision_by_category as reference

    first_failure = None
    for top, labels, k in _category_cases():
        C = labels.max() + 1
        label = f"precision_by_category(top {top.shape}, labels with {C} categories, k={k})"
        got = call(precision_by_category, top.copy(), labels.copy(), k, _label=label)
        if isinstance(got, dict):
            raise Incorrect(f"`{label}` returns a dict; return an array with one number per category, entry c "
                            "for category c")
        value = _array(got, label)
        if value.ndim == 0:
            raise Incorrect(f"`{label}` returns one number ({float(value):.3f}); return one precision per "
                            f"category, an array of {C}")
        if value.shape != (C,):
            raise Incorrect(f"Expected `{label}` to return one number per category, shape ({C},); got shape "
                            f"{value.shape}")
        expected = reference(top, labels, k)
        if np.allclose(value, expected, atol=1e-6):
            continue
        # a case where several mistakes give the same numbers says nothing certain: look for a clearer one
        matches = [why for wrong, why in _category_mistakes(top, labels, k)
                   if np.allclose(value, wrong, atol=1e-6, equal_nan=True)]
        if len(matches) == 1:
            raise Incorrect(f"`{label}` returned {show(np.round(value, 3).tolist())}: {matches[0]}")
        if first_failure is None:
            c = int(np.flatnonzero(~np.isclose(value, expected, atol=1e-6))[0])
            first_failure = (f"`{label}` gives category {c} a precision of {value[c]:.3f}; its "
                             f"{(labels == c).sum()} queries find on average a share {expected[c]:.3f} of their "
                             f"first {k} results in it")
    if first_failure:
        raise Incorrect(first_failure)
    return f"all {len(_category_cases())} test cases pass, long lists and unequal categories included"


precision_by_category = Exercise(
    "precision_by_category",
    _check_precision_by_category,
    hints=[
        "Two steps. First one number per query: the share of its first k results whose category is the "
        "query's own. `labels[top]` reads the categories of all results at once, as an array shaped like `top`.",
        "Then one number per category: the mean of that share over the queries of the category. A boolean "
        "mask per category does it, or `np.bincount` with `weights=` (a sum per category) divided by the count "
        "per category.",
        "Worked example on other numbers: queries of category 1 with shares 0.5, 1.0 and 0.0, and one query of "
        "category 0 with share 1.0, give [1.0, 0.5]; the mean over all four queries, 0.625, is not asked for. "
        "`ex.precision_by_category.solution()` shows one answer.",
    ],
)

# -- 03_image_search: centre -----------------------------------------------------------------


def _centre_case():
    rng = np.random.default_rng(11)
    database = _unit(rng.random((12, 5)) * np.array([1.0, 0.2, 0.5, 2.0, 1.0]) + 0.1)  # one corner, like ReLU
    queries = _unit(rng.random((4, 5)) * np.array([0.1, 2.0, 1.0, 0.3, 0.5]) + 0.3)  # a different corner
    # float32, as the stub says; an answer that returns float64 is accepted too (the stub says so)
    return database.astype(np.float32), queries.astype(np.float32)


def _check_centre(centre) -> str:
    database, queries = _centre_case()
    label = "centre(database, queries)"
    db_in, q_in = database.copy(), queries.copy()
    got = call(centre, db_in, q_in, _label=label)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Incorrect(f"Expected `{label}` to return two arrays, the database and the queries centred; "
                        f"got {show(got)}")
    got_db, got_q = (_array(x, label) for x in got)
    if not (np.array_equal(db_in, database) and np.array_equal(q_in, queries)):
        raise Incorrect(f"`{label}` changes its inputs in place (`-=`); return new arrays and leave the "
                        "database and queries as they were")
    for name, value, x in (("database", got_db, database), ("queries", got_q, queries)):
        if value.shape != x.shape:
            raise Incorrect(f"Expected `{label}` to return {name} of shape {x.shape}, one row per row; "
                            f"got shape {value.shape}")
    mean = database.mean(axis=0)
    want_db, want_q = _unit(database - mean), _unit(queries - mean)
    if np.allclose(got_db, want_db, atol=1e-5) and np.allclose(got_q, want_q, atol=1e-5):
        return "both moved by the database's mean vector, then every row back to length 1"
    both = (got_db, got_q)
    if all(np.allclose(v, x, atol=1e-5) for v, x in zip(both, (database, queries))):
        raise Incorrect(f"`{label}` returns its inputs unchanged: subtract the database's mean vector from both")
    row_means = [x - x.mean(axis=1, keepdims=True) for x in (database, queries)]
    if any(all(np.allclose(v, f(r), atol=1e-5) for v, r in zip(both, row_means)) for f in (np.asarray, _unit)):
        raise Incorrect(f"`{label}` subtracts from each row its own mean (over its columns, `axis=1`); subtract "
                        "the database's mean *vector*, the average of its rows (`axis=0`), the same from every row")
    if all(np.allclose(v, x - mean, atol=1e-5) for v, x in zip(both, (database, queries))):
        lengths = np.linalg.norm(np.concatenate(both), axis=1)
        raise Incorrect(f"`{label}` returns rows of lengths {lengths.min():.2f} to {lengths.max():.2f}: "
                        "subtracting the mean changes every row's length, so normalise each row *after* "
                        "centring (normalising before is not enough)")
    if np.allclose(got_db, want_db, atol=1e-5):
        if np.allclose(got_q, _unit(queries - queries.mean(axis=0)), atol=1e-5):
            raise Incorrect(f"`{label}` centres the queries on their own mean; subtract the *database's* mean "
                            "from the queries too, so that both move by the same vector and stay comparable")
        raise Incorrect(f"`{label}` centres the database right but not the queries: subtract the database's "
                        "mean from them, then normalise their rows")
    if np.allclose(got_db, _unit(database - np.concatenate([database, queries]).mean(axis=0)), atol=1e-5):
        raise Incorrect(f"`{label}` subtracts the mean of the database and the queries together; use the "
                        "database's mean only (the queries may be few, or unlike the collection)")
    raise Incorrect(f"`{label}` returned a database whose first row is {show(np.round(got_db[0], 3).tolist())}; "
                    f"expected {show(np.round(want_db[0], 3).tolist())}")


centre = Exercise(
    "centre",
    _check_centre,
    hints=[
        "The database's mean vector has one number per column: the average of the database's rows. Which "
        "axis does that average run over?",
        "Subtract that same vector from the database and from the queries. Subtracting changes the rows' "
        "lengths: scale each row back to length 1 at the end. "
        "`ex.centre.solution()` shows one answer.",
    ],
)

hubs_answer = Written(
    "hubs_answer",
    "Why do a few emoji turn up in hundreds of top-10 lists while others are in none, and why does centring "
    "shrink the hubs? (2-4 sentences: what all vectors share, and what that does to cosines)",
)
