"""Checks for chapter 1, Words.

Each check compares the learner's answer with the library's reference on
small inputs, edge cases included, and says which input failed and how.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .. import text
from .checks import Exercise, Incorrect, call, show

# -- 01_sliding_window ---------------------------------------------------------

_VOCAB_CASES = [
    (["b", "a", "b", "c", "a", "b"], 1),
    (["b", "a", "b", "c", "a", "b"], 2),
    (["z", "y", "z", "y", "x", "w", "x"], 1),  # ties: alphabetical
    (["the", "cat", "the", "mat"], 3),  # nothing frequent enough
    ([], 1),
]


def _check_build_vocab(build_vocab) -> str:
    for tokens, min_count in _VOCAB_CASES:
        label = f"build_vocab({show(tokens)}, min_count={min_count})"
        got = call(build_vocab, list(tokens), min_count, _label=label)
        counts = Counter(tokens)
        expected = text.Vocab.from_tokens(tokens, min_count=min_count).words
        if not isinstance(got, (list, tuple)) or not all(isinstance(w, str) for w in got):
            raise Incorrect(f"Expected `{label}` to return a list of words (str); got {show(got)}")
        got = list(got)
        dupes = [w for w, c in Counter(got).items() if c > 1]
        if dupes:
            raise Incorrect(f"`{label}` lists {dupes[0]!r} more than once; each word appears once")
        extra = [w for w in got if w not in expected]
        if extra:
            w = extra[0]
            if counts[w] == 0:
                raise Incorrect(f"`{label}` contains {w!r}, which is not in the tokens")
            raise Incorrect(
                f"`{label}` keeps {w!r}, seen {counts[w]} time(s): words seen fewer than "
                f"min_count={min_count} times must be left out"
            )
        missing = [w for w in expected if w not in got]
        if missing:
            w = missing[0]
            raise Incorrect(
                f"`{label}` leaves out {w!r}, seen {counts[w]} time(s); words seen at least "
                f"min_count={min_count} times must be kept"
            )
        for i, (g, e) in enumerate(zip(got, expected)):
            if g != e:
                if counts[g] != counts[e]:
                    raise Incorrect(
                        f"`{label}` is not sorted by count: at position {i} {g!r} "
                        f"({counts[g]} times) comes before {e!r} ({counts[e]} times)"
                    )
                raise Incorrect(
                    f"`{label}`: {g!r} and {e!r} are both seen {counts[g]} times; "
                    "break ties alphabetically so the order does not depend on the text"
                )
    return f"all {len(_VOCAB_CASES)} test cases pass"


build_vocab = Exercise(
    "build_vocab",
    _check_build_vocab,
    hints=[
        "`collections.Counter(tokens)` counts every word in one pass.",
        "Sort with a key that puts higher counts first and breaks ties by the word "
        "itself: `sorted(items, key=lambda wc: (-wc[1], wc[0]))`.",
    ],
)


_PAIR_CASES = [
    (["a", "b", "c", "d"], 1),
    (["a", "b", "c", "d", "e"], 2),
    (["x", "x", "y"], 1),  # the same word at two positions is a real pair
    (["a", "b"], 5),  # window wider than the text
    (["solo"], 2),
]


def _reference_pairs(tokens: list[str], window: int) -> list[tuple[str, str]]:
    ids = np.arange(len(tokens))
    centres, contexts = text.skipgram_pairs(ids, window)
    return [(tokens[c], tokens[x]) for c, x in zip(centres.tolist(), contexts.tolist())]


def _check_skipgram_pairs(skipgram_pairs) -> str:
    for tokens, window in _PAIR_CASES:
        label = f"skipgram_pairs({show(tokens)}, window={window})"
        got = call(skipgram_pairs, list(tokens), window, _label=label)
        try:
            got = [tuple(p) for p in got]
        except TypeError:
            raise Incorrect(f"Expected `{label}` to return a list of (centre, context) pairs; got {show(got)}") from None
        if any(len(p) != 2 for p in got):
            raise Incorrect(f"Expected `{label}` to return pairs of two words; got {show(got)}")
        expected = Counter(_reference_pairs(tokens, window))
        have = Counter(got)
        if have == expected:
            continue
        n_exp, n_got = sum(expected.values()), sum(have.values())
        extra = have - expected
        missing = expected - have
        detail = ""
        if extra:
            pair = next(iter(extra))
            if pair[0] == pair[1] and pair not in expected:
                detail = f"; {pair} pairs a word with itself — a position is not its own context"
            else:
                detail = f"; {pair} should not be there (or not that often): is the window clipped at the ends?"
        elif missing:
            pair = next(iter(missing))
            if pair[0] == pair[1]:
                detail = (f"; the pair {pair} is missing: the same word at two different positions "
                          "is a real pair — compare positions, not words")
            else:
                detail = f"; the pair {pair} is missing — does the window reach {window} word(s) on both sides?"
        raise Incorrect(f"Expected `{label}` to give {n_exp} pairs; got {n_got}{detail}")
    return f"all {len(_PAIR_CASES)} test cases pass"


skipgram_pairs = Exercise(
    "skipgram_pairs",
    _check_skipgram_pairs,
    hints=[
        "Loop over every position `i`; the context positions are `j` in "
        "`range(i - window, i + window + 1)` except `j == i`.",
        "Clip at the ends: skip `j < 0` and `j >= len(tokens)` — a negative index "
        "would silently wrap round to the end of the list.",
    ],
)


_PPMI_CASES = [
    np.array([[0.0, 4.0, 1.0], [4.0, 0.0, 2.0], [1.0, 2.0, 6.0]]),
    np.array([[2.0, 0.0, 1.0, 3.0], [0.0, 5.0, 1.0, 0.0], [1.0, 1.0, 0.0, 2.0]]),  # not square
    np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]),  # a row of zeros
]


def _check_ppmi(ppmi) -> str:
    for counts in _PPMI_CASES:
        label = f"ppmi(counts of shape {counts.shape})"
        got = call(ppmi, counts.copy(), _label=label)
        if hasattr(got, "toarray"):
            got = got.toarray()
        got = np.asarray(got, dtype=float)
        if got.shape != counts.shape:
            raise Incorrect(f"Expected `{label}` to return shape {counts.shape}; got {got.shape}")
        if np.isnan(got).any() or np.isinf(got).any():
            r, c = np.argwhere(~np.isfinite(got))[0]
            raise Incorrect(
                f"`{label}` has a non-finite value at [{r}, {c}] where the count is "
                f"{counts[r, c]:g}; cells with no counts must be 0"
            )
        if (got < 0).any():
            raise Incorrect(
                f"`{label}` has negative values (smallest {got.min():.3f}); PPMI clips "
                "negative PMI to 0"
            )
        expected = text.ppmi(counts)
        if not np.allclose(got, expected, atol=1e-6):
            r, c = np.argwhere(~np.isclose(got, expected, atol=1e-6))[0]
            ratio = got[r, c] / expected[r, c] if expected[r, c] else np.nan
            if np.isclose(ratio, 1 / np.log(2), rtol=1e-4):
                why = "the values are in bits: use the natural logarithm, np.log"
            elif counts[r, c] == 0:
                why = "cells with no counts must be 0"
            else:
                why = "P(w) comes from row sums, P(c) from column sums, both over the grand total"
            raise Incorrect(f"`{label}` is wrong at [{r}, {c}] (count {counts[r, c]:g}): {why}")
    return f"all {len(_PPMI_CASES)} test cases pass"


ppmi = Exercise(
    "ppmi",
    _check_ppmi,
    hints=[
        "Divide by the grand total to get P(w, c); row sums give P(w), column sums P(c).",
        "Compute log(P(w,c) / (P(w) P(c))) only where the count is positive — "
        "`np.where(counts > 0, ..., 0)` inside `np.errstate(divide='ignore')` — then "
        "clip with `np.maximum(pmi, 0)`.",
    ],
)

NOTEBOOKS = {
    "01_words/01_sliding_window": [build_vocab, skipgram_pairs, ppmi],
}


# -- 02_word2vec -----------------------------------------------------------------

_KEEP_CASES = [
    (np.array([1000, 100, 10, 1]), 1e-2),
    (np.array([5, 5, 5, 5]), 1e-3),
    (np.array([900_000, 50_000, 40_000, 9_000, 1_000]), 1e-3),
]


def _as_number(got, label):
    """The answer as a float, or feedback saying one number was expected."""
    try:
        return float(got)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return one number; got {show(got)}") from None


def _as_array(got, label, n):
    try:
        got = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return an array of numbers; got {show(got)}") from None
    if got.shape != (n,):
        raise Incorrect(f"Expected `{label}` to return {n} numbers, one per word; got shape {got.shape}")
    return got


def _check_keep_probability(keep_probability) -> str:
    for counts, sample in _KEEP_CASES:
        label = f"keep_probability({show(counts.tolist())}, sample={sample:g})"
        got = _as_array(call(keep_probability, counts.copy(), sample, _label=label), label, len(counts))
        expected = text.keep_probabilities(counts, sample)
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, 1 - expected, atol=1e-6):
            raise Incorrect(f"`{label}` looks like the probability of *dropping* each word; return the probability of keeping it")
        if (got > 1 + 1e-9).any():
            raise Incorrect(f"`{label}` has a value above 1 ({got.max():.3f}); a probability is capped at 1")
        f = counts / counts.sum()
        if np.allclose(got, np.minimum(1, np.sqrt(sample / f)), atol=1e-6):
            raise Incorrect(f"`{label}`: that is the paper's sqrt(t/f); use the formula of the exercise, (sqrt(f/t) + 1) * t/f")
        i = int(np.argmax(np.abs(got - expected)))
        raise Incorrect(f"`{label}` is wrong for the word with count {counts[i]} (got {got[i]:.3f}); "
                        "is f the word's share of all tokens, counts / counts.sum()?")
    return f"all {len(_KEEP_CASES)} test cases pass"


keep_probability = Exercise(
    "keep_probability",
    _check_keep_probability,
    hints=[
        "First turn counts into frequencies: `f = counts / counts.sum()`.",
        "Then `np.minimum(1.0, (np.sqrt(f / sample) + 1) * sample / f)`.",
    ],
)

_NOISE_CASES = [
    (np.array([16, 1]), 0.75),
    (np.array([100, 10, 1, 1]), 0.75),
    (np.array([3, 2, 1]), 0.5),
]


def _check_noise_distribution(noise_distribution) -> str:
    for counts, power in _NOISE_CASES:
        label = f"noise_distribution({show(counts.tolist())}, power={power:g})"
        got = _as_array(call(noise_distribution, counts.copy(), power, _label=label), label, len(counts))
        expected = text.noise_distribution(counts, power)
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, (counts / counts.sum()) ** power, atol=1e-6):
            raise Incorrect(f"`{label}` raises probabilities to the power and stops there; raise the *counts* "
                            "to the power, then normalise: raise to the power *before* normalising")
        if not np.isclose(got.sum(), 1.0, atol=1e-6):
            raise Incorrect(f"`{label}` sums to {got.sum():.3f}; a probability distribution sums to 1")
        if np.allclose(got, counts / counts.sum(), atol=1e-6):
            raise Incorrect(f"`{label}` is the plain unigram distribution; raise the counts to `power` first")
        raise Incorrect(f"`{label}` is not counts**power normalised; raise to the power *before* normalising")
    return f"all {len(_NOISE_CASES)} test cases pass"


noise_distribution = Exercise(
    "noise_distribution",
    _check_noise_distribution,
    hints=[
        "Raise every count to `power`, then divide by the sum of the results.",
    ],
)


def _loss_cases():
    import torch

    g = torch.Generator().manual_seed(42)
    cases = []
    for b, k, d in [(1, 1, 3), (4, 5, 8), (16, 2, 4)]:
        cases.append((torch.randn(b, d, generator=g), torch.randn(b, d, generator=g), torch.randn(b, k, d, generator=g)))
    return cases


def _check_sgns_loss(sgns_loss) -> str:
    import torch

    from ..word2vec import sgns_loss as reference

    cases = _loss_cases()
    for centre, context, noise in cases:
        b, k, d = noise.shape
        label = f"sgns_loss(centre {tuple(centre.shape)}, context {tuple(context.shape)}, noise {tuple(noise.shape)})"
        got = call(sgns_loss, centre.clone(), context.clone(), noise.clone(), _label=label)
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            raise Incorrect(f"Expected `{label}` to return a scalar tensor (one number for the batch); got {show(got)}")
        got = float(got)
        expected = float(reference(centre, context, noise))
        if np.isclose(got, expected, rtol=1e-4, atol=1e-5):
            continue
        if np.isclose(got, expected * b, rtol=1e-4) and b > 1:
            raise Incorrect(f"`{label}` is {b}x too large: average over the batch (`.mean()`), do not sum")
        pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
        scores = torch.einsum("bkd,bd->bk", noise, centre)
        wrong_sign = float(-(pos + torch.nn.functional.logsigmoid(scores).sum(-1)).mean())
        if np.isclose(got, wrong_sign, rtol=1e-4):
            raise Incorrect(f"`{label}`: noise words should score *low*: use log σ(-n·c) for them, note the minus")
        mean_k = float(-(pos + torch.nn.functional.logsigmoid(-scores).mean(-1)).mean())
        if np.isclose(got, mean_k, rtol=1e-4) and k > 1:
            raise Incorrect(f"`{label}`: sum the noise terms over the {k} noise words, do not average them")
        if got < 0:
            raise Incorrect(f"`{label}` is negative ({got:.3f}); a loss of -log σ(...) terms is always positive")
        raise Incorrect(f"`{label}` = {got:.4f} is not the SGNS loss; check the formula term by term")
    return f"all {len(cases)} test cases pass"


sgns_loss = Exercise(
    "sgns_loss",
    _check_sgns_loss,
    hints=[
        "Scores are dot products: `(centre * context).sum(-1)` for the true pairs, "
        "`torch.einsum('bkd,bd->bk', noise, centre)` for the noise words.",
        "`torch.nn.functional.logsigmoid` is log σ, computed stably. The loss is "
        "`-(logsigmoid(pos) + logsigmoid(-neg).sum(-1)).mean()`.",
    ],
)

NOTEBOOKS["01_words/02_word2vec"] = [keep_probability, noise_distribution, sgns_loss]


# -- 03_similarity -----------------------------------------------------------------

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
        got = _as_number(got, label)
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
        got = _as_number(got, label)
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

NOTEBOOKS["01_words/03_similarity"] = [cosine_similarity, most_similar, spearman_rho]


# -- 04_visualisation -----------------------------------------------------------------


def _pca_data():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.2])
    rotation = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    return [(base @ rotation + 10.0, 2), (base[:15, :4] @ rotation[:4, :4] - 3.0, 3)]


def _matches_up_to_sign(got, expected):
    signs = np.sign(np.sum(got * expected, axis=0))
    signs[signs == 0] = 1
    return np.allclose(got * signs, expected, atol=1e-6)


def _check_pca(pca) -> str:
    from sklearn.decomposition import PCA

    for X, k in _pca_data():
        label = f"pca(X of shape {X.shape}, k={k})"
        got = call(pca, X.copy(), k, _label=label)
        got = np.asarray(got, dtype=float)
        if got.shape != (X.shape[0], k):
            if got.shape == (k, X.shape[1]):
                raise Incorrect(f"`{label}` returned the {k} directions (shape {got.shape}); return the data "
                                f"projected onto them, shape {(X.shape[0], k)}")
            raise Incorrect(f"Expected `{label}` to return shape {(X.shape[0], k)}; got {got.shape}")
        expected = PCA(n_components=k).fit_transform(X)
        if _matches_up_to_sign(got, expected):
            continue
        centred = X - X.mean(axis=0)
        _, S, Vt = np.linalg.svd(centred, full_matrices=False)
        if np.allclose(np.abs(got.mean(axis=0)), np.abs((X @ Vt[:k].T).mean(axis=0)), atol=1e-6) and not np.allclose(got.mean(axis=0), 0, atol=1e-6):
            raise Incorrect(f"`{label}`: the projections do not have mean 0; centre X (subtract the column means) first")
        U = np.linalg.svd(centred, full_matrices=False)[0]
        if _matches_up_to_sign(got, U[:, :k]):
            raise Incorrect(f"`{label}` returned U alone; the coordinates are U * S (or X_centred @ V), scaled by the singular values")
        if _matches_up_to_sign(got, centred @ Vt[-k:][::-1].T) or _matches_up_to_sign(got, centred @ Vt[-k:].T):
            raise Incorrect(f"`{label}` used the directions of *least* variance; keep the first k rows of Vt")
        raise Incorrect(f"`{label}` does not match scikit-learn's PCA (even allowing each axis to flip sign)")
    return "matches scikit-learn's PCA on 2 data sets (up to the sign of each axis)"


pca = Exercise(
    "pca",
    _check_pca,
    hints=[
        "Centre first: `Xc = X - X.mean(axis=0)`.",
        "`U, S, Vt = np.linalg.svd(Xc, full_matrices=False)`; the rows of `Vt` are the directions, "
        "largest variance first, so return `Xc @ Vt[:k].T`.",
    ],
)


def _check_explained_variance_ratio(explained_variance_ratio) -> str:
    from sklearn.decomposition import PCA

    for X, _ in _pca_data():
        label = f"explained_variance_ratio(X of shape {X.shape})"
        got = np.asarray(call(explained_variance_ratio, X.copy(), _label=label), dtype=float)
        expected = PCA().fit(X).explained_variance_ratio_
        if got.shape != expected.shape:
            raise Incorrect(f"Expected `{label}` to return {len(expected)} ratios, one per direction; got shape {got.shape}")
        if np.allclose(got, expected, atol=1e-6):
            continue
        if not np.isclose(got.sum(), 1.0):
            raise Incorrect(f"`{label}` sums to {got.sum():.3f}; the shares of the total variance sum to 1")
        centred = X - X.mean(axis=0)
        S = np.linalg.svd(centred, compute_uv=False)
        if np.allclose(got, S / S.sum(), atol=1e-6):
            raise Incorrect(f"`{label}`: variance goes with the *square* of each singular value")
        if np.allclose(got, expected[::-1], atol=1e-6):
            raise Incorrect(f"`{label}` is in the wrong order: largest share first")
        raise Incorrect(f"`{label}` does not match scikit-learn's explained_variance_ratio_; did you centre X?")
    return "matches scikit-learn on 2 data sets"


explained_variance_ratio = Exercise(
    "explained_variance_ratio",
    _check_explained_variance_ratio,
    hints=["With the singular values `S` of the centred data, the shares are `S**2 / (S**2).sum()`."],
)


def _overlap_reference(high, low, k, exclude_self=True):
    def neighbours(X):
        d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
        if exclude_self:
            np.fill_diagonal(d, np.inf)
        return np.argsort(d, axis=1, kind="stable")[:, :k]

    a, b = neighbours(high), neighbours(low)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))


def _check_neighbour_overlap(neighbour_overlap) -> str:
    rng = np.random.default_rng(3)
    high = rng.normal(size=(30, 5))
    cases = [(high, high[:, :2], 3), (high, high[:, :2] + rng.normal(scale=0.5, size=(30, 2)), 5), (high, high * 2.0, 4)]
    for h, low, k in cases:
        label = f"neighbour_overlap(high {h.shape}, low {low.shape}, k={k})"
        got = call(neighbour_overlap, h.copy(), low.copy(), k, _label=label)
        got = _as_number(got, label)
        from ..evaluate import neighbour_overlap as reference

        expected = reference(h, low, k)
        if np.isclose(got, expected, atol=1e-9):
            continue
        if got > 1:
            raise Incorrect(f"`{label}` = {got:g} is above 1; return the *fraction* of the k neighbours kept, averaged")
        if np.isclose(got, _overlap_reference(h, low, k, exclude_self=False), atol=1e-9):
            raise Incorrect(f"`{label}` counts each point as its own nearest neighbour; leave it out "
                            "(put np.inf on the diagonal of the distances)")
        raise Incorrect(f"`{label}` = {got:.3f} is not the mean share of each point's {k} nearest "
                        "neighbours (itself excluded) that stay among its k nearest in the map")
    return f"all {len(cases)} test cases pass"


neighbour_overlap = Exercise(
    "neighbour_overlap",
    _check_neighbour_overlap,
    hints=[
        "All pairwise squared distances at once: `((X[:, None] - X[None]) ** 2).sum(-1)`; put `np.inf` "
        "on the diagonal so a point is not its own neighbour.",
        "`np.argsort(d, axis=1)[:, :k]` gives each point's k nearest; compare the two sets row by row.",
    ],
)

NOTEBOOKS["01_words/04_visualisation"] = [pca, explained_variance_ratio, neighbour_overlap]


# -- 05_geometry -----------------------------------------------------------------------


def _analogy_fixture():
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(40, 6))
    vectors[3] = vectors[1] - vectors[0] + vectors[2] + rng.normal(scale=0.05, size=6)  # 0 : 1 :: 2 : 3
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = [(0, 1, 2)] + [tuple(int(i) for i in rng.choice(40, size=3, replace=False)) for _ in range(25)]
    return unit, queries


def _cos_add_scores(unit, a, b, c, order=(1, -1, 1)):
    return (order[0] * unit[b] + order[1] * unit[a] + order[2] * unit[c]) @ unit.T


def _best(scores, exclude):
    scores = scores.copy()
    scores[list(exclude)] = -np.inf
    return int(np.argmax(scores))


def _check_analogy(fn, name, reference, variants) -> str:
    unit, queries = _analogy_fixture()
    for a, b, c in queries:
        label = f"{name}(unit, a={a}, b={b}, c={c})"
        got = call(fn, unit.copy(), a, b, c, _label=label)
        try:
            got = int(got)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return the index of one word; got {show(got)}") from None
        expected = reference(unit, a, b, c)
        if got == expected:
            continue
        if got in (a, b, c):
            raise Incorrect(f"`{label}` returned {got}, one of the question's own words; leave a, b and c out of the answers")
        for diagnosis, variant in variants:
            if got == variant(unit, a, b, c):
                raise Incorrect(f"`{label}` returned {got}, expected {expected}: {diagnosis}")
        raise Incorrect(f"`{label}` returned {got}, expected {expected}")
    return f"all {len(queries)} questions answered as the reference does"


def _library_answer(unit, a, b, c, method):
    from ..evaluate import _answer

    return int(_answer(unit, np.array([a]), np.array([b]), np.array([c]), method)[0])


def _three_cos_add_ref(unit, a, b, c):
    return _library_answer(unit, a, b, c, "3cosadd")


def _check_three_cos_add(three_cos_add) -> str:
    variants = [
        ("that is a - b + c; the answer is near b - a + c (king - man + woman)",
         lambda u, a, b, c: _best(_cos_add_scores(u, a, b, c, (-1, 1, 1)), (a, b, c))),
    ]
    return _check_analogy(three_cos_add, "three_cos_add", _three_cos_add_ref, variants)


three_cos_add = Exercise(
    "three_cos_add",
    _check_three_cos_add,
    hints=[
        "`scores = (unit[b] - unit[a] + unit[c]) @ unit.T` scores every word at once.",
        "Set `scores[[a, b, c]] = -np.inf` before `np.argmax`: otherwise the answer is usually b or c.",
    ],
)


def _cos_mul_scores(unit, a, b, c, shift=True, divide=True):
    cos = lambda i: unit @ unit[i]  # noqa: E731
    sa, sb, sc = (((cos(i) + 1) / 2) if shift else cos(i) for i in (a, b, c))
    return sb * sc / (sa + 1e-3) if divide else sb * sc * sa


def _three_cos_mul_ref(unit, a, b, c):
    return _library_answer(unit, a, b, c, "3cosmul")


def _check_three_cos_mul(three_cos_mul) -> str:
    variants = [
        ("shift each cosine to [0, 1] with (cos + 1) / 2 first, or negative cosines flip the ranking",
         lambda u, a, b, c: _best(_cos_mul_scores(u, a, b, c, shift=False), (a, b, c))),
        ("divide by the similarity to a (away from man), do not multiply",
         lambda u, a, b, c: _best(_cos_mul_scores(u, a, b, c, divide=False), (a, b, c))),
        ("that is 3CosAdd; 3CosMul multiplies the similarities to b and c and divides by the one to a",
         _three_cos_add_ref),
    ]
    return _check_analogy(three_cos_mul, "three_cos_mul", _three_cos_mul_ref, variants)


three_cos_mul = Exercise(
    "three_cos_mul",
    _check_three_cos_mul,
    hints=[
        "Cosines of every word with a, b and c: `unit @ unit[a]` and so on; shift each with `(s + 1) / 2`.",
        "`scores = sb * sc / (sa + 1e-3)`, then leave a, b and c out and take the argmax.",
    ],
)


def _check_project(project) -> str:
    rng = np.random.default_rng(5)
    cases = [(rng.normal(size=(6, 4)), np.array([3.0, 0.0, 0.0, 4.0])), (rng.normal(size=(3, 2)) * 5, np.array([-1.0, 1.0]))]
    for vectors, direction in cases:
        label = f"project(vectors {vectors.shape}, direction {show(direction.tolist())})"
        got = np.asarray(call(project, vectors.copy(), direction.copy(), _label=label), dtype=float)
        from ..vectors import project as reference

        expected = reference(vectors, direction)
        if got.shape != expected.shape:
            if got.shape == vectors.shape:
                raise Incorrect(f"`{label}` returned vectors of shape {got.shape}; return one number per row: "
                                "the signed length of its shadow on the direction")
            raise Incorrect(f"Expected `{label}` to return shape {expected.shape}; got {got.shape}")
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, vectors @ direction, atol=1e-6):
            raise Incorrect(f"`{label}` is the dot product with the direction as given; normalise the direction "
                            "to unit length first, so lengths are comparable")
        if np.allclose(got, expected / np.linalg.norm(vectors, axis=1), atol=1e-6):
            raise Incorrect(f"`{label}` is the cosine with the direction; the projection keeps the vectors' lengths")
        raise Incorrect(f"`{label}` is not v · d / |d| for each row v")
    return f"all {len(cases)} test cases pass"


project = Exercise(
    "project",
    _check_project,
    hints=["`vectors @ (direction / np.linalg.norm(direction))`."],
)

NOTEBOOKS["01_words/05_geometry"] = [three_cos_add, three_cos_mul, project]
