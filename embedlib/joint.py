"""One space for images and their tags: the P and Q projections.

An image has a vector from a CNN (chapter 4); a tag has a word vector
(chapter 1). The two live in different spaces of different sizes. A matrix
``P`` projects image vectors and a matrix ``Q`` projects word vectors into
one common space of ``dim`` dimensions, where an image and its tags should be
close and an image and other tags far apart (Weston et al. 2011's WSABIE,
Frome et al. 2013's DeViSE). Both are learnt from (image, tag) pairs with a
ranking loss: for every image, every tag it has should score higher, by a
margin, than every tag it does not have.

Because ``Q`` maps *any* word vector, a tag never seen in training still
lands somewhere in the space: that is zero-shot tagging.

Example
-------
>>> digit_tags(7)
['seven', 'odd', 'prime', 'straight']
>>> import numpy as np
>>> space = JointSpace(image_dim=64, word_dim=50, dim=16, seed=0)
>>> space.images(np.ones((3, 64))).shape, space.words(np.ones((5, 50))).shape
((3, 16), (5, 16))
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

__all__ = ["NUMBER_WORDS", "TAGS", "digit_tags", "tag_matrix", "JointSpace", "ranking_loss", "fit_joint",
           "recall_at_k"]

NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_SHAPE = {0: "round", 6: "round", 8: "round", 9: "round", 1: "straight", 4: "straight", 7: "straight",
          2: "curved", 3: "curved", 5: "curved"}
TAGS = NUMBER_WORDS + ["even", "odd", "prime", "round", "straight", "curved"]


def digit_tags(digit: int) -> list[str]:
    """The tags of an image of ``digit``: its number word, even or odd, prime if it is, and its shape.

    The shape words describe how the digit is usually written: *round* if it
    has a closed loop (0, 6, 8, 9), *straight* if it is made of straight
    strokes (1, 4, 7), *curved* otherwise (2, 3, 5).
    """
    digit = int(digit)
    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be between 0 and 9, got {digit}")
    tags = [NUMBER_WORDS[digit], "even" if digit % 2 == 0 else "odd"]
    if digit in (2, 3, 5, 7):
        tags.append("prime")
    tags.append(_SHAPE[digit])
    return tags


def tag_matrix(labels: Sequence[int], tags: Sequence[str] = TAGS) -> np.ndarray:
    """Boolean (n_images, n_tags): does image ``i`` (a digit label) carry tag ``j``?"""
    out = np.zeros((len(labels), len(tags)), dtype=bool)
    column = {t: j for j, t in enumerate(tags)}
    for i, label in enumerate(labels):
        for t in digit_tags(label):
            if t in column:
                out[i, column[t]] = True
    return out


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
    ``s`` the cosine: zero once the right tag wins by the margin.
    """
    scores = image_vecs @ tag_vecs.T  # (B, T)
    pos = positives.bool()
    # (B, T_pos, T_neg) through broadcasting: every positive against every negative of the same image
    hinge = torch.relu(margin - scores.unsqueeze(2) + scores.unsqueeze(1))
    valid = pos.unsqueeze(2) & ~pos.unsqueeze(1)
    return (hinge * valid).sum() / valid.sum().clamp(min=1)


def fit_joint(
    image_vectors,
    word_vectors,
    positives,
    *,
    dim: int = 32,
    margin: float = 0.2,
    epochs: int = 30,
    batch_size: int = 128,
    lr: float = 0.01,
    seed: int = 0,
    device: str = "cpu",
    progress: bool = True,
):
    """Learn ``P`` and ``Q`` from images, the word vectors of all tags, and which image has which tag.

    ``image_vectors`` (n, image_dim), ``word_vectors`` (T, word_dim) and
    ``positives`` (n, T) booleans. Adam on :func:`ranking_loss`, every batch
    of images against all T tags. Returns ``(space, losses)`` with the mean
    loss of each epoch; deterministic under ``seed`` on the CPU.
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
    W_d = W.to(device)
    losses = []
    for _ in tqdm(range(epochs), desc="P and Q", disable=not progress):
        order = torch.randperm(len(X), generator=generator)
        total, batches = 0.0, 0
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            img, tags = space(X[idx].to(device), W_d)
            loss = ranking_loss(img, tags, Y[idx].to(device), margin)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item()
            batches += 1
        losses.append(total / batches)
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
