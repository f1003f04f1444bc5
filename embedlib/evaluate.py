"""Scores for embeddings: word similarity, analogies, recommendations (more chapters add more).

Every function takes an :class:`~embedlib.vectors.Embeddings` and plain data
(lists of pairs or questions), never a file path, so they work on any data.
The loaders in :mod:`embedlib.data` read the benchmark files that ship with
gensim.

Example
-------
>>> from embedlib.vectors import Embeddings
>>> emb = Embeddings(["cat", "dog", "car"], [[1.0, 0.1], [0.9, 0.3], [0.1, 1.0]])
>>> result = word_similarity(emb, [("cat", "dog", 9.0), ("cat", "car", 2.0), ("dog", "car", 3.0)])
>>> round(result.rho, 2), result.coverage
(1.0, 1.0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ._inputs import ranked_lists
from .vectors import Embeddings, normalize

__all__ = ["SimilarityResult", "word_similarity", "row_similarity", "sweep", "AnalogyResult", "analogies",
           "answer_analogies", "neighbour_overlap", "overlap_by_dimension", "hit_rate_at_k"]


@dataclass(frozen=True)
class SimilarityResult:
    """Spearman's rho between human scores and cosine similarity."""

    rho: float
    n_pairs: int
    coverage: float  # share of the benchmark's pairs whose both words are known


def word_similarity(emb: Embeddings, pairs: Iterable[tuple[str, str, float]]) -> SimilarityResult:
    """Spearman's rank correlation between human similarity scores and cosines.

    Pairs with a word missing from ``emb`` are skipped; ``coverage`` says
    how many were kept.
    """
    from scipy.stats import spearmanr

    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs is empty")
    kept = [(a, b, s) for a, b, s in pairs if a in emb and b in emb]
    if len(kept) < 3:
        return SimilarityResult(float("nan"), len(kept), len(kept) / len(pairs))
    u = emb.unit_vectors
    ia = np.array([emb.index(a) for a, _, _ in kept])
    ib = np.array([emb.index(b) for _, b, _ in kept])
    cos = np.einsum("ij,ij->i", u[ia], u[ib])
    rho = spearmanr([s for _, _, s in kept], cos).statistic
    return SimilarityResult(float(rho), len(kept), len(kept) / len(pairs))


def row_similarity(rows, words: Sequence[str], pairs: Iterable[tuple[str, str, float]]) -> SimilarityResult:
    """:func:`word_similarity` for the rows of a matrix, dense or scipy sparse.

    Row ``i`` of ``rows`` describes ``words[i]``: a row of a PPMI matrix, say,
    too wide to hold densely as :class:`~embedlib.vectors.Embeddings`. The
    cosine of two all-zero rows counts as 0.

    >>> import scipy.sparse as sp
    >>> rows = sp.csr_matrix([[1.0, 0.0, 1.0], [1.0, 0.0, 0.5], [0.0, 2.0, 0.0]])
    >>> round(row_similarity(rows, ["cat", "dog", "car"], [("cat", "dog", 9.0), ("cat", "car", 2.0),
    ...                                                      ("dog", "car", 3.0)]).rho, 2)
    0.87
    """
    import scipy.sparse as sp
    from scipy.stats import spearmanr

    m = sp.csr_matrix(rows, dtype=np.float64)
    if m.shape[0] != len(words):
        raise ValueError(f"rows has {m.shape[0]} rows but there are {len(words)} words: one row per word")
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs is empty")
    index = {w: i for i, w in enumerate(words)}
    kept = [(index[a], index[b], s) for a, b, s in pairs if a in index and b in index]
    if len(kept) < 3:
        return SimilarityResult(float("nan"), len(kept), len(kept) / len(pairs))
    ia, ib = (np.array([k[j] for k in kept]) for j in (0, 1))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    dots = np.asarray(m[ia].multiply(m[ib]).sum(axis=1)).ravel()
    lengths = norms[ia] * norms[ib]
    cos = np.divide(dots, lengths, out=np.zeros_like(dots), where=lengths > 0)
    rho = spearmanr([s for _, _, s in kept], cos).statistic
    return SimilarityResult(float(rho), len(kept), len(kept) / len(pairs))


def sweep(values: Iterable, build, scorers: dict) -> dict:
    """Vary one setting and measure: ``{value: {name: scorer(build(value))}}``.

    ``build(value)`` makes the model (a matrix, vectors...) for one value of
    the setting, once per value; every function in ``scorers`` (a dict name ->
    function of the model, returning a number) scores it.

    >>> sweep([1, 2], build=lambda w: w * 10, scorers={"half": lambda m: m / 2})
    {1: {'half': 5.0}, 2: {'half': 10.0}}
    """
    table = {}
    for value in values:
        model = build(value)
        table[value] = {name: float(score(model)) for name, score in scorers.items()}
    return table


@dataclass(frozen=True)
class AnalogyResult:
    """Accuracy on analogy questions, overall and per section."""

    accuracy: float
    n_questions: int
    coverage: float
    sections: dict[str, tuple[float, int]]  # section -> (accuracy, questions answered)


def _answer(u: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray, method: str, chunk: int = 512) -> np.ndarray:
    """Index of the best d for a : b :: c : d, query words excluded."""
    out = np.empty(len(a), dtype=np.int64)
    ut = np.ascontiguousarray(u.T)
    for s in range(0, len(a), chunk):
        ia, ib, ic = a[s : s + chunk], b[s : s + chunk], c[s : s + chunk]
        if method == "3cosadd":
            scores = (u[ib] - u[ia] + u[ic]) @ ut
        else:  # 3CosMul (Levy & Goldberg 2014): cosines shifted to [0, 1], sim(b) sim(c) / (sim(a) + 1e-3)
            scores, sim_c, sim_a = u[ib] @ ut, u[ic] @ ut, u[ia] @ ut  # in place below: no temporaries
            for sim in (scores, sim_c, sim_a):
                sim += 1
                sim *= 0.5
            sim_a += 1e-3
            scores *= sim_c
            scores /= sim_a
        rows = np.arange(len(ia))
        for idx in (ia, ib, ic):
            scores[rows, idx] = -np.inf
        out[s : s + chunk] = scores.argmax(axis=1)
    return out


def analogies(
    emb: Embeddings,
    questions: Sequence[tuple[str, str, str, str, str]],
    method: str = "3cosadd",
    restrict: int | None = None,
) -> AnalogyResult:
    """Accuracy on ``(section, a, b, c, d)`` questions: is ``d`` the best answer to a : b :: c : ?

    ``method`` is ``"3cosadd"`` (b - a + c) or ``"3cosmul"``. ``restrict``
    limits the candidate answers to the first ``restrict`` keys (the most
    frequent words, when keys are sorted by count), as gensim does.
    """
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"method must be '3cosadd' or '3cosmul', got {method!r}")
    questions = list(questions)
    if not questions:
        raise ValueError("questions is empty")
    keys = emb.keys[:restrict] if restrict else emb.keys
    u = normalize(emb.vectors[: len(keys)])
    index = {k: i for i, k in enumerate(keys)}
    kept = [q for q in questions if all(w in index for w in q[1:])]
    sections: dict[str, list[int]] = {}
    if kept:
        a, b, c, d = (np.array([index[q[i]] for q in kept]) for i in range(1, 5))
        correct = _answer(u, a, b, c, method) == d
        for q, ok in zip(kept, correct):
            sections.setdefault(q[0], []).append(int(ok))
        accuracy = float(correct.mean())
    else:
        accuracy = float("nan")
    return AnalogyResult(
        accuracy,
        len(kept),
        len(kept) / len(questions),
        {s: (float(np.mean(v)), len(v)) for s, v in sections.items()},
    )


def answer_analogies(
    emb: Embeddings,
    questions: Sequence[tuple[str, str, str]],
    method: str = "3cosadd",
    restrict: int | None = None,
) -> list:
    """The best answer ``d`` to each question ``(a, b, c)``, a : b :: c : ?, with a, b and c left out.

    ``method`` and ``restrict`` are as in :func:`analogies`; a question word
    outside the candidates raises ``KeyError`` naming it.

    >>> emb = Embeddings(["man", "woman", "king", "queen", "apple"],
    ...                  [[1.0, 0.1], [0.1, 1.0], [1.0, 0.3], [0.3, 1.0], [0.7, -0.7]])
    >>> answer_analogies(emb, [("man", "woman", "king")], method="3cosmul")
    ['queen']
    """
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"method must be '3cosadd' or '3cosmul', got {method!r}")
    keys = emb.keys[:restrict] if restrict else emb.keys
    index = {k: i for i, k in enumerate(keys)}
    missing = [w for q in questions for w in q if w not in index]
    if missing:
        raise KeyError(f"{missing[0]!r} is not among the {len(keys):,} candidate words")
    if not questions:
        return []
    a, b, c = (np.array([index[q[i]] for q in questions]) for i in range(3))
    return [keys[i] for i in _answer(normalize(emb.vectors[: len(keys)]), a, b, c, method)]


def neighbour_overlap(high: np.ndarray, low: np.ndarray, k: int = 10) -> float:
    """Share of each point's ``k`` nearest neighbours in ``high`` that are also
    among its ``k`` nearest in ``low`` (a map of it), averaged over points.

    Euclidean distances, each point excluded from its own neighbours;
    1.0 means the map keeps every neighbourhood.
    """
    high, low = np.asarray(high, dtype=float), np.asarray(low, dtype=float)
    if len(high) != len(low):
        raise ValueError(f"high and low must have the same number of rows, got {len(high)} and {len(low)}")
    if not 1 <= k < len(high):
        raise ValueError(f"k must be between 1 and {len(high) - 1}, got {k}")

    def nearest(points):
        sq = (points**2).sum(1)
        d = sq[:, None] + sq[None, :] - 2 * points @ points.T
        np.fill_diagonal(d, np.inf)
        return np.argsort(d, axis=1, kind="stable")[:, :k]

    a, b = nearest(high), nearest(low)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a.tolist(), b.tolist())]))


def overlap_by_dimension(X: np.ndarray, dims: Sequence[int], k: int = 10) -> np.ndarray:
    """:func:`neighbour_overlap` between ``X`` and its PCA map to ``d`` dimensions, for each ``d`` in ``dims``.

    Returns a float array with one overlap per entry of ``dims``, in their order;
    ``k`` (the number of neighbours) is the same for every map.

    >>> X = np.random.default_rng(0).normal(size=(30, 4))
    >>> overlap_by_dimension(X, [1, 4], k=3).round(2).tolist()[1]
    1.0
    """
    from sklearn.decomposition import PCA

    X = np.asarray(X, dtype=float)
    if not dims or any(not 1 <= d <= min(X.shape) for d in dims):
        raise ValueError(f"dims must be a non-empty list of dimensions between 1 and {min(X.shape)}, got {dims!r}")
    coords = PCA(n_components=max(dims)).fit_transform(X)  # the first d columns are the d-dimensional map
    return np.array([neighbour_overlap(X, coords[:, :d], k) for d in dims])


def hit_rate_at_k(recommended: Sequence[Sequence], targets: Sequence, k: int = 10) -> float:
    """Share of cases whose target is among the first ``k`` recommendations.

    ``recommended[i]`` is a ranked list of recommendations for case ``i``
    (it may be shorter than ``k``) and ``targets[i]`` what really came next.
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an int >= 1, got {k!r}")
    recommended = ranked_lists(recommended, "recommended")
    if isinstance(targets, (str, bytes)):
        raise TypeError(f"targets must be a list with one target per case, got one str ({targets[:40]!r})")
    if len(recommended) != len(targets):
        raise ValueError(f"recommended and targets must have the same length, got {len(recommended)} and {len(targets)}")
    if len(targets) == 0:
        raise ValueError("no cases to score: targets is empty")
    hits = sum(target in list(recs)[:k] for recs, target in zip(recommended, targets))
    return hits / len(targets)
