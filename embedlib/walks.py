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

The graph is stored as CSR arrays (each node's neighbours sorted, with their
edge weights). A loop compiled with numba moves each walker step by step;
chunks of walkers run in parallel on all cores, each chunk with its own
seeded generator, so the walks depend on the seed and not on the number of
cores. Biased steps use rejection sampling: propose a neighbour by edge
weight, accept it with probability ``alpha / max(alpha)``, where ``alpha``
needs one binary search in the previous node's sorted neighbours. This
draws exactly from node2vec's distribution without precomputing a table per
edge, which is what makes the ``node2vec`` package slow to start.

(An earlier version moved all walkers at once with numpy. That is fast for
uniform walks, but a biased step then needs a membership test for every
walker against one global array of edge keys, and the rejection loop runs
over ever smaller arrays; the compiled loop is 3 to 10 times faster. See
``benchmarks/walks_vs_peers.py``.)

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
from numba import njit, prange

from ._rng import below, next_bits, seed_state, uniform

__all__ = ["CSRGraph", "Walks", "random_walks", "node2vec_weights"]


@dataclass
class CSRGraph:
    """A graph as compressed sparse rows: neighbours of node ``i`` are
    ``indices[indptr[i]:indptr[i + 1]]`` (sorted), with their edge ``weights``.

    ``nodes`` holds the ``n`` labels (any hashable: int, str, tuple...);
    ``indptr`` is int64 of shape ``(n + 1,)``, ``indices`` int64 and
    ``weights`` float64 of shape ``(n_edges,)``. One rule for the weights of
    every graph: each must be a finite number >= 0, else ``ValueError``
    naming the edge; a weight of 0 means *no edge* (such entries are
    dropped, so they are never walked and do not make two nodes neighbours
    for node2vec's return / in-out rule).
    """

    nodes: list
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_networkx(cls, graph, weight: str | None = "weight") -> "CSRGraph":
        """Build from a networkx graph; a missing edge attribute counts as weight 1,
        ``weight=None`` ignores the attribute (every edge weighs 1)."""
        import networkx as nx

        if not isinstance(graph, nx.Graph):
            raise TypeError(f"graph must be a networkx graph or a CSRGraph, got {type(graph).__name__}; "
                            "for a list of edges build one first: nx.Graph(edges)")
        nodes = list(graph.nodes())
        if not nodes:
            raise ValueError("the graph has no nodes")
        if weight is not None:
            for u, v, w in graph.edges(data=weight, default=1):
                _check_weight(w, u, v, weight, graph.is_directed())
        matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr")
        matrix.sort_indices()
        data = np.asarray(matrix.data, dtype=np.float64)
        return cls(nodes, matrix.indptr.astype(np.int64), matrix.indices.astype(np.int64), data)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def __post_init__(self) -> None:
        self.indptr = np.asarray(self.indptr, dtype=np.int64)
        self.indices = np.asarray(self.indices, dtype=np.int64)
        self.weights = np.asarray(self.weights, dtype=np.float64)
        n = len(self.nodes)
        if self.indptr.shape != (n + 1,) or not len(self.indices) == len(self.weights) == self.indptr[-1]:
            raise ValueError(f"a CSRGraph of {n} nodes needs indptr of length {n + 1} and indices and weights "
                             f"of length indptr[-1]; got {len(self.indptr)}, {len(self.indices)} and {len(self.weights)}")
        bad = np.flatnonzero(~(np.isfinite(self.weights) & (self.weights >= 0)))
        if len(bad):
            row = int(np.searchsorted(self.indptr, bad[0], side="right")) - 1
            _check_weight(self.weights[bad[0]], self.nodes[row], self.nodes[self.indices[bad[0]]], "weight", True)
        if (self.weights == 0).any():  # zero means no edge
            keep = self.weights > 0
            kept_before = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)
            self.indptr = kept_before[self.indptr]
            self.indices, self.weights = self.indices[keep], self.weights[keep]
        # running totals *within each row*: a node's draws never depend on weights elsewhere
        self._cum = _row_cumsum(self.indptr, self.weights)
        self.unweighted = bool(len(self.weights) == 0 or np.all(self.weights == self.weights[0]))

    def has_edge(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Vectorised: is ``v[i]`` a neighbour of ``u[i]``? (binary search in u's sorted row)"""
        u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
        return _has_edges(self.indptr, self.indices, u, v)


def _check_weight(w, u, v, attribute: str, directed: bool) -> None:
    """``ValueError`` naming the edge unless ``w`` is a finite number >= 0."""
    try:
        ok = not isinstance(w, (str, bytes)) and np.isfinite(float(w)) and float(w) >= 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        w = w.item() if isinstance(w, np.generic) else w
        edge = f"{u!r} -> {v!r}" if directed else f"({u!r}, {v!r})"
        raise ValueError(f"edge {edge} has {attribute}={w!r}: edge weights must be finite numbers >= 0 "
                         "(0 means no edge). Fix or remove that edge, or pass weight=None to walk "
                         "every edge with weight 1")


@njit(cache=True)
def _row_cumsum(indptr, weights):
    """Cumulative edge weights restarted at each node's row."""
    out = np.empty_like(weights)
    for i in range(len(indptr) - 1):
        total = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            total += weights[k]
            out[k] = total
    return out


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


@njit(inline="always")
def _propose(indptr, indices, cum, weighted, cur, bits):
    """A neighbour of ``cur`` drawn in proportion to edge weight (-1 if it has none)."""
    lo, hi = indptr[cur], indptr[cur + 1]
    if lo == hi:
        return -1
    if not weighted:
        return indices[lo + below(bits, hi - lo)]
    total = cum[hi - 1]  # the row's own running total: no precision lost to other rows
    if total <= 0:
        return -1
    target = uniform(bits) * total
    a, b = lo, hi - 1  # the first position whose running total exceeds the target
    while a < b:
        mid = (a + b) // 2
        if cum[mid] > target:
            b = mid
        else:
            a = mid + 1
    return indices[a]


@njit(inline="always")
def _is_neighbour(indptr, indices, u, v):
    """Binary search for ``v`` in ``u``'s sorted neighbours."""
    a, b = indptr[u], indptr[u + 1]
    while a < b:
        mid = (a + b) // 2
        if indices[mid] < v:
            a = mid + 1
        else:
            b = mid
    return a < indptr[u + 1] and indices[a] == v


@njit(cache=True)
def _has_edges(indptr, indices, u, v):
    out = np.empty(len(u), dtype=np.bool_)
    for i in range(len(u)):
        out[i] = _is_neighbour(indptr, indices, u[i], v[i])
    return out


_CHUNK = 256  # walkers per seeded chunk


@njit(parallel=True, nogil=True, cache=True)
def _walk(indptr, indices, cum, weighted, starts, walk_length, inv_p, inv_q, seed, out):
    """Fill ``out[i]`` with a walk from ``starts[i]`` (``-1`` after a dead end)."""
    biased = inv_p != 1.0 or inv_q != 1.0
    alpha_max = max(inv_p, 1.0, inv_q)
    n_chunks = (len(starts) + _CHUNK - 1) // _CHUNK
    for chunk in prange(n_chunks):
        state = seed_state(seed * 1_000_003 + chunk)
        for w in range(chunk * _CHUNK, min(len(starts), (chunk + 1) * _CHUNK)):
            prev = -1
            cur = starts[w]
            out[w, 0] = cur
            for step in range(1, walk_length):
                while True:  # rejection sampling; a uniform walk accepts every proposal
                    state, bits = next_bits(state)
                    nxt = _propose(indptr, indices, cum, weighted, cur, bits)
                    if nxt < 0 or not biased or prev < 0:
                        break
                    if nxt == prev:
                        alpha = inv_p
                    elif _is_neighbour(indptr, indices, prev, nxt):
                        alpha = 1.0
                    else:
                        alpha = inv_q
                    state, bits = next_bits(state)
                    if uniform(bits) * alpha_max < alpha:
                        break
                if nxt < 0:
                    break  # a dead end: the rest of the row stays -1
                out[w, step] = nxt
                prev, cur = cur, nxt


def node2vec_weights(graph, prev, cur, p: float, q: float, weight: str | None = "weight") -> dict:
    """The unnormalised node2vec weights of stepping from ``cur`` to each neighbour,
    having come from ``prev``: edge weight times 1/p (back to prev), 1 (a
    neighbour of prev) or 1/q (further away). Edges of weight 0 are no edges.
    A plain reference implementation."""
    def w_of(a, b):
        return graph[a][b].get(weight, 1.0) if weight else 1.0

    out = {}
    for x in graph.neighbors(cur):
        w = w_of(cur, x)
        if w == 0:
            continue
        if x == prev:
            alpha = 1.0 / p
        elif graph.has_edge(prev, x) and w_of(prev, x) > 0:
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
    :class:`CSRGraph`; its nodes may be any hashable labels. A walk from an
    isolated node is just that node; a walk that reaches a node with no way
    out (a sink of a directed graph) stops there.

    Edge weights (the ``weight`` attribute; missing means 1, ``weight=None``
    ignores them) must be finite numbers >= 0, else ``ValueError`` naming the
    edge; an edge of weight 0 is no edge (see :class:`CSRGraph`). Returns
    :class:`Walks` with an int64 ``array`` of shape ``(num_walks * n_nodes,
    walk_length)``.
    """
    for name, value in (("num_walks", num_walks), ("walk_length", walk_length)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    for name, value in (("p", p), ("q", q)):
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    g = graph if isinstance(graph, CSRGraph) else CSRGraph.from_networkx(graph, weight=weight)
    n = len(g.nodes)
    starts = np.tile(np.arange(n, dtype=np.int64), num_walks)
    walks = np.full((len(starts), walk_length), -1, dtype=np.int64)
    _walk(g.indptr, g.indices, g._cum, not g.unweighted, starts, walk_length, 1.0 / p, 1.0 / q,
          int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0] >> np.uint64(1)), walks)
    return Walks(walks, g.nodes)
