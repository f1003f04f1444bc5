"""One `Embeddings` type for every chapter: keys (words, items, nodes, images)
and one vector per key, with cosine-similarity look-ups.

The method names follow gensim's ``KeyedVectors`` so what you learn here
carries over.

Example
-------
>>> emb = Embeddings(["cat", "dog", "car"], [[1.0, 0.1], [0.9, 0.2], [0.0, 1.0]])
>>> [(key, round(score, 3)) for key, score in emb.most_similar("cat", topn=1)]
[('dog', 0.993)]
>>> round(emb.similarity("cat", "car"), 3)
0.1
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

__all__ = ["Embeddings", "normalize", "project", "nearest"]


def normalize(vectors: np.ndarray, axis: int = -1) -> np.ndarray:
    """Scale vectors to unit L2 length; all-zero vectors stay zero."""
    vectors = np.asarray(vectors)
    if vectors.dtype != np.float64:
        vectors = vectors.astype(np.float32)
    norms = np.linalg.norm(vectors, axis=axis, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def nearest(queries, database, k: int = 10, chunk: int = 1024, exclude_self: bool = False, dtype=np.float32):
    """The ``k`` rows of ``database`` most cosine-similar to each row of ``queries``.

    Returns ``(indices, scores)``, both ``(n_queries, k)``, most similar
    first, ties to the lower row number. Queries go ``chunk`` rows at a time,
    so memory stays at ``chunk × len(database)`` scores; the result does not
    depend on ``chunk``. With ``exclude_self=True`` the queries *are* the
    database and row ``i`` is left out of its own results. All-zero rows
    score 0. The one search behind ``Embeddings.nearest_indices``,
    ``vision.cosine_search`` and ``sentences.cosine_top_k``.
    """
    q, db = (np.asarray(x, dtype=dtype) for x in (queries, database))
    for name, array in (("queries", q), ("database", db)):
        if array.ndim != 2:
            raise ValueError(f"{name} must be a 2-D array (one vector per row), got shape {array.shape}")
    if q.shape[1] != db.shape[1]:
        raise ValueError(f"queries and database must have the same number of columns, got {q.shape[1]} and {db.shape[1]}")
    if exclude_self and len(q) != len(db):
        raise ValueError("exclude_self=True needs the queries to be the database (the same rows), got "
                         f"{len(q)} queries and {len(db)} database rows")
    available = len(db) - bool(exclude_self)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= available:
        raise ValueError(f"k must be an int between 1 and {available} (the rows that can be returned), got {k!r}")
    if not isinstance(chunk, (int, np.integer)) or isinstance(chunk, bool) or chunk < 1:
        raise ValueError(f"chunk must be an int >= 1, got {chunk!r}")
    q, db = normalize(q), normalize(db)
    indices = np.empty((len(q), k), dtype=np.int64)
    scores = np.empty((len(q), k), dtype=db.dtype)
    for start in range(0, len(q), chunk):
        sims = q[start : start + chunk] @ db.T
        if exclude_self:
            rows = np.arange(len(sims))
            sims[rows, start + rows] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(db) else np.tile(np.arange(len(db)), (len(sims), 1))
        top_scores = np.take_along_axis(sims, top, axis=1)
        order = np.lexsort((top, -top_scores), axis=1)  # by score, ties by row number
        indices[start : start + chunk] = np.take_along_axis(top, order, axis=1)
        scores[start : start + chunk] = np.take_along_axis(top_scores, order, axis=1)
    return indices, scores


def project(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Signed length of each row's shadow on ``direction``: ``v · d / |d|``.

    >>> project(np.array([[3.0, 4.0], [1.0, 0.0]]), np.array([0.0, 2.0])).tolist()
    [4.0, 0.0]
    """
    direction = np.asarray(direction, dtype=np.float64)
    norm = np.linalg.norm(direction)
    if norm == 0:
        raise ValueError("direction must not be the zero vector")
    return np.asarray(vectors, dtype=np.float64) @ (direction / norm)


class Embeddings:
    """Vectors indexed by keys.

    Parameters
    ----------
    keys : sequence of hashable
        One key per row of ``vectors``; keys must be unique.
    vectors : array of shape (n_keys, dim)
    """

    def __init__(self, keys: Sequence, vectors) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-D (n_keys, dim), got shape {vectors.shape}")
        keys = list(keys)
        if len(keys) != len(vectors):
            raise ValueError(
                f"got {len(keys)} keys for {len(vectors)} vectors; they must match"
            )
        self.keys = keys
        self.vectors = vectors
        try:
            self.key_to_index = {k: i for i, k in enumerate(keys)}
        except TypeError:
            i = next(i for i, k in enumerate(keys) if not _hashable(k))
            raise TypeError(f"keys[{i}] is a {type(keys[i]).__name__} ({keys[i]!r:.40}), which cannot be a key: "
                            "keys must be hashable (str, int, tuple...)") from None
        if len(self.key_to_index) != len(keys):
            raise ValueError("keys must be unique")
        self._unit = None

    # -- look-ups ---------------------------------------------------------
    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: object) -> bool:
        return key in self.key_to_index

    def __repr__(self) -> str:
        return f"Embeddings({len(self)} keys, dim={self.dim})"

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @property
    def unit_vectors(self) -> np.ndarray:
        """The vectors scaled to unit length (computed once, then cached)."""
        if self._unit is None:
            self._unit = normalize(self.vectors)
        return self._unit

    def index(self, key) -> int:
        """Row of ``key``; raises ``KeyError`` naming the key if it is missing."""
        try:
            return self.key_to_index[key]
        except (KeyError, TypeError):
            raise KeyError(f"key {key!r} is not in the embeddings") from None

    def __getitem__(self, key) -> np.ndarray:
        return self.vectors[self.index(key)]

    # -- similarity --------------------------------------------------------
    def similarity(self, a, b) -> float:
        """Cosine similarity of two keys."""
        u = self.unit_vectors
        return float(u[self.index(a)] @ u[self.index(b)])

    def cosine_similarities(self, vector) -> np.ndarray:
        """Cosine similarity of one vector with every key's vector."""
        v = normalize(np.asarray(vector, dtype=np.float32))
        return self.unit_vectors @ v

    def most_similar(
        self,
        positive: Iterable | object = (),
        negative: Iterable = (),
        topn: int = 10,
    ) -> list[tuple[object, float]]:
        """The ``topn`` keys closest (by cosine) to the mean of the given keys.

        ``positive`` and ``negative`` are keys or raw vectors; a single key
        may be given on its own. Query keys are left out of the answer.
        ``most_similar(positive=["king", "woman"], negative=["man"])`` is the
        3CosAdd analogy.
        """
        if topn < 1:
            raise ValueError(f"topn must be >= 1, got {topn}")
        positive = [positive] if self._is_single(positive) else list(positive)
        negative = [negative] if self._is_single(negative) else list(negative)
        if not positive and not negative:
            raise ValueError("give at least one positive or negative key")
        u = self.unit_vectors
        query = np.zeros(self.dim, dtype=np.float32)
        exclude = []
        for sign, items in ((1.0, positive), (-1.0, negative)):
            for item in items:
                if isinstance(item, np.ndarray):
                    query += sign * normalize(item.astype(np.float32))
                else:
                    i = self.index(item)
                    exclude.append(i)
                    query += sign * u[i]
        scores = u @ normalize(query)
        scores[exclude] = -np.inf
        k = min(topn, len(self) - len(set(exclude)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.keys[i], float(scores[i])) for i in top]

    def mean_vector(self, keys: Iterable) -> np.ndarray:
        """The mean of the unit vectors of ``keys``: one vector for a sentence, a session, a user.

        Keys repeated count as often as they appear (a user who viewed an
        item three times leans three times towards it); keys without a
        vector are skipped; with none known the result is all zeros.
        """
        rows = [self.key_to_index[k] for k in keys if _hashable(k) and k in self.key_to_index]
        if not rows:
            return np.zeros(self.dim, dtype=np.float32)
        return self.unit_vectors[rows].mean(axis=0)

    def nearest_indices(self, queries: np.ndarray, topn: int = 10, chunk: int = 1024) -> np.ndarray:
        """Indices of the ``topn`` nearest keys to each row of ``queries`` (chunked: see :func:`nearest`)."""
        return nearest(queries, self.unit_vectors, topn, chunk)[0]

    def _is_single(self, item) -> bool:
        """True if ``item`` is one key or one vector rather than a list of them."""
        if isinstance(item, np.ndarray):
            return item.ndim == 1
        return isinstance(item, str) or (_hashable(item) and item in self.key_to_index)

    # -- conversion ----------------------------------------------------------
    def to_gensim(self):
        """Convert to a gensim ``KeyedVectors``; keys become strings (``str(key)``: ``7`` becomes
        ``"7"``, ``(0, 1)`` becomes ``"(0, 1)"``), as gensim reads a tuple as several keys and an
        int as a row number. Raises ``ValueError`` if two keys give the same string."""
        from gensim.models import KeyedVectors

        names = [str(k) for k in self.keys]
        if len(set(names)) != len(names):
            first: dict[str, object] = {}
            for key, text in zip(self.keys, names):
                if text in first:
                    raise ValueError(f"keys {first[text]!r} and {key!r} both become {text!r} in gensim, whose keys "
                                     "are strings; rename one of them before converting")
                first[text] = key
        kv = KeyedVectors(vector_size=self.dim)
        kv.add_vectors(names, self.vectors)
        return kv

    @classmethod
    def from_gensim(cls, kv) -> "Embeddings":
        """Build from a gensim ``KeyedVectors``."""
        return cls(list(kv.index_to_key), np.asarray(kv.vectors))

    def to_projector(self, folder, metadata: dict | None = None, name: str = "embedding"):
        """Write files for the TensorBoard Embedding Projector into ``folder``.

        - ``tensors.tsv``: one row of tab-separated numbers per key;
        - ``metadata.tsv``: the keys (as ``str``), one per line; with
          ``metadata`` (a dict of column name -> one value per key), a header
          line and one column per entry, the keys first in a column named
          ``key`` (the format the Projector expects for several columns). An
          empty value is read by the Projector as a missing one;
        - ``projector_config.pbtxt``: the config TensorBoard's projector
          plugin reads (``tensorboard --logdir folder``), ``name`` being the
          tensor's name in it.

        Text is written as it is, never altered: a key, value or column name
        containing a tab or a line break, a blank key or column name, a
        column called ``key``, and vectors that are not all finite raise
        ``ValueError`` (saying what to fix) before any file is written; each
        file is written whole or not at all (see :mod:`embedlib._projector`).

        Open them at https://projector.tensorflow.org ("Load": the two .tsv
        files), or run TensorBoard on the folder. Returns the folder as a Path.
        """
        from ._projector import write_projector

        return write_projector(self.keys, self.vectors, folder, metadata, name)


def _hashable(obj) -> bool:
    try:
        hash(obj)
    except TypeError:
        return False
    return True
