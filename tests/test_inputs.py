"""Corpus-shaped inputs: a wrong shape is a TypeError that names the argument and
says what to pass (issue 11, kind 1), tokens of any hashable type work and are
ordered without being compared across types (kind 3), and a corpus with no
(centre, context) pair is an error that says why (kind 2)."""
import networkx as nx
import numpy as np
import pytest

from embedlib import evaluate, sentences, text
from embedlib.vectors import Embeddings
from embedlib.walks import random_walks
from embedlib.word2vec import Word2Vec


def w2v(**kw):
    params = dict(dim=8, window=2, min_count=1, epochs=2, sample=0, workers=1, progress=False, seed=0)
    params.update(kw)
    return Word2Vec(**params)


# -- kind 1: wrong shapes of "a list of token lists" --------------------------------------
WALKS = random_walks(nx.path_graph(3), num_walks=1, walk_length=3)
BAD_SENTENCES = [
    ("the cat sat on the mat", r"sentences must be a list of token lists.*got one str.*character by character"),
    (b"the cat", r"sentences must be a list of token lists.*got one bytes"),
    (["the", "cat", "sat"], r"sentences\[0\] is a str \('the'\), not a list of tokens.*wrap it in a list"),
    (["the cat sat", "a dog ran"], r"sentences\[0\] is a str.*embedlib.text.tokenize"),
    ([["a", "b"], "c d"], r"sentences\[1\] is a str \('c d'\)"),
    ([1, 2, 3], r"sentences\[0\] is a int \(1\), not a list of tokens.*wrap it in a list"),
    (np.arange(5), r"sentences\[0\] is a int64.*not a list of tokens"),
    ({"a", "b"}, r"sentences must be a list of token lists.*got a set"),
    ([{"a", "b"}, ["c"]], r"sentences\[0\] is a set, which has no order"),
    (42, r"sentences must be a list of token lists.*got a int \(42\)"),
    (WALKS, r"sentences is a Walks object.*sentences=walks.sentences\(\)"),
    (random_walks(nx.DiGraph([(0, 1)]), num_walks=1, walk_length=3).array, r"sentences looks like Walks.array.*-1"),
    ([["a", ["b"]], ["c"]], r"sentences\[0\]\[1\] is a list \(\['b'\]\), which cannot be a token.*hashable"),
    ([["a", "b"], [{"k": 1}, "c"]], r"sentences\[1\]\[0\] is a dict.*cannot be a token"),
]


@pytest.mark.parametrize("bad,message", BAD_SENTENCES, ids=[repr(b)[:30] for b, _ in BAD_SENTENCES])
@pytest.mark.parametrize("backend", ["compiled", "torch"])
def test_word2vec_refuses_every_wrong_shape_of_sentences(bad, message, backend):
    with pytest.raises(TypeError, match=message):
        w2v(backend=backend).fit(bad)


def test_word2vec_still_accepts_every_ordered_kind_of_sentence():
    good = [["a", "b", "c"], ("b", "c", "a"), np.array(["c", "a", "b"]), (t for t in "abc")]
    assert w2v().fit(good).vocab_.words == ["a", "b", "c"]


@pytest.mark.parametrize("call,message", [
    (lambda: text.Vocab.from_tokens("the cat sat"), r"tokens must be a list.*got one str.*tokenize\(text\)"),
    (lambda: text.Vocab.from_tokens(WALKS), r"tokens is a Walks object.*walks.sentences\(\)"),
    (lambda: text.Vocab.from_tokens([["a", "b"], "c"]), r"tokens\[1\] is a str but tokens\[0\] is a list.*not a mix"),
    (lambda: text.Vocab.from_tokens([["a", ["b"]]]), r"tokens\[0\]\[1\] is a list.*hashable"),
    (lambda: text.Vocab.from_tokens(["a", {"b": 1}]), r"tokens\[1\] is a dict.*hashable"),
    (lambda: text.Vocab.from_tokens(["a"]).encode("a cat"), r"tokens must be a list of tokens, got one str"),
    (lambda: text.skipgram_pairs(np.array([[0, 1], [1, 2]]), 1), r"ids must be a 1-D array of integer ids.*\(2, 2\)"),
    (lambda: text.skipgram_pairs(["the", "cat"], 1), r"ids must be a 1-D.*vocab.encode\(tokens\)"),
    (lambda: text.skipgram_pairs(3, 1), r"ids must be a 1-D array of integer ids, got int"),
    (lambda: text.cooccurrence_matrix(np.array([0, 1, 2]), 3, 1), r"sentences must be a list of id arrays.*\[ids\]"),
    (lambda: text.cooccurrence_matrix([np.array([0, 1]), ["a", "b"]], 3, 1), r"sentences\[1\] must be a 1-D array"),
    (lambda: text.cooccurrence_matrix([[0.5, 1.0]], 3, 1), r"sentences\[0\] must be a 1-D array of integer ids"),
    (lambda: text.cooccurrence_matrix([[1, 2], 7], 3, 1), r"sentences\[1\] must be a 1-D array of integer ids"),
    (lambda: evaluate.hit_rate_at_k(["ab", "cd"], ["a", "c"]), r"recommended\[0\] is a str.*\[ranking\]"),
    (lambda: evaluate.hit_rate_at_k([["a"]], "a"), r"targets must be a list"),
    (lambda: sentences.mean_reciprocal_rank(["ab", "cd"], ["a", "c"]), r"rankings\[0\] is a str"),
    (lambda: sentences.reciprocal_rank("Alabama", "A"), r"ranked must be a list of keys.*\[key\]"),
])
def test_other_corpus_taking_functions_refuse_wrong_shapes(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_cooccurrence_ids_beyond_the_vocabulary_are_named():
    with pytest.raises(ValueError, match=r"sentences\[1\] has id 5, but vocab_size is 3"):
        text.cooccurrence_matrix([np.array([0, 1]), np.array([2, 5])], vocab_size=3, window=1)
    assert text.cooccurrence_matrix([[], [0, 1]], vocab_size=2, window=1).sum() == 2  # empty sentences are fine


def test_mean_word_vectors_refuses_one_text_and_token_lists():
    emb = Embeddings(["cat", "dog"], np.eye(2))
    with pytest.raises(TypeError, match=r"texts must be a list of texts.*got one str"):
        sentences.mean_word_vectors(emb, "the cat")
    with pytest.raises(TypeError, match=r"texts\[0\] is a list.*not a str"):
        sentences.mean_word_vectors(emb, [["the", "cat"]])
    # with a tokenizer of its own, texts can be whatever that tokenizer takes
    out = sentences.mean_word_vectors(emb, [["cat"], ["dog", "cat"]], tokenize=list)
    assert out.shape == (2, 2)


# -- kind 3: tokens of any hashable type ------------------------------------------------------
def test_mixed_int_and_str_tokens_train_whatever_ties_there_are():
    corpus = [[1, "a", 2, "b"], ["a", 1, "b", 2]]  # 1 ties with "a": sorting them used to crash
    model = w2v().fit(corpus)
    assert model.vocab_.words == [1, 2, "a", "b"]
    assert model.embeddings_.most_similar(1, topn=3)
    # the order depends on neither the order of the sentences nor that of the tokens
    assert w2v().fit([s[::-1] for s in corpus[::-1]]).vocab_.words == [1, 2, "a", "b"]


@pytest.mark.parametrize("tokens", [
    ["b", "a", "c", "b", "a", "d"],
    [3, 1, 2, 3, 1, 10],
    [(1, 2), (0, 5), (1, 2), ("a", 1), ("a", 1), (0, "z")],
    [1, "a", 2.5, "b", (1, "x"), None, b"x", 1, "a"],
])
def test_vocabulary_order_is_by_count_then_a_fixed_order_for_any_tokens(tokens):
    vocab = text.Vocab.from_tokens(tokens)
    rng = np.random.default_rng(0)
    for _ in range(5):  # any order of the input gives the same vocabulary
        shuffled = [tokens[i] for i in rng.permutation(len(tokens))]
        assert text.Vocab.from_tokens(shuffled).words == vocab.words
    assert list(vocab.counts) == sorted(vocab.counts, reverse=True)


def test_comparable_tokens_keep_their_natural_tie_order():
    assert text.Vocab.from_tokens(["b", "a", "c", "b", "a", "d"]).words == ["a", "b", "c", "d"]
    assert text.Vocab.from_tokens([10, 2, 2, 10, 3]).words == [2, 10, 3]
    assert text.Vocab.from_tokens([(1, "b"), (1, "a")]).words == [(1, "a"), (1, "b")]
    # the fallback key agrees with the natural order wherever both exist
    from embedlib._inputs import token_order_key, vocabulary_order

    words = ["pear", "apple", "fig"]
    assert sorted(words, key=token_order_key) == sorted(words)
    assert [w for w, _ in vocabulary_order([(2, 1), ("a", 1), (1.5, 1), ((0, "a"), 1)])] == [1.5, 2, "a", (0, "a")]


def test_a_flat_list_of_tuples_is_a_list_of_tuple_tokens():
    nodes = [(0, 0), (0, 1), (0, 0)]
    assert text.Vocab.from_tokens(nodes).words == [(0, 0), (0, 1)]


@pytest.mark.parametrize("graph", [
    nx.path_graph(6),  # int labels
    nx.grid_2d_graph(3, 3),  # tuple labels
    nx.relabel_nodes(nx.cycle_graph(6), {0: "zero", 2: "two", 4: (4, "four")}),  # int, str and tuple
], ids=["int", "tuple", "mixed"])
def test_node_labels_of_any_type_go_from_walks_to_gensim_and_the_projector(graph, tmp_path):
    walks = random_walks(graph, num_walks=20, walk_length=10, seed=0)
    emb = w2v(epochs=3).fit(walks.sentences()).embeddings_
    assert set(emb.keys) == set(graph.nodes)
    for node in graph.nodes:  # every label, whatever its type, looks up its own vector
        assert emb.most_similar(node, topn=2)[0][0] in set(graph.nodes) - {node}
    kv = emb.to_gensim()
    assert list(kv.index_to_key) == [str(k) for k in emb.keys]
    folder = emb.to_projector(tmp_path, metadata={"degree": [graph.degree(k) for k in emb.keys]})
    rows = [line.split("\t") for line in (folder / "metadata.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["key", "degree"] and [r[0] for r in rows[1:]] == [str(k) for k in emb.keys]


# -- kind 2: nothing to learn -----------------------------------------------------------------
@pytest.mark.parametrize("backend", ["compiled", "torch"])
@pytest.mark.parametrize("corpus,min_count", [
    ([["a"], ["b"], ["a"], ["c"]], 1),  # one-token sentences
    ([["a", "rare1"], ["b", "rare2"], ["a", "rare3"], ["b", "rare4"]], 2),  # one token left after min_count
    (random_walks(nx.empty_graph(5), num_walks=3, walk_length=10).sentences(), 1),  # a graph without edges
    (random_walks(nx.DiGraph([(0, 1), (2, 3)]), num_walks=1, walk_length=5).sentences() * 0 + [[0], [1], [2]], 1),
])
def test_a_corpus_without_a_single_pair_is_an_error_that_says_why(corpus, min_count, backend):
    with pytest.raises(ValueError, match=r"nothing to learn: none of the \d+ sentences has two or more tokens "
                                         rf"seen at least min_count={min_count} times.*\(centre, context\) pair"):
        w2v(min_count=min_count, backend=backend).fit(corpus)


@pytest.mark.parametrize("backend", ["compiled", "torch"])
def test_subsampling_that_leaves_no_pair_is_an_error_not_nan(backend):
    corpus = [["a", "b"], ["b", "a"]]
    with pytest.raises(ValueError, match=r"nothing was learned in epoch\(s\) 1, 2, 3 of 3.*sample=0\.001.*sample=0"):
        w2v(sample=1e-3, epochs=3, backend=backend).fit(corpus)
    model = w2v(sample=0, epochs=3, backend=backend).fit(corpus)
    assert np.isfinite(model.loss_history_).all() and model.pairs_trained_ > 0
