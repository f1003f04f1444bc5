import numpy as np
import pytest
import torch

from embedlib.word2vec import Word2Vec, _epoch_pairs, sgns_loss


def planted_corpus(n_sentences=300, seed=0):
    """Animals share one set of contexts, vehicles another."""
    rng = np.random.default_rng(seed)
    animals, vehicles = ["cat", "dog", "horse", "cow"], ["car", "bus", "train", "truck"]
    animal_ctx, vehicle_ctx = ["eats", "sleeps", "barn", "fur"], ["drives", "road", "fuel", "wheels"]
    out = []
    for _ in range(n_sentences):
        if rng.random() < 0.5:
            words, ctx = animals, animal_ctx
        else:
            words, ctx = vehicles, vehicle_ctx
        out.append([rng.choice(ctx), rng.choice(words), rng.choice(ctx), rng.choice(words), rng.choice(ctx)])
    return out, animals, vehicles


def small_model(**kw):
    params = dict(dim=16, window=2, min_count=1, epochs=5, batch_size=64, shared_noise=16, sample=0,
                  workers=1, progress=False, seed=3)
    params.update(kw)
    return Word2Vec(**params)


def test_shapes_and_attributes():
    corpus, _, _ = planted_corpus()
    m = small_model().fit(corpus)
    assert m.embeddings_.vectors.shape == (16, 16)
    assert m.output_vectors_.shape == (16, 16)
    assert len(m.vocab_) == 16 and len(m.loss_history_) == 5
    assert m.pairs_trained_ > 0 and m.train_seconds_ > 0


def test_deterministic_under_a_seed():
    corpus, _, _ = planted_corpus()
    a = small_model(seed=7).fit(corpus).embeddings_.vectors
    b = small_model(seed=7).fit(corpus).embeddings_.vectors
    c = small_model(seed=8).fit(corpus).embeddings_.vectors
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("optimizer", ["adagrad", "sgd"])
def test_loss_decreases(optimizer):
    corpus, _, _ = planted_corpus()
    m = small_model(optimizer=optimizer, epochs=8).fit(corpus)
    assert m.loss_history_[-1] < 0.9 * m.loss_history_[0]


@pytest.mark.parametrize("optimizer", ["adagrad", "sgd"])
def test_words_sharing_contexts_are_nearest(optimizer):
    corpus, animals, vehicles = planted_corpus(600)
    m = small_model(optimizer=optimizer, epochs=15).fit(corpus)
    emb = m.embeddings_
    for group, other in ((animals, vehicles), (vehicles, animals)):
        for word in group:
            top = [k for k, _ in emb.most_similar(word, topn=3)]
            assert set(top) <= set(group) | {"eats", "sleeps", "barn", "fur", "drives", "road", "fuel", "wheels"}
            assert not set(top) & set(other), f"{word}: {top}"
        within = np.mean([emb.similarity(a, b) for a in group for b in group if a != b])
        across = np.mean([emb.similarity(a, b) for a in group for b in other])
        assert within > across + 0.3


def test_callbacks_run_after_every_epoch_with_current_vectors():
    corpus, _, _ = planted_corpus()
    seen = []
    small_model(epochs=3).fit(corpus, callbacks=[lambda model, epoch: seen.append((epoch, model.embeddings_.dim))])
    assert seen == [(1, 16), (2, 16), (3, 16)]


def test_two_workers_train_too():
    corpus, animals, _ = planted_corpus()
    m = small_model(workers=2, epochs=6).fit(corpus)
    assert np.isfinite(m.embeddings_.vectors).all() and m.loss_history_[-1] < m.loss_history_[0]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"window": 0}, "window must be >= 1, got 0"),
        ({"dim": 2.5}, "dim must be an int"),
        ({"optimizer": "adam"}, "optimizer must be 'adagrad' or 'sgd'"),
        ({"lr": -1.0}, "lr must be a positive number"),
        ({"sample": -0.1}, "sample must be >= 0"),
    ],
)
def test_bad_parameters_are_named(kwargs, message):
    corpus, _, _ = planted_corpus(10)
    with pytest.raises((ValueError, TypeError), match=message):
        small_model(**kwargs).fit(corpus)


def test_empty_or_tiny_corpus_errors():
    with pytest.raises(ValueError, match="sentences is empty"):
        small_model().fit([])
    with pytest.raises(ValueError, match="lower min_count"):
        small_model(min_count=5).fit([["a", "b"]])


def test_epoch_pairs_respect_window_and_sentence_boundaries():
    ids = np.arange(10)
    sentence_of = np.array([0] * 6 + [1] * 4)
    keep = np.ones(10)
    c, x = _epoch_pairs(ids, sentence_of, keep, window=2, rng=np.random.default_rng(0))
    assert (np.abs(c - x) <= 2).all() and (c != x).all()
    assert (sentence_of[c] == sentence_of[x]).all()
    # window 1 has no shrinking: every neighbour pair, both directions
    c, x = _epoch_pairs(ids, sentence_of, keep, window=1, rng=np.random.default_rng(0))
    assert len(c) == 2 * (5 + 3)


def test_sgns_loss_matches_its_formula():
    g = torch.Generator().manual_seed(0)
    c, o, n = torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g), torch.randn(4, 2, 3, generator=g)
    expected = -(torch.log(torch.sigmoid((c * o).sum(1))) +
                 torch.log(torch.sigmoid(-(n @ c.unsqueeze(2)).squeeze(2))).sum(1)).mean()
    assert torch.allclose(sgns_loss(c, o, n), expected, atol=1e-6)


def test_callbacks_can_run_within_epochs_without_changing_training():
    corpus, _, _ = planted_corpus()
    seen = []
    a = small_model(epochs=2).fit(corpus, callbacks=[lambda m, e: seen.append(e)], callbacks_per_epoch=4)
    assert seen == [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
    with pytest.raises(ValueError, match="callbacks_per_epoch must be >= 1"):
        small_model().fit(corpus, callbacks_per_epoch=0)
    b = small_model(epochs=2).fit(corpus)
    assert a.embeddings_.vectors.shape == b.embeddings_.vectors.shape
