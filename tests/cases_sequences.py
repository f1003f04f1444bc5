"""Reference and wrong answers for the Sequences chapter's exercises (see test_checks.py)."""
from collections import Counter, defaultdict

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


def session_pairs_by_distance_ok(sessions, window):
    """Pairs found distance by distance, in both directions, as lists: a different order and shape."""
    for s in sessions:
        for d in range(1, window + 1):
            for a, b in zip(s, s[d:]):
                yield [a, b]
                yield [b, a]


def neighbour_purity_ok(emb, labels, k):
    shares = []
    for key in emb.keys:
        near = emb.most_similar(key, topn=k)
        shares.append(np.mean([labels[other] == labels[key] for other, _ in near]))
    return float(np.mean(shares))


def neighbour_purity_matrix_ok(emb, labels, k):
    """Its own cosine matrix, the diagonal masked out; returns a numpy number."""
    unit = emb.vectors / np.linalg.norm(emb.vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    own = np.array([labels[key] for key in emb.keys])
    return (own[top] == own[:, None]).mean()


def neighbour_purity_unit_distance_ok(emb, labels, k):
    """Euclidean distance between *unit* vectors ranks like cosine: the same neighbours."""
    unit = emb.unit_vectors
    dist = ((unit[:, None] - unit[None]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    own = np.array([labels[key] for key in emb.keys])
    return float((own[np.argsort(dist, axis=1, kind="stable")[:, :k]] == own[:, None]).mean())


def user_vectors_ok(emb, sessions, session_user, users):
    per_user = defaultdict(list)
    for session, user in zip(sessions, session_user):
        if any(item in emb for item in session):
            per_user[user].append(emb.mean_vector(session))
    return np.array([np.mean(per_user[u], axis=0) if per_user[u] else np.zeros(emb.dim) for u in users])


def user_vectors_unit_rows_ok(emb, sessions, session_user, users):
    """Sums instead of means, sessions of unknown items counted as zeros, rows scaled to unit length:
    the same directions."""
    rows = {u: np.zeros(emb.dim) for u in users}
    for session, user in zip(sessions, session_user):
        rows[user] = rows[user] + emb.mean_vector(session)
    out = np.vstack([rows[u] for u in users])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


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


def pairs_skip_same_item(sessions, window):
    return [(a, b) for a, b in session_pairs_ok(sessions, window) if a != b]


def pairs_negative_positions_wrap(sessions, window):
    pairs = []
    for s in sessions:
        for i, centre in enumerate(s):
            for j in range(i - window, min(len(s), i + window + 1)):
                if j != i:
                    pairs.append((centre, s[j]))
    return pairs


def pairs_collapse_repeat_views(sessions, window):
    # a refresh: the same item viewed twice in a row is kept once
    return session_pairs_ok([[x for i, x in enumerate(s) if i == 0 or s[i - 1] != x] for s in sessions], window)


def pairs_as_counts(sessions, window):
    return Counter(session_pairs_ok(sessions, window))


def purity_default_topn(emb, labels, k):
    return float(np.mean([np.mean([labels[o] == labels[key] for o, _ in emb.most_similar(key)]) for key in emb.keys]))


def purity_drops_first_hit(emb, labels, k):
    shares = []
    for key in emb.keys:
        near = emb.most_similar(emb[key], topn=k + 1)[1:]  # "the first hit is the item itself"
        shares.append(np.mean([labels[o] == labels[key] for o, _ in near]))
    return float(np.mean(shares))


def purity_counts_itself(emb, labels, k):
    shares = []
    for key in emb.keys:
        near = emb.most_similar(emb[key], topn=k)
        shares.append(np.mean([labels[o] == labels[key] for o, _ in near]))
    return float(np.mean(shares))


def purity_percent(emb, labels, k):
    return 100 * neighbour_purity_ok(emb, labels, k)


def purity_per_item(emb, labels, k):
    return [np.mean([labels[o] == labels[key] for o, _ in emb.most_similar(key, topn=k)]) for key in emb.keys]


def purity_other_labels(emb, labels, k):
    return 1 - neighbour_purity_ok(emb, labels, k)


def purity_over_labels(emb, labels, k):
    return float(np.mean([np.mean([labels[o] == labels[key] for o, _ in emb.most_similar(key, topn=k)])
                          for key in labels]))


def _purity_by(emb, labels, k, sims):
    np.fill_diagonal(sims, -np.inf)
    own = np.array([labels[key] for key in emb.keys])
    return float((own[np.argsort(-sims, axis=1)[:, :k]] == own[:, None]).mean())


def purity_euclidean_raw(emb, labels, k):
    return _purity_by(emb, labels, k, -((emb.vectors[:, None] - emb.vectors[None]) ** 2).sum(-1))


def purity_dot_product(emb, labels, k):
    return _purity_by(emb, labels, k, emb.vectors @ emb.vectors.T)


def purity_counts_not_share(emb, labels, k):
    return float(np.mean([sum(labels[o] == labels[key] for o, _ in emb.most_similar(key, topn=k))
                          for key in emb.keys]))


def purity_any_hit(emb, labels, k):
    return float(np.mean([any(labels[o] == labels[key] for o, _ in emb.most_similar(key, topn=k))
                          for key in emb.keys]))


def purity_label_of_nearest(emb, labels, k):
    # compares the neighbours with the nearest neighbour's label, not the item's
    shares = []
    for key in emb.keys:
        near = [o for o, _ in emb.most_similar(key, topn=k)]
        shares.append(np.mean([labels[o] == labels[near[0]] for o in near]))
    return float(np.mean(shares))


def users_pooled(emb, sessions, session_user, users):
    views = defaultdict(list)
    for session, user in zip(sessions, session_user):
        views[user] += session
    return np.array([emb.mean_vector(views[u]) for u in users])


def users_raw_vectors(emb, sessions, session_user, users):
    per_user = defaultdict(list)
    for session, user in zip(sessions, session_user):
        known = [emb.index(i) for i in session if i in emb]
        if known:
            per_user[user].append(emb.vectors[known].mean(axis=0))
    return np.array([np.mean(per_user[u], axis=0) if per_user[u] else np.zeros(emb.dim) for u in users])


def users_first_seen_order(emb, sessions, session_user, users):
    order = list(dict.fromkeys(session_user)) + [u for u in users if u not in session_user]
    return user_vectors_ok(emb, sessions, session_user, [u for u in order if u in users])


def users_nan_without_sessions(emb, sessions, session_user, users):
    per_user = defaultdict(list)
    for session, user in zip(sessions, session_user):
        per_user[user].append(emb.mean_vector(session))
    with np.errstate(all="ignore"):
        return np.array([np.mean(per_user[u], axis=0) if per_user[u] else np.full(emb.dim, np.nan) for u in users])


def users_as_dict(emb, sessions, session_user, users):
    return dict(zip(users, user_vectors_ok(emb, sessions, session_user, users)))


def users_with_sessions_only(emb, sessions, session_user, users):
    return user_vectors_ok(emb, sessions, session_user, [u for u in users if u in session_user])


RIGHT = {
    (S1, "session_pairs"): session_pairs_ok,
    (S1, "neighbour_purity"): neighbour_purity_ok,
    (S2, "user_vectors"): user_vectors_ok,
}

ALSO_RIGHT = {
    (S1, "session_pairs"): [session_pairs_by_distance_ok],
    (S1, "neighbour_purity"): [neighbour_purity_matrix_ok, neighbour_purity_unit_distance_ok],
    (S2, "user_vectors"): [user_vectors_unit_rows_ok],
}

WRONG = {
    (S1, "session_pairs"): [
        (pairs_across_sessions, "in different sessions"),
        (pairs_with_self, "with itself"),
        (pairs_window_too_wide, "at most `window`"),
        (pairs_window_too_narrow, "up to and including"),
        (pairs_right_only, "both sides"),
        (pairs_deduplicated, "count every occurrence"),
        (pairs_skip_same_item, "leave out the centre *position*", "ties"),
        (pairs_negative_positions_wrap, "a negative position"),
        (pairs_collapse_repeat_views, "a repeat view is a view of its own", "ties"),
        (pairs_as_counts, "not a mapping of pairs to counts", "return-type"),
    ],
    (S1, "neighbour_purity"): [
        (purity_default_topn, "10 neighbours whatever `k` is", "cutoff"),
        (purity_drops_first_hit, "Leave each item out by its key", "ties"),
        (purity_counts_itself, "among its own neighbours"),
        (purity_percent, "a percentage", "return-type"),
        (purity_per_item, "return one number", "return-type"),
        (purity_other_labels, "*different* label"),
        (purity_over_labels, "score the items of `emb`"),
        (purity_euclidean_raw, "by Euclidean distance between the raw vectors"),
        (purity_dot_product, "by the dot product of the raw vectors"),
        (purity_counts_not_share, "the mean *number* of neighbours"),
        (purity_any_hit, "*at least one* neighbour"),
        (purity_label_of_nearest, "returned 0.666667; expected 0.333333"),
    ],
    (S2, "user_vectors"): [
        (users_pooled, "average within each session first", "averages"),
        (users_raw_vectors, "raw item vectors"),
        (users_first_seen_order, "row i must be the user `users[i]`"),
        (users_as_dict, "return an array with one row per user", "return-type"),
        (users_with_sessions_only, "zeros for a user without sessions"),
        (users_nan_without_sessions, "a user with no sessions gets a row of zeros"),
    ],
}

KINDS = {
    (S1, "session_pairs"): {"ties", "return-type"},
    (S1, "neighbour_purity"): {"ties", "cutoff", "return-type"},
    (S2, "user_vectors"): {"averages", "return-type"},
}
