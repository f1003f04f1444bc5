"""Text to numbers: tokenise, build a vocabulary, slide a window, count.

The functions here are the polished versions of what the Words chapter builds
step by step. They work on numpy arrays of token ids so that they stay fast on
a few hundred thousand tokens.

Example
-------
>>> tokens = tokenize("The cat sat on the mat. The dog sat too!")
>>> vocab = Vocab.from_tokens(tokens, min_count=2)
>>> vocab.words
['the', 'sat']
>>> vocab.encode(["the", "cat", "sat"]).tolist()
[0, -1, 1]
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from ._inputs import id_array, not_walks, token_lists, unhashable_token, vocabulary_order
from ._unicode import ASCII_TOKEN, word_pattern

__all__ = [
    "tokenize",
    "Vocab",
    "skipgram_pairs",
    "cooccurrence_matrix",
    "ppmi",
    "noise_distribution",
    "keep_probabilities",
]

def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-case word tokens, for any script.

    The text is first normalised to Unicode NFKC (compatibility composition:
    ``"e"`` plus a combining acute becomes ``"é"``, the ligature ``"ﬁ"``
    becomes ``"fi"``, full-width ``"Ｐａｒｉｓ"`` becomes ``"Paris"``), then
    case-folded with :meth:`str.casefold` (``"Straße"`` becomes
    ``"strasse"``; for ASCII text it is the same as lower-casing). A token
    is then a run of Unicode letters together with the combining marks that
    follow them, optionally with one apostrophe inside (``"don't"``; the
    typographic ``’`` is written as ``'``). Digits, punctuation and symbols
    are dropped.

    Returns a list of str. Raises ``TypeError`` if ``text`` is not a str.

    >>> tokenize("Paris is the capital of France; it's big.")
    ['paris', 'is', 'the', 'capital', 'of', 'france', "it's", 'big']
    >>> tokenize("Le café à Zürich, Москва")
    ['le', 'café', 'à', 'zürich', 'москва']
    """
    if not isinstance(text, str):
        hint = "; for a list of texts use [tokenize(t) for t in texts]" if isinstance(text, (list, tuple)) else ""
        raise TypeError(f"text must be a str, got {type(text).__name__}{hint}")
    if text.isascii():
        return ASCII_TOKEN.findall(text.lower())
    folded = unicodedata.normalize("NFKC", text).casefold()
    astral = len(folded.encode("utf-16-le", "surrogatepass")) > 2 * len(folded)  # a character beyond U+FFFF
    tokens = word_pattern(astral).findall(folded)
    return [t.replace("\u2019", "'") for t in tokens] if "\u2019" in folded else tokens


@dataclass
class Vocab:
    """A vocabulary: tokens sorted by descending count, and their counts.

    Build one with :meth:`from_tokens`. Index ``i`` is the ``i``-th most
    frequent token; ties are broken alphabetically (numbers by value) so the
    order never depends on the order of the text. Tokens can be any
    hashable: words, item ids, graph nodes (int, str, tuple...); tokens of
    types that cannot be compared with each other (an int and a str with
    the same count) are still put in a fixed order (see
    :func:`embedlib._inputs.vocabulary_order`).

    ``words`` is a list of ``n`` tokens, ``counts`` an int64 array of shape
    ``(n,)``; ``index`` maps each token to its position.
    """

    words: list
    counts: np.ndarray
    index: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.counts = np.asarray(self.counts, dtype=np.int64)
        if len(self.words) != len(self.counts):
            raise ValueError(
                f"words and counts must have the same length, got "
                f"{len(self.words)} and {len(self.counts)}"
            )
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("words must be unique")

    @classmethod
    def from_tokens(cls, tokens: Iterable, min_count: int = 1) -> "Vocab":
        """Count ``tokens`` and keep the tokens seen at least ``min_count`` times.

        ``tokens`` is either a flat list of tokens (any hashable: str, int,
        tuple...) or a list of sentences, each a list (or 1-D array) of
        tokens. Raises ``TypeError`` for one str (it would be counted
        character by character: pass ``tokenize(text)``), for a mix of
        sentences and tokens, and for unhashable tokens; ``ValueError`` if
        ``min_count < 1``.
        """
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        if isinstance(tokens, (str, bytes)):
            raise TypeError(f"tokens must be a list of tokens or of sentences, got one {type(tokens).__name__} "
                            f"({tokens[:40]!r}), which would be counted character by character; "
                            "for its words pass tokenize(text)")
        not_walks(tokens, "tokens")
        tokens = list(tokens)
        is_sentence = [isinstance(t, (list, np.ndarray)) for t in tokens]
        counter: Counter = Counter()
        if any(is_sentence):
            if not all(is_sentence):
                i = is_sentence.index(False)
                raise TypeError(f"tokens[{i}] is a {type(tokens[i]).__name__} but tokens[{is_sentence.index(True)}] "
                                "is a list: give either a flat list of tokens or a list of sentences (lists of "
                                "tokens), not a mix")
            sentences = token_lists(tokens, "tokens")
            try:
                for sentence in sentences:
                    counter.update(sentence)
            except TypeError:
                raise unhashable_token(sentences, "tokens") from None
        else:
            try:
                counter.update(tokens)
            except TypeError:
                raise unhashable_token(tokens, "tokens", flat=True) from None
        kept = vocabulary_order((w, c) for w, c in counter.items() if c >= min_count)
        return cls([w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary") from None

    def encode(self, tokens: Sequence) -> np.ndarray:
        """Map a list of ``n`` tokens to an int64 array of ``n`` ids; tokens outside the
        vocabulary become ``-1``. Raises ``TypeError`` for one str (pass ``tokenize(text)``)."""
        if isinstance(tokens, (str, bytes)):
            raise TypeError(f"tokens must be a list of tokens, got one {type(tokens).__name__} ({tokens[:40]!r}), "
                            "which would be encoded character by character; pass tokenize(text) or [token]")
        tokens = tokens if hasattr(tokens, "__len__") else list(tokens)
        get = self.index.get
        return np.fromiter((get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Map ids back to words."""
        return [self.words[int(i)] for i in ids]


def skipgram_pairs(ids: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """All (centre, context) pairs of a sequence of ids, vectorised.

    For every position ``i`` the contexts are the ids at ``i-window`` ..
    ``i+window`` except ``i`` itself, clipped at the ends of the sequence.
    Negative ids (out-of-vocabulary words) are dropped *before* windowing,
    as word2vec does.

    Returns two arrays of equal length: centres and contexts, ordered by
    offset (all pairs at distance 1 first, then distance 2, ...).

    >>> c, x = skipgram_pairs(np.array([0, 1, 2]), window=1)
    >>> sorted(zip(c.tolist(), x.tolist()))
    [(0, 1), (1, 0), (1, 2), (2, 1)]
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    ids = id_array(ids, "ids")
    ids = ids[ids >= 0]
    centres, contexts = [], []
    for offset in range(1, window + 1):
        if offset >= len(ids):
            break
        left, right = ids[:-offset], ids[offset:]
        centres += [left, right]
        contexts += [right, left]
    if not centres:
        empty = np.empty(0, dtype=ids.dtype if ids.size else np.int64)
        return empty, empty.copy()
    return np.concatenate(centres), np.concatenate(contexts)


def cooccurrence_matrix(
    sentences: Iterable[np.ndarray], vocab_size: int, window: int
) -> sp.csr_matrix:
    """Count how often each pair of words appears within ``window`` words.

    ``sentences`` is a list of 1-D int id arrays (one per document or
    sentence, so windows never cross a boundary; ``vocab.encode(tokens)``
    makes one). Returns a symmetric ``vocab_size`` x ``vocab_size`` sparse
    matrix of float64 counts. Raises ``TypeError`` for one id array on its
    own (wrap it: ``[ids]``) or a sentence of tokens rather than ids, and
    ``ValueError`` for an id ``>= vocab_size``.
    """
    if isinstance(sentences, (str, bytes)) or (isinstance(sentences, np.ndarray) and sentences.ndim < 2):
        raise TypeError("sentences must be a list of id arrays, one per sentence; got one "
                        f"{type(sentences).__name__}: for a single sentence wrap it in a list ([ids])")
    rows, cols = [], []
    for i, ids in enumerate(sentences):
        ids = id_array(ids, f"sentences[{i}]")
        if ids.size and ids.max() >= vocab_size:
            raise ValueError(f"sentences[{i}] has id {ids.max()}, but vocab_size is {vocab_size}: ids must be "
                             "below vocab_size (pass len(vocab))")
        c, x = skipgram_pairs(ids, window)
        rows.append(c)
        cols.append(x)
    if rows:
        r, c = np.concatenate(rows), np.concatenate(cols)
    else:
        r = c = np.empty(0, dtype=np.int64)
    data = np.ones(len(r), dtype=np.float64)
    m = sp.coo_matrix((data, (r, c)), shape=(vocab_size, vocab_size)).tocsr()
    m.sum_duplicates()
    return m


def ppmi(counts, smoothing: float = 1.0):
    """Positive pointwise mutual information of a co-occurrence matrix.

    ``PPMI(w, c) = max(0, log P(w, c) / (P(w) P(c)))`` where ``P(w)`` sums the
    row of ``w`` and ``P(c)`` the column of ``c``; cells with no counts stay 0.
    ``smoothing`` raises the context counts to that power before
    normalising (0.75 is the usual choice, after word2vec's noise
    distribution; 1.0 is plain PPMI).

    Works on dense numpy arrays (returns an array) and scipy sparse matrices
    (returns a CSR matrix).

    >>> ppmi(np.array([[0., 2.], [2., 0.]])).round(3).tolist()
    [[0.0, 0.693], [0.693, 0.0]]
    """
    sparse = sp.issparse(counts)
    m = sp.csr_matrix(counts, dtype=np.float64) if sparse else np.asarray(counts, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"counts must be a 2-D matrix, got shape {m.shape}")
    if (m.min() if m.size else 0) < 0:
        raise ValueError("counts must be non-negative")
    total = m.sum()
    if total == 0:
        return m.copy()
    row = np.asarray(m.sum(axis=1)).ravel()
    col = np.asarray(m.sum(axis=0)).ravel() ** smoothing
    p_row = row / total
    p_col = col / col.sum()
    if sparse:
        coo = m.tocoo()
        pmi = np.log(coo.data / total) - np.log(p_row[coo.row]) - np.log(p_col[coo.col])
        out = sp.csr_matrix((np.maximum(pmi, 0.0), (coo.row, coo.col)), shape=m.shape)
        out.eliminate_zeros()
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(m / total) - np.log(p_row)[:, None] - np.log(p_col)[None, :]
    return np.where(m > 0, np.maximum(pmi, 0.0), 0.0)


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """word2vec's negative-sampling distribution: counts**power, normalised."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("counts must be a non-empty 1-D array")
    weights = counts**power
    return weights / weights.sum()


def keep_probabilities(counts: np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """Probability of keeping each word under word2vec's subsampling.

    Frequent words are dropped at random so they do not dominate the pairs:
    with ``f`` a word's share of all tokens, the word is kept with
    probability ``(sqrt(f / sample) + 1) * sample / f``, capped at 1 (the
    formula of the reference C implementation, also used by gensim).
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(counts)
    f = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(f / sample) + 1.0) * sample / f)
