import numpy as np
import pytest

from embedlib import data, evaluate
from embedlib.vectors import Embeddings


@pytest.fixture
def emb():
    # a tiny space where king - man + woman = queen, and cat ~ dog
    keys = ["man", "woman", "king", "queen", "cat", "dog", "paris", "france", "rome", "italy"]
    vecs = np.array([
        [1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 0, 1, 0, 0], [1, 1, 1, 0, 0], [0, 0, 0, 1, 0.1],
        [0, 0, 0, 1, 0.2], [0, 0, 0.1, 0, 1], [0.1, 0, 0.1, 0, 1], [0, 0.5, 0.1, 0.1, 1], [0.1, 0.5, 0.1, 0.1, 1],
    ], dtype=float)
    return Embeddings(keys, vecs)


def test_word_similarity_is_spearman_on_known_pairs_and_reports_coverage(emb):
    pairs = [("cat", "dog", 9.0), ("man", "woman", 7.0), ("cat", "paris", 1.0), ("zebra", "cat", 5.0)]
    result = evaluate.word_similarity(emb, pairs)
    assert result.n_pairs == 3 and result.coverage == pytest.approx(0.75)
    assert result.rho == pytest.approx(1.0)
    reversed_scores = [(a, b, -s) for a, b, s in pairs]
    assert evaluate.word_similarity(emb, reversed_scores).rho == pytest.approx(-1.0)


def test_row_similarity_matches_word_similarity_on_dense_and_sparse_rows(emb):
    import scipy.sparse as sp

    pairs = [("cat", "dog", 9.0), ("man", "woman", 7.0), ("cat", "paris", 1.0), ("king", "rome", 2.0), ("cat", "nope", 5.0)]
    expected = evaluate.word_similarity(emb, pairs)
    for rows in (emb.vectors, sp.csr_matrix(emb.vectors)):
        got = evaluate.row_similarity(rows, emb.keys, pairs)
        assert got.rho == pytest.approx(expected.rho) and got.coverage == expected.coverage == 0.8
        assert np.isfinite(got.rho)
    with pytest.raises(ValueError, match="one row per word"):
        evaluate.row_similarity(emb.vectors[:2], emb.keys, pairs)


def test_sweep_builds_once_per_value_and_scores_each():
    built = []
    table = evaluate.sweep([3, 1], lambda v: built.append(v) or v, {"double": lambda m: 2 * m, "neg": lambda m: -m})
    assert built == [3, 1] and table == {3: {"double": 6.0, "neg": -3.0}, 1: {"double": 2.0, "neg": -1.0}}


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogies_solve_the_planted_question_per_section(emb, method):
    questions = [("family", "man", "woman", "king", "queen"), ("capital", "paris", "france", "rome", "italy"),
                 ("family", "man", "woman", "unknown", "queen")]
    result = evaluate.analogies(emb, questions, method=method)
    assert result.n_questions == 2 and result.coverage == pytest.approx(2 / 3)
    assert result.sections["family"] == (1.0, 1)
    assert result.accuracy >= 0.5


def test_analogy_errors(emb):
    with pytest.raises(ValueError, match="method must be"):
        evaluate.analogies(emb, [("s", "a", "b", "c", "d")], method="nope")
    with pytest.raises(ValueError, match="questions is empty"):
        evaluate.analogies(emb, [])


def test_benchmark_loaders():
    ws, sl, an = data.load_wordsim353(), data.load_simlex999(), data.load_google_analogies()
    assert len(ws) == 353 and len(sl) == 999 and len(an) == 19544
    assert ws[0] == ("love", "sex", 6.77)
    sections = {q[0] for q in an}
    assert "capital-common-countries" in sections and any(s.startswith("gram") for s in sections)
    assert all(w == w.lower() for q in an[:100] for w in q[1:])


def test_neighbour_overlap_is_one_for_a_scaled_copy_and_lower_for_a_squashed_map():
    rng = np.random.default_rng(0)
    high = rng.normal(size=(40, 6))
    assert evaluate.neighbour_overlap(high, 3 * high, k=5) == 1.0
    assert evaluate.neighbour_overlap(high, high[:, :1], k=5) < 0.6
    with pytest.raises(ValueError, match="same number of rows"):
        evaluate.neighbour_overlap(high, high[:10], k=3)
    with pytest.raises(ValueError, match="k must be between 1 and 39"):
        evaluate.neighbour_overlap(high, high, k=40)


def test_hit_rate_at_k_counts_targets_in_the_top_k():
    from embedlib.evaluate import hit_rate_at_k

    recs = [["a", "b", "c"], ["c", "a"], ["b"], ["x", "y", "z"]]
    targets = ["c", "a", "a", "z"]
    assert hit_rate_at_k(recs, targets, k=3) == 0.75
    assert hit_rate_at_k(recs, targets, k=2) == 0.25
    assert hit_rate_at_k(recs, targets, k=1) == 0.0
    with pytest.raises(ValueError, match="same length"):
        hit_rate_at_k(recs, targets[:2])
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        hit_rate_at_k(recs, targets, k=0)
    with pytest.raises(ValueError, match="targets is empty"):
        hit_rate_at_k([], [])
