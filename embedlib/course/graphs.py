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


# -- 02_node2vec ---------------------------------------------------------------


def _n2v_reference(graph, prev, cur, p, q, weighted=True, common=1.0, back=None, out=None):
    """node2vec's weights, or a variant of them (for naming a learner's mistake)."""
    back = 1.0 / p if back is None else back
    out = 1.0 / q if out is None else out
    weights = {}
    for x in graph.neighbors(cur):
        w = graph[cur][x].get("weight", 1.0) if weighted else 1.0
        if x == prev:
            weights[x] = w * back
        elif graph.has_edge(prev, x):
            weights[x] = w * common
        else:
            weights[x] = w * out
    return weights


def _n2v_graphs():
    import networkx as nx

    weighted = nx.Graph(name="small weighted graph")
    weighted.add_weighted_edges_from([
        ("a", "b", 1.0), ("b", "c", 2.0), ("b", "d", 1.0), ("c", "d", 1.0),
        ("d", "e", 3.0), ("c", "f", 1.0), ("e", "f", 0.5), ("b", "e", 1.0),
    ])
    karate = nx.karate_club_graph()
    for u, v in karate.edges():
        karate[u][v].pop("weight", None)  # no weights: every edge counts 1
    karate.name = "karate club, unweighted"
    return weighted, karate


def _close(a, b) -> bool:
    return np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _check_node2vec_weights(node2vec_weights) -> str:
    weighted, karate = _n2v_graphs()
    cases = [(weighted, "b", "c", 4.0, 0.5), (weighted, "d", "e", 4.0, 0.5), (weighted, "b", "c", 0.25, 2.0),
             (karate, 0, 1, 4.0, 0.5), (weighted, "c", "b", 1.0, 1.0), (weighted, "e", "d", 0.5, 4.0)]
    for graph, prev, cur, p, q in cases:
        label = f"node2vec_weights({graph.name}, prev={prev!r}, cur={cur!r}, p={p:g}, q={q:g})"
        got = call(node2vec_weights, graph, prev, cur, p, q, _label=label)
        if not hasattr(got, "keys") or not hasattr(got, "__getitem__"):
            raise Incorrect(f"Expected `{label}` to return a dict {{neighbour: weight}}; got {show(got)}")
        expected = _n2v_reference(graph, prev, cur, p, q)
        keys = sorted(expected, key=str)
        if set(got.keys()) != set(expected):
            raise Incorrect(f"`{label}` has keys {sorted(got.keys(), key=str)}; the keys must be the "
                            f"neighbours of cur={cur!r}: {keys}")
        try:
            values = np.array([float(got[k]) for k in keys])
        except (TypeError, ValueError):
            raise Incorrect(f"`{label}` maps neighbours to {show(dict(got))}; the weights must be numbers") from None
        want = np.array([expected[k] for k in keys])
        if _close(values, want):
            continue
        variants = [
            (_n2v_reference(graph, prev, cur, q, p),
             "matches node2vec with p and q swapped: stepping back to `prev` weighs 1/p, moving "
             "away from it weighs 1/q"),
            (_n2v_reference(graph, prev, cur, p, q, back=p, out=q),
             "multiplies by p and q; the weights are 1/p (back to `prev`) and 1/q (moving away)"),
            (_n2v_reference(graph, prev, cur, p, q, weighted=False),
             "ignores the edge weights; multiply each factor by the weight of the edge from `cur` "
             "(`graph[cur][x].get('weight', 1.0)`)"),
            (_n2v_reference(graph, prev, cur, p, q, common=1.0 / q),
             "gives 1/q to a neighbour of `prev` as well; a node that is also a neighbour of `prev` "
             "keeps weight 1 (times the edge weight), only nodes further away get 1/q"),
            (_n2v_reference(graph, prev, cur, p, q, common=1.0 / p),
             "gives 1/p to every neighbour of `prev`; only `prev` itself gets 1/p, its neighbours get 1"),
        ]
        for variant, problem in variants:
            alt = np.array([variant[k] for k in keys])
            if not _close(alt, want) and _close(values, alt):
                raise Incorrect(f"`{label}` {problem}")
        if values.sum() > 0 and _close(values / values.sum(), want / want.sum()):
            raise Incorrect(f"`{label}` returns {show({k: round(float(v), 3) for k, v in zip(keys, values)})}, "
                            "which has the right proportions but is scaled; return the unnormalised weights "
                            "(do not divide by their sum)")
        wrong = next(k for k, a, b in zip(keys, values, want) if not _close(a, b))
        raise Incorrect(f"`{label}` gives neighbour {wrong!r} weight {got[wrong]!r}; expected {expected[wrong]:g}")
    return f"all {len(cases)} test cases pass, weighted and unweighted"


node2vec_weights = Exercise(
    "node2vec_weights",
    _check_node2vec_weights,
    hints=[
        "Loop over `graph.neighbors(cur)`. Three cases for a neighbour `x`: `x == prev`, "
        "`graph.has_edge(prev, x)`, or neither.",
        "The factors are 1/p, 1 and 1/q; multiply each by `graph[cur][x].get('weight', 1.0)`.",
    ],
)


def _split_graphs():
    import networkx as nx

    karate = nx.karate_club_graph()
    karate.add_node(34)  # a member with no friends: must stay in the training graph
    karate.name = "karate club plus an isolated node"
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(4, 5))
    grid.name = "4x5 grid"
    wheel = nx.wheel_graph(8)
    wheel.add_edges_from([(1, 8), (2, 9), (3, 10), (4, 11)])  # four leaves
    wheel.name = "wheel with four leaves"
    return [(karate, 0.3), (grid, 0.2), (wheel, 0.4)]


def _split(split_edges, graph, fraction, seed, label):
    """Call the learner's split; check it has the right shape; return (train, set of held-out edges)."""
    got = call(split_edges, graph, fraction, np.random.default_rng(seed), _label=label)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Incorrect(f"Expected `{label}` to return a pair (train_graph, test_edges); got {show(got)}")
    train, test = got
    if not (hasattr(train, "has_edge") and hasattr(train, "nodes") and hasattr(train, "edges")):
        raise Incorrect(f"`{label}` returns {show(train)} as the training graph; expected a networkx graph")
    try:
        test = [tuple(e) for e in test]
    except TypeError:
        raise Incorrect(f"`{label}` returns {show(test)} as the held-out edges; expected a list of (u, v) pairs") from None
    if any(len(e) != 2 for e in test):
        raise Incorrect(f"`{label}` returns {show(test)} as the held-out edges; each must be a pair (u, v)")
    return train, test


def _check_split_edges(split_edges) -> str:
    for graph, fraction in _split_graphs():
        for seed in range(4):
            label = f"split_edges({graph.name}, test_fraction={fraction}, rng)"
            original = graph.copy()
            train, test = _split(split_edges, graph, fraction, seed, label)
            if set(map(frozenset, graph.edges())) != set(map(frozenset, original.edges())) or list(graph) != list(original):
                raise Incorrect(f"`{label}` changed the graph you were given; take the edges out of a copy "
                                "(`graph.copy()`)")
            n_test = int(round(fraction * graph.number_of_edges()))
            if len(test) != n_test:
                raise Incorrect(f"`{label}` held out {len(test)} edges; expected round(test_fraction × number "
                                f"of edges) = round({fraction} × {graph.number_of_edges()}) = {n_test}")
            keys = [frozenset(e) for e in test]
            if len(set(keys)) != len(keys):
                raise Incorrect(f"`{label}` holds out the same edge twice; each held-out edge is a different edge")
            for u, v in test:
                if not graph.has_edge(u, v):
                    raise Incorrect(f"`{label}` holds out ({u!r}, {v!r}), which is not an edge of the graph")
            for u, v in test:
                if train.has_edge(u, v):
                    raise Incorrect(f"`{label}` leaks: the held-out edge ({u!r}, {v!r}) is still in the training "
                                    "graph, so the embedding would see the answer; remove the held-out edges")
            missing = [n for n in graph if n not in train]
            if missing:
                raise Incorrect(f"`{label}`: node {missing[0]!r} is missing from the training graph; keep every "
                                "node, even one that has no edges")
            lost = set(map(frozenset, graph.edges())) - set(map(frozenset, train.edges())) - set(keys)
            if lost:
                u, v = sorted(next(iter(lost)), key=str)
                raise Incorrect(f"`{label}`: the edge ({u!r}, {v!r}) is neither in the training graph nor held "
                                "out; remove only the held-out edges")
            stranded = [n for n in graph if graph.degree(n) > 0 and train.degree(n) == 0]
            if stranded:
                raise Incorrect(f"`{label}` leaves node {stranded[0]!r} with no edges left in the training graph; "
                                "skip an edge if removing it would strand one of its ends (a node without edges "
                                "gets no walks and so no useful vector)")
    karate, fraction = _split_graphs()[0]
    label = f"split_edges({karate.name}, test_fraction={fraction}, rng)"
    runs = [set(map(frozenset, _split(split_edges, karate, fraction, seed, label)[1])) for seed in (7, 7, 8, 9)]
    if runs[0] != runs[1]:
        raise Incorrect("`split_edges` held out different edges for the same seed; draw every random choice "
                        "from the `rng` argument")
    if runs[1] == runs[2] == runs[3]:
        raise Incorrect("`split_edges` holds out the same edges whatever the seed; pick them at random with `rng`")
    return "the right number of edges held out at random, none leaked, no node stranded, the input untouched"


split_edges = Exercise(
    "split_edges",
    _check_split_edges,
    hints=[
        "Start from `train = graph.copy()` and `edges = list(graph.edges())`; visit the edges in the "
        "random order `rng.permutation(len(edges))`.",
        "Hold out an edge (append it to the list, `train.remove_edge(u, v)`) only if "
        "`train.degree(u) > 1 and train.degree(v) > 1`; stop once you have `round(test_fraction * len(edges))`.",
    ],
)

NOTEBOOKS = {
    "03_graphs/01_deepwalk": [uniform_walk, few_labels],
    "03_graphs/02_node2vec": [node2vec_weights, split_edges],
}
