"""Two-stage search (chapter 6): BM25 keyword scores, re-ranking, and its mean reciprocal rank."""
import builtins
import sys

import numpy as np
import pytest

from embedlib import search


def test_bm25_scores_reward_rare_shared_words():
    docs = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog", "stock markets fell"]
    scores = search.bm25_scores(docs, ["cat", "the dog", "markets", "zebra", "the"])
    assert scores.shape == (5, 4) and scores.dtype == np.float64
    assert scores[0, 1] == scores[0, 3] == 0 and scores[0, 0] > 0 and scores[0, 2] > 0
    assert np.argmax(scores[2]) == 3
    np.testing.assert_array_equal(scores[3], 0.0)  # no word in any document
    np.testing.assert_array_equal(scores[4], 0.0)  # only a stop word
    # the same query without stop-word removal: "the" now counts
    assert search.bm25_scores(docs, ["the"], stopwords=None)[0, 0] > 0
    # texts already split into tokens
    tokens = search.bm25_scores([["cat", "mat"], ["dog"]], [["cat"]], tokenize=list)
    assert tokens[0, 0] > 0 == tokens[0, 1]


def test_bm25_scores_validate_their_inputs():
    with pytest.raises(TypeError, match="documents"):
        search.bm25_scores("one text", ["q"])
    with pytest.raises(ValueError, match="documents is empty"):
        search.bm25_scores([], ["q"])


def test_bm25_missing_package_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name == "bm25s" or name.startswith("bm25s."):
            raise ImportError("No module named 'bm25s'", name="bm25s")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "bm25s", raising=False)
    monkeypatch.setattr(builtins, "__import__", without)
    with pytest.raises(ImportError, match="needs 'bm25s': pip install bm25s"):
        search.bm25_scores(["a"], ["a"])


def test_rerank_keeps_the_first_pass_top_n_and_orders_them_by_the_second():
    first = np.array([[5.0, 9.0, 1.0, 7.0, 3.0], [1.0, 1.0, 1.0, 0.0, 2.0]])
    second = np.array([[0.1, 0.2, 0.9, 0.8, 0.3], [0.5, 0.5, 0.9, 0.1, 0.0]])
    assert search.rerank(first, second, 3).tolist() == [[3, 1, 0], [0, 1, 4]]  # ties to the lower index, in both stages
    assert search.rerank(first, second, 1).tolist() == [[1], [4]]
    assert search.rerank(first, second, 50).shape == (2, 5)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        search.rerank(first, second, 0)
    with pytest.raises(ValueError, match="shape of first_scores"):
        search.rerank(first, second[:, :4], 2)


def test_first_relevant_rank_and_rerank_mrr():
    ranking = np.array([[3, 1, 0], [2, 0, 4]])
    relevant = np.zeros((2, 5), dtype=bool)
    relevant[0, [0, 1]] = True  # two relevant documents: the first one in the list counts
    relevant[1, 3] = True       # not in the list: 0
    assert search.first_relevant_rank(ranking, relevant).tolist() == [2, 0]
    first = np.array([[5.0, 9.0, 1.0, 7.0, 3.0], [1.0, 1.0, 1.0, 0.0, 2.0]])
    second = np.array([[0.1, 0.2, 0.9, 0.8, 0.3], [0.5, 0.5, 0.9, 0.1, 0.0]])
    assert search.rerank_mrr(first, second, relevant, 3) == pytest.approx((1 / 2 + 0) / 2)
    assert search.rerank_mrr(first, second, relevant, 5) == pytest.approx((1 / 4 + 1 / 4) / 2)
    with pytest.raises(ValueError, match="relevant must have the shape"):
        search.rerank_mrr(first, second, relevant[:, :3], 2)


def test_rerank_mrr_agrees_with_the_exercise_reference():
    import cases_wrapup

    rng = np.random.default_rng(0)
    for n in (1, 3, 12, 40):
        first, second = rng.normal(size=(2, 6, 30))
        relevant = rng.random((6, 30)) < 0.1
        assert search.rerank_mrr(first, second, relevant, n) == pytest.approx(
            cases_wrapup.rerank_mrr_ok(first, second, relevant, n))
