"""Checks for 01_words/01_sliding_window: counting words and their contexts, and varying the window."""
from __future__ import annotations

from collections import Counter

import numpy as np

from ... import text
from ..checks import Exercise, Incorrect, Written, call, show

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
        "`collections.Counter` counts every word in one pass. A word stays when its count is "
        "*at least* `min_count`.",
        "`sorted` takes a `key`: a function giving, for each item, what to sort by. Tuples compare "
        "item by item: `sorted([(2, 'b'), (1, 'z'), (2, 'a')])` is `[(1, 'z'), (2, 'a'), (2, 'b')]`. "
        "So make the first item of the key smaller for more frequent words (think of a minus sign) "
        "and the second the word itself.",
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
        "Loop over the *positions* of the tokens, not over the words: the same word can sit at two "
        "positions. For position i the context positions run from i - window to i + window, "
        "all but i itself.",
        "Clip at the ends: positions below 0, or from len(tokens) on, are outside the text. A negative "
        "index is no error in Python (`tokens[-1]` is the last token), so it would silently wrap round. "
        "Check on other numbers: with window=1, ['a', 'b', 'c'] gives 4 pairs, "
        "(a, b), (b, a), (b, c), (c, b).",
    ],
)


_PPMI_CASES = [
    np.array([[0.0, 4.0, 1.0], [4.0, 0.0, 2.0], [1.0, 2.0, 6.0]]),
    # a row of zeros; square but not symmetric, so P(w) and P(c) swapped shows (before the
    # non-square case, where a swap only breaks numpy's broadcasting)
    np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]),
    np.array([[2.0, 0.0, 1.0, 3.0], [0.0, 5.0, 1.0, 0.0], [1.0, 1.0, 0.0, 2.0]]),  # not square
]


def _ppmi_swapped(counts):
    """PPMI with P(w) taken from the column sums and P(c) from the row sums (square counts only)."""
    total = counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * total / np.outer(counts.sum(axis=0), counts.sum(axis=1)))
    return np.where(counts > 0, np.maximum(pmi, 0.0), 0.0)


def _same_where_finite(got, variant) -> bool:
    """got agrees with a wrong variant: non-finite in the same cells, equal in the others."""
    finite = np.isfinite(variant)
    return bool(np.array_equal(np.isfinite(got), finite) and np.allclose(got[finite], variant[finite], atol=1e-6))


def _ppmi_mistake(got, counts, label, integers=False):
    """Feedback naming a whole-matrix mistake that got matches, or None. integers: the answer's dtype
    was an integer one."""
    expected = text.ppmi(counts)
    if counts.shape[0] == counts.shape[1] and not np.allclose(counts, counts.T):
        swapped = _ppmi_swapped(counts)
        if _same_where_finite(got, swapped) or np.allclose(got, np.where(np.isfinite(swapped), swapped, 0.0), atol=1e-6):
            return (f"`{label}` has P(w) and P(c) swapped: P(w), the word's probability, is its *row* sum over "
                    "the grand total (axis=1, a column of shape (n_words, 1)); P(c) is the context's *column* sum "
                    "(axis=0, a row of shape (1, n_contexts))")
    if np.all(np.isfinite(got)):
        whole = np.allclose(got, np.trunc(expected), atol=1e-6) or np.allclose(got, np.round(expected), atol=1e-6)
        if integers or (whole and np.any(got != 0)):
            what = f"integers ({got.astype(int).ravel().tolist()})" if integers else "only whole numbers"
            return (f"`{label}` contains {what}: PPMI values are fractions such as {expected.max():.3f}; "
                    "return floats, and do not cast the result to int or round it")
        if np.all(got == 0):
            r, c = np.argwhere(expected > 0)[0]
            return (f"`{label}` is 0 in every cell, though [{r}, {c}] (count {counts[r, c]:g}) should be "
                    f"{expected[r, c]:.3f}: every PMI came out at most 0 and was clipped. P(w, c), P(w) and P(c) "
                    "must all be probabilities: the cell, its row sum and its column sum, each over the grand total")
        for k in (1.0, 0.5, 0.1, 0.01, 1e-3):
            smoothed = text.ppmi(counts + k)
            if np.allclose(got, smoothed, atol=1e-6) or np.allclose(got, np.where(counts > 0, smoothed, 0.0), atol=1e-6):
                how = "add-one smoothing" if k == 1 else "smoothing, or a guard against log(0)"
                return (f"`{label}` adds {k:g} to every count ({how}): that changes every probability. PPMI "
                        "takes the counts as they are; avoid log(0) by putting 0 where the count is 0 "
                        "(`np.where`) after the log instead")
        if np.allclose(got, text.ppmi(counts, smoothing=0.75), atol=1e-6):
            return (f"`{label}` raises the context counts to the power 0.75 (context smoothing): the exercise "
                    "asks for plain PPMI, P(c) = the column sum over the grand total")
    return None


def _check_ppmi(ppmi) -> str:
    for counts in _PPMI_CASES:
        label = f"ppmi(counts of shape {counts.shape})"
        got = call(ppmi, counts.copy(), _label=label)
        if hasattr(got, "toarray"):
            got = got.toarray()
        integers = np.asarray(got).dtype.kind in "iub"
        got = np.asarray(got, dtype=float)
        if got.shape != counts.shape:
            raise Incorrect(f"Expected `{label}` to return shape {counts.shape}; got {got.shape}")
        if not integers and np.all(np.isfinite(got)) and np.allclose(got, text.ppmi(counts), atol=1e-6):
            continue
        mistake = _ppmi_mistake(got, counts, label, integers)
        if mistake:
            raise Incorrect(mistake)
        if np.isnan(got).any() or np.isinf(got).any():
            r, c = np.argwhere(~np.isfinite(got))[0]
            if counts[r, c] > 0:
                raise Incorrect(
                    f"`{label}` has a non-finite value at [{r}, {c}] where the count is {counts[r, c]:g}: a "
                    "cell with counts has positive row and column sums, so its PMI is finite. P(w) comes from "
                    "row sums, P(c) from column sums, both over the grand total"
                )
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
        "Everything is divided by one grand total: P(w, c) is a cell over it, P(w) a row sum over it, "
        "P(c) a column sum over it. numpy broadcasting divides an (n, m) matrix by an (n, 1) column and "
        "a (1, m) row; the `keepdims` argument of `.sum` keeps a sum in that shape.",
        "log(0) is -inf (numpy warns; `np.errstate` can silence it). Afterwards put 0 in every cell whose "
        "count is 0 (`np.where`) and clip negative values to 0. Check on other numbers: counts "
        "[[0, 2], [2, 0]] give P(w, c) = 0.5 off the diagonal and P(w) = P(c) = 0.5, so "
        "PPMI = log(0.5 / 0.25) = log 2 ≈ 0.693 there and 0 on the diagonal.",
    ],
)


# -- vary the window, measure what changes ----------------------------------------------

_SWEEP_SENTENCES = [np.array([0, 1, 2, 3, 0, 1, 4, 2]), np.array([3, 4, 0, 2, 1])]
_SWEEP_VOCAB = 5


def _sweep_scorers() -> dict:
    """Scores that differ between windows, between counts and PPMI, and between smoothings."""
    return {
        "ppmi[0, 3]": lambda P: float(P[0, 3]),
        "total": lambda P: float(P.sum()),
    }


def _sweep_reference(windows, build=None) -> dict:
    build = build or (lambda w: text.ppmi(text.cooccurrence_matrix(_SWEEP_SENTENCES, _SWEEP_VOCAB, w), smoothing=0.75))
    scorers = _sweep_scorers()
    return {w: {name: f(build(w)) for name, f in scorers.items()} for w in windows}


def _same_table(got, expected) -> bool:
    return set(got) == set(expected) and all(
        set(got[w]) == set(expected[w]) and all(np.isclose(got[w][n], expected[w][n], atol=1e-9) for n in expected[w])
        for w in expected
    )


def _sweep_diagnosis(got, windows, label) -> str:
    """Name the mistake behind a wrong table, by rebuilding it the wrong ways."""
    counts = lambda w: text.cooccurrence_matrix(_SWEEP_SENTENCES, _SWEEP_VOCAB, w)  # noqa: E731
    rows = [got[w] for w in windows]
    if all(all(np.isclose(row[n], rows[0][n]) for n in row) for row in rows[1:]):
        return (f"`{label}` gives every window the same scores: build the matrix with the window of "
                "each round of the loop")
    if _same_table(got, _sweep_reference(windows, counts)):
        return f"`{label}` scores the raw counts; reweight them with `text.ppmi(..., smoothing=0.75)` first"
    if _same_table(got, _sweep_reference(windows, lambda w: text.ppmi(counts(w)))):
        return (f"`{label}` uses plain PPMI; use the same context smoothing as the notebook, "
                "`text.ppmi(counts, smoothing=0.75)`")
    summed = {}
    for n, w in enumerate(windows):
        summed[w] = sum(counts(v) for v in windows[: n + 1])
    if _same_table(got, _sweep_reference(windows, lambda w: text.ppmi(summed[w], smoothing=0.75))):
        return (f"`{label}`: the matrix of each window also holds the counts of the windows before it; "
                "build a fresh matrix for every window")
    expected = _sweep_reference(windows)
    for name in expected[windows[0]]:
        for other in expected[windows[0]]:
            if other != name and all(np.isclose(got[w][name], expected[w][other]) for w in windows):
                return (f"`{label}` puts the score of scorer {other!r} under {name!r}: call each name's own "
                        "function (loop over `scorers.items()`)")
    return f"`{label}` does not give, for each window, each scorer's score of that window's PPMI matrix"


def _check_window_sweep(window_sweep) -> str:
    cases = [[1, 2, 3], [4, 1]]  # a window wider than a sentence; windows not in order
    for windows in cases:
        label = f"window_sweep(sentences, vocab_size={_SWEEP_VOCAB}, windows={windows}, scorers)"
        got = call(window_sweep, [s.copy() for s in _SWEEP_SENTENCES], _SWEEP_VOCAB, list(windows),
                   _sweep_scorers(), _label=label)
        expected = _sweep_reference(windows)
        names = list(_sweep_scorers())
        if not isinstance(got, dict):
            raise Incorrect(f"Expected `{label}` to return a dict {{window: {{scorer name: score}}}}; got {show(got)}")
        if set(got) == set(names):
            raise Incorrect(f"`{label}` is keyed by scorer first; key it by window: {{window: {{name: score}}}}")
        if set(got) != set(windows):
            raise Incorrect(f"Expected the keys of `{label}` to be the windows {windows}; got {show(list(got))}")
        for w in windows:
            row = got[w]
            if not isinstance(row, dict) or set(row) != set(names):
                raise Incorrect(f"`{label}`[{w}] should be a dict with one score per scorer, "
                                f"keys {names}; got {show(row)}")
            for name in names:
                value = row[name]
                if isinstance(value, (bool, str)) or not isinstance(value, (int, float, np.number)):
                    raise Incorrect(f"`{label}`[{w}][{name!r}] should be the number the scorer returned; "
                                    f"got {show(value)}")
        if not _same_table(got, expected):
            raise Incorrect(_sweep_diagnosis(got, windows, label))
    return f"all {len(cases)} test cases pass"


window_sweep = Exercise(
    "window_sweep",
    _check_window_sweep,
    hints=[
        "One round of a loop per window: count, reweight, score. Everything you need is in the library: "
        "`text.cooccurrence_matrix` takes the window, `text.ppmi` takes the smoothing.",
        "Build the result as a dict of dicts: the outer key is the window, the inner key the scorer's name, "
        "as in `{2: {'a': 0.5, 'b': 1.0}, 5: {...}}`. Loop over `scorers.items()` to get each name with its "
        "function, and call the function on the PPMI matrix of *this* window.",
    ],
)


window_answer = Written(
    "window_answer",
    "Which window size scores best on WordSim353, and which on SimLex-999? What does that say about "
    "what a small and a large window capture? (2-4 sentences)",
)
