"""Checks for 01_words/03_similarity: cosine nearest neighbours, and Spearman's rho with tied ranks.

``most_similar`` grades cosine similarity and the top-k search together
(cosine is not graded on its own). The fixture is small but built so the
usual mistakes show: a long vector that wins by dot product, two words
with one and the same vector (dropping "the first result" is then not the
same as leaving the query out), and a word whose cosine with every other word
is negative (a query masked with 0 instead of -inf comes back first). A
second, random vocabulary of 300 words asks for a long list, far above the
habitual 10: ``np.argpartition`` leaves a list that long unsorted (on short
arrays numpy happens to return the top k already sorted, which hid a
missing sort).
"""
from __future__ import annotations

import numbers

import numpy as np

from ..checks import Exercise, Incorrect, Written, call, show
from ._common import as_number

# -- most_similar ---------------------------------------------------------------------------

_WORDS = ["cat", "kitty", "kitten", "dog", "puppy", "car", "bus", "train", "truck",
          "piano", "guitar", "violin", "drums", "apple", "pear", "the", "opposite"]
_VECTORS = np.array([
    [1.0, 0.1, 0.0, 0.1],   # cat
    [0.8, 0.0, 0.1, 0.3],   # kitty: exactly kitten's vector
    [0.8, 0.0, 0.1, 0.3],   # kitten
    [0.9, 0.3, 0.0, 0.05],  # dog
    [0.7, 0.2, 0.3, 0.2],   # puppy
    [0.0, 1.0, 0.1, 0.0],   # car
    [0.1, 0.9, 0.3, 0.0],   # bus
    [0.05, 0.7, 0.6, 0.1],  # train
    [0.2, 1.0, 0.0, 0.4],   # truck
    [0.0, 0.1, 1.0, 0.2],   # piano
    [0.1, 0.0, 0.9, 0.5],   # guitar
    [0.0, 0.3, 0.8, 0.6],   # violin
    [0.3, 0.2, 0.7, 0.0],   # drums
    [0.2, 0.0, 0.1, 1.0],   # apple
    [0.4, 0.1, 0.0, 0.9],   # pear
    [5.0, 5.0, 5.0, 5.0],   # the: long, and close to everything by dot product
    [-1.0, -0.9, -1.1, -1.0],  # opposite: a negative cosine with every other word
])


def _long_vocabulary():
    """300 random words in 8 dimensions, of different lengths. Asked for its 270 nearest words, even
    numpy's SIMD argpartition (which sorts any stretch of up to 256 entries) returns them unsorted, and
    no two cosines with the query are closer than 5e-5, so float32 answers rank them the same way."""
    vectors = np.random.default_rng(0).normal(size=(300, 8))
    return [f"w{i:03d}" for i in range(len(vectors))], vectors


# (words, vectors, what the label calls the vectors, query, topn): plain; the query has a duplicate
# (both orders); every other cosine is negative; a topn far above 10 that argpartition leaves unsorted
_LONG_WORDS, _LONG_VECTORS = _long_vocabulary()
_NEIGHBOUR_CASES = [(_WORDS, _VECTORS, "vectors", word, topn)
                    for word, topn in [("cat", 3), ("kitten", 4), ("kitty", 4), ("opposite", 5)]]
_NEIGHBOUR_CASES.append((_LONG_WORDS, _LONG_VECTORS, f"vectors {_LONG_VECTORS.shape}", "w000", 270))


def _cosines(vectors):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit.T


def _as_pairs(got, label):
    """The answer as ([words], [scores]), or feedback on what it returned instead."""
    if isinstance(got, np.ndarray):
        raise Incorrect(f"Expected `{label}` to return a list of (word, cosine) pairs; got a numpy array {show(got)}")
    if not isinstance(got, (list, tuple)):
        raise Incorrect(f"Expected `{label}` to return a list of (word, cosine) pairs; got {show(got)}")
    if got and all(isinstance(x, str) for x in got):
        raise Incorrect(f"`{label}` returned words only ({show(list(got))}); return (word, cosine) pairs, "
                        "so the scores can be read and checked")
    if got and all(isinstance(x, numbers.Integral) for x in got):
        raise Incorrect(f"`{label}` returned row numbers ({show(list(got))}); return the words, "
                        "`words[j]`, with their cosines")
    words, scores = [], []
    for item in got:
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[0], str):
            raise Incorrect(f"Expected `{label}` to return a list of (word, cosine) pairs; one item is {show(item)}")
        try:
            scores.append(float(item[1]))
        except (TypeError, ValueError):
            raise Incorrect(f"`{label}`: the score of {item[0]!r} is {show(item[1])}, not a number") from None
        words.append(item[0])
    return words, np.array(scores)


def _check_most_similar(most_similar) -> str:
    for vocabulary, vectors, vectors_label, word, topn in _NEIGHBOUR_CASES:
        cos = _cosines(vectors)
        dots = vectors @ vectors.T
        label = f"most_similar({word!r}, {vectors_label}, words, topn={topn})"
        got = call(most_similar, word, vectors.copy(), list(vocabulary), topn, _label=label)
        words, scores = _as_pairs(got, label)
        i = vocabulary.index(word)
        others = np.delete(cos[i], i)
        if word in words:
            twins = [w for j, w in enumerate(vocabulary) if j != i and np.array_equal(vectors[j], vectors[i])]
            if np.all(others < 0):
                raise Incorrect(f"`{label}` contains {word!r} itself: every other word's cosine with {word!r} is "
                                "negative, so a query masked with 0 still comes first; give the query's own "
                                "score -np.inf")
            if twins:
                raise Incorrect(f"`{label}` contains {word!r} itself: {twins[0]!r} has exactly the same vector, so "
                                f"both score 1.0 and either may sort first; dropping the first result dropped "
                                f"{twins[0]!r}. Leave the query out by its row number, not by its rank")
            raise Incorrect(f"`{label}` contains {word!r} itself; leave the query word out")
        if len(words) != topn:
            if len(words) == 10 and topn > 10:
                raise Incorrect(f"`{label}` returned 10 pairs; return `topn` of them, not a fixed 10")
            raise Incorrect(f"Expected `{label}` to return {topn} pairs; got {len(words)}")
        if len(set(words)) != len(words):
            raise Incorrect(f"`{label}` returns a word twice: {show(words)}")
        unknown = [w for w in words if w not in vocabulary]
        if unknown:
            raise Incorrect(f"`{label}` returned {unknown[0]!r}, which is not in `words`")
        idx = [vocabulary.index(w) for w in words]
        true = cos[i, idx]
        best = np.sort(others)[::-1][:topn]
        if not (np.allclose(true, best, atol=1e-6) and np.all(np.diff(true) <= 1e-9)):
            if np.allclose(np.sort(true)[::-1], best, atol=1e-6):  # the right words, in another order
                if np.all(np.diff(true) >= -1e-9):
                    raise Incorrect(f"`{label}` has the right {topn} words, but sorted the wrong way round: "
                                    "most similar first")
                raise Incorrect(f"`{label}` has the right {topn} words, but not in order: sort the top k by "
                                "score, most similar first (`np.argpartition` only splits off the top k; "
                                "it leaves them in no particular order, and short arrays come out sorted "
                                "only by chance)")
            by_dot = np.sort(np.delete(dots[i], i))[::-1][:topn]
            if np.allclose(dots[i, idx], by_dot):
                raise Incorrect(f"`{label}` ranks by dot product, so long vectors like 'the' win; "
                                "normalise the vectors to rank by cosine")
            if np.allclose(true, np.sort(others)[:topn], atol=1e-6):
                raise Incorrect(f"`{label}` is sorted the wrong way round: most similar first")
            raise Incorrect(f"`{label}` does not give the {topn} nearest words by cosine, most similar first; "
                            f"got {show(words)}")
        if not np.allclose(scores, true, atol=1e-3):  # cosines rounded to 3 decimals are fine
            norms = np.linalg.norm(vectors, axis=1)
            if np.allclose(scores, dots[i, idx], atol=1e-5):
                raise Incorrect(f"`{label}`: the words are right but the scores are dot products; report "
                                "the cosine, the dot product of the two *normalised* vectors")
            if np.allclose(scores, dots[i, idx] / norms[idx], atol=1e-5) or np.allclose(
                    scores, dots[i, idx] / norms[i], atol=1e-5):
                raise Incorrect(f"`{label}`: the scores divide by one vector's length only; "
                                "normalise *both* vectors")
            raise Incorrect(f"`{label}`: the words are right but their scores {show(scores.round(3).tolist())} are "
                            "not their cosines with the query")
    return f"all {len(_NEIGHBOUR_CASES)} test cases pass"


most_similar = Exercise(
    "most_similar",
    _check_most_similar,
    hints=[
        "Cosine is the dot product of two vectors scaled to length 1. Scale every row of `vectors` once "
        "(`np.linalg.norm` with `axis=1, keepdims=True` gives one length per row); then one matrix-vector "
        "product scores every word against the query at once.",
        "Find the query's row with `words.index(word)`. Before sorting, give that row a score no other word "
        "can fall below: cosines can all be negative, and another word may have the very same vector.",
        "`np.argsort` sorts ascending: sort the negated scores, keep the first `topn` row numbers, and pair "
        "each word with its score. `ex.most_similar.solution()` shows one answer.",
    ],
)

# -- spearman_rho --------------------------------------------------------------------------------

_RHO_CASES = [
    (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([1.0, 4.0, 9.0, 16.0, 100.0])),  # monotone, not linear
    (np.array([3.0, 1.0, 2.0, 5.0, 4.0]), np.array([0.1, 0.5, 0.2, 0.9, 0.3])),  # unsorted input
    (np.array([1.0, 2.0, 2.0, 3.0, 5.0, 5.0]), np.array([2.0, 1.0, 3.0, 3.0, 6.0, 4.0])),  # pairs of ties
    (np.array([7.0, 1.0, 7.0, 2.0, 7.0, 1.0, 9.0]), np.array([0.3, 0.1, 0.2, 0.2, 0.9, 0.4, 0.8])),  # 3 tied, unsorted
]


def _pearson(a, b) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def _check_spearman_rho(spearman_rho) -> str:
    from scipy.stats import rankdata

    for x, y in _RHO_CASES:
        label = f"spearman_rho({show(x.tolist())}, {show(y.tolist())})"
        got = call(spearman_rho, x.copy(), y.copy(), _label=label)
        if isinstance(got, np.ndarray) and got.shape == (2, 2):
            raise Incorrect(f"`{label}` returned a 2×2 correlation matrix; return one number, "
                            "the correlation of x's ranks with y's (an off-diagonal entry)")
        got = as_number(got, label)
        expected = _pearson(rankdata(x), rankdata(y))
        if np.isclose(got, expected, atol=1e-6):
            continue
        ranks = {m: (rankdata(x, m), rankdata(y, m)) for m in ("ordinal", "min", "max", "dense")}
        if np.isclose(got, _pearson(x, y), atol=1e-6):
            raise Incorrect(f"`{label}` = {got:.3f} is Pearson's r of the raw values; correlate the *ranks*")
        for method, blame in [("ordinal", "ranked tied values one after another"),
                              ("min", "gave tied values the lowest of their ranks"),
                              ("max", "gave tied values the highest of their ranks"),
                              ("dense", "ranked without gaps after ties (dense ranks)")]:
            if np.isclose(got, _pearson(*ranks[method]), atol=1e-6):
                raise Incorrect(f"`{label}` = {got:.3f}: you {blame}; tied values must share the *average* "
                                "of the ranks they occupy ([10, 20, 20, 30] -> [1, 2.5, 2.5, 4])")
        if np.isclose(got, _pearson(np.argsort(x), np.argsort(y)), atol=1e-6):
            raise Incorrect(f"`{label}`: np.argsort gives the order of the items (which item comes first), not "
                            "their ranks (where each item lands)")
        n, d = len(x), rankdata(x) - rankdata(y)
        if np.isclose(got, 1 - 6 * float(d @ d) / (n * (n * n - 1)), atol=1e-6):
            raise Incorrect(f"`{label}` = {got:.3f}: the shortcut 1 - 6·Σd²/(n(n²-1)) is exact only without ties; "
                            "with ties, compute Pearson's correlation of the two rank arrays")
        raise Incorrect(f"`{label}` = {got:.3f} is not Spearman's rank correlation (expected {expected:.3f})")
    return f"all {len(_RHO_CASES)} test cases pass, ties included"


spearman_rho = Exercise(
    "spearman_rho",
    _check_spearman_rho,
    hints=[
        "A rank is where an item lands when the array is sorted (1 = smallest). `np.argsort` gives the "
        "*order* (which item comes first), not the ranks: for [30, 10, 20] the order is [1, 2, 0] and the "
        "ranks are [3, 1, 2]. Writing the positions 1..n into an empty array *at* the order turns one into "
        "the other.",
        "Tied values share the mean of the positions they occupy: [10, 20, 20, 30] occupies positions 1, 2, "
        "3, 4, so its ranks are [1, 2.5, 2.5, 4]. `np.unique(values, return_inverse=True, return_counts=True)` "
        "numbers the groups of equal values; `np.bincount` with `weights=` sums the positions of each group.",
        "Then Pearson's correlation of the two rank arrays: `np.corrcoef` returns a 2×2 matrix, and one "
        "off-diagonal entry is the number. Compare your ranks with `scipy.stats.rankdata`. "
        "`ex.spearman_rho.solution()` shows one answer.",
    ],
)

# -- a written question -----------------------------------------------------------------------------

polysemy_answer = Written(
    "polysemy_answer",
    "Pick a word with two or more senses and print its neighbours in GloVe. Which senses do its "
    "neighbours show, which sense is missing, and why? (2-3 sentences)",
)
