"""Checks for 02_sequences/01_item2vec: training pairs within sessions, and neighbour purity."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np

from ...vectors import Embeddings
from ..checks import Exercise, Incorrect, call, show

# -- session_pairs ---------------------------------------------------------------------


def _pairs(sessions, window, keep=lambda s, i, j: j != i):
    out = Counter()
    for s in sessions:
        for i, centre in enumerate(s):
            for j in range(max(0, i - window), min(len(s), i + window + 1)):
                if keep(s, i, j):
                    out[centre, s[j]] += 1
    return out


def _pairs_wrapped(sessions, window):
    """The window started at ``i - window`` without clipping: negative positions wrap to the session's end."""
    out = Counter()
    for s in sessions:
        for i, centre in enumerate(s):
            for j in range(max(-len(s), i - window), min(len(s), i + window + 1)):
                if j != i:
                    out[centre, s[j]] += 1
    return out


def _pairs_right_only(sessions, window):
    return _pairs(sessions, window, keep=lambda s, i, j: j > i)


_PAIR_CASES = [
    ([["phone", "case", "charger"], ["tent", "pegs"]], 1),
    ([["a", "b", "a", "c"], ["d", "e"], ["f"]], 2),  # 'a' viewed twice: it is a context of itself
    ([["x", "y"], ["y", "x"], ["x", "y", "z", "w", "v"]], 3),  # windows wider than the short sessions
    ([["solo"], [], ["tent", "tent", "pegs"]], 2),  # a repeat view right after the first: still two views
]


def _collapse_repeats(session):
    """The session with each run of the same item viewed several times in a row kept as one view."""
    return [x for i, x in enumerate(session) if i == 0 or session[i - 1] != x]


def _as_pair_counts(got, label):
    if isinstance(got, Mapping):
        raise Incorrect(f"`{label}` returned a {type(got).__name__}; return a list of (item, context) pairs, "
                        "each pair as often as it occurs, not a mapping of pairs to counts")
    try:
        return Counter((a, b) for a, b in got)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return a list of (item, context) pairs; got {show(got)}") from None


def _check_session_pairs(session_pairs) -> str:
    for sessions, window in _PAIR_CASES:
        label = f"session_pairs({show(sessions)}, window={window})"
        got = _as_pair_counts(call(session_pairs, [list(s) for s in sessions], window, _label=label), label)
        expected = _pairs(sessions, window)
        if got == expected:
            continue
        collapsed = [_collapse_repeats(s) for s in sessions]
        if collapsed != sessions and got == _pairs(collapsed, window):
            item = next(s[i] for s in sessions for i in range(1, len(s)) if s[i] == s[i - 1])
            raise Incorrect(f"`{label}` merges the views of {item!r} that follow each other into one view; a "
                            f"repeat view is a view of its own, so the two views are a pair ({item!r}, {item!r}), "
                            "each the other's context, and each has its own contexts. Keep every position")
        if got == _pairs_wrapped(sessions, window):
            raise Incorrect(f"`{label}` pairs items with the end of their session: a negative position such as "
                            "`session[-1]` is the last item in Python. Start the window at position 0 at the "
                            "beginning of a session")
        if got == _pairs(sessions, window, keep=lambda s, i, j: s[j] != s[i]):
            raise Incorrect(f"`{label}` never pairs an item with itself, but an item viewed twice within "
                            f"{window} positions is a context of itself: leave out the centre *position*, not "
                            "every view of the same item")
        extra, missing = got - expected, expected - got
        joined = _pairs([[x for s in sessions for x in s]], window)
        if extra:
            pair = next(iter(extra))
            if pair in joined and pair not in _pairs(sessions, len(max(sessions, key=len)) + 1):
                raise Incorrect(f"`{label}` pairs {pair[0]!r} with {pair[1]!r}, which are in different sessions: "
                                "a window must stop at the end of its session")
            if pair[0] == pair[1] and pair not in expected:
                raise Incorrect(f"`{label}` pairs {pair[0]!r} with itself; skip the centre position")
            if pair in _pairs(sessions, window + 1):
                raise Incorrect(f"`{label}` has the pair {pair}, which is more than {window} positions apart; "
                                f"contexts are at most `window` = {window} positions away")
            raise Incorrect(f"`{label}` returns {pair} more often than it occurs ({extra[pair] + expected[pair]} "
                            f"times instead of {expected[pair]})")
        pair = next(iter(missing))
        if all(got[p] >= 1 for p in missing):
            raise Incorrect(f"`{label}` returns {pair} {got[pair]} time(s), but it occurs {expected[pair]} times: "
                            "count every occurrence, do not remove duplicates")
        if got == _pairs_right_only(sessions, window):
            raise Incorrect(f"`{label}` misses {pair}: take contexts on both sides of the centre, before and after")
        if got == _pairs(sessions, window - 1):
            raise Incorrect(f"`{label}` misses {pair}, which is exactly {window} positions apart: the window "
                            "includes positions up to and including `window` away")
        raise Incorrect(f"`{label}` misses the pair {pair} (expected {sum(expected.values())} pairs, "
                        f"got {sum(got.values())})")
    return f"all {len(_PAIR_CASES)} test cases pass: windows stay inside their sessions"


session_pairs = Exercise(
    "session_pairs",
    _check_session_pairs,
    hints=[
        "Treat each session on its own, exactly as notebook 1.1's sliding window treats one sentence, and "
        "collect the pairs of all sessions in one list.",
        "Worked example: in the session ['tent', 'pegs', 'mat', 'stove'] with window 2, the centre 'tent' "
        "(position 0) has contexts at positions 1 and 2 only: there is nothing before it, and position -1 "
        "would be 'stove' in Python. The centre 'mat' (position 2) has contexts at 0, 1 and 3.",
        "Which positions are *not* contexts? The centre's own position, and anything before 0 or from "
        "`len(session)` on. An item viewed twice is a context of itself when the two views are close enough.",
        "If you are still stuck, `ex.session_pairs.solution()` shows one answer (your grade notes that you looked).",
    ],
)

# -- neighbour_purity ------------------------------------------------------------------


def _purity(emb, labels, k, neighbours=None):
    neighbours = neighbours or (lambda key: [o for o, _ in emb.most_similar(key, topn=k)])
    return float(np.mean([np.mean([labels[o] == labels[key] for o in neighbours(key)]) for key in emb.keys]))


def _clusters(n, labels, seed, lengths=None):
    """``n`` points around 3 centres in 4-D, labelled so that some neighbourhoods are mixed; ``lengths``
    rescales the vectors (their directions, and so the cosine neighbours, stay)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 4)) * 1.5
    vectors = centres[np.arange(n) % 3] + rng.normal(size=(n, 4))
    if lengths is not None:
        vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True) * np.asarray(lengths)[:, None]
    return Embeddings([f"i{j:02d}" for j in range(n)], vectors), dict(zip([f"i{j:02d}" for j in range(n)], labels))


def _purity_cases():
    # 1: six items in two groups, one item of each group labelled like the other; labels name an item emb lacks
    emb = Embeddings(["tent", "pegs", "mat", "mug", "kettle", "beans"],
                     np.array([[1.0, 0.1], [0.9, 0.3], [0.7, 0.6], [0.1, 1.0], [0.2, 0.8], [0.5, 0.9]]))
    labels = {"tent": "camping", "pegs": "camping", "mat": "coffee", "mug": "coffee", "kettle": "coffee",
              "beans": "camping", "new-stove": "camping"}
    cases = [(emb, labels, 2)]
    # 2: fourteen items, k = 12: more neighbours than a habitual top 10
    emb, labels = _clusters(14, list("AAABBBCCCABCAB"), seed=3)
    cases.append((emb, labels, 12))
    # 3: two items with identical vectors and different labels: each must leave *itself* out, not the first hit
    emb = Embeddings(["p", "q", "r", "s", "t", "u"],
                     np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.9, 0.3, 0.0],
                               [0.0, 1.0, 0.1], [0.1, 0.9, 0.0], [0.0, 0.8, 0.5]]))
    labels = {"p": "X", "q": "Y", "r": "X", "s": "Y", "t": "Y", "u": "X"}
    cases.append((emb, labels, 2))
    # 4: eight items, k = 3, vectors 0.3 to 3 long: Euclidean distances or dot products between the raw
    # vectors pick other neighbours than cosine does
    emb, labels = _clusters(8, list("ABCABCCA"), seed=7, lengths=[0.3, 3, 1, 0.5, 2, 1, 3, 0.5])
    cases.append((emb, labels, 3))
    return cases


_PURITY_CASES = _purity_cases()


def _by_vector(emb, k, drop_first):
    """Neighbours found by querying an item's *vector* (the item itself is not left out)."""
    def neighbours(key):
        near = [o for o, _ in emb.most_similar(emb[key], topn=k + drop_first)]
        return near[1:] if drop_first else near
    return neighbours


def _by_raw(emb, k, similarity):
    """Neighbours ranked by a similarity of the raw (not unit-length) vectors, the item itself left out."""
    vectors = emb.vectors.astype(np.float64)
    sims = similarity(vectors)
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    keys = list(emb.keys)
    return lambda key: [keys[j] for j in top[emb.index(key)]]


def _any_hit(emb, labels, k):
    return float(np.mean([any(labels[o] == labels[key] for o, _ in emb.most_similar(key, topn=k))
                          for key in emb.keys]))


def _purity_mistakes(emb, labels, k):
    """(the value a usual mistake gives on this case, what to tell the learner), most specific first.
    The message follows the call, e.g. "`neighbour_purity(emb, labels, k=2)` returned 0.666667, ..."."""
    expected = _purity(emb, labels, k)
    count, any_hit, other = k * expected, _any_hit(emb, labels, k), 1 - expected
    euclidean = _by_raw(emb, k, lambda v: -((v[:, None] - v[None]) ** 2).sum(-1))
    return [
        (100 * expected, f"returned {100 * expected:g}, a percentage; return a share between 0 and 1"),
        (count, f"returned {count:g}, the mean *number* of neighbours with the item's own label; divide each "
                f"item's count by `k` = {k} to get its share"),
        (any_hit, f"returned {any_hit:g}, the share of items with *at least one* neighbour of their label; for "
                  "each item take the share of its k neighbours that have its label, then the mean"),
        (other, f"returned {other:g}, the share of neighbours with a *different* label; count the neighbours "
                "whose label is the item's own"),
        (_purity(emb, labels, 10) if k != 10 else None,
         f"looks at 10 neighbours whatever `k` is (most_similar's default); ask for the `k` = {k} nearest"),
        (_purity(emb, labels, k, _by_vector(emb, k, drop_first=False)),
         "counts each item among its own neighbours (an item is always nearest to itself, with its own "
         "label); leave the item out"),
        (_purity(emb, labels, k, _by_vector(emb, k, drop_first=True)),
         f"returned {_purity(emb, labels, k, _by_vector(emb, k, drop_first=True)):g}; expected {expected:g}. "
         "Two items here have identical vectors: dropping the first hit does not leave the item itself out, "
         "because in a tie it need not come first. Leave each item out by its key"),
        (_purity(emb, labels, k, euclidean),
         "ranks the neighbours by Euclidean distance between the raw vectors, which here have different "
         "lengths, so length counts as much as direction; rank them by cosine similarity, as "
         "`emb.most_similar` does (or by the distance between unit-length vectors)"),
        (_purity(emb, labels, k, _by_raw(emb, k, lambda v: v @ v.T)),
         "ranks the neighbours by the dot product of the raw vectors, which here have different lengths, so "
         "long vectors are everyone's neighbours; rank them by cosine similarity, as `emb.most_similar` does "
         "(the dot product of unit-length vectors)"),
    ]


_PURITY_MISTAKES = [_purity_mistakes(*case) for case in _PURITY_CASES]


def _purity_value(neighbour_purity, emb, labels, k, label):
    try:
        got = call(neighbour_purity, emb, dict(labels), k, _label=label)
    except Incorrect as err:
        unknown = [key for key in labels if key not in emb]
        if "raised KeyError" in str(err) and unknown:
            raise Incorrect(f"{err}. `labels` may name items that `emb` has no vector for ({unknown[0]!r}); "
                            "score the items of `emb` (`emb.keys`)") from None
        raise
    if isinstance(got, (list, tuple, dict)) or (isinstance(got, np.ndarray) and got.ndim > 0):
        raise Incorrect(f"`{label}` returned {show(got)}; return one number, the mean of the items' shares")
    try:
        return float(got)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return one number; got {show(got)}") from None


def _check_neighbour_purity(neighbour_purity) -> str:
    values = {}

    def value_on(i):
        if i not in values:
            emb, labels, k = _PURITY_CASES[i]
            values[i] = _purity_value(neighbour_purity, emb, labels, k, f"neighbour_purity(emb, labels, k={k})")
        return values[i]

    def explains(m, i):
        """Whether mistake m explains the answer to case i (an answer that fails otherwise does not count)."""
        try:
            value = value_on(i)
        except Incorrect:
            return True
        alt = _PURITY_MISTAKES[i][m][0]
        return alt is None or np.isclose(value, alt, atol=1e-9)

    for i, (emb, labels, k) in enumerate(_PURITY_CASES):
        label = f"neighbour_purity(emb, labels, k={k})"
        value, expected = value_on(i), _purity(emb, labels, k)
        if np.isclose(value, expected, atol=1e-9):
            continue
        # blame a mistake only if it explains the answers to the other cases too
        for m, (alt, message) in enumerate(_PURITY_MISTAKES[i]):
            if alt is not None and np.isclose(value, alt, atol=1e-9) and all(
                    explains(m, j) for j in range(len(_PURITY_CASES)) if j != i):
                raise Incorrect(f"`{label}` {message}")
        raise Incorrect(f"`{label}` returned {value:g}; expected {expected:g}")
    return f"all {len(_PURITY_CASES)} test cases pass, k above 10 and identical vectors included"


neighbour_purity = Exercise(
    "neighbour_purity",
    _check_neighbour_purity,
    hints=[
        "Take the items one at a time. For one item, `emb.most_similar` finds its nearest *other* items, as "
        "(key, score) pairs; compare their labels with the item's own.",
        "Worked example: with k = 3, an item labelled 'kitchen' whose neighbours are labelled kitchen, coffee, "
        "kitchen has a share of 2/3. Over three items with shares 2/3, 1 and 0 the purity is (2/3 + 1 + 0) / 3 "
        "≈ 0.56: each item counts once.",
        "Loop over the keys of `emb`, not of `labels`: the labels may cover items that got no vector. "
        "And pass `k` on: the method's own default is 10.",
        "If you are still stuck, `ex.neighbour_purity.solution()` shows one answer (your grade notes that you looked).",
    ],
)
