"""Reference and wrong answers for the Graphs chapter's exercises (see test_checks.py)."""
import numpy as np

G1 = "03_graphs/01_deepwalk"
G2 = "03_graphs/02_node2vec"


def uniform_walk_ok(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        neighbours = list(graph.neighbors(walk[-1]))
        walk.append(neighbours[rng.integers(len(neighbours))])
    return walk


def few_labels_ok(labels, per_class, rng):
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in np.unique(labels)])


def node2vec_weights_ok(graph, prev, cur, p, q):
    weights = {}
    for x in graph.neighbors(cur):
        w = graph[cur][x].get("weight", 1.0)
        if x == prev:
            weights[x] = w / p
        elif graph.has_edge(prev, x):
            weights[x] = w
        else:
            weights[x] = w / q
    return weights


def split_edges_ok(graph, test_fraction, rng):
    edges = list(graph.edges())
    n_test = round(test_fraction * len(edges))
    train, test = graph.copy(), []
    for i in rng.permutation(len(edges)):
        if len(test) == n_test:
            break
        u, v = edges[i]
        if train.degree(u) > 1 and train.degree(v) > 1:
            train.remove_edge(u, v)
            test.append((u, v))
    return train, test


def split_edges_keeps_connected(graph, test_fraction, rng):
    """Also right: a stricter rule (never disconnect the graph) still passes."""
    import networkx as nx

    edges = list(graph.edges())
    n_test = round(test_fraction * len(edges))
    train, test = graph.copy(), []
    components = nx.number_connected_components(graph)
    for i in rng.permutation(len(edges)):
        if len(test) == n_test:
            break
        u, v = edges[i]
        train.remove_edge(u, v)
        if nx.number_connected_components(train) == components:
            test.append((u, v))
        else:
            train.add_edge(u, v, **graph[u][v])
    return train, test


# -- wrong answers, each with the feedback it must get ---------------------------------


def walk_one_too_long(graph, start, length, rng):
    return uniform_walk_ok(graph, start, length + 1, rng)


def walk_jumps_anywhere(graph, start, length, rng):
    nodes = list(graph.nodes())
    return [start] + [nodes[rng.integers(len(nodes))] for _ in range(length - 1)]


def walk_always_first_neighbour(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        walk.append(next(iter(graph.neighbors(walk[-1]))))
    return walk


def walk_ignores_rng(graph, start, length, rng):
    import random

    walk = [start]
    while len(walk) < length:
        walk.append(random.choice(list(graph.neighbors(walk[-1]))))
    return walk


def few_labels_first_ones(labels, per_class, rng):
    return np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in np.unique(labels)])


def few_labels_total_not_per_class(labels, per_class, rng):
    return rng.choice(len(labels), size=per_class * len(np.unique(labels)), replace=False)


def few_labels_with_replacement(labels, per_class, rng):
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class + 1, replace=True)[:per_class] * 0
                           + np.flatnonzero(labels == c)[0] for c in np.unique(labels)])


def n2v_p_q_swapped(graph, prev, cur, p, q):
    return node2vec_weights_ok(graph, prev, cur, q, p)


def n2v_no_edge_weight(graph, prev, cur, p, q):
    return {x: (1 / p if x == prev else 1.0 if graph.has_edge(prev, x) else 1 / q) for x in graph.neighbors(cur)}


def n2v_common_gets_1_over_q(graph, prev, cur, p, q):
    return {x: graph[cur][x].get("weight", 1.0) * (1 / p if x == prev else 1 / q) for x in graph.neighbors(cur)}


def n2v_normalised(graph, prev, cur, p, q):
    weights = node2vec_weights_ok(graph, prev, cur, p, q)
    total = sum(weights.values())
    return {x: w / total for x, w in weights.items()}


def n2v_multiplies_by_p_q(graph, prev, cur, p, q):
    return node2vec_weights_ok(graph, prev, cur, 1 / p, 1 / q)


def n2v_neighbours_of_prev(graph, prev, cur, p, q):
    return {x: graph[prev][x].get("weight", 1.0) * (1.0 if graph.has_edge(cur, x) else 1 / q)
            for x in graph.neighbors(prev)}


def split_leaks(graph, test_fraction, rng):
    edges = list(graph.edges())
    picks = rng.choice(len(edges), size=round(test_fraction * len(edges)), replace=False)
    return graph.copy(), [edges[i] for i in picks]


def split_first_edges(graph, test_fraction, rng):
    return split_edges_ok(graph, test_fraction, _FixedOrder())


class _FixedOrder:
    """Stands in for rng: the 'random' order is always the same."""

    def permutation(self, n):
        return np.arange(n)


def split_counts_nodes(graph, test_fraction, rng):
    train, test = split_edges_ok(graph, 0.999, rng)
    keep = test[: round(test_fraction * graph.number_of_nodes())]
    for u, v in test[len(keep):]:
        train.add_edge(u, v, **graph[u][v])
    return train, keep


def split_strands_nodes(graph, test_fraction, rng):
    edges = list(graph.edges())
    picks = [edges[i] for i in rng.choice(len(edges), size=round(test_fraction * len(edges)), replace=False)]
    train = graph.copy()
    train.remove_edges_from(picks)
    return train, picks


def split_in_place(graph, test_fraction, rng):
    train, test = split_edges_ok(graph, test_fraction, rng)
    graph.remove_edges_from(test)
    return graph, test


def split_rebuilds_from_edges(graph, test_fraction, rng):
    import networkx as nx

    train, test = split_edges_ok(graph, test_fraction, rng)
    return nx.Graph(list(train.edges())), test


def split_python_random(graph, test_fraction, rng):
    import random

    return split_edges_ok(graph, test_fraction, np.random.default_rng(random.randrange(2**32)))


RIGHT = {
    (G1, "uniform_walk"): uniform_walk_ok,
    (G1, "few_labels"): few_labels_ok,
    (G2, "node2vec_weights"): node2vec_weights_ok,
    (G2, "split_edges"): split_edges_ok,
}

WRONG = {
    (G1, "uniform_walk"): [
        (walk_one_too_long, "the start counts"),
        (walk_jumps_anywhere, "are not neighbours"),
        (walk_always_first_neighbour, "equally likely"),
        (walk_ignores_rng, "same seed"),
    ],
    (G1, "few_labels"): [
        (few_labels_first_ones, "whatever the seed"),
        (few_labels_total_not_per_class, "of each class"),
        (few_labels_with_replacement, "the same node twice"),
    ],
    (G2, "node2vec_weights"): [
        (n2v_p_q_swapped, "p and q swapped"),
        (n2v_no_edge_weight, "ignores the edge weights"),
        (n2v_common_gets_1_over_q, "keeps weight 1"),
        (n2v_normalised, "unnormalised"),
        (n2v_multiplies_by_p_q, "multiplies by p and q"),
        (n2v_neighbours_of_prev, "must be the neighbours of cur"),
    ],
    (G2, "split_edges"): [
        (split_leaks, "still in the training graph"),
        (split_first_edges, "whatever the seed"),
        (split_counts_nodes, "round(test_fraction × number of edges)"),
        (split_strands_nodes, "no edges left"),
        (split_in_place, "changed the graph you were given"),
        (split_rebuilds_from_edges, "missing from the training graph"),
        (split_python_random, "for the same seed"),
    ],
}
