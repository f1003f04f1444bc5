"""Checks for chapter 2, Sequences.

Each check calls the learner's answer on small inputs built here (a few
sessions, a handful of vectors with known neighbours), compares it with a
reference, and says which input failed and how.

One module per notebook holds its checks (``item2vec``,
``sequences_of_anything``); ``NOTEBOOKS`` below lists them in the order the
chapter teaches them.
"""
from __future__ import annotations

from ..checks import Written
from .item2vec import neighbour_purity, session_pairs
from .sequences_of_anything import user_vectors

window_answer = Written(
    "window_answer",
    "A shop wants two widgets: 'goes well with' (complements) and 'similar items' (the same kind of product). "
    "From the window measurements, which window would you train each one with, and why? (2-3 sentences)",
)
cold_start_answer = Written(
    "cold_start_answer",
    "A new product goes on sale today. item2vec has no vector for it, so it is in no 'also viewed' list and in "
    "no customer's vector. How would you recommend it before its first views, and how would it get a vector "
    "afterwards? (2-3 sentences)",
)

NOTEBOOKS = {
    "02_sequences/01_item2vec": [session_pairs, neighbour_purity, window_answer],
    "02_sequences/02_sequences_of_anything": [user_vectors, cold_start_answer],
}
