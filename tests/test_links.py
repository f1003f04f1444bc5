import networkx as nx
import numpy as np
import pytest

from embedlib.links import common_neighbours, hadamard_features, sample_non_edges, split_edges
from embedlib.vectors import Embeddings


def keys(edges):
    return {frozenset(e) for e in edges}


@pytest.mark.parametrize("seed", range(5))
def test_split_holds_out_the_right_edges_and_leaks_none(seed):
    g = nx.karate_club_graph()
    g.add_node("lonely")
    before = keys(g.edges())
    train, test = split_edges(g, 0.3, np.random.default_rng(seed))
    assert keys(g.edges()) == before, "the input graph is untouched"
    assert len(test) == round(0.3 * len(before)) == len(keys(test))
    assert keys(test) <= before
    assert not any(train.has_edge(u, v) for u, v in test)
    assert keys(train.edges()) | keys(test) == before
    assert set(train) == set(g)
    assert all(train.degree(n) > 0 for n in g if g.degree(n) > 0)
    u, v = next(iter(train.edges()))
    assert train[u][v] == g[u][v], "edge attributes are kept"


def test_split_depends_on_the_seed_only():
    g = nx.karate_club_graph()
    a = split_edges(g, 0.2, np.random.default_rng(1))[1]
    b = split_edges(g, 0.2, np.random.default_rng(1))[1]
    c = split_edges(g, 0.2, np.random.default_rng(2))[1]
    assert a == b and keys(a) != keys(c)


def test_split_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="without leaving a node with no edges"):
        split_edges(nx.star_graph(5), 0.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="test_fraction"):
        split_edges(nx.path_graph(3), 1.0, np.random.default_rng(0))
    train, test = split_edges(nx.path_graph(3), 0.0, np.random.default_rng(0))
    assert test == [] and train.number_of_edges() == 2


def test_non_edges_are_distinct_non_edges_and_avoid_what_they_are_told():
    g = nx.karate_club_graph()
    avoid = sample_non_edges(g, 50, np.random.default_rng(0))
    pairs = sample_non_edges(g, 300, np.random.default_rng(1), avoid=avoid)
    assert len(pairs) == len(keys(pairs)) == 300
    assert all(u != v and not g.has_edge(u, v) for u, v in pairs)
    assert not keys(pairs) & keys(avoid)
    assert pairs == sample_non_edges(g, 300, np.random.default_rng(1), avoid=avoid)


def test_non_edges_can_be_all_of_them_but_not_more():
    g = nx.path_graph(4)  # 6 pairs, 3 edges
    assert keys(sample_non_edges(g, 3, np.random.default_rng(0))) == {frozenset(p) for p in [(0, 2), (0, 3), (1, 3)]}
    with pytest.raises(ValueError, match="only 3"):
        sample_non_edges(g, 4, np.random.default_rng(0))


def test_hadamard_features_and_common_neighbours():
    emb = Embeddings(["a", "b", "c"], [[1.0, 2.0], [3.0, -1.0], [0.0, 2.0]])
    assert hadamard_features(emb, [("a", "b"), ("c", "c")]).tolist() == [[3.0, -2.0], [0.0, 4.0]]
    unit = hadamard_features(emb, [("a", "c")], unit=True)
    assert np.isclose(unit.sum(), emb.similarity("a", "c"))
    assert hadamard_features(emb, []).shape == (0, 2)
    g = nx.Graph([(0, 1), (0, 2), (1, 2), (2, 3), (1, 3)])
    assert common_neighbours(g, [(0, 3), (0, 1), (0, 0)]).tolist() == [2, 1, 2]


def test_select_on_validation_chooses_on_validation_keeps_the_first_tie_and_tests_once():
    from embedlib.links import select_on_validation

    validation = {(1, 1): 0.80, (1, 0.5): 0.86, (1, 2): 0.83, (0.5, 1): 0.86}
    test = {(1, 1): 0.90, (1, 0.5): 0.84, (1, 2): 0.93, (0.5, 1): 0.91}
    calls = []

    def score(p, q, split):
        calls.append((p, q, split))
        return (validation if split == "validation" else test)[(p, q)]

    result = select_on_validation(list(validation), score)
    assert result.params == (1, 0.5) and result.test == 0.84
    assert result.validation == validation
    assert [c for c in calls if c[2] == "test"] == [(1, 0.5, "test")]
    with pytest.raises(ValueError, match="grid is empty"):
        select_on_validation([], score)
