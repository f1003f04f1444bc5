"""Reference and wrong answers for the Graphs chapter's exercises (see test_checks.py).

WRONG entries are ``(fn, phrase)`` or ``(fn, phrase, kind)``: the feedback must contain
``phrase``, and ``kind`` names the kind of mistake (see KINDS) the case stands for.
"""
import random

import numpy as np

G1 = "03_graphs/01_deepwalk"
G2 = "03_graphs/02_node2vec"

# the kinds of mistake that apply to each exercise; each has a wrong case below
KINDS = {
    (G1, "uniform_walk"): {"walks", "seed", "return-type"},
    (G1, "walks_to_sentences"): {"return-type"},
    (G2, "node2vec_weights"): {"weights", "return-type"},
    (G2, "split_edges"): {"seed", "rounding", "return-type"},
    (G2, "tune_p_q"): {"ties", "return-type"},
}


def uniform_walk_ok(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        neighbours = list(graph.neighbors(walk[-1]))
        walk.append(neighbours[rng.integers(len(neighbours))])
    return walk


def walks_to_sentences_ok(walks, nodes):
    return [[nodes[i] for i in row if i >= 0] for row in walks]


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


def tune_p_q_ok(grid, score):
    p, q = max(grid, key=lambda pq: score(pq[0], pq[1], "validation"))
    return p, q, score(p, q, "test")


# -- also right: written differently, they must pass too ---------------------------------


def uniform_walk_choice(graph, start, length, rng):
    walk = [start]
    for _ in range(length - 1):
        walk.append(rng.choice(list(graph[walk[-1]])))
    return [n.item() if hasattr(n, "item") else n for n in walk]


def uniform_walk_array(graph, start, length, rng):
    """An array of nodes is accepted too."""
    return np.array(uniform_walk_ok(graph, start, length, rng))


def walks_to_sentences_stop_at_first_gap(walks, nodes):
    out = []
    for row in walks.tolist():
        end = row.index(-1) if -1 in row else len(row)
        out.append(tuple(nodes[i] for i in row[:end]))
    return out


def walks_to_sentences_library(walks, nodes):
    from embedlib.walks import Walks

    return Walks(np.asarray(walks), list(nodes)).sentences()


def split_edges_keeps_connected(graph, test_fraction, rng):
    """A stricter rule (never disconnect the graph) still passes."""
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


def tune_p_q_loop(grid, score):
    best, best_auc = None, -np.inf
    for p, q in grid:
        auc = score(p=p, q=q, split="validation")
        if auc > best_auc:
            best, best_auc = (p, q), auc
    return [best[0], best[1], np.float64(score(*best, "test"))]


def tune_p_q_argmax(grid, score):
    aucs = np.array([score(p, q, "validation") for p, q in grid])
    p, q = grid[int(np.argmax(aucs))]
    return p, q, score(p, q, "test")


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
    walk = [start]
    while len(walk) < length:
        walk.append(random.choice(list(graph.neighbors(walk[-1]))))
    return walk


def walk_own_generator(graph, start, length, rng):
    return uniform_walk_ok(graph, start, length, np.random.default_rng(0))


def walk_neighbours_of_start(graph, start, length, rng):
    neighbours = list(graph.neighbors(start))
    return [start] + [neighbours[rng.integers(len(neighbours))] for _ in range(length - 1)]


def walk_never_goes_back(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        options = [x for x in graph.neighbors(walk[-1]) if len(walk) < 2 or x != walk[-2]] or [walk[-2]]
        walk.append(options[rng.integers(len(options))])
    return walk


def walk_returns_positions(graph, start, length, rng):
    nodes = list(graph)
    return [nodes.index(n) for n in uniform_walk_ok(graph, start, length, rng)]


def walk_off_by_one(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        neighbours = list(graph.neighbors(walk[-1]))
        walk.append(neighbours[rng.integers(len(neighbours) - 1)])
    return walk


def walk_by_edge_weight(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        neighbours = list(graph.neighbors(walk[-1]))
        w = np.array([graph[walk[-1]][x].get("weight", 1.0) for x in neighbours])
        walk.append(neighbours[rng.choice(len(neighbours), p=w / w.sum())])
    return walk


def sentences_keep_padding(walks, nodes):
    return [[nodes[i] for i in row] for row in walks]


def sentences_positions(walks, nodes):
    return [[int(i) for i in row if i >= 0] for row in walks]


def sentences_one_long(walks, nodes):
    return [nodes[i] for row in walks for i in row if i >= 0]


def sentences_drop_short_walks(walks, nodes):
    return [[nodes[i] for i in row] for row in walks if (row >= 0).all()]


def sentences_by_column(walks, nodes):
    return [[nodes[i] for i in col if i >= 0] for col in walks.T]


def sentences_as_strings(walks, nodes):
    return [[str(nodes[i]) for i in row if i >= 0] for row in walks]


def sentences_fancy_index(walks, nodes):
    labels = np.array(nodes)
    return [list(labels[row[row >= 0]]) for row in walks]


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


def n2v_weight_of_prev_cur(graph, prev, cur, p, q):
    w = graph[prev][cur].get("weight", 1.0)
    return {x: w * (1 / p if x == prev else 1.0 if graph.has_edge(prev, x) else 1 / q) for x in graph.neighbors(cur)}


def n2v_weight_from_prev(graph, prev, cur, p, q):
    weights = {}
    for x in graph.neighbors(cur):
        if x == prev:
            weights[x] = graph[cur][x].get("weight", 1.0) / p
        elif graph.has_edge(prev, x):
            weights[x] = graph[prev][x].get("weight", 1.0)
        else:
            weights[x] = graph[cur][x].get("weight", 1.0) / q
    return weights


def n2v_weight_key_required(graph, prev, cur, p, q):
    return {x: graph[cur][x]["weight"] * (1 / p if x == prev else 1.0 if graph.has_edge(prev, x) else 1 / q)
            for x in graph.neighbors(cur)}


def n2v_returns_list(graph, prev, cur, p, q):
    return list(node2vec_weights_ok(graph, prev, cur, p, q).values())


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


def split_rounds_down(graph, test_fraction, rng):
    train, test = split_edges_ok(graph, test_fraction, rng)
    keep = test[: int(test_fraction * graph.number_of_edges())]
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
    return split_edges_ok(graph, test_fraction, np.random.default_rng(random.randrange(2**32)))


def split_returns_test_graph(graph, test_fraction, rng):
    import networkx as nx

    train, test = split_edges_ok(graph, test_fraction, rng)
    return train, nx.Graph(test), None


def tune_by_test(grid, score):
    p, q = max(grid, key=lambda pq: score(pq[0], pq[1], "test"))
    return p, q, score(p, q, "test")


def tune_reports_validation(grid, score):
    p, q = max(grid, key=lambda pq: score(pq[0], pq[1], "validation"))
    return p, q, score(p, q, "validation")


def tune_tests_everything(grid, score):
    tests = {pq: score(*pq, "test") for pq in grid}
    p, q = max(grid, key=lambda pq: score(pq[0], pq[1], "validation"))
    return p, q, tests[(p, q)]


def tune_max_of_tuples(grid, score):
    # max over (score, p, q) tuples: a tie goes to the larger p, then q
    _, p, q = max((score(p, q, "validation"), p, q) for p, q in grid)
    return p, q, score(p, q, "test")


def tune_last_on_tie(grid, score):
    best, best_auc = None, -np.inf
    for p, q in grid:
        auc = score(p, q, "validation")
        if auc >= best_auc:
            best, best_auc = (p, q), auc
    return best[0], best[1], score(*best, "test")


def tune_lowest(grid, score):
    p, q = min(grid, key=lambda pq: score(pq[0], pq[1], "validation"))
    return p, q, score(p, q, "test")


def tune_swaps_p_q(grid, score):
    q, p = max(grid, key=lambda pq: score(pq[1], pq[0], "validation"))
    return p, q, score(q, p, "test")


def tune_returns_pair_only(grid, score):
    p, q = max(grid, key=lambda pq: score(pq[0], pq[1], "validation"))
    return p, q


RIGHT = {
    (G1, "uniform_walk"): uniform_walk_ok,
    (G1, "walks_to_sentences"): walks_to_sentences_ok,
    (G2, "node2vec_weights"): node2vec_weights_ok,
    (G2, "split_edges"): split_edges_ok,
    (G2, "tune_p_q"): tune_p_q_ok,
}

ALSO_RIGHT = {
    (G1, "uniform_walk"): [uniform_walk_choice, uniform_walk_array],
    (G1, "walks_to_sentences"): [walks_to_sentences_stop_at_first_gap, walks_to_sentences_library],
    (G2, "split_edges"): [split_edges_keeps_connected],
    (G2, "tune_p_q"): [tune_p_q_loop, tune_p_q_argmax],
}

WRONG = {
    (G1, "uniform_walk"): [
        (walk_one_too_long, "the start counts"),
        (walk_jumps_anywhere, "are not neighbours"),
        (walk_always_first_neighbour, "the first neighbour", "seed"),
        (walk_ignores_rng, "same seed", "seed"),
        (walk_own_generator, "whatever the seed", "seed"),
        (walk_neighbours_of_start, "not of `start`", "walks"),
        (walk_never_goes_back, "including the node it came from", "walks"),
        (walk_returns_positions, "positions in `list(graph)`", "return-type"),
        (walk_off_by_one, "already draws 0, 1, ..., n - 1"),
        (walk_by_edge_weight, "equally likely"),
    ],
    (G1, "walks_to_sentences"): [
        (sentences_keep_padding, "`nodes[-1]` is the last node"),
        (sentences_positions, "positions in `nodes`, not the node labels", "return-type"),
        (sentences_one_long, "one sentence per walk"),
        (sentences_drop_short_walks, "drops the walks that stopped early"),
        (sentences_by_column, "one per column"),
        (sentences_as_strings, "turned into strings", "return-type"),
        (sentences_fancy_index, "Index the list `nodes`", "return-type"),
    ],
    (G2, "node2vec_weights"): [
        (n2v_p_q_swapped, "p and q swapped"),
        (n2v_no_edge_weight, "ignores the edge weights", "weights"),
        (n2v_common_gets_1_over_q, "keeps weight 1"),
        (n2v_normalised, "unnormalised"),
        (n2v_multiplies_by_p_q, "multiplies by p and q"),
        (n2v_neighbours_of_prev, "must be the neighbours of cur"),
        (n2v_weight_of_prev_cur, "the weight of the edge prev–cur", "weights"),
        (n2v_weight_from_prev, "reads the weight of the edge prev–x", "weights"),
        (n2v_weight_key_required, "an edge without one counts 1", "weights"),
        (n2v_returns_list, "to return a dict", "return-type"),
    ],
    (G2, "split_edges"): [
        (split_leaks, "still in the training graph"),
        (split_first_edges, "whatever the seed", "seed"),
        (split_counts_nodes, "round(test_fraction × number of edges)"),
        (split_rounds_down, "down, as int() does", "rounding"),
        (split_strands_nodes, "no edges left"),
        (split_in_place, "changed the graph you were given"),
        (split_rebuilds_from_edges, "missing from the training graph"),
        (split_python_random, "for the same seed", "seed"),
        (split_returns_test_graph, "to return a pair (train_graph, test_edges)", "return-type"),
    ],
    (G2, "tune_p_q"): [
        (tune_by_test, "by the test score"),
        (tune_reports_validation, "the validation score of the chosen pair"),
        (tune_tests_everything, "scored the test split 4 times"),
        (tune_last_on_tie, "on a tie keep the first pair", "ties"),
        (tune_max_of_tuples, "Comparing (score, p, q) tuples breaks a tie by the larger p", "ties"),
        (tune_lowest, "the lowest validation ROC AUC"),
        (tune_swaps_p_q, "p and q are swapped"),
        (tune_returns_pair_only, "to return a tuple (p, q, test_auc)", "return-type"),
    ],
}
