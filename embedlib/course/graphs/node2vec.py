"""Checks for notebook 3.2, node2vec: the biased step's weights, a leak-free edge split, and tuning p and q."""
from __future__ import annotations

import math

import numpy as np

from ..checks import Exercise, Incorrect, call, show


def _edge_weight(graph, a, b) -> float:
    return graph[a][b].get("weight", 1.0)


def _n2v_reference(graph, prev, cur, p, q, weight_of=None, common=1.0, back=None, out=None):
    """node2vec's weights, or a variant of them (for naming a learner's mistake)."""
    back = 1.0 / p if back is None else back
    out = 1.0 / q if out is None else out
    weight_of = weight_of or (lambda x: _edge_weight(graph, cur, x))
    weights = {}
    for x in graph.neighbors(cur):
        w = weight_of(x)
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
    # every edge weighs something else, so a weight read from the wrong edge shows
    distinct = nx.Graph(name="graph with a different weight on every edge")
    distinct.add_weighted_edges_from([
        ("t", "v", 2.0), ("t", "a", 3.0), ("v", "a", 5.0), ("v", "b", 7.0),
        ("v", "c", 11.0), ("b", "c", 13.0), ("a", "d", 17.0),
    ])
    karate = nx.karate_club_graph()
    for u, v in karate.edges():
        karate[u][v].pop("weight", None)  # no weights: every edge counts 1
    karate.name = "karate club, unweighted"
    return weighted, distinct, karate


def _close(a, b) -> bool:
    return np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _n2v_variants(graph, prev, cur, p, q):
    """Plausible mistakes, each with what to tell the learner."""
    def from_prev(x):
        return _edge_weight(graph, prev, x) if graph.has_edge(prev, x) else _edge_weight(graph, cur, x)

    return [
        (_n2v_reference(graph, prev, cur, q, p),
         "matches node2vec with p and q swapped: stepping back to `prev` weighs 1/p, moving "
         "away from it weighs 1/q"),
        (_n2v_reference(graph, prev, cur, p, q, back=p, out=q),
         "multiplies by p and q; the weights are 1/p (back to `prev`) and 1/q (moving away)"),
        (_n2v_reference(graph, prev, cur, p, q, weight_of=lambda x: 1.0),
         "ignores the edge weights; multiply each factor by the weight of the edge from `cur` to the "
         "neighbour (1 when the edge has no weight)"),
        (_n2v_reference(graph, prev, cur, p, q, weight_of=lambda x: _edge_weight(graph, prev, cur)),
         f"gives every neighbour the weight of the edge prev–cur ({_edge_weight(graph, prev, cur):g}); each "
         "neighbour x takes the weight of its own edge cur–x"),
        (_n2v_reference(graph, prev, cur, p, q, weight_of=from_prev),
         "reads the weight of the edge prev–x for a neighbour x of `prev`; the walker steps along cur–x, "
         "so read the weight of that edge"),
        (_n2v_reference(graph, prev, cur, p, q, common=1.0 / q),
         "gives 1/q to a neighbour of `prev` as well; a node that is also a neighbour of `prev` "
         "keeps weight 1 (times the edge weight), only nodes further away get 1/q"),
        (_n2v_reference(graph, prev, cur, p, q, common=1.0 / p),
         "gives 1/p to every neighbour of `prev`; only `prev` itself gets 1/p, its neighbours get 1"),
    ]


def _check_node2vec_weights(node2vec_weights) -> str:
    weighted, distinct, karate = _n2v_graphs()
    cases = [(weighted, "b", "c", 4.0, 0.5), (distinct, "t", "v", 4.0, 0.5), (weighted, "d", "e", 4.0, 0.5),
             (distinct, "b", "v", 2.0, 4.0), (weighted, "b", "c", 0.25, 2.0), (karate, 0, 1, 4.0, 0.5),
             (weighted, "c", "b", 1.0, 1.0), (weighted, "e", "d", 0.5, 4.0)]
    for graph, prev, cur, p, q in cases:
        label = f"node2vec_weights({graph.name}, prev={prev!r}, cur={cur!r}, p={p:g}, q={q:g})"
        try:
            got = call(node2vec_weights, graph, prev, cur, p, q, _label=label)
        except Incorrect as err:
            if "KeyError: 'weight'" in str(err):
                raise Incorrect(f"{err}. The edges of this graph have no weight attribute; an edge without "
                                "one counts 1, so read the weight with a default of 1") from None
            raise
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
        for variant, problem in _n2v_variants(graph, prev, cur, p, q):
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
        "Go through the neighbours x of `cur`, one case each, tested in this order: x is `prev` "
        "itself; x is linked to `prev` (networkx graphs have a `has_edge` method); neither.",
        "The three cases have the factors 1/p, 1 and 1/q. Multiply the factor by the weight of the edge "
        "from `cur` to x (1 if that edge has no weight). Example: an edge cur–x of weight 3, x two steps "
        "from `prev`, and q = 0.5 give 3 / 0.5 = 6.",
        "`ex.node2vec_weights.solution()` shows one answer.",
    ],
)


# -- split_edges ---------------------------------------------------------------------


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
    # 78 × 0.3 = 23.4 rounds down, 31 × 0.25 = 7.75 rounds up, 18 × 0.4 = 7.2 rounds down
    return [(karate, 0.3), (grid, 0.25), (wheel, 0.4)]


def _split(split_edges, graph, fraction, seed, label):
    """Call the learner's split; check it has the right shape; return (train, list of held-out edges)."""
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


def _blame_count(label, fraction, n_edges, got) -> None:
    exact = fraction * n_edges
    want = int(round(exact))
    if got == want:
        return
    if got == math.floor(exact):
        raise Incorrect(f"`{label}` held out {got} edges: it rounds {fraction} × {n_edges} = {exact:g} down, "
                        f"as int() does; round to the nearest whole number: round({exact:g}) = {want}")
    if got == math.ceil(exact):
        raise Incorrect(f"`{label}` held out {got} edges: it rounds {fraction} × {n_edges} = {exact:g} up; "
                        f"round to the nearest whole number: round({exact:g}) = {want}")
    raise Incorrect(f"`{label}` held out {got} edges; expected round(test_fraction × number "
                    f"of edges) = round({fraction} × {n_edges}) = {want}")


def _check_split_edges(split_edges) -> str:
    for graph, fraction in _split_graphs():
        for seed in range(4):
            label = f"split_edges({graph.name}, test_fraction={fraction}, rng)"
            original = graph.copy()
            train, test = _split(split_edges, graph, fraction, seed, label)
            if set(map(frozenset, graph.edges())) != set(map(frozenset, original.edges())) or list(graph) != list(original):
                raise Incorrect(f"`{label}` changed the graph you were given; take the edges out of a copy "
                                "of it")
            _blame_count(label, fraction, graph.number_of_edges(), len(test))
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
        "Work on a copy of the graph, so that the one you were given stays as it is. List the edges and "
        "visit them in a random order drawn from `rng` (a random permutation of their positions).",
        "Before holding out an edge (u, v), look at the degrees of u and v in the training graph: if either "
        "has this one edge left, skip the edge. Stop once you hold out round(test_fraction × number of "
        "edges) of them: for 31 edges and 0.25 that is round(7.75) = 8.",
        "`ex.split_edges.solution()` shows one answer.",
    ],
)


# -- tune_p_q ------------------------------------------------------------------------


class _Misuse(Exception):
    """Raised by the fake scorer when ``tune_p_q`` calls it wrongly."""


class _Scorer:
    """A stand-in for the notebook's ``score(p, q, split)``: known ROC AUCs, and a log of the calls."""

    def __init__(self, grid, validation, test):
        self.grid, self.table = grid, {"validation": dict(zip(grid, validation)), "test": dict(zip(grid, test))}
        self.calls: list[tuple] = []
        self.problem = ""

    def __call__(self, p, q, split):
        if split not in self.table:
            self.problem = (f"`tune_p_q` called `score` with split={show(split)}; the splits are 'validation' "
                            "and 'test'")
            raise _Misuse(self.problem)
        if (p, q) not in self.table[split]:
            self.problem = (f"`tune_p_q` called score(p={show(p)}, q={show(q)}, ...), which is not a pair of the "
                            f"grid {self.grid}" + ("; p and q are swapped: call score(p, q, split)"
                                                   if (q, p) in self.table[split] else ""))
            raise _Misuse(self.problem)
        self.calls.append((p, q, split))
        return self.table[split][(p, q)]


# (grid, validation AUCs, test AUCs): the second has a tie on validation, (1, 0.5) and (0.5, 1); the third a
# three-way tie, (1, 1), (2, 1) and (1, 2), where the first tied pair is neither the last nor the largest
_TUNE_CASES = [
    ([(1, 1), (0.25, 1), (1, 4), (4, 0.25)], [0.70, 0.75, 0.74, 0.60], [0.72, 0.71, 0.80, 0.78]),
    ([(1, 1), (1, 0.5), (1, 2), (0.5, 1), (2, 1)], [0.80, 0.86, 0.83, 0.86, 0.79], [0.90, 0.84, 0.93, 0.91, 0.92]),
    ([(0.5, 2), (1, 1), (2, 1), (4, 0.5), (1, 2)], [0.78, 0.81, 0.81, 0.74, 0.81], [0.80, 0.77, 0.76, 0.79, 0.75]),
]


def _check_tune_p_q(tune_p_q) -> str:
    for grid, validation, test in _TUNE_CASES:
        scorer = _Scorer(grid, validation, test)
        label = f"tune_p_q({grid}, score)"
        try:
            got = call(tune_p_q, list(grid), scorer, _label=label)
        except Incorrect:
            if scorer.problem:
                raise Incorrect(scorer.problem) from None
            raise
        if isinstance(got, (str, bytes)) or not hasattr(got, "__len__") or len(got) != 3:
            raise Incorrect(f"Expected `{label}` to return a tuple (p, q, test_auc); got {show(got)}")
        p, q, auc = got
        try:
            auc = float(auc)
        except (TypeError, ValueError):
            raise Incorrect(f"`{label}` returns {show(auc)} as the test ROC AUC; expected one number") from None
        best = max(range(len(grid)), key=lambda i: validation[i])
        best_test = max(range(len(grid)), key=lambda i: test[i])
        tied_last = max(i for i in range(len(grid)) if validation[i] == validation[best])
        worst = min(range(len(grid)), key=lambda i: validation[i])
        tested = [(a, b) for a, b, split in scorer.calls if split == "test"]
        on_validation = {(a, b) for a, b, split in scorer.calls if split == "validation"}
        chosen = (p, q)
        if len(tested) > 1:
            if chosen == grid[best_test]:
                raise Incorrect(f"`{label}` chose {chosen} by the test score; choose (p, q) by the validation "
                                "score, then score the test split once, for the chosen pair: a choice made on "
                                "the test split makes its score optimistic")
            raise Incorrect(f"`{label}` scored the test split {len(tested)} times; choose (p, q) on the "
                            "validation split alone, then score the test split once, for the chosen pair")
        missing = [pq for pq in grid if pq not in on_validation]
        if missing:
            raise Incorrect(f"`{label}` never scored {missing[0]} on the validation split; try every pair of "
                            "the grid")
        if chosen == grid[best_test] and chosen != grid[best]:
            raise Incorrect(f"`{label}` chose {chosen} by the test score; choose (p, q) by the validation score")
        if chosen == grid[worst]:
            raise Incorrect(f"`{label}` chose {chosen}, the lowest validation ROC AUC; a higher ROC AUC is better")
        tied = [grid[i] for i in range(len(grid)) if validation[i] == validation[best]]
        if chosen == max(tied) and chosen != grid[best] and chosen != grid[tied_last]:
            raise Incorrect(f"`{label}` chose {chosen}; {grid[best]} scores the same on validation "
                            f"({validation[best]}) and comes first in the grid. Comparing (score, p, q) tuples "
                            "breaks a tie by the larger p (then q): on a tie keep the first pair, e.g. with "
                            "`max(grid, key=...)`, which compares the scores alone")
        if chosen == grid[tied_last] and tied_last != best:
            raise Incorrect(f"`{label}` chose {chosen}; {grid[best]} scores the same on validation "
                            f"({validation[best]}) and comes first in the grid: on a tie keep the first pair")
        if chosen == grid[best][::-1] and chosen != grid[best]:
            raise Incorrect(f"`{label}` returns (q, p) = {chosen}; return the chosen pair as (p, q)")
        if chosen != grid[best]:
            raise Incorrect(f"`{label}` chose {chosen}; the highest validation ROC AUC is {grid[best]}'s")
        if math.isclose(auc, validation[best]) and not math.isclose(validation[best], test[best]):
            raise Incorrect(f"`{label}` returns {auc}, the validation score of the chosen pair; report its test "
                            "score: the validation score chose the pair, so it is optimistic")
        if not tested:
            raise Incorrect(f"`{label}` never scored the test split; the third value is the test ROC AUC of "
                            "the chosen pair")
        if tested != [grid[best]]:
            raise Incorrect(f"`{label}` scored {tested[0]} on the test split; score the chosen pair {grid[best]}")
        if not math.isclose(auc, test[best]):
            raise Incorrect(f"`{label}` returns {auc} as the test ROC AUC; the test score of {grid[best]} is "
                            f"{test[best]}")
    return ("chooses on validation (the first pair on a tie), scores the test split once, and reports the "
            "chosen pair's test score")


tune_p_q = Exercise(
    "tune_p_q",
    _check_tune_p_q,
    hints=[
        "Score every pair of the grid on the validation split and keep the best one. Only then score the "
        "test split, once, for that pair.",
        "`max` with a `key` picks the item with the highest score and keeps the first one on a tie: "
        "`max(['ab', 'c', 'de'], key=len)` gives 'ab'.",
        "`ex.tune_p_q.solution()` shows one answer.",
    ],
)
