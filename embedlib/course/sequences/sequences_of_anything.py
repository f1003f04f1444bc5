"""Checks for 02_sequences/02_sequences_of_anything: one vector per user, from their sessions."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ...session_log import user_vectors as _reference
from ...vectors import Embeddings
from ..checks import Exercise, Incorrect, call, show

# items of different lengths, so that a mean of raw vectors points elsewhere than a mean of unit ones
_EMB = Embeddings(["a", "b", "c", "d"], np.array([[3.0, 0.0, 0.0], [0.0, 0.5, 0.0], [1.0, 1.0, 0.0], [0.0, 0.2, 2.0]]))
# u2 is seen first, u3 has no session at all, and a few views are of items without a vector
_SESSIONS = [["a", "a", "a", "b"], ["b", "d"], ["c"], ["new-item"], ["d", "d", "c", "a", "b", "b"], ["new-item", "b"]]
_SESSION_USER = ["u2", "u1", "u2", "u1", "u1", "u2"]
_CASES = [
    (_SESSIONS, _SESSION_USER, ["u1", "u2", "u3"]),
    (_SESSIONS[:3], _SESSION_USER[:3], ["u2", "u1"]),
    (_SESSIONS, _SESSION_USER, ["u3", "u2", "u1", "u4"]),
]


def _pooled(emb, sessions, session_user, users):
    views = {u: [] for u in users}
    for s, u in zip(sessions, session_user):
        views[u] += s
    return np.array([emb.mean_vector(views[u]) for u in users])


def _raw(emb, sessions, session_user, users):
    rows = {u: [] for u in users}
    for s, u in zip(sessions, session_user):
        known = [emb.index(i) for i in s if i in emb]
        if known:
            rows[u].append(emb.vectors[known].mean(axis=0))
    return np.array([np.mean(rows[u], axis=0) if rows[u] else np.zeros(emb.dim) for u in users])


def _same_directions(got, expected):
    """Rows point the same way (any positive scale accepted); zero rows stay zero."""
    for g, e in zip(got, expected):
        ng, ne = np.linalg.norm(g), np.linalg.norm(e)
        if ne < 1e-9:
            if ng > 1e-6:
                return False
        elif ng < 1e-9 or not np.allclose(g / ng, e / ne, atol=1e-5):
            return False
    return True


def _check_user_vectors(user_vectors) -> str:
    emb = _EMB
    for sessions, session_user, users in _CASES:
        label = f"user_vectors(emb, sessions, session_user, users={show(users)})"
        got = call(user_vectors, emb, [list(s) for s in sessions], list(session_user), list(users), _label=label)
        if isinstance(got, Mapping):
            raise Incorrect(f"`{label}` returned a {type(got).__name__}; return an array with one row per user, "
                            "in the order of `users`")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return an array of shape ({len(users)}, {emb.dim}); "
                            f"got {show(got)}") from None
        expected = _reference(emb, sessions, session_user, users)
        if got.shape != expected.shape:
            seen = [u for u in users if u in session_user]
            if got.shape == (len(seen), emb.dim):
                raise Incorrect(f"`{label}` has {len(seen)} rows, one per user with sessions; give one row per "
                                f"user in `users` ({len(users)}), zeros for a user without sessions")
            raise Incorrect(f"Expected `{label}` to return shape {expected.shape} (one row per user, one column "
                            f"per dimension); got {got.shape}")
        bad = [u for u, row in zip(users, got) if not np.isfinite(row).all()]
        if bad:
            if bad[0] not in session_user:
                raise Incorrect(f"`{label}`: the row of user {bad[0]!r}, who has no sessions, is "
                                f"{show(got[users.index(bad[0])].tolist())} (the mean of an empty list is NaN); "
                                "a user with no sessions gets a row of zeros")
            raise Incorrect(f"`{label}`: the row of user {bad[0]!r} has NaN or infinite values: "
                            f"{show(got[users.index(bad[0])].tolist())}")
        if _same_directions(got, expected):
            continue
        first_seen = list(dict.fromkeys(u for u in session_user if u in users))
        first_seen += [u for u in users if u not in first_seen]
        if _same_directions(got, _reference(emb, sessions, session_user, first_seen)):
            raise Incorrect(f"`{label}` puts the users in the order their sessions first appear; row i must be "
                            "the user `users[i]`")
        if _same_directions(got, _pooled(emb, sessions, session_user, users)):
            raise Incorrect(f"`{label}` averages all of a user's views together, so a long session outweighs a "
                            "short one; average within each session first, then over the user's sessions")
        if _same_directions(got, _raw(emb, sessions, session_user, users)):
            raise Incorrect(f"`{label}` averages the raw item vectors; use unit-length ones (`emb.mean_vector` "
                            "does), so that no item weighs more because its vector is longer")
        bad = next(i for i in range(len(users)) if not _same_directions(got[i:i + 1], expected[i:i + 1]))
        raise Incorrect(f"`{label}`: the row of user {users[bad]!r} is {show(np.round(got[bad], 3).tolist())}; "
                        f"expected a row pointing along {show(np.round(expected[bad], 3).tolist())}")
    return f"all {len(_CASES)} test cases pass, users without sessions and unknown items included"


user_vectors = Exercise(
    "user_vectors",
    _check_user_vectors,
    hints=[
        "Two steps. First a vector per session (the library's `emb.mean_vector` gives it), then, for each user, "
        "the mean of the vectors of their sessions. A dictionary from user to a list of session vectors is "
        "one way to gather them.",
        "Worked example: a user with sessions ['tent', 'pegs', 'pegs', 'mat'] and ['mug'] gets "
        "(v1 + v2) / 2, where v1 is the first session's mean and v2 the mug's unit vector: the mug weighs "
        "half, not a fifth.",
        "Build the rows in the order of `users`, including users who have no session (a row of zeros), "
        "and stack them with `np.array` or `np.vstack`.",
        "If you are still stuck, `ex.user_vectors.solution()` shows one answer (your grade notes that you looked).",
    ],
)
