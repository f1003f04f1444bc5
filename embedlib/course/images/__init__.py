"""Checks for chapter 4, Images.

Each check calls the learner's answer on small inputs built here (tiny
networks with fixed weights, clusters with a known answer), compares it with
a reference, and says which input failed and how.

One module per notebook holds its checks (``cnn``, ``embedding_images``,
``image_search``); ``NOTEBOOKS`` below lists them in the order the chapter
teaches them.
"""
from __future__ import annotations

from .cnn import train_step
from .embedding_images import strip_and_normalise, transfer_answer
from .image_search import centre, hubs_answer, precision_by_category, query_by_example

NOTEBOOKS = {
    "04_images/01_cnn": [train_step],
    "04_images/02_embedding_images": [strip_and_normalise, transfer_answer],
    "04_images/03_image_search": [query_by_example, precision_by_category, centre, hubs_answer],
}
