"""Checks for chapter 3, Graphs.

One module per notebook holds its checks (``deepwalk``, ``node2vec``);
``NOTEBOOKS`` below lists them in the order the chapter teaches them.
"""
from __future__ import annotations

from .deepwalk import uniform_walk, walks_to_sentences
from .node2vec import node2vec_weights, split_edges, tune_p_q

NOTEBOOKS = {
    "03_graphs/01_deepwalk": [uniform_walk, walks_to_sentences],
    "03_graphs/02_node2vec": [node2vec_weights, split_edges, tune_p_q],
}
