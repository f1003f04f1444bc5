"""Search in two stages: a keyword first pass (BM25), then re-ranking, and its score.

- :func:`bm25_scores` — Okapi BM25 keyword scores of every document for
  every query, computed by the ``bm25s`` package: each query word that a
  document contains adds its rarity (inverse document frequency), with
  diminishing returns for repeats and a discount for long documents.
- :func:`rerank` — keep the ``n`` best documents of a first pass, then
  order them by a second score (a sentence encoder's cosine, say).
- :func:`first_relevant_rank` and :func:`rerank_mrr` — where the first
  relevant document lands, and the mean reciprocal rank over queries.

Scores are arrays of shape ``(n_queries, n_documents)``, higher is better;
``relevant`` is a boolean array of the same shape. Ties go to the lower
document index.

Example
-------
>>> import numpy as np
>>> first = np.array([[3.0, 2.0, 1.0, 0.0]])
>>> second = np.array([[0.1, 0.9, 0.5, 1.0]])
>>> rerank(first, second, n=3).tolist()
[[1, 2, 0]]
>>> rerank_mrr(first, second, relevant=np.array([[False, False, True, True]]), n=3)
0.5
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from ._inputs import texts as text_list

__all__ = ["bm25_scores", "rerank", "first_relevant_rank", "rerank_mrr"]

_INSTALL = "pip install bm25s (or pip install 'embedlib[wrapup]')"


def bm25_scores(documents: Iterable[str], queries: Iterable[str], *, k1: float = 1.5, b: float = 0.75,
                stopwords: str | Iterable[str] | None = "en",
                tokenize: Callable[[str], list] | None = None) -> np.ndarray:
    """Okapi BM25 score of every document for every query, with the ``bm25s`` package.

    Texts are split by ``tokenize`` (default :func:`embedlib.text.tokenize`;
    ``tokenize=list`` for texts already split into tokens) and the words in
    ``stopwords`` dropped (``"en"``: bm25s's English list; ``None`` keeps
    every word). ``k1`` sets how fast repeats of a word stop adding to the
    score, ``b`` how much long documents are discounted (Lucene's variant
    of BM25, the bm25s default). Returns a float64 array of shape
    ``(n_queries, n_documents)``, higher is better; a query with no word in
    any document scores 0 everywhere. Raises ``ImportError`` naming the
    package if bm25s is missing, ``ValueError`` for no documents.
    """
    try:
        import bm25s
    except ImportError as err:
        raise ImportError(f"bm25_scores needs {err.name or 'bm25s'!r}: {_INSTALL}") from err
    strings = tokenize is None
    documents = text_list(documents, "documents", strings=strings)
    queries = text_list(queries, "queries", strings=strings)
    if not documents:
        raise ValueError("documents is empty: give at least one document to score")
    if tokenize is None:
        from .text import tokenize
    if stopwords == "en":
        from bm25s.stopwords import STOPWORDS_EN as stopwords
    drop = frozenset(stopwords or ())

    def words(text) -> list:
        return [w for w in tokenize(text) if w not in drop]

    index = bm25s.BM25(k1=k1, b=b)
    index.index([words(d) for d in documents], show_progress=False)
    out = np.zeros((len(queries), len(documents)))
    for i, query in enumerate(queries):
        known = [w for w in words(query) if w in index.vocab_dict]
        if known:
            out[i] = index.get_scores(known)
    return out


def _scores(value, name: str, shape: tuple | None = None) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_queries, n_documents), got shape {array.shape}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have the shape of first_scores, {shape}, got {array.shape}")
    return array


def rerank(first_scores, second_scores, n: int) -> np.ndarray:
    """The ``n`` best documents of ``first_scores`` for each query, ordered by ``second_scores``.

    Both scores have shape ``(n_queries, n_documents)``, higher is better;
    ties go to the lower document index in both stages. ``n`` larger than
    the number of documents keeps them all. Returns an int64 array of
    shape ``(n_queries, min(n, n_documents))`` of document indices, best
    first. Raises ``ValueError`` for ``n < 1`` or mismatched shapes.
    """
    first = _scores(first_scores, "first_scores")
    second = _scores(second_scores, "second_scores", first.shape)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    candidates = np.argsort(-first, axis=1, kind="stable")[:, :n]
    candidates.sort(axis=1)  # in document order, so that ties in the second stage go to the lower index
    order = np.argsort(-np.take_along_axis(second, candidates, axis=1), axis=1, kind="stable")
    return np.take_along_axis(candidates, order, axis=1)


def first_relevant_rank(ranking, relevant) -> np.ndarray:
    """Position (from 1) of the first relevant document in each query's ranking; 0 if none is there.

    ``ranking`` is an int array ``(n_queries, k)`` of document indices, best
    first (from :func:`rerank`, say; ``k`` may be shorter than the number of
    documents); ``relevant`` a boolean array ``(n_queries, n_documents)``.
    Returns an int64 array of shape ``(n_queries,)``.
    """
    ranking = np.asarray(ranking)
    relevant = np.asarray(relevant, dtype=bool)
    if ranking.ndim != 2 or relevant.ndim != 2 or len(ranking) != len(relevant):
        raise ValueError(f"ranking (n_queries, k) and relevant (n_queries, n_documents) must be 2-D with one row "
                         f"per query, got shapes {ranking.shape} and {relevant.shape}")
    hits = np.take_along_axis(relevant, ranking, axis=1)
    return np.where(hits.any(axis=1), hits.argmax(axis=1) + 1, 0)


def rerank_mrr(first_scores, second_scores, relevant, n: int) -> float:
    """Mean reciprocal rank of two-stage search: the first pass keeps ``n`` documents, the second orders them.

    For each query, 1 / (position of its first relevant document in
    :func:`rerank`'s list), 0 if the first pass left every relevant document
    out; then the mean over queries. ``relevant`` is a boolean array of the
    shape of the scores.
    """
    ranking = rerank(first_scores, second_scores, n)
    relevant = np.asarray(relevant)
    if relevant.shape != np.shape(first_scores):
        raise ValueError(f"relevant must have the shape of the scores, {np.shape(first_scores)}, got {relevant.shape}")
    ranks = first_relevant_rank(ranking, relevant)
    return float(np.mean(np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0)))
