"""Checks of the corpus-shaped inputs that several modules take.

A "list of token lists" (word2vec's sentences, item sessions, graph walks)
and a "list of texts" are easy to get wrong in ways that Python accepts
silently: one string iterates as its characters, a flat list of words
iterates as strings of characters. The functions here turn those mistakes
into a ``TypeError`` that says what to pass, and give the vocabulary an
order that does not need the tokens to be comparable with each other.
Shared by :mod:`embedlib.text`, :mod:`embedlib.word2vec`,
:mod:`embedlib.sentences` and :mod:`embedlib.evaluate`.
"""
from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any, Iterable

import numpy as np

_EXAMPLE = "[['the', 'cat', 'sat'], ['a', 'dog', 'ran']]"


def _preview(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    return f"a {type(value).__name__} ({_preview(value)})"


def token_lists(sentences: Any, name: str = "sentences") -> list[list]:
    """``sentences`` as a list of lists of tokens, or a ``TypeError`` that says what to pass.

    Each sentence may be any ordered iterable (list, tuple, 1-D array,
    generator) of hashable tokens (str, int, tuple, ...). Refused, with a
    message naming the argument and the position at fault: one string, a
    flat list of strings or numbers (one sentence not wrapped in a list), a
    set or dict (no order), a :class:`~embedlib.walks.Walks` object (pass
    ``walks.sentences()``), and unhashable tokens.
    """
    _not_one_text(sentences, name, "a list of token lists such as " + _EXAMPLE)
    not_walks(sentences, name)
    if isinstance(sentences, (Mapping, Set)) or not _iterable(sentences):
        raise TypeError(f"{name} must be a list of token lists such as {_EXAMPLE}, got {_kind(sentences)}")
    out = []
    for i, sentence in enumerate(sentences):
        if isinstance(sentence, (str, bytes)):
            raise TypeError(
                f"{name}[{i}] is {_kind(sentence)}, not a list of tokens: {name} must be a list of token lists "
                f"such as {_EXAMPLE}. For a single sentence wrap it in a list ([tokens]); to split a text into "
                "words use embedlib.text.tokenize (a list of texts: [tokenize(t) for t in texts])"
            )
        if isinstance(sentence, (Mapping, Set)):
            raise TypeError(f"{name}[{i}] is a {type(sentence).__name__}, which has no order; give each sentence "
                            "as a list of tokens")
        if not _iterable(sentence) or (isinstance(sentence, np.ndarray) and sentence.ndim != 1):
            raise TypeError(
                f"{name}[{i}] is {_kind(sentence)}, not a list of tokens: {name} must be a list of token lists "
                f"such as {_EXAMPLE}. A flat list of tokens is one sentence: wrap it in a list ([tokens])"
            )
        out.append(list(sentence))
    return out


def not_walks(value: Any, name: str) -> None:
    """``TypeError`` for a :class:`~embedlib.walks.Walks` object or its padded ``array``."""
    if hasattr(value, "sentences") and hasattr(value, "array"):
        raise TypeError(f"{name} is a Walks object; pass its node sequences instead: {name}=walks.sentences()")
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.dtype.kind == "i" and (value == -1).any():
        raise TypeError(f"{name} looks like Walks.array: node indices, with -1 after walks that got stuck, which "
                        f"would become a token; pass the node labels instead: {name}=walks.sentences()")


def unhashable_token(sentences: list[list], name: str = "sentences", flat: bool = False) -> TypeError:
    """The error for the first token of ``sentences`` that cannot be a dictionary key
    (``flat=True``: ``sentences`` is one list of tokens, named ``name``)."""
    for i, sentence in enumerate([sentences] if flat else sentences):
        for j, token in enumerate(sentence):
            try:
                hash(token)
            except TypeError:
                where = f"{name}[{j}]" if flat else f"{name}[{i}][{j}]"
                return TypeError(f"{where} is {_kind(token)}, which cannot be a token: tokens must be hashable "
                                 "(str, int, tuple, ...); convert it, e.g. to a tuple or a str")
    return TypeError(f"{name} holds a token that cannot be counted")


def texts(values: Any, name: str = "texts", strings: bool = True) -> list:
    """``values`` as a list of texts, or a ``TypeError``: one string is refused, and with
    ``strings=True`` so is every element that is not a ``str`` (token lists included)."""
    _not_one_text(values, name, "a list of texts such as ['the cat sat', 'a dog ran']")
    if isinstance(values, (Mapping, Set)) or not _iterable(values):
        raise TypeError(f"{name} must be a list of texts such as ['the cat sat', 'a dog ran'], got {_kind(values)}")
    out = list(values)
    if strings:
        for i, value in enumerate(out):
            if not isinstance(value, str):
                raise TypeError(f"{name}[{i}] is {_kind(value)}, not a str: {name} must be a list of texts (str); "
                                "for texts already split into tokens pass the texts themselves, or a tokenize "
                                "function that accepts what you have")
    return out


def id_array(ids, name: str) -> np.ndarray:
    """``ids`` as a 1-D integer array, or a ``TypeError`` naming ``name`` that says what to pass."""
    if isinstance(ids, (str, bytes)) or np.ndim(ids) == 0:
        raise TypeError(f"{name} must be a 1-D array of integer ids, got {type(ids).__name__} {ids!r:.40}; "
                        "for a list of such arrays pass them in a list, one per sentence")
    array = np.asarray(ids)
    if array.size == 0:
        return array.reshape(0).astype(np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must be a 1-D array of integer ids, got shape {array.shape} and dtype "
                        f"{array.dtype}; map tokens to ids with vocab.encode(tokens), and give several "
                        "sentences as a list of such arrays")
    return array


def check_has_pairs(encoded: list[np.ndarray], min_count: int) -> None:
    """``ValueError`` unless some sentence has two tokens or more: with none there is no
    (centre, context) pair to learn from (one-token sentences, walks of a graph without edges)."""
    if any(len(ids) >= 2 for ids in encoded):
        return
    raise ValueError(
        f"nothing to learn: none of the {len(encoded)} sentences has two or more tokens seen at least "
        f"min_count={min_count} times, so there is no (centre, context) pair to train on. Give sentences of "
        "two or more tokens (random walks on a graph without edges are single nodes: add edges, or embed "
        "the nodes another way), or lower min_count"
    )


def check_every_epoch_trained(losses: list[float], sample: float, n_tokens: int) -> None:
    """``ValueError`` if an epoch trained no pair (its loss is NaN): subsampling dropped nearly
    every token, which happens on a corpus of a few tokens."""
    empty = [i + 1 for i, loss in enumerate(losses) if loss != loss]
    if empty:
        raise ValueError(
            f"nothing was learned in epoch(s) {', '.join(map(str, empty))} of {len(losses)}: subsampling "
            f"(sample={sample:g}) dropped so many of the corpus's {n_tokens} tokens that no (centre, context) "
            "pair was left. On a corpus this small turn subsampling off (sample=0) or give more data"
        )


def ranked_lists(values: Any, name: str) -> list[list]:
    """``values`` as a list of ranked lists (one per case); a str where a list belongs is refused."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a list with one ranked list per case, got one str ({_preview(values)})")
    out = []
    for i, value in enumerate(values):
        if isinstance(value, (str, bytes)) or not _iterable(value):
            raise TypeError(f"{name}[{i}] is {_kind(value)}, not a ranked list: {name} must hold one list of "
                            "keys per case, e.g. [['b', 'c'], ['a']]; for a single case wrap it: [ranking]")
        out.append(list(value))
    return out


def vocabulary_order(counts: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """``(token, count)`` pairs by descending count, ties in a fixed order of the tokens.

    Ties go by the tokens' own order (alphabetical for strings, by value for
    numbers) when they can be compared with each other; when they cannot
    (an int and a str with the same count, say), by :func:`token_order_key`
    instead, which agrees with the tokens' own order wherever both exist.
    Either way the order depends neither on the order of the text nor on
    which tokens happen to tie.
    """
    items = list(counts)
    try:
        return sorted(items, key=lambda tc: (-tc[1], tc[0]))
    except TypeError:
        return sorted(items, key=lambda tc: (-tc[1], token_order_key(tc[0])))


def token_order_key(token: Any) -> tuple:
    """A sort key for any hashable token: numbers, then strings, then bytes, then tuples
    (element by element), then other types by name and ``repr``."""
    if isinstance(token, (bool, int, float, np.integer, np.floating)):
        return (0, token)
    if isinstance(token, str):
        return (1, token)
    if isinstance(token, bytes):
        return (2, token)
    if isinstance(token, tuple):
        return (3, tuple(token_order_key(t) for t in token))
    return (4, type(token).__module__, type(token).__qualname__, repr(token))


def _not_one_text(value: Any, name: str, wanted: str) -> None:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be {wanted}, got one {type(value).__name__} ({_preview(value)}), which "
                        "would be read character by character. Wrap a single item in a list: [item]")


def _iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True
