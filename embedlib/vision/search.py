"""Search and score image embeddings: cosine top-k, centring, precision@k (overall and by category),
k-means NMI."""
from __future__ import annotations

import numpy as np

from ..vectors import nearest as _nearest
from ..vectors import normalize as _unit_rows
from .cnn import _positive_int

__all__ = ["cosine_search", "centre", "precision_at_k", "precision_by_category", "kmeans_nmi"]


def _matrix(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (one vector per row), got shape {array.shape}")
    return array


def cosine_search(queries, database, k: int = 10, chunk: int = 1024, exclude_self: bool = False):
    """The ``k`` rows of ``database`` most similar to each row of ``queries``, by cosine.

    Returns ``(indices, scores)``, both ``(n_queries, k)``, most similar
    first: int64 row numbers into ``database`` and float32 cosine
    similarities. Queries go ``chunk`` rows at a time, so memory stays at
    ``chunk × len(database)`` scores whatever the number of queries; the
    result does not depend on ``chunk``. With ``exclude_self=True`` the
    queries *are* the database (same rows, same order) and row ``i`` is left
    out of its own results.

    >>> db = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    >>> idx, scores = cosine_search(db, db, k=1, exclude_self=True)
    >>> idx.ravel().tolist(), [round(float(s), 2) for s in scores.ravel()]
    ([1, 0, 1], [0.8, 0.8, 0.6])
    """
    return _nearest(queries, database, k, chunk, exclude_self)


def centre(database, queries) -> tuple[np.ndarray, np.ndarray]:
    """Move the origin to the mean of the ``database`` rows, then scale every row to unit length.

    The same mean vector, the database's, is subtracted from ``database``
    ``(n, d)`` and ``queries`` ``(m, d)``, so that both live in one space;
    returns both as float32 unit rows (an all-zero row stays zero). Features
    that come out of a ReLU all point into one corner of the space, so every
    pair has a high cosine; centred, unrelated images score about 0, and
    images that are close to everything ("hubs") lose their pull.

    >>> db, q = centre(np.array([[1.0, 1.0], [1.0, 3.0]]), np.array([[2.0, 2.0]]))
    >>> db.tolist(), q.tolist()
    ([[0.0, -1.0], [0.0, 1.0]], [[1.0, 0.0]])
    """
    db, q = _matrix("database", database), _matrix("queries", queries)
    if q.shape[1] != db.shape[1]:
        raise ValueError(f"queries and database must have the same number of columns, got {q.shape[1]} and {db.shape[1]}")
    if len(db) == 0:
        raise ValueError("database is empty: there is no mean to subtract")
    mean = db.mean(axis=0)
    return _unit_rows(db - mean), _unit_rows(q - mean)


def precision_at_k(query_labels, retrieved_labels, k: int = 10) -> float:
    """Mean share of each query's first ``k`` results that have the query's label.

    ``query_labels`` is ``(n,)``; ``retrieved_labels`` is ``(n, m)`` with
    ``m >= k``, the labels of each query's results, most similar first
    (``labels[indices]`` with the indices of :func:`cosine_search`).

    >>> precision_at_k([0, 1], [[0, 0, 1], [0, 1, 1]], k=2)
    0.75
    """
    query = np.asarray(query_labels)
    retrieved = np.asarray(retrieved_labels)
    if query.ndim != 1 or retrieved.ndim != 2 or len(retrieved) != len(query):
        raise ValueError("query_labels must be (n,) and retrieved_labels (n, m) for the same n, got shapes "
                         f"{query.shape} and {retrieved.shape}")
    if len(query) == 0:
        raise ValueError("no queries to score: query_labels is empty")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= retrieved.shape[1]:
        raise ValueError(f"k must be an int between 1 and {retrieved.shape[1]} (the results per query), got {k!r}")
    return float((retrieved[:, :k] == query[:, None]).mean())


def precision_by_category(top, labels, k: int = 10) -> np.ndarray:
    """precision@k of a collection searched with each of its own items, one number per category.

    ``top`` is ``(n, m)``, ``m >= k``: row ``i`` holds the row numbers of item
    ``i``'s results, most similar first, the item itself left out
    (:func:`cosine_search` with ``exclude_self=True``). ``labels`` is ``(n,)``,
    the category of each item, an int from 0 to C - 1. Each query scores the
    share of its first ``k`` results that are in its own category; entry ``c``
    of the result is the mean of that share over the queries of category
    ``c``: a float ``(C,)`` array, NaN for a category without items. The
    mean of the result weighs every category alike (a *macro* average);
    :func:`precision_at_k` weighs every query alike.

    >>> precision_by_category([[1, 2], [0, 2], [1, 0]], [0, 0, 1], k=1).tolist()
    [1.0, 0.0]
    """
    top, labels = np.asarray(top), np.asarray(labels)
    if top.ndim != 2 or labels.shape != (len(top),):
        raise ValueError(f"top must be (n, m) and labels (n,) for the same n, got shapes {top.shape} and "
                         f"{labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer) or (len(labels) and labels.min() < 0):
        raise ValueError("labels must be ints from 0 to C - 1 (np.unique(..., return_inverse=True) gives them)")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= top.shape[1]:
        raise ValueError(f"k must be an int between 1 and {top.shape[1]} (the results per query), got {k!r}")
    hits = (labels[top[:, :k]] == labels[:, None]).mean(axis=1)
    counts = np.bincount(labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.bincount(labels, weights=hits, minlength=len(counts)) / counts


def kmeans_nmi(vectors, labels, *, n_clusters: int | None = None, seed: int = 0) -> float:
    """Cluster ``vectors`` with k-means and score the clusters against ``labels``.

    k-means (scikit-learn, 10 restarts from ``seed``) with ``n_clusters``
    clusters (None: one per distinct label), then the normalised mutual
    information between clusters and labels: 1 when the clusters are the
    classes, about 0 when they are unrelated. Cluster numbers are arbitrary;
    NMI does not care which cluster is called what.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    x = _matrix("vectors", vectors)
    labels = np.asarray(labels)
    if labels.shape != (len(x),):
        raise ValueError(f"labels must be (n,) with one label per row of vectors ({len(x)}), got shape {labels.shape}")
    n_clusters = len(np.unique(labels)) if n_clusters is None else _positive_int("n_clusters", n_clusters)
    clusters = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(x)
    return float(normalized_mutual_info_score(labels, clusters))


