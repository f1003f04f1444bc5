import numpy as np
import pytest
import torch

from embedlib.word2vec import Word2Vec, _epoch_pairs, sgns_gradients, sgns_loss


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
    params = dict(dim=16, window=2, min_count=1, epochs=5, sample=0, workers=1, progress=False, seed=3)
    if kw.get("backend") == "torch":
        params.update(batch_size=64, shared_noise=16)
    params.update(kw)
    return Word2Vec(**params)


def test_shapes_and_attributes():
    corpus, _, _ = planted_corpus()
    m = small_model().fit(corpus)
    assert m.embeddings_.vectors.shape == (16, 16)
    assert m.output_vectors_.shape == (16, 16)
    assert len(m.vocab_) == 16 and len(m.loss_history_) == 5
    assert m.pairs_trained_ > 0 and m.train_seconds_ > 0


@pytest.mark.parametrize("backend", ["compiled", "torch"])
def test_deterministic_under_a_seed(backend):
    corpus, _, _ = planted_corpus()
    a = small_model(seed=7, backend=backend).fit(corpus).embeddings_.vectors
    b = small_model(seed=7, backend=backend).fit(corpus).embeddings_.vectors
    c = small_model(seed=8, backend=backend).fit(corpus).embeddings_.vectors
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


BACKENDS_AND_OPTIMIZERS = [(b, o) for b in ("compiled", "torch") for o in ("adagrad", "sgd")]


@pytest.mark.parametrize("backend,optimizer", BACKENDS_AND_OPTIMIZERS)
def test_loss_decreases(backend, optimizer):
    corpus, _, _ = planted_corpus()
    m = small_model(backend=backend, optimizer=optimizer, epochs=8).fit(corpus)
    untrained = 6 * np.log(2)  # all scores 0: -log σ(0) for the true context and each of 5 noise words
    assert m.loss_history_[-1] < m.loss_history_[0]
    assert m.loss_history_[-1] < 0.55 * untrained


@pytest.mark.parametrize("backend,optimizer", BACKENDS_AND_OPTIMIZERS)
def test_words_sharing_contexts_are_nearest(backend, optimizer):
    corpus, animals, vehicles = planted_corpus(600)
    m = small_model(backend=backend, optimizer=optimizer, epochs=15).fit(corpus)
    emb = m.embeddings_
    for group, other in ((animals, vehicles), (vehicles, animals)):
        for word in group:
            top = [k for k, _ in emb.most_similar(word, topn=3)]
            assert set(top) <= set(group) | {"eats", "sleeps", "barn", "fur", "drives", "road", "fuel", "wheels"}
            assert not set(top) & set(other), f"{word}: {top}"
        within = np.mean([emb.similarity(a, b) for a in group for b in group if a != b])
        across = np.mean([emb.similarity(a, b) for a in group for b in other])
        assert within > across + 0.3


@pytest.mark.parametrize("backend", ["compiled", "torch"])
def test_callbacks_run_after_every_epoch_with_current_vectors(backend):
    corpus, _, _ = planted_corpus()
    seen = []
    small_model(epochs=3, backend=backend).fit(
        corpus, callbacks=[lambda model, epoch: seen.append((epoch, model.embeddings_.vectors.copy()))])
    assert [e for e, _ in seen] == [1, 2, 3]
    assert not np.allclose(seen[0][1], seen[1][1])  # the vectors handed over are the current ones


@pytest.mark.parametrize("backend", ["compiled", "torch"])
def test_callbacks_within_an_epoch(backend):
    corpus, _, _ = planted_corpus()
    seen = []
    m = small_model(epochs=2, backend=backend)
    m.fit(corpus, callbacks=[lambda model, epoch: seen.append(epoch)], callbacks_per_epoch=4)
    assert seen == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    assert len(m.loss_history_) == 2


@pytest.mark.parametrize("backend", ["compiled", "torch"])
def test_two_workers_train_too(backend):
    corpus, animals, _ = planted_corpus()
    m = small_model(workers=2, epochs=6, backend=backend).fit(corpus)
    assert np.isfinite(m.embeddings_.vectors).all() and m.loss_history_[-1] < m.loss_history_[0]


def test_long_sentences_are_cut_and_every_token_is_seen():
    # one sentence of 25,000 tokens: three pieces of at most 10,000; window 1 without subsampling
    # gives exactly two pairs per token but the first and last of each piece
    sentence = ["a", "b", "c", "d", "e"] * 5000
    m = Word2Vec(dim=4, window=1, min_count=1, sample=0, epochs=1, workers=1, progress=False).fit([sentence])
    assert m.pairs_trained_ == 2 * 25000 - 2 * 3


def test_compiled_backend_refuses_a_gpu():
    with pytest.raises(ValueError, match="compiled backend runs on the CPU only"):
        small_model(backend="compiled", device="cuda").fit(planted_corpus(10)[0])


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"window": 0}, "window must be >= 1, got 0"),
        ({"dim": 2.5}, "dim must be an int"),
        ({"optimizer": "adam"}, "optimizer must be 'adagrad' or 'sgd'"),
        ({"lr": -1.0}, "lr must be a positive number"),
        ({"sample": -0.1}, "sample must be >= 0"),
        ({"backend": "jax"}, "backend must be 'auto', 'compiled' or 'torch'"),
        ({"batch_size": 64}, "batch_size only applies to backend='torch'"),
        ({"backend": "torch", "shared_noise": 0}, "shared_noise must be an int >= 1 or None"),
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


@pytest.mark.parametrize("scale", [1.0, 100.0])  # 100: scores in the hundreds, where exp overflows
def test_sgns_gradients_match_autograd_and_stay_finite(scale):
    g = torch.Generator().manual_seed(1)
    c, o, n = (scale * torch.randn(*shape, generator=g, dtype=torch.float64) for shape in [(5, 4), (5, 4), (5, 3, 4)])
    leaves = [t.clone().requires_grad_() for t in (c, o, n)]
    sgns_loss(*leaves).backward()
    got = sgns_gradients(c.numpy(), o.numpy(), n.numpy())
    for ours, leaf in zip(got, leaves):
        assert ours.shape == leaf.shape and np.isfinite(ours).all()
        np.testing.assert_allclose(ours, leaf.grad.numpy(), rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match=r"noise \(B, K, d\)"):
        sgns_gradients(c.numpy(), o.numpy(), n.numpy()[0])


def test_callbacks_can_run_within_epochs_without_changing_training():
    corpus, _, _ = planted_corpus()
    seen = []
    a = small_model(epochs=2).fit(corpus, callbacks=[lambda m, e: seen.append(e)], callbacks_per_epoch=4)
    assert seen == [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
    with pytest.raises(ValueError, match="callbacks_per_epoch must be >= 1"):
        small_model().fit(corpus, callbacks_per_epoch=0)
    b = small_model(epochs=2).fit(corpus)
    assert a.embeddings_.vectors.shape == b.embeddings_.vectors.shape


def test_alias_table_draws_from_the_noise_distribution():
    from embedlib._sgns import alias_table
    from embedlib.text import noise_distribution

    probs = noise_distribution(np.array([1, 2, 3, 50, 100, 7, 7, 1000]))
    accept, alias = alias_table(probs)
    implied = np.zeros(len(probs))
    for i in range(len(probs)):  # pick slot i, keep it or take its alias
        implied[i] += accept[i] / len(probs)
        implied[alias[i]] += (1 - accept[i]) / len(probs)
    np.testing.assert_allclose(implied, probs, atol=1e-6)


def test_noise_words_follow_the_unigram_power():
    """Train with the output vectors frozen at zero: a noise word's row moves once per draw."""
    from embedlib import _sgns
    from embedlib.text import noise_distribution

    counts = np.array([400, 200, 100, 50, 25, 12, 6, 3], dtype=np.int64)
    probs = noise_distribution(counts)
    accept, alias = _sgns.alias_table(probs)
    # a sentence of one repeated token 0 with window 1: every pair has target 0; count the
    # noise draws: with SGD, a noise word at score 0 moves its output row by -lr * 0.5 per draw
    rng = np.random.default_rng(0)
    for share_noise in (False, True):  # drawn for each pair, or once per centre and shared by its window
        draws = np.zeros(len(counts))
        for r in range(200):
            ids = np.zeros(1000, dtype=np.int32)
            starts = np.array([0, 1000], dtype=np.int64)
            w_in = np.ones((8, 1), dtype=np.float32)
            w_out = np.zeros((8, 1), dtype=np.float32)
            acc = np.zeros((8, _sgns.ACC_STRIDE), dtype=np.float32)
            _sgns.train_block(ids, starts, 0, 1, np.ones(8, np.float32), w_in, w_out, acc, acc, accept, alias,
                              _sgns.SIGMOID_TABLE, _sgns.LOG_SIGMOID_TABLE, 1, 5, False, 1e-6, 1e-6, 0.0, 1.0,
                              int(rng.integers(1, 2**62)), np.empty(1000, np.int32), np.empty(1, np.float32),
                              np.empty(5, np.int32), share_noise)
            draws += -w_out[:, 0] / 1e-6 / 0.5  # each noise draw of a row at score 0 moves it by -lr * 0.5
        drawn = draws[1:] / draws[1:].sum()  # word 0 is the true context, whose draws are skipped
        expected = probs[1:] / probs[1:].sum()
        np.testing.assert_allclose(drawn, expected, atol=0.01)


def test_a_centres_noise_words_are_shared_by_its_window_and_every_pair_sees_all_of_them():
    """Centre 1 of the sentence (0, 1, 2) has two contexts at window 1; the others have one."""
    from embedlib import _sgns

    V = 10_000  # equally likely noise words, so that two draws rarely hit the same row
    accept, alias = _sgns.alias_table(np.full(V, 1 / V))
    ids, starts = np.array([0, 1, 2], dtype=np.int32), np.array([0, 3], dtype=np.int64)
    for share_noise in (True, False):
        w_in, w_out = np.ones((V, 1), np.float32), np.zeros((V, 1), np.float32)
        acc = np.zeros((V, _sgns.ACC_STRIDE), np.float32)
        _, pairs = _sgns.train_block(ids, starts, 0, 1, np.ones(V, np.float32), w_in, w_out, acc, acc, accept, alias,
                                     _sgns.SIGMOID_TABLE, _sgns.LOG_SIGMOID_TABLE, 1, 5, False, 1e-6, 1e-6, 0.0, 1.0,
                                     3, np.empty(3, np.int32), np.empty(1, np.float32), np.empty(5, np.int32),
                                     share_noise)
        assert pairs == 4
        # with SGD a noise row at score ~0 moves by -lr * 0.5 per pair that sees it (rows 0-2 are the true words)
        moves = np.rint(-w_out[3:, 0] / 0.5e-6).astype(int)
        assert moves.sum() == 4 * 5  # every pair sees its five noise words
        if share_noise:  # centre 1's five noise words serve both of its pairs
            assert (moves == 2).sum() == 5 and (moves == 1).sum() == 10
        else:
            assert moves.max() == 1


def test_a_score_just_below_the_sigmoid_tables_edge_stays_in_the_table():
    """In float32, (f + 6) * 1000 / 12 is 1000.0 for the largest f below 6: one past the table's end."""
    from embedlib import _sgns

    f = np.nextafter(np.float32(6), np.float32(0))
    # the tables are views of longer arrays whose next entry is NaN, as memory past the end might be
    sigmoid = np.append(_sgns.SIGMOID_TABLE, np.float32(np.nan))[:1000]
    log_sigmoid = np.append(_sgns.LOG_SIGMOID_TABLE, np.float32(np.nan))[:1000]
    ids = np.array([0, 1], dtype=np.int32)  # one sentence of two words, window 1, no noise words
    starts = np.array([0, 2], dtype=np.int64)
    w_in = np.ones((2, 1), dtype=np.float32)
    w_out = np.full((2, 1), f, dtype=np.float32)  # so that the first pair scores exactly f
    acc_in, acc_out = np.zeros((2, _sgns.ACC_STRIDE), np.float32), np.zeros((2, _sgns.ACC_STRIDE), np.float32)
    accept, alias = _sgns.alias_table(np.array([0.5, 0.5]))
    loss, pairs = _sgns.train_block(ids, starts, 0, 1, np.ones(2, np.float32), w_in, w_out, acc_in, acc_out,
                                    accept, alias, sigmoid, log_sigmoid, 1, 0, True, 0.1, 1e-4, 0.0, 1.0, 1,
                                    np.empty(2, np.int32), np.empty(1, np.float32), np.empty(1, np.int32), True)
    assert pairs == 2
    assert np.isfinite(loss) and np.isfinite(w_in).all() and np.isfinite(w_out).all()


def test_an_error_in_a_worker_thread_is_raised_by_fit(monkeypatch):
    from embedlib import _sgns

    calls = []

    def broken(*args):
        calls.append(1)
        raise FloatingPointError("planted")

    monkeypatch.setattr(_sgns, "train_block", broken)
    corpus = [["a", "b", "c", "d"] * 50] * 20
    with pytest.raises(FloatingPointError, match="planted"):
        Word2Vec(dim=4, window=2, min_count=1, epochs=1, workers=2, progress=False).fit(corpus)
    assert len(calls) == 2
