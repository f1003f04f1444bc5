"""Checks for chapter 1, Words.

Each check compares the learner's answer with the library's reference on
small inputs, edge cases included, and says which input failed and how.

One module per notebook holds its checks (``sliding_window``, ``word2vec``,
``similarity``, ``visualisation``, ``geometry``); ``NOTEBOOKS`` below lists
them in the order the chapter teaches them.
"""
from __future__ import annotations

from .geometry import project, three_cos_add, three_cos_mul
from .similarity import cosine_similarity, most_similar, spearman_rho
from .sliding_window import build_vocab, ppmi, skipgram_pairs, window_answer, window_sweep
from .visualisation import explained_variance_ratio, neighbour_overlap, pca
from .word2vec import dim_answer, sgns_gradients, sgns_loss

NOTEBOOKS = {
    "01_words/01_sliding_window": [build_vocab, skipgram_pairs, ppmi, window_sweep, window_answer],
    "01_words/02_word2vec": [sgns_loss, sgns_gradients, dim_answer],
    "01_words/03_similarity": [cosine_similarity, most_similar, spearman_rho],
    "01_words/04_visualisation": [pca, explained_variance_ratio, neighbour_overlap],
    "01_words/05_geometry": [three_cos_add, three_cos_mul, project],
}
