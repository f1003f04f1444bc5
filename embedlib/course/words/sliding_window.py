"""Checks for 01_words/01_sliding_window: counting words and their contexts."""
from __future__ import annotations

from collections import Counter

import numpy as np

from ... import text
from ..checks import Exercise, Incorrect, call, show

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
