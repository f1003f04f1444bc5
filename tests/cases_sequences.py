"""Reference and wrong answers for the Sequences chapter's exercises (see test_checks.py)."""
import numpy as np

S1, S2 = "02_sequences/01_item2vec", "02_sequences/02_sequences_of_anything"


def session_pairs_ok(sessions, window):
    pairs = []
    for s in sessions:
        for i, centre in enumerate(s):
            for j in range(max(0, i - window), min(len(s), i + window + 1)):
                if j != i:
                    pairs.append((centre, s[j]))
    return pairs


def hit_rate_ok(recommended, targets, k):
    return sum(t in r[:k] for r, t in zip(recommended, targets)) / len(targets)


def mean_vector_ok(emb, items):
    known = [i for i in items if i in emb]
    if not known:
        return np.zeros(emb.dim)
    return emb.unit_vectors[[emb.index(i) for i in known]].mean(axis=0)


# -- wrong answers, each with the feedback it must get ---------------------------------


def pairs_across_sessions(sessions, window):
    return session_pairs_ok([[x for s in sessions for x in s]], window)


def pairs_with_self(sessions, window):
    return session_pairs_ok(sessions, window) + [(x, x) for s in sessions for x in s]


def pairs_window_too_wide(sessions, window):
    return session_pairs_ok(sessions, window + 1)


def pairs_window_too_narrow(sessions, window):
    return session_pairs_ok(sessions, window - 1)


def pairs_right_only(sessions, window):
    return [(s[i], s[j]) for s in sessions for i in range(len(s)) for j in range(i + 1, min(len(s), i + window + 1))]


def pairs_deduplicated(sessions, window):
    return sorted(set(session_pairs_ok(sessions, window)))


def hit_rate_counts(recommended, targets, k):
    return sum(t in r[:k] for r, t in zip(recommended, targets))


def hit_rate_precision(recommended, targets, k):
    return sum(t in r[:k] for r, t in zip(recommended, targets)) / (k * len(targets))


def hit_rate_ignores_k(recommended, targets, k):
    return sum(t in r for r, t in zip(recommended, targets)) / len(targets)


def hit_rate_first_only(recommended, targets, k):
    return sum(bool(r) and r[0] == t for r, t in zip(recommended, targets)) / len(targets)


def mean_raw_vectors(emb, items):
    known = [i for i in items if i in emb]
    return emb.vectors[[emb.index(i) for i in known]].mean(axis=0) if known else np.zeros(emb.dim)


def mean_is_sum(emb, items):
    known = [i for i in items if i in emb]
    return emb.unit_vectors[[emb.index(i) for i in known]].sum(axis=0) if known else np.zeros(emb.dim)


def mean_of_unique_items(emb, items):
    return mean_vector_ok(emb, list(dict.fromkeys(items)))


def mean_over_all_items(emb, items):
    known = [i for i in items if i in emb]
    return emb.unit_vectors[[emb.index(i) for i in known]].sum(axis=0) / len(items) if known else np.zeros(emb.dim)


def mean_unknown_raises(emb, items):
    return emb.unit_vectors[[emb.index(i) for i in items]].mean(axis=0)


RIGHT = {
    (S1, "session_pairs"): session_pairs_ok,
    (S1, "hit_rate_at_k"): hit_rate_ok,
    (S2, "mean_vector"): mean_vector_ok,
}

WRONG = {
    (S1, "session_pairs"): [
        (pairs_across_sessions, "in different sessions"),
        (pairs_with_self, "with itself"),
        (pairs_window_too_wide, "at most `window`"),
        (pairs_window_too_narrow, "up to and including"),
        (pairs_right_only, "both sides"),
        (pairs_deduplicated, "count every occurrence"),
    ],
    (S1, "hit_rate_at_k"): [
        (hit_rate_counts, "between 0 and 1"),
        (hit_rate_precision, "precision at k"),
        (hit_rate_ignores_k, "only the first k"),
        (hit_rate_first_only, "anywhere in the top k"),
    ],
    (S2, "mean_vector"): [
        (mean_raw_vectors, "normalise each item's vector"),
        (mean_is_sum, "returns the sum"),
        (mean_of_unique_items, "counts each item once"),
        (mean_over_all_items, "skip the unknown ones"),
        (mean_unknown_raises, "Skip the items the embeddings do not know"),
    ],
}
