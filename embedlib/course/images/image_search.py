"""Checks for notebook 4.3, image search: query_by_example, centre."""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, call, show
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
    return [(twins, np.array([6, 1, 3, 8, 0]), 3), (plain, np.array([0, 7, 29]), 5), (small, np.array([2]), 5)]


def _twins(vectors: np.ndarray, row: int) -> list[int]:
    return [int(j) for j in np.flatnonzero((vectors == vectors[row]).all(axis=1)) if j != row]


def _check_query_by_example(query_by_example) -> str:
    for vectors, rows, k in _search_cases():
        n, m = len(vectors), len(rows)
        label = f"query_by_example(vectors, rows={show(rows.tolist())}, k={k}) ({n} rows)"
        got = _array(call(query_by_example, vectors.copy(), rows.copy(), k, _label=label), label)
        if got.shape != (m, k):
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
            raise Incorrect(f"`{label}` finds the right images but not in order: the most similar first")
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
        "NumPy can sort each row of scores; you want the largest first and only the first k of them.",
    ],
)

# -- 03_image_search: centre -----------------------------------------------------------------


def _centre_case():
    rng = np.random.default_rng(11)
    database = _unit(rng.random((12, 5)) * np.array([1.0, 0.2, 0.5, 2.0, 1.0]) + 0.1)  # one corner, like ReLU
    queries = _unit(rng.random((4, 5)) * np.array([0.1, 2.0, 1.0, 0.3, 0.5]) + 0.3)  # a different corner
    return database, queries


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
        "lengths: scale each row back to length 1 at the end.",
    ],
)
