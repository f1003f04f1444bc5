"""Checks for chapter 3, Graphs."""
from __future__ import annotations

from collections import Counter

import numpy as np

from .checks import Exercise, Incorrect, call, show


def _check_uniform_walk(uniform_walk) -> str:
    import networkx as nx
    from scipy.stats import chisquare

    graphs = [nx.path_graph(5), nx.karate_club_graph(), nx.star_graph(4)]
    for graph in graphs:
        for start, length in [(0, 1), (1, 6), (3, 12)]:
            label = f"uniform_walk({graph.name or 'graph'}, start={start}, length={length}, rng)"
            walk = call(uniform_walk, graph, start, length, np.random.default_rng(0), _label=label)
            try:
                walk = list(walk)
            except TypeError:
                raise Incorrect(f"Expected `{label}` to return a list of nodes; got {show(walk)}") from None
            if len(walk) != length:
                raise Incorrect(f"Expected `{label}` to return {length} nodes (the start counts); got {len(walk)}")
            if walk[0] != start:
                raise Incorrect(f"`{label}` starts at {walk[0]!r}; a walk starts at `start`")
            for u, v in zip(walk, walk[1:]):
                if not graph.has_edge(u, v):
                    raise Incorrect(f"`{label}` steps from {u!r} to {v!r}, which are not neighbours; "
                                    "each step follows an edge")
    again = [list(uniform_walk(nx.karate_club_graph(), 0, 10, np.random.default_rng(5))) for _ in range(2)]
    if again[0] != again[1]:
        raise Incorrect("`uniform_walk` gave two different walks for the same seed; draw every random "
                        "choice from the `rng` argument")
    # from the centre of a star, every leaf must be equally likely
    star = nx.star_graph(4)
    rng = np.random.default_rng(1)
    firsts = Counter(list(uniform_walk(star, 0, 2, rng))[1] for _ in range(800))
    observed = [firsts.get(leaf, 0) for leaf in range(1, 5)]
    if chisquare(observed).pvalue < 1e-4:
        raise Incorrect(f"From the centre of a star graph, `uniform_walk` went to the 4 leaves {observed} "
                        "times out of 800; each neighbour should be equally likely")
    return "walks follow edges, have the right length, and choose neighbours uniformly"


uniform_walk = Exercise(
    "uniform_walk",
    _check_uniform_walk,
    hints=[
        "Start with `walk = [start]`; while it is shorter than `length`, append a neighbour of the last node.",
        "`neighbours = list(graph.neighbors(walk[-1]))`, then `neighbours[rng.integers(len(neighbours))]`.",
    ],
)


def _check_few_labels(few_labels) -> str:
    cases = [(np.array([0, 1, 0, 1, 1, 0, 0, 1, 1, 0]), 2), (np.array(list("aabbbcccca")), 1), (np.array([3, 3, 7, 7, 7]), 2)]
    for labels, per_class in cases:
        label = f"few_labels({show(labels.tolist())}, per_class={per_class}, rng)"
        got = call(few_labels, labels.copy(), per_class, np.random.default_rng(0), _label=label)
        try:
            got = np.asarray(got, dtype=np.int64).ravel()
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return an array of indices; got {show(got)}") from None
        if len(np.unique(got)) != len(got):
            raise Incorrect(f"`{label}` picks the same node twice; sample without replacement")
        if len(got) and (got.min() < 0 or got.max() >= len(labels)):
            raise Incorrect(f"`{label}` returns {got.tolist()}: indices must be positions in `labels`")
        counts = Counter(labels[got].tolist())
        for c in np.unique(labels):
            if counts.get(c, 0) != per_class:
                raise Incorrect(f"`{label}` picks {counts.get(c, 0)} node(s) of class {c!r}; expected {per_class} of each class")
    runs = [np.sort(np.asarray(few_labels(np.arange(40) % 2, 3, np.random.default_rng(s)))) for s in range(6)]
    if all(np.array_equal(runs[0], r) for r in runs):
        raise Incorrect("`few_labels` picks the same nodes whatever the seed; choose at random with `rng`")
    return f"all {len(cases)} test cases pass, and different seeds pick different nodes"


few_labels = Exercise(
    "few_labels",
    _check_few_labels,
    hints=[
        "For each class `c` in `np.unique(labels)`, the candidates are `np.flatnonzero(labels == c)`.",
        "`rng.choice(candidates, size=per_class, replace=False)`, then `np.concatenate` the picks.",
    ],
)

NOTEBOOKS = {
    "03_graphs/01_deepwalk": [uniform_walk, few_labels],
}
