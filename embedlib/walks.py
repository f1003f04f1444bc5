"""Random walks on graphs, for DeepWalk and node2vec, vectorised over all walkers.

A graph has no sentences, so we make some: start a walker at every node, let
it step along edges, and write down the nodes it passes. Nodes close in the
graph then share walks, as words that share contexts share sentences.

- **uniform** (DeepWalk, Perozzi et al. 2014): the next node is a neighbour
  chosen in proportion to the edge weight;
- **biased** (node2vec, Grover & Leskovec 2016): coming from ``t`` to ``v``,
  the weight of stepping on to ``x`` is multiplied by ``1/p`` if ``x`` is
  ``t`` (return), by 1 if ``x`` is a neighbour of ``t``, and by ``1/q``
  otherwise (move outwards). Low ``q`` explores outwards like depth-first
  search; high ``q`` stays local like breadth-first search.

The graph is stored as CSR arrays and every step moves all walkers at once
with numpy. Biased steps use rejection sampling: propose a neighbour by edge
weight, accept it with probability ``alpha / max(alpha)``; this draws exactly
from node2vec's distribution without precomputing a table per edge.

Example
-------
>>> import networkx as nx
>>> walks = random_walks(nx.path_graph(4), num_walks=1, walk_length=3, seed=0)
>>> walks.array.shape
(4, 3)
>>> all(abs(a - b) == 1 for w in walks.sentences() for a, b in zip(w, w[1:]))
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CSRGraph", "Walks", "random_walks", "node2vec_weights"]


@dataclass
class CSRGraph:
    """A graph as compressed sparse rows: neighbours of node ``i`` are
    ``indices[indptr[i]:indptr[i + 1]]`` (sorted), with their edge ``weights``."""

    nodes: list
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_networkx(cls, graph, weight: str | None = "weight") -> "CSRGraph":
        """Build from a networkx graph; a missing edge attribute counts as weight 1."""
        import networkx as nx

        nodes = list(graph.nodes())
        if not nodes:
            raise ValueError("the graph has no nodes")
        matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr")
        matrix.sort_indices()
        data = np.asarray(matrix.data, dtype=np.float64)
        if (data < 0).any():
            raise ValueError("edge weights must be non-negative")
        return cls(nodes, matrix.indptr.astype(np.int64), matrix.indices.astype(np.int64), data)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def __post_init__(self) -> None:
        n = len(self.nodes)
        # one sorted key per edge, row * n + column, for vectorised membership tests
        self._keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.indptr)) * n + self.indices
        self._cum = np.cumsum(self.weights)
        self.unweighted = bool(len(self.weights) == 0 or np.all(self.weights == self.weights[0]))

    def has_edge(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Vectorised: is ``v[i]`` a neighbour of ``u[i]``? (binary search in u's sorted row)"""
        n = len(self.nodes)
        keys = self._keys
        wanted = u.astype(np.int64) * n + v
        pos = np.searchsorted(keys, wanted)
        pos = np.minimum(pos, len(keys) - 1)
        return keys[pos] == wanted if len(keys) else np.zeros(len(u), dtype=bool)


@dataclass
class Walks:
    """Walks as an int array (``-1`` after a walk that got stuck) plus the node labels."""

    array: np.ndarray
    nodes: list

    def sentences(self) -> list[list]:
        """The walks as lists of node labels, ready for :class:`~embedlib.word2vec.Word2Vec`."""
        labels = self.nodes
        return [[labels[i] for i in row[row >= 0]] for row in self.array]

    def __len__(self) -> int:
        return len(self.array)


def _first_order_step(g: CSRGraph, cur: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One weighted step for every walker (walkers on nodes without edges get -1)."""
    start, end = g.indptr[cur], g.indptr[cur + 1]
    if g.unweighted:  # all weights equal: a uniform choice among the neighbours
        deg = end - start
        pos = start + (rng.random(len(cur)) * deg).astype(np.int64)
        nxt = g.indices[np.minimum(pos, max(len(g.indices) - 1, 0))] if len(g.indices) else np.zeros_like(cur)
        return np.where(deg > 0, nxt, -1)
    cum = g._cum
    before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    total = cum[np.maximum(end - 1, 0)] - before
    stuck = (end == start) | (total <= 0)
    target = before + rng.random(len(cur)) * total
    pos = np.searchsorted(cum, target, side="right")
    pos = np.clip(pos, start, np.maximum(end - 1, start))
    nxt = g.indices[np.minimum(pos, len(g.indices) - 1)] if len(g.indices) else np.zeros_like(cur)
    return np.where(stuck, -1, nxt)


def node2vec_weights(graph, prev, cur, p: float, q: float, weight: str | None = "weight") -> dict:
    """The unnormalised node2vec weights of stepping from ``cur`` to each neighbour,
    having come from ``prev``: edge weight times 1/p (back to prev), 1 (a
    neighbour of prev) or 1/q (further away). A plain reference implementation."""
    out = {}
    for x in graph.neighbors(cur):
        w = graph[cur][x].get(weight, 1.0) if weight else 1.0
        if x == prev:
            alpha = 1.0 / p
        elif graph.has_edge(prev, x):
            alpha = 1.0
        else:
            alpha = 1.0 / q
        out[x] = w * alpha
    return out


def random_walks(
    graph,
    *,
    num_walks: int = 10,
    walk_length: int = 80,
    p: float = 1.0,
    q: float = 1.0,
    weight: str | None = "weight",
    seed: int = 0,
) -> Walks:
    """``num_walks`` walks of ``walk_length`` nodes from every node.

    ``p = q = 1`` gives DeepWalk's uniform (edge-weighted) walks; other values
    node2vec's biased walks. ``graph`` is a networkx graph or a
    :class:`CSRGraph`. A walk from an isolated node is just that node.
    """
    for name, value in (("num_walks", num_walks), ("walk_length", walk_length)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    for name, value in (("p", p), ("q", q)):
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    g = graph if isinstance(graph, CSRGraph) else CSRGraph.from_networkx(graph, weight=weight)
    rng = np.random.default_rng(seed)
    n = len(g.nodes)
    starts = np.tile(np.arange(n, dtype=np.int64), num_walks)
    walks = np.full((len(starts), walk_length), -1, dtype=np.int64)
    walks[:, 0] = starts
    if walk_length == 1:
        return Walks(walks, g.nodes)
    walks[:, 1] = _first_order_step(g, starts, rng)
    biased = not (p == 1 and q == 1)
    alpha_max = max(1.0 / p, 1.0, 1.0 / q)
    for step in range(2, walk_length):
        prev, cur = walks[:, step - 2], walks[:, step - 1]
        alive = np.flatnonzero(cur >= 0)
        if not biased:
            walks[alive, step] = _first_order_step(g, cur[alive], rng)
            continue
        todo = alive
        while len(todo):  # rejection sampling: propose by weight, accept by alpha
            proposal = _first_order_step(g, cur[todo], rng)
            stuck = proposal < 0
            t = prev[todo]
            alpha = np.where(proposal == t, 1.0 / p, np.where(g.has_edge(t, proposal), 1.0, 1.0 / q))
            accept = stuck | (rng.random(len(todo)) * alpha_max < alpha)
            walks[todo[accept], step] = proposal[accept]
            todo = todo[~accept]
    return Walks(walks, g.nodes)
