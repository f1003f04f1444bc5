"""embedlib: the helper library of the course *Embed All The Things*.

Modules, one concern each:

- :mod:`embedlib.data` — loaders for the data that ships with the course's dependencies
- :mod:`embedlib.text` — tokenise, vocabulary, sliding windows, co-occurrence, PPMI
- :mod:`embedlib.word2vec` — skip-gram with negative sampling for any token sequences
- :mod:`embedlib.marketplace` — a synthetic shop with known answers, and a session-log loader
- :mod:`embedlib.walks` — DeepWalk and node2vec random walks on graphs
- :mod:`embedlib.links` — link prediction: edge splits, non-edges, edge features
- :mod:`embedlib.openmoji` — real pictures with titles, offline: the OpenMoji emoji
- :mod:`embedlib.vision` — digits, a small CNN, a pretrained CNN, image embeddings and image search
- :mod:`embedlib.joint` — images and tags in one space: the P and Q projections
- :mod:`embedlib.sentences` — text vectors: averaged, SIF-weighted, a pretrained sentence encoder offline
- :mod:`embedlib.search` — BM25 keyword scores, two-stage re-ranking and its mean reciprocal rank
- :mod:`embedlib.vectors` — the :class:`~embedlib.vectors.Embeddings` type used everywhere
- :mod:`embedlib.evaluate` — word similarity, analogies
- :mod:`embedlib.plot` — the figures the chapters share
- :mod:`embedlib.cache` — an on-disk cache for slow results (rendered images, CNN features)
- :mod:`embedlib.course` — exercise checks, the notebook generator and the grader
"""
from .vectors import Embeddings

__version__ = "0.1.0"
__all__ = ["Embeddings", "__version__"]
