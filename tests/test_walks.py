from collections import Counter

import networkx as nx
import numpy as np
import pytest
from scipy.stats import chisquare

from embedlib.walks import CSRGraph, node2vec_weights, random_walks


def small_weighted_graph():
    g = nx.Graph()
    g.add_weighted_edges_from([
        ("a", "b", 1.0), ("b", "c", 2.0), ("b", "d", 1.0), ("c", "d", 1.0),
        ("d", "e", 3.0), ("c", "f", 1.0), ("e", "f", 0.5), ("b", "e", 1.0),
    ])
    return g


def transitions(walks):
    """Counts of x for each (t, v) among consecutive triples (t, v, x)."""
    out = {}
    for row in walks.sentences():
        for t, v, x in zip(row, row[1:], row[2:]):
            out.setdefault((t, v), Counter())[x] += 1
    return out


@pytest.mark.parametrize("p,q", [(1.0, 1.0), (0.25, 4.0), (4.0, 0.25), (2.0, 0.5)])
def test_biased_walk_transitions_match_node2vec_probabilities(p, q):
    g = small_weighted_graph()
    walks = random_walks(g, num_walks=3000, walk_length=4, p=p, q=q, seed=1)
    counts = transitions(walks)
    tested = 0
    for (t, v), observed in counts.items():
        total = sum(observed.values())
        if total < 500 or len(g[v]) < 2:  # one neighbour: nothing to test
            continue
        weights = node2vec_weights(g, t, v, p, q)
        keys = sorted(weights)
        expected = np.array([weights[k] for k in keys]) / sum(weights.values()) * total
        obs = np.array([observed.get(k, 0) for k in keys])
        assert set(observed) <= set(keys), "stepped to a non-neighbour"
        assert chisquare(obs, expected).pvalue > 1e-4, (t, v, dict(observed), dict(zip(keys, expected)))
        tested += 1
    assert tested >= 10


def test_uniform_walks_follow_edge_weights():
    g = small_weighted_graph()
    walks = random_walks(g, num_walks=4000, walk_length=2, seed=0)
    firsts = Counter(row[1] for row in walks.sentences() if row[0] == "b")
    nbrs = sorted(g["b"])
    w = np.array([g["b"][x]["weight"] for x in nbrs])
    assert chisquare([firsts[x] for x in nbrs], w / w.sum() * sum(firsts.values())).pvalue > 1e-4


def test_shapes_determinism_and_every_step_is_an_edge():
    g = nx.karate_club_graph()
    a = random_walks(g, num_walks=2, walk_length=10, p=0.5, q=2, seed=3)
    b = random_walks(g, num_walks=2, walk_length=10, p=0.5, q=2, seed=3)
    assert a.array.shape == (68, 10) and np.array_equal(a.array, b.array)
    assert not np.array_equal(a.array, random_walks(g, num_walks=2, walk_length=10, p=0.5, q=2, seed=4).array)
    for row in a.sentences():
        assert len(row) == 10 and all(g.has_edge(u, v) for u, v in zip(row, row[1:]))
    assert sorted(Counter(r[0] for r in a.sentences()).values()) == [2] * 34


def test_isolated_nodes_and_dead_ends():
    g = nx.Graph([(0, 1)])
    g.add_node(2)
    walks = random_walks(g, num_walks=1, walk_length=5, p=0.5, q=2.0, seed=0)
    sentences = {row[0]: row for row in walks.sentences()}
    assert sentences[2] == [2]
    assert sentences[0] == [0, 1, 0, 1, 0]
    d = nx.DiGraph([(0, 1)])
    assert random_walks(d, num_walks=1, walk_length=4, seed=0).sentences()[0] == [0, 1]


def test_csr_graph_and_has_edge():
    g = CSRGraph.from_networkx(nx.path_graph(4))
    assert g.degree.tolist() == [1, 2, 2, 1]
    assert g.has_edge(np.array([0, 1, 0, 3]), np.array([1, 2, 2, 2])).tolist() == [True, True, False, True]


@pytest.mark.parametrize("kwargs,message", [
    ({"num_walks": 0}, "num_walks must be an int >= 1"),
    ({"walk_length": 2.5}, "walk_length must be an int >= 1"),
    ({"p": 0}, "p must be > 0"),
    ({"q": -1}, "q must be > 0"),
])
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        random_walks(nx.path_graph(3), **kwargs)


def test_empty_graphs_and_other_objects_are_refused():
    with pytest.raises(ValueError, match="no nodes"):
        random_walks(nx.Graph())
    with pytest.raises(TypeError, match=r"graph must be a networkx graph or a CSRGraph, got list.*nx.Graph\(edges\)"):
        random_walks([(0, 1), (1, 2)])


@pytest.mark.parametrize("graph_type,edge", [(nx.Graph, r"\('a', 'b'\)"), (nx.DiGraph, "'a' -> 'b'"),
                                             (nx.MultiGraph, r"\('a', 'b'\)")])
@pytest.mark.parametrize("bad", [-1.0, -1e-300, float("nan"), float("inf"), -float("inf"), "heavy", None, np.nan])
def test_every_weight_must_be_finite_and_non_negative_and_the_error_names_the_edge(graph_type, edge, bad):
    g = graph_type()
    g.add_edge("x", "a", weight=2.0)
    g.add_edge("a", "b", weight=bad)
    with pytest.raises(ValueError, match=rf"edge {edge} has weight={bad!r}: edge weights must be finite numbers >= 0"
                                         r".*pass weight=None"):
        random_walks(g)
    assert len(random_walks(g, weight=None, num_walks=1, walk_length=3)) == 3  # weight=None ignores them


def test_the_weight_attribute_named_by_the_caller_is_the_one_checked():
    g = nx.Graph()
    g.add_edge(0, 1, cost=float("nan"), weight=1.0)
    with pytest.raises(ValueError, match=r"edge \(0, 1\) has cost=nan"):
        random_walks(g, weight="cost")
    random_walks(g)  # "weight" is fine


def test_a_csr_graph_built_by_hand_is_checked_too():
    with pytest.raises(ValueError, match=r"edge 'b' -> 'a' has weight=inf"):
        CSRGraph(["a", "b"], np.array([0, 1, 2]), np.array([1, 0]), np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match="indptr of length 3"):
        CSRGraph(["a", "b"], np.array([0, 2]), np.array([1, 0]), np.array([1.0, 1.0]))


@pytest.mark.parametrize("others", [0.0, 1.0, 5.0])
def test_a_zero_weight_means_no_edge_in_every_graph(others):
    """It used to be walked when every weight was 0 and a dead end as soon as one was not."""
    g = nx.Graph()
    g.add_edge(0, 1, weight=0.0)
    g.add_edge(2, 3, weight=others)
    walks = {row[0]: row for row in random_walks(g, num_walks=1, walk_length=4, seed=0).sentences()}
    assert walks[0] == [0] and walks[1] == [1]  # the zero edge is never walked
    assert len(walks[2]) == (1 if others == 0 else 4)
    csr = CSRGraph.from_networkx(g)
    assert csr.degree.tolist()[:2] == [0, 0] and not csr.has_edge(np.array([0]), np.array([1]))[0]


def test_a_zero_weight_edge_does_not_make_neighbours_for_node2vec():
    g = nx.Graph()
    g.add_weighted_edges_from([("t", "v", 1.0), ("v", "x", 1.0), ("v", "y", 1.0), ("t", "x", 0.0)])
    walks = random_walks(g, num_walks=6000, walk_length=3, p=1.0, q=4.0, seed=0)
    after_tv = transitions(walks)[("t", "v")]
    weights = node2vec_weights(g, "t", "v", p=1.0, q=4.0)
    assert weights == {"t": 1.0, "x": 0.25, "y": 0.25}  # x is not t's neighbour: its edge weighs 0
    keys = sorted(weights)
    expected = np.array([weights[k] for k in keys]) / sum(weights.values()) * sum(after_tv.values())
    assert chisquare([after_tv[k] for k in keys], expected).pvalue > 1e-4


def test_a_node_draws_by_its_own_weights_whatever_the_weights_elsewhere():
    """A running total over all edges lost node 2's weights (1 and 3) behind an edge of 1e17."""
    g = nx.Graph()
    g.add_edge(0, 1, weight=1e17)
    g.add_edge(2, 3, weight=1.0)
    g.add_edge(2, 4, weight=3.0)
    firsts = Counter(row[1] for row in random_walks(g, num_walks=4000, walk_length=2, seed=0).sentences()
                     if row[0] == 2 and len(row) > 1)
    assert sum(firsts.values()) == 4000  # never a dead end
    assert chisquare([firsts[3], firsts[4]], [1000, 3000]).pvalue > 1e-4


@pytest.mark.parametrize("p,q", [(1.0, 1.0), (0.5, 2.0)])
def test_unweighted_graphs_take_the_uniform_shortcut_and_stay_exact(p, q):
    g = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (3, 4)])  # no weights: every edge weighs 1
    assert CSRGraph.from_networkx(g).unweighted
    counts = transitions(random_walks(g, num_walks=4000, walk_length=3, p=p, q=q, seed=2))
    for (t, v), observed in counts.items():
        if len(g[v]) < 2 or sum(observed.values()) < 500:
            continue
        weights = node2vec_weights(g, t, v, p, q)
        keys = sorted(weights)
        expected = np.array([weights[k] for k in keys]) / sum(weights.values()) * sum(observed.values())
        assert chisquare([observed.get(k, 0) for k in keys], expected).pvalue > 1e-4
