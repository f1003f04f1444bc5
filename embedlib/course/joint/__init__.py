"""Checks for chapter 5, Joint spaces.

Each check calls the learner's answer on small inputs built here (a few
vectors with known triples, a tiny space trained for one epoch, tag lists with
look-alike words and shared pictures), compares it with the library's
``embedlib.joint``, and says which input failed and how.

One module per notebook holds its checks (``common_space``,
``suggestions_and_geometry``); ``NOTEBOOKS`` lists them in teaching order.
"""
from __future__ import annotations

from .common_space import ranking_loss, recall_at_k, train_epoch
from .suggestions_and_geometry import zero_shot_answer, zero_shot_split

NOTEBOOKS = {
    "05_joint/01_common_space": [ranking_loss, train_epoch, recall_at_k],
    "05_joint/02_suggestions_and_geometry": [zero_shot_split, zero_shot_answer],
}
