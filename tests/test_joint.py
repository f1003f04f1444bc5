import numpy as np
import pytest
import torch

from embedlib.joint import (JointSpace, fit_joint, holds_word, picture_ids, ranking_loss, recall_at_k,
                            suggest_words, tag_matrix, tag_vocabulary, title_words, train_epoch, zero_shot_split)


def test_title_words_vocabulary_and_tag_matrix():
    assert title_words("High-heeled shoe") == ["high", "heeled", "shoe"]
    assert title_words("keycap: 1 a") == ["keycap"]
    tags = [["cat", "face"], ["cat", "cat"], ["dog"], ["zzzz", "dog"], ["face"]]
    vectors = {"cat", "dog", "face"}
    assert tag_vocabulary(tags, vectors) == ["cat", "dog", "face"], "words on 2+ images, with a vector, sorted"
    assert tag_vocabulary(tags, vectors, min_count=3) == []
    assert tag_vocabulary(tags, vectors, exclude=["cat"]) == ["dog", "face"]
    assert tag_vocabulary(tags, vectors | {"zzzz"}, min_count=1) == ["cat", "dog", "face", "zzzz"]
    m = tag_matrix(tags, ["dog", "cat"])
    assert m.tolist() == [[False, True], [False, True], [True, False], [True, False], [False, False]]


def test_holds_word_matches_whole_tags_only():
    tags = [["Cat", "face"], ["catfish"], ["bobcat"], [], ["black", "cat"]]
    assert holds_word(tags, "cat").tolist() == [True, False, False, False, True]
    assert holds_word(tags, "CAT").tolist() == [True, False, False, False, True]


def test_ranking_loss_equals_the_mean_over_all_triples():
    g = torch.Generator().manual_seed(0)
    for B, T in [(5, 7), (3, 40), (1, 2)]:
        img = torch.nn.functional.normalize(torch.randn(B, 4, generator=g), dim=1)
        tags = torch.nn.functional.normalize(torch.randn(T, 4, generator=g), dim=1)
        pos = torch.rand(B, T, generator=g) < 0.3
        pos[:, 0], pos[:, -1] = True, False
        scores = img @ tags.T
        every = torch.relu(0.3 - scores.unsqueeze(2) + scores.unsqueeze(1))  # (B, T, T) brute force
        valid = pos.unsqueeze(2) & ~pos.unsqueeze(1)
        assert float(ranking_loss(img, tags, pos, 0.3)) == pytest.approx(float((every * valid).sum() / valid.sum()),
                                                                       abs=1e-6)


def test_suggest_words():
    assert suggest_words([[0.1, 0.9, 0.5], [3, 2, 1]], ["a", "b", "c"], k=2) == [["b", "c"], ["a", "b"]]
    with pytest.raises(ValueError, match=r"scores must be \(n_images, 3\)"):
        suggest_words([[0.1, 0.9]], ["a", "b", "c"])


def test_ranking_loss_is_zero_once_every_right_tag_wins_by_the_margin():
    tags = torch.eye(3)
    images = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    positives = torch.tensor([[True, False, False], [False, True, False]])
    assert float(ranking_loss(images, tags, positives, margin=0.5)) == 0.0
    # with margin 1.5 each of the 4 triples costs 1.5 - 1 + 0 = 0.5
    assert float(ranking_loss(images, tags, positives, margin=1.5)) == pytest.approx(0.5)
    # a wrong ranking costs margin + the score gap
    swapped = torch.tensor([[False, True, False], [True, False, False]])
    assert float(ranking_loss(images, tags, swapped, margin=0.2)) == pytest.approx((1.2 + 0.2) / 2)


def test_joint_space_shapes_and_bad_input():
    space = JointSpace(image_dim=6, word_dim=4, dim=3, seed=1)
    a = space.images(np.random.default_rng(0).normal(size=(5, 6)))
    assert a.shape == (5, 3) and np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-6)
    with pytest.raises(ValueError, match=r"expected vectors of shape \(n, 4\)"):
        space.words(np.ones((2, 5)))
    with pytest.raises(ValueError, match="dim must be an int >= 1"):
        JointSpace(6, 4, dim=0)


def test_fit_joint_aligns_images_with_their_tags():
    rng = np.random.default_rng(0)
    labels = rng.integers(10, size=400)
    centres = rng.normal(size=(10, 20))
    images = centres[labels] + 0.3 * rng.normal(size=(400, 20))  # one cluster per class
    class_tags = [[f"c{c}", "even" if c % 2 == 0 else "odd", "big" if c > 5 else "small"] for c in range(10)]
    vocabulary = sorted({t for tags in class_tags for t in tags})
    words = rng.normal(size=(len(vocabulary), 12))
    positives = tag_matrix([class_tags[c] for c in labels], vocabulary)
    space, losses = fit_joint(images, words, positives, dim=8, epochs=25, lr=0.01, progress=False, seed=0)
    assert losses[-1] < 0.3 * losses[0]
    scores = space.images(images) @ space.words(words).T
    assert recall_at_k(scores, positives, 3) > 0.9
    again, _ = fit_joint(images, words, positives, dim=8, epochs=2, progress=False, seed=0)
    once_more, _ = fit_joint(images, words, positives, dim=8, epochs=2, progress=False, seed=0)
    assert torch.equal(again.P, once_more.P)
    with pytest.raises(ValueError, match="positives must have shape"):
        fit_joint(images, words, positives[:10], progress=False)


def test_ranking_loss_of_a_batch_without_triples_is_zero_not_nan():
    img = torch.nn.functional.normalize(torch.randn(3, 4), dim=1).requires_grad_(True)
    tags = torch.nn.functional.normalize(torch.randn(5, 4), dim=1)
    none = torch.zeros(3, 5, dtype=torch.bool)
    loss = ranking_loss(img, tags, none, 0.3)
    assert float(loss) == 0.0
    loss.backward()
    assert torch.isfinite(img.grad).all()


def test_train_epoch_is_one_epoch_of_fit_joint_and_follows_its_generator():
    rng = np.random.default_rng(1)
    X = torch.tensor(rng.normal(size=(50, 6)), dtype=torch.float32)
    W = torch.tensor(rng.normal(size=(7, 4)), dtype=torch.float32)
    Y = torch.tensor(rng.random((50, 7)) < 0.3)
    space = JointSpace(6, 4, dim=3, seed=0)
    optimizer = torch.optim.Adam(space.parameters(), lr=0.01)
    loss = train_epoch(space, optimizer, X, W, Y, 0.3, 16, torch.Generator().manual_seed(0))
    fitted, losses = fit_joint(X.numpy(), W.numpy(), Y.numpy(), dim=3, epochs=1, batch_size=16, lr=0.01, seed=0,
                               progress=False)
    assert isinstance(loss, float) and loss == pytest.approx(losses[0])
    assert torch.allclose(space.P, fitted.P) and torch.allclose(space.Q, fitted.Q)


def test_picture_ids_and_the_zero_shot_split_keep_shared_pictures_together():
    images = np.zeros((4, 2, 2, 3), dtype=np.uint8)
    images[1, 0, 0] = 9  # rows 0 and 2 share a picture, as do 1 and 3
    images[3, 0, 0] = 9
    assert picture_ids(images).tolist() == [0, 1, 0, 1]
    tags = [["man", "cook"], ["dog"], ["cook"], ["Dog", "face"]]
    held_out, words = zero_shot_split(tags, "man", ["cook", "dog", "man"], picture_ids=picture_ids(images))
    assert held_out.tolist() == [True, False, True, False] and words == ["cook", "dog"]
    held_out, words = zero_shot_split(tags, ["man", "DOG"], ["cook", "dog", "man"])
    assert held_out.tolist() == [True, True, False, True] and words == ["cook"]
    with pytest.raises(ValueError, match="one id per image"):
        zero_shot_split(tags, "man", [], picture_ids=[0, 1])


def test_recall_at_k():
    scores = np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.7, 0.1], [1, 2, 3, 4]])
    relevant = np.array([[1, 0, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0]], dtype=bool)
    assert recall_at_k(scores, relevant, 2) == pytest.approx((1 + 0) / 2)
    assert recall_at_k(scores, relevant, 4) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        recall_at_k(scores, relevant[:2], 2)
    with pytest.raises(ValueError, match="no query has a relevant item"):
        recall_at_k(scores, np.zeros_like(relevant), 2)


def test_checks_accept_correct_answers_written_differently():
    import cases_joint

    from embedlib.course import exercises

    for (nb, name), answers in cases_joint.ALSO_RIGHT.items():
        for answer in answers:
            result = getattr(exercises(nb), name).evaluate(answer)
            assert result.outcome == "correct", (answer.__name__, result.message)
