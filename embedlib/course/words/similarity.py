"""Checks for 01_words/03_similarity: cosine, nearest neighbours, rank correlation."""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, call, show
from ._common import as_number

_COSINE_CASES = [
    (np.array([1.0, 0.0]), np.array([0.0, 2.0])),  # orthogonal
    (np.array([3.0, 4.0]), np.array([6.0, 8.0])),  # same direction, different length
    (np.array([1.0, 2.0, 3.0]), np.array([-2.0, 0.5, 1.0])),
    (np.array([0.5, -1.0, 2.0, 0.1]), np.array([-0.5, 1.0, -2.0, -0.1])),  # opposite
]


def _check_cosine_similarity(cosine_similarity) -> str:
    for u, v in _COSINE_CASES:
        label = f"cosine_similarity({show(u.tolist())}, {show(v.tolist())})"
        got = call(cosine_similarity, u.copy(), v.copy(), _label=label)
        got = as_number(got, label)
        expected = float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))
        if np.isclose(got, expected, atol=1e-6):
            continue
        if np.isclose(got, float(u @ v)):
            raise Incorrect(f"`{label}` = {got:g} is the plain dot product; divide by both vectors' lengths")
        if np.isclose(got, float(np.linalg.norm(u - v))):
            raise Incorrect(f"`{label}` = {got:g} is the Euclidean distance; cosine compares directions")
        if not -1 - 1e-9 <= got <= 1 + 1e-9:
            raise Incorrect(f"`{label}` = {got:g} is outside [-1, 1]; normalise *both* vectors")
        raise Incorrect(f"`{label}` = {got:g} is not the cosine of the angle between the vectors")
    return f"all {len(_COSINE_CASES)} test cases pass"


cosine_similarity = Exercise(
    "cosine_similarity",
    _check_cosine_similarity,
    hints=["`u @ v / (np.linalg.norm(u) * np.linalg.norm(v))`."],
)


def _neighbour_fixture():
    words = ["cat", "dog", "kitten", "car", "bus", "the"]
    vectors = np.array([
        [1.0, 0.1, 0.0], [0.9, 0.3, 0.0], [0.8, 0.0, 0.1],
        [0.0, 1.0, 0.1], [0.1, 0.9, 0.3], [5.0, 5.0, 5.0],  # 'the': long, points everywhere
    ])
    return words, vectors


def _check_most_similar(most_similar) -> str:
    words, vectors = _neighbour_fixture()
    u = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cases = [("cat", 2), ("car", 3), ("the", 1), ("kitten", 5)]
    for word, topn in cases:
        label = f"most_similar({word!r}, vectors, words, topn={topn})"
        got = call(most_similar, word, vectors.copy(), list(words), topn, _label=label)
        if not isinstance(got, (list, tuple)) or not all(isinstance(w, str) for w in got):
            raise Incorrect(f"Expected `{label}` to return a list of words; got {show(got)}")
        got = list(got)
        i = words.index(word)
        scores = u @ u[i]
        scores[i] = -np.inf
        expected = [words[j] for j in np.argsort(-scores, kind="stable")[:topn]]
        if got == expected:
            continue
        if word in got:
            raise Incorrect(f"`{label}` contains {word!r} itself; leave the query word out")
        if len(got) != topn:
            raise Incorrect(f"Expected `{label}` to return {topn} words; got {len(got)}")
        dots = vectors @ vectors[i]
        dots[i] = -np.inf
        if got == [words[j] for j in np.argsort(-dots, kind="stable")[:topn]]:
            raise Incorrect(f"`{label}` ranks by dot product, so long vectors like 'the' win; "
                            "normalise the vectors to rank by cosine")
        lowest = scores.copy()
        lowest[i] = np.inf
        if got == [words[j] for j in np.argsort(lowest, kind="stable")[:topn]]:
            raise Incorrect(f"`{label}` is sorted the wrong way round: most similar first")
        raise Incorrect(f"`{label}` does not give the {topn} nearest words by cosine, most similar first")
    return f"all {len(cases)} test cases pass"


most_similar = Exercise(
    "most_similar",
    _check_most_similar,
    hints=[
        "Normalise all rows once: `unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)`; "
        "then `unit @ unit[i]` is the cosine of every word with word `i`, in one go.",
        "Set the query's own score to `-np.inf`, then `np.argsort(-scores)[:topn]`.",
    ],
)

_RHO_CASES = [
    (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([1.0, 4.0, 9.0, 16.0, 100.0])),  # monotone, not linear
    (np.array([3.0, 1.0, 2.0, 5.0, 4.0]), np.array([0.1, 0.5, 0.2, 0.9, 0.3])),  # unsorted input
    (np.array([1.0, 2.0, 2.0, 3.0, 5.0, 5.0]), np.array([2.0, 1.0, 3.0, 3.0, 6.0, 4.0])),  # ties
]


def _check_spearman_rho(spearman_rho) -> str:
    from scipy.stats import pearsonr, rankdata, spearmanr

    for x, y in _RHO_CASES:
        label = f"spearman_rho({show(x.tolist())}, {show(y.tolist())})"
        got = call(spearman_rho, x.copy(), y.copy(), _label=label)
        got = as_number(got, label)
        expected = float(spearmanr(x, y).statistic)
        if np.isclose(got, expected, atol=1e-6):
            continue
        if np.isclose(got, float(pearsonr(x, y).statistic), atol=1e-6):
            raise Incorrect(f"`{label}` = {got:.3f} is Pearson's r of the raw values; correlate the *ranks*")
        ordinal = float(pearsonr(rankdata(x, "ordinal"), rankdata(y, "ordinal")).statistic)
        if np.isclose(got, ordinal, atol=1e-6):
            raise Incorrect(f"`{label}`: tied values must share the average of their ranks "
                            "(rankdata(x) does this by default)")
        if np.isclose(got, float(pearsonr(np.argsort(x), np.argsort(y)).statistic), atol=1e-6):
            raise Incorrect(f"`{label}`: np.argsort gives the order of the items, not their ranks; "
                            "the rank of item i is np.argsort(np.argsort(x))[i], or use scipy.stats.rankdata")
        raise Incorrect(f"`{label}` = {got:.3f} is not Spearman's rank correlation")
    return f"all {len(_RHO_CASES)} test cases pass"


spearman_rho = Exercise(
    "spearman_rho",
    _check_spearman_rho,
    hints=[
        "Spearman's rho is Pearson's correlation computed on ranks instead of values.",
        "`scipy.stats.rankdata(x)` gives ranks, ties averaged; `np.corrcoef(rx, ry)[0, 1]` the correlation.",
    ],
)
