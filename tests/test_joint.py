import numpy as np
import pytest
import torch

from embedlib.joint import TAGS, JointSpace, digit_tags, fit_joint, ranking_loss, recall_at_k, tag_matrix


def test_digit_tags_and_tag_matrix():
    assert digit_tags(0) == ["zero", "even", "round"]
    assert digit_tags(2) == ["two", "even", "prime", "curved"]
    assert digit_tags(9) == ["nine", "odd", "round"]
    assert all(t in TAGS for d in range(10) for t in digit_tags(d))
    m = tag_matrix([3, 4])
    assert m.shape == (2, len(TAGS)) and m.sum() == len(digit_tags(3)) + len(digit_tags(4))
    assert tag_matrix([7], ["seven", "even"]).tolist() == [[True, False]]
    with pytest.raises(ValueError, match="between 0 and 9"):
        digit_tags(10)


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
    images = centres[labels] + 0.3 * rng.normal(size=(400, 20))  # one cluster per digit
    words = rng.normal(size=(len(TAGS), 12))
    positives = tag_matrix(labels)
    space, losses = fit_joint(images, words, positives, dim=8, epochs=25, progress=False, seed=0)
    assert losses[-1] < 0.3 * losses[0]
    scores = space.images(images) @ space.words(words).T
    assert recall_at_k(scores, positives, 4) > 0.9
    again, _ = fit_joint(images, words, positives, dim=8, epochs=2, progress=False, seed=0)
    once_more, _ = fit_joint(images, words, positives, dim=8, epochs=2, progress=False, seed=0)
    assert torch.equal(again.P, once_more.P)
    with pytest.raises(ValueError, match="positives must have shape"):
        fit_joint(images, words, positives[:10], progress=False)


def test_recall_at_k():
    scores = np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.7, 0.1], [1, 2, 3, 4]])
    relevant = np.array([[1, 0, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0]], dtype=bool)
    assert recall_at_k(scores, relevant, 2) == pytest.approx((1 + 0) / 2)
    assert recall_at_k(scores, relevant, 4) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        recall_at_k(scores, relevant[:2], 2)
    with pytest.raises(ValueError, match="no query has a relevant item"):
        recall_at_k(scores, np.zeros_like(relevant), 2)
