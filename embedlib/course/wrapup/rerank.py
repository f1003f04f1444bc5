"""Check of ``rerank_mrr`` (notebook 06_wrap_up/01_embed_all_the_things).

The learner's answer is compared with :func:`embedlib.search.rerank_mrr` on
small rankings chosen so that the usual mistakes show (cut-off, order,
positions from 1, misses counted as 0), and the feedback names the mistake.
"""
from __future__ import annotations

import numpy as np

from ...search import rerank_mrr as _rerank_mrr
from ..checks import Exercise, Incorrect, call, show

# -- rerank_mrr -------------------------------------------------------------------------------


def _case(first, second, relevant, n):
    return np.array(first, dtype=float), np.array(second, dtype=float), np.array(relevant, dtype=bool), n


# Case 1: one relevant paragraph re-ranked to third; one found only by the second stage (outside
# the first pass's n, so it scores 0); one query with two relevant documents.
_CASE_MIXED = _case(
    first=[[5, 9, 1, 7, 3, 8],      # top 3: 1, 5, 3
           [9, 8, 7, 1, 0.5, 2],    # top 3: 0, 1, 2
           [2, 8, 4, 6, 9, 1]],     # top 3: 4, 1, 3
    second=[[0.2, 0.5, 0.4, 0.6, 0.9, 0.3],   # candidates ordered 3, 1, 5
            [0.1, 0.2, 0.3, 0.4, 0.99, 0.5],  # 2, 1, 0; document 4 is best but not a candidate
            [0.7, 0.5, 0.1, 0.8, 0.3, 0.2]],  # 3, 1, 4
    relevant=[[0, 0, 0, 0, 0, 1],
              [0, 0, 0, 0, 1, 0],
              [0, 1, 0, 1, 0, 0]],
    n=3,
)
# Case 2: fifteen documents and n = 12, more than a habitual top 10: the relevant document is
# eleventh in both passes. A second query's relevant document is thirteenth in the first pass.
_FIRST_15 = np.arange(15, 0, -1, dtype=float)  # the first pass ranks 0, 1, ..., 14
_SECOND_15 = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.95, 0.1, 0.05])
_CASE_LONG = _case(
    first=[_FIRST_15, _FIRST_15],
    second=[_SECOND_15, _SECOND_15],
    relevant=[np.arange(15) == 10, np.arange(15) == 12],
    n=12,
)
# Case 3: n larger than the number of documents keeps them all; then n = 1 keeps only the first. In the
# first query the second scores are as large as the gaps between the first ones: ordered by second scores
# the relevant document is third, by first scores second, by their sum first.
_CASE_ALL = _case(first=[[1, 4, 3, 2], [2, 1, 4, 3]], second=[[3, 0.2, 1.5, 1.8], [0.1, 0.2, 0.3, 0.4]],
                  relevant=[[0, 0, 1, 0], [1, 0, 0, 0]], n=50)
_CASE_ONE = _CASE_ALL[:3] + (1,)
_RERANK_CASES = [_CASE_MIXED, _CASE_LONG, _CASE_ALL, _CASE_ONE]


def _final_list(p, o, n, *, cap=None, rerank=True, descending=True, append_rest=False, summed=False):
    """One query's final list of document indices, computed right (the defaults) or with a mistake."""
    by_p = np.argsort(-p, kind="stable")
    candidates = np.sort(by_p[:min(n, cap or n)])
    key = (-o[candidates] if descending else o[candidates]) if rerank else -p[candidates]
    key = -(p[candidates] + o[candidates]) if summed else key
    ranked = candidates[np.argsort(key, kind="stable")]
    if append_rest:
        ranked = np.concatenate([ranked, np.setdiff1d(by_p, candidates, assume_unique=True)[np.argsort(
            np.flatnonzero(~np.isin(by_p, candidates)), kind="stable")]]).astype(np.int64)
    return ranked


def _reciprocal(r: int, zero_based: bool = False) -> float:
    if not r:
        return 0.0
    return (1 / (r - 1) if r > 1 else np.inf) if zero_based else 1 / r


def _rerank_variants(first, second, relevant, n) -> dict[str, float]:
    """The score each usual mistake gives on one test case."""
    def positions(swapped=False, **how):
        pick, order = (second, first) if swapped else (first, second)
        return [[i + 1 for i, d in enumerate(_final_list(p, o, n, **how)) if r[d]]
                for p, o, r in zip(pick, order, relevant)]

    def mrr(lists, **kw):
        return float(np.mean([_reciprocal(p[0] if p else 0, **kw) for p in lists]))

    right = positions()
    firsts = [p[0] for p in right if p]
    return {
        "all": mrr([[i + 1 for i, d in enumerate(np.argsort(-o, kind="stable")) if r[d]]
                    for o, r in zip(second, relevant)]),
        "summed": mrr(positions(summed=True)),
        "no_rerank": mrr(positions(rerank=False)),
        "swapped": mrr(positions(swapped=True)),
        "ascending": mrr(positions(descending=False)),
        "top10": mrr(positions(cap=10)),
        "zero_based": mrr(right, zero_based=True),
        "inverse_mean": 1 / np.mean(firsts) if firsts else np.nan,
        "pooled": float(np.mean([1 / r for p in right for r in p])) if firsts else np.nan,
        "summed_relevant": float(np.mean([sum(1 / r for r in p) for p in right])),
        "hits_only": float(np.mean([1 / r for r in firsts])) if firsts else np.nan,
        "rest_appended": mrr(positions(append_rest=True)),
    }


_RERANK_MISTAKES = {
    "all": "re-ranks every document by `second_scores`: keep only the `n` best documents of `first_scores` "
           "(the first pass), then order just those",
    "summed": "orders the candidates by `first_scores` + `second_scores`; the first pass only chooses the `n` "
              "candidates, then `second_scores` alone orders them, highest first",
    "no_rerank": "keeps the first pass's order: re-rank the `n` candidates by `second_scores`, highest first",
    "swapped": "swaps the two stages: `first_scores` picks the `n` candidates, `second_scores` orders them",
    "ascending": "orders the candidates lowest score first: the best (highest `second_scores`) comes first",
    "top10": "keeps at most 10 candidates: keep all `n` that the first pass hands over, more than 10 too",
    "zero_based": "counts positions from 0: positions start at 1 (the first document has position 1, "
                  "reciprocal rank 1)",
    "inverse_mean": "is 1 / (mean position); the MRR is the mean of the reciprocal ranks: 1 / position for "
                    "each query first, then the mean over queries",
    "pooled": "averages 1 / position over every relevant document; only the *first* relevant document of "
              "each query counts, then take the mean over queries",
    "summed_relevant": "adds up 1 / position over all the relevant documents of a query; only the *first* relevant "
              "document of each query counts",
    "hits_only": "leaves out the queries whose relevant documents the first pass missed: they count, with "
                 "reciprocal rank 0, in the mean over all queries",
    "rest_appended": "ranks the documents the first pass left out after the candidates; a query whose relevant "
                     "documents are all outside the `n` candidates scores 0",
}


def _rerank_error_note(err: Incorrect, first, relevant, n) -> str:
    text = str(err)
    if n > first.shape[1]:
        return (f"; here n = {n} is more than the {first.shape[1]} documents: then every document is a "
                "candidate")
    if "ZeroDivisionError" in text:
        return "; positions start at 1, so the first document has reciprocal rank 1 / 1"
    kept = np.argsort(-first, axis=1, kind="stable")[:, :n]
    if not np.take_along_axis(relevant, kept, axis=1).any(axis=1).all():
        return ("; when none of a query's relevant documents is among the `n` candidates, that query "
                "scores 0")
    return ""


def _check_rerank_mrr(rerank_mrr) -> str:
    answers = []
    for first, second, relevant, n in _RERANK_CASES:
        label = (f"rerank_mrr(first_scores, second_scores, relevant, n={n}) with {first.shape[0]} queries "
                 f"and {first.shape[1]} documents")
        try:
            got = call(rerank_mrr, first.copy(), second.copy(), relevant.copy(), n, _label=label)
        except Incorrect as err:
            raise Incorrect(f"{err}{_rerank_error_note(err, first, relevant, n)}") from None
        if isinstance(got, (list, tuple)) or np.ndim(got) > 0:
            raise Incorrect(f"`{label}` returned {show(got)}: return one number, the mean reciprocal rank over "
                            "all queries, not one value per query")
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return a number; got {show(got)}") from None
        answers.append((label, value, _rerank_mrr(first, second, relevant, n),
                        _rerank_variants(first, second, relevant, n)))
    for label, value, expected, _ in answers:
        if np.isclose(value, expected, atol=1e-9):
            continue
        # blame a mistake only if it explains the answers to every test case
        for name, message in _RERANK_MISTAKES.items():
            if all(np.isclose(v, variants[name], atol=1e-9, equal_nan=True) for _, v, _, variants in answers):
                raise Incorrect(f"`{label}` = {value:.4g}: it {message}")
        raise Incorrect(f"`{label}` = {value:.4g}; expected {expected:.4g}")
    return (f"all {len(_RERANK_CASES)} test cases pass: the cut at n (above 10 too), misses scoring 0, the first "
            "relevant document only, the mean over queries")


rerank_mrr = Exercise(
    "rerank_mrr",
    _check_rerank_mrr,
    hints=[
        "Take one query (one row) at a time. Stage one: the indices of its `n` highest `first_scores`. "
        "Stage two: order just those indices by their `second_scores`, highest first. Then walk down that list "
        "to the first document whose `relevant` entry is True.",
        "Worked on other numbers: first scores [0.2, 0.9, 0.5, 0.7] and n = 2 keep documents 1 and 3; second "
        "scores [.., 0.1, .., 0.8] put document 3 first, then 1. If only document 1 is relevant, its position "
        "is 2 and the query scores 1/2; if only document 2 is relevant, the first pass dropped it and the "
        "query scores 0.",
        "`np.argsort` sorts from low to high, so sort the negated scores to get the highest first; its "
        "`kind=\"stable\"` sends ties to the lower index. Slicing keeps the first few: a list of 12 candidates "
        "is as fine as one of 3. At the end, take the mean of the per-query scores, zeros included.",
        "`ex.rerank_mrr.solution()` shows one answer.",
    ],
)
