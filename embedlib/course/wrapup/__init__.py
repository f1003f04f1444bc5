"""Checks for chapter 6, Wrap-up (one notebook, 06_wrap_up/01_embed_all_the_things).

Each check compares the learner's answer with the library's reference
(:class:`embedlib.sentences.SIF`, :func:`embedlib.search.rerank_mrr`) on
small inputs chosen so that the usual mistakes show, and says which input
failed and what the mistake is. One module per exercise (``sif``,
``rerank``); ``NOTEBOOKS`` below lists them with the written question.
"""
from __future__ import annotations

from ..checks import Written
from .rerank import rerank_mrr
from .sif import sif_embeddings

keywords_or_encoder = Written(
    "keywords_or_encoder",
    "You are building the search box for your team's documents. When would you rely on keyword search (BM25), "
    "when on a sentence encoder, and why? Use one question from this notebook's outputs for each. (3-4 sentences)",
    hints=["Look at the questions each method ranked worst, and at which words of them the right article "
           "contains; then think of what your own users type: names and codes, or descriptions?"],
)

NOTEBOOKS = {
    "06_wrap_up/01_embed_all_the_things": [sif_embeddings, rerank_mrr, keywords_or_encoder],
}
