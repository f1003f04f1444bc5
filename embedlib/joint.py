"""One space for images and words: the P and Q projections.

An image has a vector from a CNN (chapter 4); a word has a vector from text
(chapter 1). The two live in different spaces of different sizes. A matrix
``P`` projects image vectors and a matrix ``Q`` projects word vectors into
one common space of ``dim`` dimensions, where an image and the words of its
title and tags should be close and other words far (Weston et al. 2011's
WSABIE, Frome et al. 2013's DeViSE). Both are learnt from (image, tag) pairs
with a ranking loss: for every image, every tag it has should score higher,
by a margin, than every tag it does not have.

Because ``Q`` maps *any* word vector, a word never used as a tag in training
still lands somewhere in the space: that is zero-shot retrieval.

Example
-------
>>> tag_matrix([["cat", "face"], ["dog"]], ["cat", "dog"]).astype(int).tolist()
[[1, 0], [0, 1]]
>>> holds_word([["cat", "face"], ["catfish"], ["dog", "cat"]], "cat").tolist()
[True, False, True]
>>> held_out, words = zero_shot_split([["man", "cook"], ["cook"], ["dog"]], "man", ["cook", "dog", "man"],
...                                   picture_ids=[0, 0, 1])  # "cook" is the same picture as "man cook"
>>> held_out.tolist(), words
([True, True, False], ['cook', 'dog'])
>>> import numpy as np
>>> space = JointSpace(image_dim=64, word_dim=50, dim=16, seed=0)
>>> space.images(np.ones((3, 64))).shape, space.words(np.ones((5, 50))).shape
((3, 16), (5, 16))
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np
import torch

__all__ = ["title_words", "tag_vocabulary", "tag_matrix", "holds_word", "picture_ids", "zero_shot_split",
           "JointSpace", "ranking_loss", "train_epoch", "fit_joint", "recall_at_k", "suggest_words"]


def title_words(title: str) -> list[str]:
    """The words of a title, lower case, split at anything that is not a letter:
    ``"high-heeled shoe"`` → ``["high", "heeled", "shoe"]``."""
    return [w for w in re.split(r"[^a-z]+", title.lower()) if len(w) > 1]


def tag_vocabulary(tags: Sequence[Sequence[str]], vectors, *, min_count: int = 2, exclude=()) -> list[str]:
    """The words to learn as tags, sorted: those that have a vector in ``vectors``
    (anything supporting ``word in vectors``), carried by at least ``min_count``
    images, and not in ``exclude``. A word seen on one image only is a name, not a
    description the space can learn to generalise."""
    counts = Counter(t for image_tags in tags for t in set(image_tags))
    exclude = set(exclude)
    return sorted(w for w, c in counts.items() if c >= min_count and w not in exclude and w in vectors)


def tag_matrix(tags: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """Boolean ``(n_images, n_words)``: does image ``i`` carry word ``j`` of ``vocabulary``?"""
    column = {w: j for j, w in enumerate(vocabulary)}
    out = np.zeros((len(tags), len(vocabulary)), dtype=bool)
    for i, image_tags in enumerate(tags):
        for t in image_tags:
            if t in column:
                out[i, column[t]] = True
    return out


def holds_word(tags: Sequence[Sequence[str]], word: str) -> np.ndarray:
    """Boolean ``(n_images,)``: which images carry ``word`` among their tags (whole
    words, case-insensitive). For a leak-free zero-shot test hold out all of them, and
    leave ``word`` out of the training vocabulary."""
    word = word.lower()
    return np.array([any(t.lower() == word for t in image_tags) for image_tags in tags], dtype=bool)


def picture_ids(images) -> np.ndarray:
    """One int per image, the same for images that are identical pixel for pixel.

    ``images`` is any array ``(n, ...)``; ids count from 0 in the order in
    which each distinct picture first appears. Some emoji share a picture
    ("man cook" and "cook"): a split that keeps such a pair apart tests on a
    picture it trained on.
    """
    seen: dict[bytes, int] = {}
    return np.array([seen.setdefault(np.ascontiguousarray(image).tobytes(), len(seen)) for image in np.asarray(images)],
                    dtype=np.int64)


def zero_shot_split(tags: Sequence[Sequence[str]], words, vocabulary: Sequence[str], picture_ids=None):
    """The leak-free split for a zero-shot test of ``words`` (one word, or several).

    Returns ``(held_out, train_vocabulary)``: ``held_out`` is a boolean
    ``(n_images,)`` array, True for every image that carries one of the words
    (:func:`holds_word`) and, if ``picture_ids`` (one int per image, see
    :func:`picture_ids`) is given, for every image that shares its picture
    with such an image; ``train_vocabulary`` is a new list of the words of
    ``vocabulary`` other than ``words`` (case-insensitive), in its order.
    Training on the other images and that vocabulary, nothing about the words
    reaches the space before the test.
    """
    words = [words] if isinstance(words, str) else list(words)
    held_out = np.zeros(len(tags), dtype=bool)
    for word in words:
        held_out |= holds_word(tags, word)
    if picture_ids is not None:
        ids = np.asarray(picture_ids)
        if ids.shape != (len(tags),):
            raise ValueError(f"picture_ids must have one id per image ({len(tags)}), got shape {ids.shape}")
        held_out = np.isin(ids, ids[held_out])
    lowered = {w.lower() for w in words}
    return held_out, [w for w in vocabulary if w.lower() not in lowered]


class JointSpace(torch.nn.Module):
    """``P`` (image_dim -> dim) and ``Q`` (word_dim -> dim), linear, without bias.

    :meth:`images` and :meth:`words` take numpy arrays and return unit-length
    numpy vectors in the common space; :meth:`forward` does the same on
    tensors, for training.
    """

    def __init__(self, image_dim: int, word_dim: int, dim: int = 32, seed: int = 0) -> None:
        super().__init__()
        for name, value in (("image_dim", image_dim), ("word_dim", word_dim), ("dim", dim)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        generator = torch.Generator().manual_seed(seed)
        self.P = torch.nn.Parameter(torch.randn(dim, image_dim, generator=generator) / np.sqrt(image_dim))
        self.Q = torch.nn.Parameter(torch.randn(dim, word_dim, generator=generator) / np.sqrt(word_dim))

    def forward(self, image_vectors: torch.Tensor, word_vectors: torch.Tensor):
        img = torch.nn.functional.normalize(image_vectors @ self.P.T, dim=1)
        words = torch.nn.functional.normalize(word_vectors @ self.Q.T, dim=1)
        return img, words

    def _project(self, vectors, matrix) -> np.ndarray:
        x = torch.tensor(np.array(vectors, dtype=np.float32), device=matrix.device)
        if x.ndim != 2 or x.shape[1] != matrix.shape[1]:
            raise ValueError(f"expected vectors of shape (n, {matrix.shape[1]}), got {tuple(x.shape)}")
        with torch.no_grad():
            return torch.nn.functional.normalize(x @ matrix.T, dim=1).cpu().numpy()

    def images(self, image_vectors) -> np.ndarray:
        """Image vectors projected by ``P`` into the common space, unit length."""
        return self._project(image_vectors, self.P)

    def words(self, word_vectors) -> np.ndarray:
        """Word vectors projected by ``Q`` into the common space, unit length."""
        return self._project(word_vectors, self.Q)


def ranking_loss(image_vecs: torch.Tensor, tag_vecs: torch.Tensor, positives: torch.Tensor, margin: float = 0.2):
    """Mean hinge loss over every (image, its tag, a tag it lacks) triple.

    ``image_vecs`` (B, d) and ``tag_vecs`` (T, d) are unit vectors in the
    common space, ``positives`` (B, T) is True where image ``i`` has tag
    ``j``. Each triple costs ``max(0, margin - s(i, pos) + s(i, neg))`` with
    ``s`` the cosine: zero once the right tag wins by the margin. Memory is
    (number of positive pairs) × T, not B × T × T.
    """
    scores = image_vecs @ tag_vecs.T  # (B, T)
    pos = positives.bool()
    rows, cols = pos.nonzero(as_tuple=True)  # every (image, tag it has)
    hinge = torch.relu(margin - scores[rows, cols].unsqueeze(1) + scores[rows])  # against every tag
    valid = ~pos[rows]  # ... that the image lacks
    return (hinge * valid).sum() / valid.sum().clamp(min=1)


def train_epoch(space: JointSpace, optimizer: torch.optim.Optimizer, image_vectors: torch.Tensor,
                word_vectors: torch.Tensor, positives: torch.Tensor, margin: float = 0.3, batch_size: int = 128,
                generator: torch.Generator | None = None) -> float:
    """One pass of training over the images; returns the mean of the batches' losses, a Python float.

    ``image_vectors`` (n, image_dim), ``word_vectors`` (T, word_dim) and
    ``positives`` (n, T) are tensors. The images are visited in the order
    ``torch.randperm(n, generator=generator)``, ``batch_size`` at a time (the
    last batch may be smaller); each batch goes through ``space`` with all T
    word vectors, is scored with :func:`ranking_loss` against the rows of
    ``positives`` of the same images, and ``optimizer`` takes one step.
    """
    device = space.P.device
    words = word_vectors.to(device)
    order = torch.randperm(len(image_vectors), generator=generator)
    total, batches = 0.0, 0
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        img, tags = space(image_vectors[idx].to(device), words)
        loss = ranking_loss(img, tags, positives[idx].to(device), margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches


def fit_joint(
    image_vectors,
    word_vectors,
    positives,
    *,
    dim: int = 128,
    margin: float = 0.3,
    epochs: int = 40,
    batch_size: int = 128,
    lr: float = 0.002,
    seed: int = 0,
    device: str = "cpu",
    progress: bool = True,
):
    """Learn ``P`` and ``Q`` from images, the word vectors of all tags, and which image has which tag.

    ``image_vectors`` (n, image_dim), ``word_vectors`` (T, word_dim) and
    ``positives`` (n, T) booleans. Adam on :func:`ranking_loss`, every batch
    of images against all T tags: :func:`train_epoch`, ``epochs`` times.
    Returns ``(space, losses)`` with the mean loss of each epoch;
    deterministic under ``seed`` on the CPU. The defaults won on validation
    splits of the OpenMoji emoji with EfficientNet-Lite0 features and GloVe
    50-d tag words (``benchmarks/joint_settings.py``).
    """
    X = torch.tensor(np.array(image_vectors, dtype=np.float32))
    W = torch.tensor(np.array(word_vectors, dtype=np.float32))
    Y = torch.tensor(np.array(positives, dtype=bool))
    if X.ndim != 2 or W.ndim != 2:
        raise ValueError(f"image_vectors and word_vectors must be 2-D, got shapes {tuple(X.shape)} and {tuple(W.shape)}")
    if Y.shape != (len(X), len(W)):
        raise ValueError(f"positives must have shape (n_images, n_tags) = ({len(X)}, {len(W)}), got {tuple(Y.shape)}")
    from tqdm.auto import tqdm

    space = JointSpace(X.shape[1], W.shape[1], dim=dim, seed=seed).to(device)
    optimiser = torch.optim.Adam(space.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = [train_epoch(space, optimiser, X, W, Y, margin, batch_size, generator)
              for _ in tqdm(range(epochs), desc="P and Q", disable=not progress)]
    return space.cpu(), losses


def recall_at_k(scores, relevant, k: int) -> float:
    """Mean over queries of the share of their relevant items found among their ``k`` best-scored.

    ``scores`` and ``relevant`` are (n_queries, n_items); queries without any
    relevant item are left out.
    """
    scores, relevant = np.asarray(scores, dtype=float), np.asarray(relevant, dtype=bool)
    if scores.shape != relevant.shape or scores.ndim != 2:
        raise ValueError(f"scores and relevant must be 2-D and of the same shape, got {scores.shape} and {relevant.shape}")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an int >= 1, got {k!r}")
    has = relevant.any(axis=1)
    if not has.any():
        raise ValueError("no query has a relevant item")
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    return float(np.mean(found[has] / relevant.sum(axis=1)[has]))


def suggest_words(scores, words: Sequence[str], k: int = 5) -> list[list[str]]:
    """For each row of ``scores`` (n_images, n_words), the ``k`` best-scored ``words``, best first."""
    scores = np.asarray(scores)
    if scores.ndim != 2 or scores.shape[1] != len(words):
        raise ValueError(f"scores must be (n_images, {len(words)}) for {len(words)} words, got {scores.shape}")
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return [[words[j] for j in row] for row in top]
