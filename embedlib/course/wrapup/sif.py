"""Check of ``sif_embeddings`` (notebook 06_wrap_up/01_embed_all_the_things).

The learner's answer is compared with :class:`embedlib.sentences.SIF` on
small texts chosen so that the usual mistakes show (weights, repeats,
unknown words, the common component), and the feedback names the mistake.
"""
from __future__ import annotations

import numpy as np

from ...sentences import SIF
from ...vectors import Embeddings
from ..checks import Exercise, Incorrect, call, show


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
