"""Checks for notebook 3.1, DeepWalk: one uniform walk, and walks turned into word2vec's sentences."""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..checks import Exercise, Incorrect, call, show


def _in_graph(graph, node) -> bool:
    try:
        return node in graph
    except TypeError:  # an unhashable "node", such as a list
        return False


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _walk_graphs():
    import networkx as nx

    path = nx.relabel_nodes(nx.path_graph(5), dict(enumerate("abcde")))
    path.name = "path a-b-c-d-e"
    karate = nx.karate_club_graph()
    karate.name = "karate club"
    star = nx.relabel_nodes(nx.star_graph(4), {0: "hub", 1: "w", 2: "x", 3: "y", 4: "z"})
    for leaf, weight in zip("wxyz", (1.0, 2.0, 3.0, 6.0)):  # weights a uniform walk must ignore
        star["hub"][leaf]["weight"] = weight
    star.name = "star: 'hub' linked to 'w', 'x', 'y', 'z' (edge weights 1, 2, 3, 6)"
    triangle_plus = nx.relabel_nodes(nx.complete_graph(4), dict(enumerate("pqrs")))
    triangle_plus.name = "4 nodes p, q, r, s all linked"
    return path, karate, star, triangle_plus


def _one_walk(uniform_walk, graph, start, length, rng, label) -> list:
    try:
        got = call(uniform_walk, graph, start, length, rng, _label=label)
    except Incorrect as err:
        if "ValueError: high <= 0" in str(err) or "ValueError: low >= high" in str(err):
            raise Incorrect(f"{err}: `rng.integers` was asked to draw from no choice at all. `rng.integers(n)` "
                            "already draws 0, 1, ..., n - 1, and every node has a neighbour to go to, if only "
                            "the one the walk came from") from None
        raise
    if isinstance(got, (str, bytes)) or not hasattr(got, "__iter__"):
        raise Incorrect(f"Expected `{label}` to return a list of nodes; got {show(got)}")
    return list(got)


def _blame_walk(graph, start, length, walk, label) -> None:
    """Raise ``Incorrect`` naming the first thing wrong with one walk."""
    nodes = list(graph)
    if (walk and all(_is_int(x) for x in walk) and not all(_in_graph(graph, x) for x in walk)
            and all(0 <= x < len(nodes) for x in walk)):
        raise Incorrect(f"`{label}` returns {show(walk)}: positions in `list(graph)`, not the nodes "
                        f"themselves; return the nodes (here labels such as {nodes[0]!r}), as "
                        "`graph.neighbors` gives them")
    if len(walk) != length:
        raise Incorrect(f"Expected `{label}` to return {length} nodes (the start counts); got {len(walk)}")
    if walk[0] != start:
        if graph.has_edge(start, walk[0]) if _in_graph(graph, walk[0]) else False:
            raise Incorrect(f"`{label}` starts at {walk[0]!r}, a neighbour of the start; the walk's first "
                            "node is `start` itself")
        raise Incorrect(f"`{label}` starts at {walk[0]!r}; a walk starts at `start`")
    for step, (u, v) in enumerate(zip(walk, walk[1:]), start=1):
        if not _in_graph(graph, v):
            raise Incorrect(f"`{label}`: step {step} goes to {show(v)}, which is not a node of the graph")
        if u == v or not graph.has_edge(u, v):
            if step > 1 and all(_in_graph(graph, x) and graph.has_edge(start, x) for x in walk[1:]):
                raise Incorrect(f"`{label}` returns {show(walk)}: every node after the start is a neighbour of "
                                f"`start`, and step {step} goes from {u!r} to {v!r}, which are not linked. Each "
                                "step picks a neighbour of the node the walk reached last, not of `start`")
            if u == v:
                raise Incorrect(f"`{label}` stays at {u!r} at step {step}; each step moves on to a neighbour "
                                "of the node reached last")
            raise Incorrect(f"`{label}` steps from {u!r} to {v!r}, which are not neighbours; "
                            "each step follows an edge")


def _check_uniform_walk(uniform_walk) -> str:
    from scipy.stats import chisquare

    path, karate, star, complete = _walk_graphs()
    # the structure of each walk: length, start, every step along an edge of the node reached last
    for graph, start in [(path, "b"), (karate, 0), (star, "hub"), (complete, "p")]:
        for length in (1, 2, 6, 12):
            label = f"uniform_walk({graph.name}, start={start!r}, length={length}, rng)"
            walk = _one_walk(uniform_walk, graph, start, length, np.random.default_rng(length), label)
            _blame_walk(graph, start, length, walk, label)
    # seeds: the same generator state gives the same walk; other seeds give other walks
    label = "uniform_walk(karate club, start=0, length=10, rng)"
    same = [_one_walk(uniform_walk, karate, 0, 10, np.random.default_rng(5), label) for _ in range(2)]
    if same[0] != same[1]:
        raise Incorrect("`uniform_walk` gave two different walks for the same seed; draw every random "
                        "choice from the `rng` argument")
    others = [_one_walk(uniform_walk, karate, 0, 10, np.random.default_rng(s), label) for s in range(6)]
    if all(w == others[0] for w in others):
        walk = others[0]
        if all(v == next(iter(karate.neighbors(u))) for u, v in zip(walk, walk[1:])):
            raise Incorrect(f"`{label}` always steps to the first neighbour of the node reached last "
                            f"({show(walk)}), whatever the seed; pick the neighbour at random, with `rng`")
        raise Incorrect("`uniform_walk` gives the same walk whatever the seed of `rng`: no choice comes from "
                        "the `rng` you are given; draw from it, not from a generator made inside the function")
    # several steps: a uniform walk may step back to where it came from
    label = f"uniform_walk({complete.name}, start='p', length=3, rng)"
    rng = np.random.default_rng(2)
    walks = [_one_walk(uniform_walk, complete, "p", 3, rng, label) for _ in range(300)]
    for walk in walks[:20]:
        _blame_walk(complete, "p", 3, walk, label)
    back = sum(w[2] == "p" for w in walks)
    if back == 0:
        raise Incorrect(f"`{label}` never went back to 'p' at the second step in 300 walks (expected about "
                        "a third); a uniform walk picks any neighbour of the node reached last, including "
                        "the node it came from")
    # from the centre of a star, every leaf is equally likely, at the first step and at later ones
    rng = np.random.default_rng(1)
    first = Counter(_one_walk(uniform_walk, star, "hub", 2, rng, "uniform_walk(star, 'hub', 2, rng)")[1]
                    for _ in range(800))
    observed = [first.get(leaf, 0) for leaf in "wxyz"]
    if chisquare(observed).pvalue < 1e-4:
        raise Incorrect(f"From the centre of a star graph, `uniform_walk` went to the 4 leaves {observed} "
                        "times out of 800; each neighbour should be equally likely (DeepWalk's walk ignores edge weights)")
    label = "uniform_walk(star, start='w', length=5, rng)"
    walks = [_one_walk(uniform_walk, star, "w", 5, rng, label) for _ in range(800)]
    for walk in walks[:20]:
        _blame_walk(star, "w", 5, walk, label)
    for step in (2, 4):
        counts = Counter(w[step] for w in walks)
        observed = [counts.get(leaf, 0) for leaf in "wxyz"]
        if chisquare(observed).pvalue < 1e-4:
            raise Incorrect(f"`{label}`: at step {step} (back at a leaf) the walks reached 'w', 'x', 'y', 'z' "
                            f"{observed} times out of 800; from 'hub' every leaf is equally likely, the one "
                            "the walk came from included")
    return "walks follow edges, have the right length, follow the seed, and choose neighbours uniformly at every step"


uniform_walk = Exercise(
    "uniform_walk",
    _check_uniform_walk,
    hints=[
        "A walk is a list that begins with the start node alone. Keep adding one node until the list "
        "holds `length` nodes; each new node is a random neighbour of the node added last.",
        "`graph.neighbors(node)` gives the neighbours of a node (make a list of them to pick one by "
        "position), and `rng.integers(n)` draws a position 0, 1, ..., n - 1. On the path 0-1-2, from "
        "node 1 the neighbours are [0, 2]: position 0 or 1, each half of the time.",
        "`ex.uniform_walk.solution()` shows one answer.",
    ],
)


def _corpus_cases():
    return [
        # labels that are strings; the second walk stopped after its first node
        (np.array([[0, 1, 2, 1], [0, -1, -1, -1], [1, 0, 1, 0]]), ["ann", "bob", "cy"]),
        # integer labels that are not positions; one walk stopped after two nodes
        (np.array([[3, 0, 3], [1, 2, -1], [0, 3, 0], [2, 1, 2]]), [10, 20, 30, 40]),
        # tuples as labels, as in a grid graph: (row, column)
        (np.array([[0, 1], [1, 2], [2, -1]]), [(0, 0), (0, 1), (1, 1)]),
    ]


def _is_token(x, node_set) -> bool:
    try:
        return x in node_set or _is_int(x)
    except TypeError:  # a list: a sentence, not a token
        return False


def _check_walks_to_sentences(walks_to_sentences) -> str:
    for walks, nodes in _corpus_cases():
        label = f"walks_to_sentences(walks of shape {walks.shape}, nodes={show(nodes)})"
        expected = [[nodes[i] for i in row if i >= 0] for row in walks]
        got = call(walks_to_sentences, walks.copy(), list(nodes), _label=label)
        if isinstance(got, (str, bytes)) or not hasattr(got, "__iter__"):
            raise Incorrect(f"Expected `{label}` to return a list of sentences; got {show(got)}")
        got = list(got)
        if len(got) != len(walks) and got and all(_is_token(x, set(nodes)) for x in got):
            raise Incorrect(f"`{label}` returns one sentence of {len(got)} tokens; word2vec needs one sentence "
                            "per walk, so that its window never reaches from the end of one walk into the "
                            "start of the next")
        if len(got) != len(walks):
            if len(got) == walks.shape[1]:
                raise Incorrect(f"`{label}` returns {len(got)} sentences, one per column; a walk is a row of "
                                f"`walks`, so expected {len(walks)} sentences, one per row")
            complete = int((walks >= 0).all(axis=1).sum())
            if len(got) == complete:
                raise Incorrect(f"`{label}` returns {len(got)} sentences: it drops the walks that stopped early. "
                                f"Keep them (up to their first -1): expected {len(walks)} sentences, one per row")
            raise Incorrect(f"Expected `{label}` to return {len(walks)} sentences, one per row; got {len(got)}")
        for k, (sentence, row, want) in enumerate(zip(got, walks, expected)):
            if isinstance(sentence, (str, bytes)) or not hasattr(sentence, "__iter__"):
                raise Incorrect(f"`{label}`: sentence {k} is {show(sentence)}; each sentence is a list of nodes")
            sentence = list(sentence)
            if any(isinstance(t, np.ndarray) for t in sentence):
                raise Incorrect(f"`{label}`: sentence {k} holds arrays {show(sentence)}; a node label can be a "
                                "tuple, and indexing `np.array(nodes)` turns tuples into rows of an array. "
                                "Index the list `nodes` itself")
            if sentence == want:
                continue
            if sentence == [nodes[i] for i in row]:
                raise Incorrect(f"`{label}`: sentence {k} is {show(sentence)}. A -1 marks the end of a walk "
                                f"that stopped early, but `nodes[-1]` is the last node, {nodes[-1]!r}, so it "
                                "enters the corpus as if the walk went on; leave the -1 entries out")
            if sentence in ([int(i) for i in row if i >= 0], [int(i) for i in row]):
                raise Incorrect(f"`{label}`: sentence {k} is {show(sentence)}: positions in `nodes`, not the "
                                f"node labels; expected {show(want)}")
            if sentence == [str(t) for t in want] and not all(isinstance(t, str) for t in want):
                raise Incorrect(f"`{label}`: sentence {k} is {show(sentence)}: the labels turned into strings. "
                                "Keep each node as it is in `nodes` (the word2vec here takes any hashable "
                                f"token, and the vectors are then looked up by node): expected {show(want)}")
            raise Incorrect(f"`{label}`: sentence {k} (row {row.tolist()}) is {show(sentence)}; "
                            f"expected {show(want)}")
    return (f"all {len(_corpus_cases())} test cases pass: one sentence per walk, node labels of any type, "
            "no -1 padding")


walks_to_sentences = Exercise(
    "walks_to_sentences",
    _check_walks_to_sentences,
    hints=[
        "Go through `walks` one row at a time: a row is one walk and becomes one sentence. In each row, "
        "keep only the entries that are >= 0.",
        "A position becomes its node by indexing the list `nodes`. With nodes = ['x', 'y', 'z'], the row "
        "[2, 0, -1, -1] becomes the sentence ['z', 'x'].",
        "`ex.walks_to_sentences.solution()` shows one answer.",
    ],
)
