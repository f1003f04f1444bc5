"""Reference and wrong answers for the Wrap-up chapter's exercises (see test_checks.py)."""
import numpy as np

W1 = "06_wrap_up/01_embed_all_the_things"


def cosine_top_k_ok(query, matrix, k):
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = unit @ (query / np.linalg.norm(query))
    return np.argsort(-scores)[:k]


def reciprocal_rank_ok(ranked, target):
    for position, item in enumerate(ranked, start=1):
        if item == target:
            return 1 / position
    return 0.0


# -- wrong answers, each with the feedback it must get ---------------------------------


def top_k_dot_product(query, matrix, k):
    return np.argsort(-(matrix @ query))[:k]


def top_k_normalises_only_the_query(query, matrix, k):
    return np.argsort(-(matrix @ (query / np.linalg.norm(query))))[:k]


def top_k_euclidean(query, matrix, k):
    return np.argsort(np.linalg.norm(matrix - query, axis=1))[:k]


def top_k_ascending(query, matrix, k):
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.argsort(unit @ (query / np.linalg.norm(query)))[:k]


def top_k_unsorted(query, matrix, k):
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = unit @ (query / np.linalg.norm(query))
    # argpartition finds the k best rows, in no particular order (here: in row order)
    return np.sort(np.argpartition(-scores, k - 1)[:k])


def top_k_returns_scores(query, matrix, k):
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.sort(unit @ (query / np.linalg.norm(query)))[::-1][:k]


def top_k_one_too_many(query, matrix, k):
    return cosine_top_k_ok(query, matrix, k + 1)


def rr_zero_based(ranked, target):
    return 1 / ranked.index(target) if target in ranked else 0.0


def rr_returns_position(ranked, target):
    return ranked.index(target) + 1 if target in ranked else 0.0


def rr_last_occurrence(ranked, target):
    positions = [i for i, item in enumerate(ranked, start=1) if item == target]
    return 1 / positions[-1] if positions else 0.0


def rr_raises_when_missing(ranked, target):
    return 1 / (ranked.index(target) + 1)


def rr_none_when_missing(ranked, target):
    return 1 / (ranked.index(target) + 1) if target in ranked else None


def rr_skips_repeats(ranked, target):
    unique = list(dict.fromkeys(ranked))
    return 1 / (unique.index(target) + 1) if target in unique else 0.0


RIGHT = {
    (W1, "cosine_top_k"): cosine_top_k_ok,
    (W1, "reciprocal_rank"): reciprocal_rank_ok,
}

WRONG = {
    (W1, "cosine_top_k"): [
        (top_k_dot_product, "largest dot product"),
        (top_k_normalises_only_the_query, "normalise the rows of `matrix`"),
        (top_k_euclidean, "Euclidean distance"),
        (top_k_ascending, "*least* similar"),
        (top_k_unsorted, "in the wrong order"),
        (top_k_returns_scores, "return the indices"),
        (top_k_one_too_many, "to return k = 3 indices; got 4"),
    ],
    (W1, "reciprocal_rank"): [
        (rr_zero_based, "positions start at 1"),
        (rr_returns_position, "the reciprocal rank is 1 / position"),
        (rr_last_occurrence, "use the first time the target appears"),
        (rr_raises_when_missing, "return 0.0 instead of raising"),
        (rr_none_when_missing, "the reciprocal rank is 0"),
        (rr_skips_repeats, "repeats included"),
    ],
}
