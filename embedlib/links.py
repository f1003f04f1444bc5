"""Link prediction: hold out edges, sample non-edges, score node pairs.

To test whether node vectors predict links, hide some edges, embed the graph
that is left, and ask whether the hidden pairs score higher than pairs that
were never linked:

- :func:`split_edges` holds out a random share of the edges, never one whose
  removal would leave one of its ends with no edges at all (a node without
  edges gets no walks, hence no useful vector);
- :func:`sample_non_edges` draws node pairs that are not linked (the negatives);
- :func:`hadamard_features` turns a pair into one vector, the element-wise
  product of its two node vectors (node2vec's best operator, Grover &
  Leskovec 2016);
- :func:`common_neighbours` is the classic baseline score: how many
  neighbours the two nodes share;
- :func:`select_on_validation` chooses parameters (node2vec's p and q) on a
  validation split and scores the test split once, for the chosen ones.

Example
-------
>>> import networkx as nx
>>> import numpy as np
>>> g = nx.cycle_graph(10)
>>> train, test = split_edges(g, 0.2, np.random.default_rng(0))
>>> len(test), train.number_of_edges(), any(train.has_edge(u, v) for u, v in test)
(2, 8, False)
>>> common_neighbours(g, [(0, 2), (0, 5)]).tolist()
[1, 0]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

__all__ = ["split_edges", "sample_non_edges", "hadamard_features", "common_neighbours", "Selection",
           "select_on_validation"]


def split_edges(graph, test_fraction: float, rng: np.random.Generator):
    """Hold out ``round(test_fraction * number of edges)`` random edges.

    Edges are visited in a random order (drawn with ``rng``); an edge is
    held out unless removing it would leave one of its ends without edges,
    until enough are held out. Returns ``(train, test_edges)``: a copy of
    ``graph`` without the held-out edges (every node and every edge
    attribute kept) and the held-out edges as a list of ``(u, v)`` tuples.
    ``graph`` itself is not changed. Raises ``ValueError`` when too few
    edges can be removed.
    """
    if not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction!r}")
    edges = list(graph.edges())
    n_test = int(round(test_fraction * len(edges)))
    train = graph.copy()
    test: list[tuple] = []
    for i in rng.permutation(len(edges)):
        if len(test) == n_test:
            break
        u, v = edges[i]
        if train.degree(u) > 1 and train.degree(v) > 1:
            train.remove_edge(u, v)
            test.append((u, v))
    if len(test) < n_test:
        raise ValueError(f"only {len(test)} of the {n_test} edges asked for can be held out "
                         "without leaving a node with no edges")
    return train, test


def sample_non_edges(graph, n: int, rng: np.random.Generator, avoid: Iterable[tuple] = ()) -> list[tuple]:
    """``n`` distinct random pairs of different nodes that are not edges of
    ``graph`` (nor in ``avoid``, in either order), as a list of ``(u, v)``."""
    nodes = list(graph.nodes())
    n_nodes = len(nodes)
    possible = n_nodes * (n_nodes - 1) // 2 - graph.number_of_edges()
    if n > possible:
        raise ValueError(f"asked for {n} non-edges, but the graph has only {possible}")
    seen = {frozenset(pair) for pair in avoid}
    out: list[tuple] = []
    while len(out) < n:
        for a, b in rng.integers(n_nodes, size=(2 * (n - len(out)) + 8, 2)):
            u, v = nodes[a], nodes[b]
            key = frozenset((u, v))
            if a == b or key in seen or graph.has_edge(u, v):
                continue
            seen.add(key)
            out.append((u, v))
            if len(out) == n:
                break
    return out


def hadamard_features(embeddings, pairs: Sequence[tuple], unit: bool = False) -> np.ndarray:
    """One row per pair: the element-wise product of the two nodes' vectors
    (``unit=True`` uses the length-normalised vectors).

    >>> from embedlib.vectors import Embeddings
    >>> emb = Embeddings(["a", "b"], [[1.0, 2.0], [3.0, -1.0]])
    >>> hadamard_features(emb, [("a", "b")]).tolist()
    [[3.0, -2.0]]
    """
    vectors = embeddings.unit_vectors if unit else embeddings.vectors
    if len(pairs) == 0:
        return np.zeros((0, vectors.shape[1]), dtype=vectors.dtype)
    rows = np.array([[embeddings.index(u), embeddings.index(v)] for u, v in pairs])
    return vectors[rows[:, 0]] * vectors[rows[:, 1]]


def common_neighbours(graph, pairs: Sequence[tuple]) -> np.ndarray:
    """For each pair ``(u, v)``, the number of nodes linked to both."""
    adj = {n: set(graph[n]) for n in graph}
    return np.array([len(adj[u] & adj[v]) for u, v in pairs], dtype=np.int64)


@dataclass(frozen=True)
class Selection:
    """What :func:`select_on_validation` found: the chosen parameters, every
    candidate's validation score (in the grid's order), and the chosen one's test score."""

    params: tuple
    validation: dict
    test: float


def select_on_validation(grid: Sequence[tuple], score: Callable[..., float]) -> Selection:
    """Choose parameters on the validation split, then score the test split once.

    ``grid`` is a list of parameter tuples, e.g. ``[(p, q), ...]``; ``score(*params,
    split)`` returns a number, higher is better, with ``split`` ``"validation"`` or
    ``"test"``. Every tuple is scored on validation; the best (the first in the grid
    on a tie) is scored on test, and only it. Raises ``ValueError`` for an empty grid.

    >>> table = {(1, 1): 0.7, (1, 0.5): 0.8, (2, 1): 0.8}
    >>> result = select_on_validation(list(table), lambda p, q, split: table[(p, q)] - (split == "test") * 0.1)
    >>> result.params, round(result.test, 2)
    ((1, 0.5), 0.7)
    """
    grid = [tuple(params) for params in grid]
    if not grid:
        raise ValueError("grid is empty: give at least one parameter tuple")
    validation = {params: float(score(*params, "validation")) for params in grid}
    best = max(grid, key=validation.__getitem__)
    return Selection(best, validation, float(score(*best, "test")))
