"""Reference and wrong answers for the Graphs chapter's exercises (see test_checks.py)."""
import numpy as np

G1 = "03_graphs/01_deepwalk"


def uniform_walk_ok(graph, start, length, rng):
    walk = [start]
    while len(walk) < length:
        neighbours = list(graph.neighbors(walk[-1]))
        walk.append(neighbours[rng.integers(len(neighbours))])
    return walk


def few_labels_ok(labels, per_class, rng):
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in np.unique(labels)])


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


RIGHT = {
    (G1, "uniform_walk"): uniform_walk_ok,
    (G1, "few_labels"): few_labels_ok,
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
}
