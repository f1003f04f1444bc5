"""Checks for chapter 3, Graphs.

One module per notebook holds its checks (``deepwalk``, ``node2vec``);
``NOTEBOOKS`` below lists them, with the written questions, in the order the
chapter teaches them.
"""
from __future__ import annotations

from ..checks import Written
from .deepwalk import uniform_walk, walks_to_sentences
from .node2vec import node2vec_weights, split_edges, tune_p_q

settings_answer = Written(
    "settings_answer",
    "On a graph of a million nodes, which nodes would lose their vector, or most of their training pairs, "
    "under word2vec's word settings min_count=5 and sample=1e-3? Would that matter for what you want the "
    "vectors for?",
)
p_q_answer = Written(
    "p_q_answer",
    "Where does a walker with p < 1 spend its time, and one with q < 1? Which would you pick to find a "
    "node's community (homophily), and why did neither give structural roles on Les Misérables?",
)

NOTEBOOKS = {
    "03_graphs/01_deepwalk": [uniform_walk, walks_to_sentences, settings_answer],
    "03_graphs/02_node2vec": [node2vec_weights, p_q_answer, split_edges, tune_p_q],
}
