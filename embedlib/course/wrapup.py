"""Checks for chapter 6, Wrap-up (one notebook, 06_wrap_up/01_embed_all_the_things).

Each check compares the learner's answer with the library's reference
(:class:`embedlib.sentences.SIF`, :func:`embedlib.search.rerank_mrr`) on
small inputs chosen so that the usual mistakes show, and says which input
failed and what the mistake is.
"""
from __future__ import annotations

import numpy as np

from ..search import rerank_mrr as _rerank_mrr
from ..sentences import SIF
from ..vectors import Embeddings
from .checks import Exercise, Incorrect, Written, call, show

# -- sif_embeddings ---------------------------------------------------------------------------

# Word vectors of different lengths (so that unit vectors matter), a few frequent words, and
# texts of different lengths with repeats, a word missing from word_prob and unknown words.
_WORDS = ["the", "of", "a", "cat", "sat", "mat", "bank", "river", "money"]
_VECTORS = np.array([
    [2.0, 1.5, 1.0, 0.8],    # the
    [1.8, 1.2, 1.4, 0.6],    # of
    [0.9, 0.7, 0.4, 0.5],    # a
    [0.3, -1.2, 0.2, 0.1],   # cat
    [0.2, 0.1, -0.6, 0.9],   # sat
    [-0.4, -0.5, 0.1, 1.1],  # mat
    [1.0, 0.2, -1.5, -0.3],  # bank
    [0.1, 0.9, -0.2, -1.3],  # river
    [1.6, -0.4, -0.9, 0.2],  # money
])
_PROB = {"the": 0.06, "of": 0.03, "a": 0.02, "cat": 2e-4, "sat": 1e-4, "mat": 3e-5, "bank": 1e-4, "money": 2e-4}
# "river" is not in _PROB (probability 0, weight 1); "on", "in", "zzz", "qqq" have no vector
_TEXTS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["the", "bank", "of", "the", "river"],
    ["money", "in", "the", "bank"],
    ["a", "cat", "a", "cat", "a", "cat", "a"],
    ["zzz", "qqq"],
    ["the", "of", "a", "the", "of", "a", "the", "of", "mat"],
]
_SIF_CASES = [(_TEXTS, 1e-3), (_TEXTS[:4], 1e-2), ([_TEXTS[1], _TEXTS[3], _TEXTS[0]], 1e-3)]


def _sif_variant(texts, a, *, unit=True, weight="sif", dedupe=False, divide="known", remove="svd",
                 missing_prob=0.0) -> np.ndarray:
    """SIF vectors computed right (the defaults) or with one of the usual mistakes, for diagnosis."""
    vectors = _VECTORS / np.linalg.norm(_VECTORS, axis=1, keepdims=True) if unit else _VECTORS
    index = {w: i for i, w in enumerate(_WORDS)}
    rows = []
    for tokens in texts:
        tokens = list(dict.fromkeys(tokens)) if dedupe else tokens
        known = [w for w in tokens if w in index]
        p = np.array([_PROB.get(w, missing_prob) for w in known])
        w = {"sif": a / (a + p), "inverted": p / (a + p), "none": np.ones(len(p))}[weight]
        total = w @ vectors[[index[t] for t in known]] if known else np.zeros(_VECTORS.shape[1])
        by = {"known": len(known), "all": len(tokens), "weights": w.sum(), "sum": 1}[divide]
        rows.append(total / by if known else total)
    X = np.array(rows)
    if remove == "none":
        return X
    if remove == "mean":
        return X - X.mean(axis=0)
    centred = X - X.mean(axis=0) if remove == "centred" else X
    vt = np.linalg.svd(centred, full_matrices=False)[2]
    u = vt[:, 0] if remove == "column" else vt[0]
    return X - np.outer(X @ u, u)


def _same_directions(got: np.ndarray, expected: np.ndarray) -> bool:
    """Row by row the same direction (any positive length); a zero row must stay zero."""
    for g, e in zip(got, expected):
        ne, ng = np.linalg.norm(e), np.linalg.norm(g)
        if ne < 1e-9:
            if ng > 1e-6:
                return False
        elif ng < 1e-9 or g @ e / (ng * ne) < 1 - 1e-5:
            return False
    return True


# The same answer, reached another way: these normalisations of the mean only rescale rows
# before the common direction is found, and Arora et al.'s own code divides by the number of
# tokens (unknown ones included); all three are accepted.
_ACCEPTED = [{}, {"divide": "all"}, {"divide": "weights"}]

# (how the answer was computed, what to tell the learner), most specific first
_SIF_MISTAKES = [
    ({"dedupe": True}, "counts each word once per text: a word repeated in a text counts each time it "
                       "appears (its weighted vector is added once per occurrence)"),
    ({"weight": "inverted"}, "gives frequent words the *big* weights, p / (a + p); frequent words must weigh "
                             "*less*: weight = a / (a + p(word))"),
    ({"weight": "none"}, "leaves the words unweighted; weight each unit word vector by a / (a + p(word))"),
    ({"unit": False}, "averages the raw word vectors; use the *unit* word vectors (each scaled to length 1), "
                      "as `mean_word_vectors` does"),
    ({"divide": "sum"}, "adds the weighted vectors up without dividing: take the mean (divide by the number "
                        "of words that have a vector), or long texts decide the common direction"),
    ({"remove": "none"}, "is the weighted mean only: remove the common component too, the projection of each "
                         "vector on the first right singular vector of the matrix of all the texts' vectors"),
    ({"remove": "centred"}, "centres the matrix (subtracts the mean row) before the SVD, as PCA does: do not "
                            "centre; the direction every text shares is the one to remove, and centring takes it "
                            "out before the SVD can find it"),
    ({"remove": "mean"}, "subtracts the mean of the texts' vectors; remove the projection on the first right "
                         "singular vector instead: X - (X @ u) u for each row"),
    ({"remove": "column"}, "takes the first *column* of Vt; the first right singular vector is the first *row* "
                           "of Vt in `U, S, Vt = np.linalg.svd(X)`"),
]


def _as_matrix(got, label: str, n_texts: int, dim: int) -> np.ndarray:
    try:
        values = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return an array of shape ({n_texts}, {dim}), one row per text; "
                        f"got {show(got)}") from None
    if values.shape == (dim,):
        raise Incorrect(f"`{label}` returned one vector of {dim} numbers for all {n_texts} texts: return one row "
                        "per text (the mean over each text's own words), shape (n_texts, dim)")
    if values.shape != (n_texts, dim):
        raise Incorrect(f"Expected `{label}` to return an array of shape ({n_texts}, {dim}), one row per text; "
                        f"got shape {values.shape}")
    return values


def _sif_error_note(err: Incorrect, texts) -> str:
    """A sentence that names the likely cause of an error raised on the SIF test texts."""
    text = str(err)
    if "ZeroDivisionError" in text or "empty" in text:
        return (f"; text {texts.index(['zzz', 'qqq'])} has no word with a vector: give such a text a row of zeros"
                if ["zzz", "qqq"] in texts else "")
    if ("mismatch" in text or "shape" in text or "aligned" in text) and len(texts) < _VECTORS.shape[1]:
        return (f"; here {len(texts)} texts of {_VECTORS.shape[1]} dimensions: the first right singular vector, of "
                "length dim, is the first *row* of Vt")
    if "KeyError" in text and "'river'" in text:
        return "; 'river' is not in `word_prob`: a word missing from it has probability 0 (weight 1)"
    if "KeyError" in text and any(f"'{w}'" in text for w in ("on", "in", "zzz", "qqq")):
        return "; skip the words that `emb` does not know (`word in emb` is False for them)"
    return ""


def _check_sif_embeddings(sif_embeddings) -> str:
    emb = Embeddings(_WORDS, _VECTORS)
    answers = []
    for texts, a in _SIF_CASES:
        label = f"sif_embeddings(texts, emb, word_prob, a={a:g})"
        try:
            got = call(sif_embeddings, [list(t) for t in texts], emb, dict(_PROB), a, _label=label)
        except Incorrect as err:
            raise Incorrect(f"{err}{_sif_error_note(err, texts)}") from None
        values = _as_matrix(got, label, len(texts), _VECTORS.shape[1])
        if not np.isfinite(values).all():
            bad = [i for i in range(len(texts)) if not np.isfinite(values[i]).all()]
            if texts[bad[0]] == ["zzz", "qqq"]:
                raise Incorrect(f"`{label}` gave NaN for text {bad[0]}, {texts[bad[0]]}, which has no word with "
                                "a vector: such a text gets a row of zeros (check for it before dividing)")
            raise Incorrect(f"`{label}` returned NaN or infinite values in row(s) {bad}")
        answers.append((label, texts, a, values))
    for label, texts, a, values in answers:
        if any(_same_directions(values, _sif_variant(texts, a, **ok)) for ok in _ACCEPTED):
            continue
        expected = SIF(emb, _PROB, a=a, tokenize=list).fit_transform(texts)
        # blame a mistake only if it explains the answers to every test case
        for mistake, message in _SIF_MISTAKES:
            if all(_same_directions(v, _sif_variant(t, a_, **mistake)) for _, t, a_, v in answers):
                raise Incorrect(f"`{label}` {message}")
        for i, tokens in enumerate(texts):
            if not _same_directions(values[i:i + 1], expected[i:i + 1]):
                raise Incorrect(f"`{label}`: row {i} (text {show(tokens)}) points in the wrong direction "
                                f"(cosine {_cosine(values[i], expected[i]):.3f} with the expected SIF vector)")
    return (f"all {len(_SIF_CASES)} test cases pass: weights a / (a + p), repeats, unknown words, "
            "the common component removed")


def _cosine(u: np.ndarray, v: np.ndarray) -> float:
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    return float(u @ v / (nu * nv)) if nu and nv else 0.0


sif_embeddings = Exercise(
    "sif_embeddings",
    _check_sif_embeddings,
    hints=[
        "Work in two passes. First, for each text, a weighted mean: go through its tokens, skip those `emb` "
        "does not know (`word in emb`), and collect each known word's unit vector (`emb.unit_vectors` has one "
        "row per word, `emb.index(word)` gives the row) with its weight. Stack the texts' means into a matrix "
        "`X`, one row per text.",
        "Weights, worked on other numbers: with a = 0.01, a word of probability 0.03 gets 0.01 / (0.01 + 0.03) "
        "= 0.25, a word of probability 0.0001 gets about 0.99, a word missing from `word_prob` gets 1 "
        "(`dict.get` with a default). Divide the weighted sum by the number of known words, and give a text "
        "with no known word a row of zeros.",
        "Second pass, on the whole matrix: `np.linalg.svd(X, full_matrices=False)` returns `U, S, Vt`; the "
        "first right singular vector is a row of one of them. Do not centre X first. Then subtract from each "
        "row its projection on that unit vector (its dot product with it, times it).",
        "`ex.sif_embeddings.solution()` shows one answer.",
    ],
)

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
# Case 3: n larger than the number of documents keeps them all; then n = 1 keeps only the first.
_CASE_ALL = _case(first=[[1, 4, 3, 2], [2, 1, 4, 3]], second=[[0.4, 0.3, 0.2, 0.1], [0.1, 0.2, 0.3, 0.4]],
                  relevant=[[0, 0, 1, 0], [1, 0, 0, 0]], n=50)
_CASE_ONE = _CASE_ALL[:3] + (1,)
_RERANK_CASES = [_CASE_MIXED, _CASE_LONG, _CASE_ALL, _CASE_ONE]


def _final_list(p, o, n, *, cap=None, rerank=True, descending=True, append_rest=False):
    """One query's final list of document indices, computed right (the defaults) or with a mistake."""
    by_p = np.argsort(-p, kind="stable")
    candidates = np.sort(by_p[:min(n, cap or n)])
    key = (-o[candidates] if descending else o[candidates]) if rerank else -p[candidates]
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
        "no_rerank": mrr(positions(rerank=False)),
        "swapped": mrr(positions(swapped=True)),
        "ascending": mrr(positions(descending=False)),
        "top10": mrr(positions(cap=10)),
        "zero_based": mrr(right, zero_based=True),
        "inverse_mean": 1 / np.mean(firsts) if firsts else np.nan,
        "pooled": float(np.mean([1 / r for p in right for r in p])) if firsts else np.nan,
        "summed": float(np.mean([sum(1 / r for r in p) for p in right])),
        "hits_only": float(np.mean([1 / r for r in firsts])) if firsts else np.nan,
        "rest_appended": mrr(positions(append_rest=True)),
    }


_RERANK_MISTAKES = {
    "all": "re-ranks every document by `second_scores`: keep only the `n` best documents of `first_scores` "
           "(the first pass), then order just those",
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
    "summed": "adds up 1 / position over all the relevant documents of a query; only the *first* relevant "
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

keywords_or_encoder = Written(
    "keywords_or_encoder",
    "You are building the search box for your team's documents. When would you rely on keyword search (BM25), "
    "when on a sentence encoder, and why? Use one question from this notebook's outputs for each. (3-4 sentences)",
    hints=["Look at the questions each method ranked worst, and at which words of them the right article "
           "contains; then think of what your own users type: names and codes, or descriptions?"],
)

NOTEBOOKS = {
    "06_wrap_up/01_embed_all_the_things": [sif_embeddings, rerank_mrr, keywords_or_encoder],
}
