"""A small CNN, its training, and image embeddings from its features.

- :class:`DigitsCNN` — two convolutions, a 64-d embedding layer, a linear head.
- :func:`train_step`, :func:`train_classifier`, :func:`accuracy` — Adam on cross-entropy.
- :func:`embed` — head stripped, L2-normalised features.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..vectors import normalize as _unit_rows

__all__ = ["DigitsCNN", "train_step", "train_classifier", "accuracy", "embed"]


class DigitsCNN(nn.Module):
    """A small convolutional network for grey images of ``in_size × in_size`` pixels.

    ``conv1`` (1→16 channels, 3×3, padding 1) → ReLU → ``conv2`` (16→32, 3×3,
    padding 1) → ReLU → ``pool`` (2×2 max) → flatten → ``fc`` (→ ``embed_dim``)
    → ReLU, which :meth:`features` returns; ``head`` (a linear layer to
    ``n_classes``) turns that into the logits of :meth:`forward`.

    Works for 8×8 digits (``in_size=8``) and 28×28 MNIST (``in_size=28``);
    ``seed`` makes the initial weights reproducible (None: torch's global
    generator).
    """

    def __init__(self, n_classes: int = 10, embed_dim: int = 64, in_size: int = 8, *, seed: int | None = None) -> None:
        super().__init__()
        for name, value, low in (("n_classes", n_classes, 2), ("embed_dim", embed_dim, 1), ("in_size", in_size, 2)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
        self.n_classes, self.embed_dim, self.in_size = int(n_classes), int(embed_dim), int(in_size)
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
            self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(32 * (in_size // 2) ** 2, embed_dim)
            self.head = nn.Linear(embed_dim, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The penultimate representation, ``(n, embed_dim)``: everything but the head."""
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, self.in_size, self.in_size):
            raise ValueError(f"DigitsCNN(in_size={self.in_size}) takes images of shape (n, 1, {self.in_size}, "
                             f"{self.in_size}), got {tuple(x.shape)}")
        x = torch.relu(self.conv1(x))
        x = self.pool(torch.relu(self.conv2(x)))
        return torch.relu(self.fc(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logits, ``(n, n_classes)``."""
        return self.head(self.features(x))


# -- training and evaluation ------------------------------------------------------------------


def _images(images, name: str = "images") -> torch.Tensor:
    x = torch.as_tensor(np.asarray(images) if not torch.is_tensor(images) else images).float()
    if x.ndim != 4:
        hint = f"; for grey images of shape (n, h, w) pass {name}[:, None]" if x.ndim == 3 else ""
        raise ValueError(f"{name} must have shape (n, channels, height, width), got {tuple(x.shape)}{hint}")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    return x


def _labels(labels, n: int, n_classes: int | None) -> torch.Tensor:
    y = torch.as_tensor(np.asarray(labels) if not torch.is_tensor(labels) else labels)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"labels must be a 1-D array with one label per image ({n}), got shape {tuple(y.shape)}")
    if y.dtype.is_floating_point or y.dtype == torch.bool:
        raise ValueError(f"labels must be integers, got {y.dtype}")
    y = y.long()
    if n_classes is not None and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must be between 0 and {n_classes - 1} (the model has {n_classes} classes), "
                         f"got {int(y.min())}..{int(y.max())}")
    return y


def _positive_int(name: str, value) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return int(value)


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor,
               labels: torch.Tensor) -> float:
    """One training step on a batch; returns its loss before the update, a Python float.

    Clears the gradients the previous step left, computes the cross-entropy
    of ``model(images)`` (the logits, ``(n, n_classes)``) against ``labels``
    (int64, ``(n,)``), backpropagates, and lets ``optimizer`` update the
    weights. :func:`train_classifier` repeats it over shuffled batches.
    """
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def train_classifier(
    model: nn.Module,
    images,
    labels,
    *,
    epochs: int = 10,
    batch_size: int = 64,
    lr: float = 3e-3,
    seed: int = 0,
    device: str = "cpu",
    progress: bool = True,
) -> list[float]:
    """Train ``model`` to classify ``images``: Adam on the cross-entropy of its logits.

    Each epoch visits the images once in an order shuffled with ``seed``, in
    batches of ``batch_size``. The model is moved to ``device`` and trained
    in place, and left in eval mode; on the CPU a run is exactly reproducible
    (same initial weights, same seed, same result). Returns the mean loss of
    each epoch.
    """
    epochs, batch_size = _positive_int("epochs", epochs), _positive_int("batch_size", batch_size)
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or lr <= 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    x = _images(images)
    y = _labels(labels, len(x), getattr(model, "n_classes", None))
    from tqdm.auto import tqdm

    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    steps = (len(x) + batch_size - 1) // batch_size
    with tqdm(total=epochs * steps, desc="training", unit="batch", disable=not progress) as bar:
        for epoch in range(epochs):
            order = torch.randperm(len(x), generator=generator)
            total = 0.0
            for start in range(0, len(x), batch_size):
                batch = order[start : start + batch_size]
                total += train_step(model, optimizer, x[batch].to(device), y[batch].to(device)) * len(batch)
                bar.update()
            losses.append(total / len(x))
            bar.set_postfix(epoch=epoch + 1, loss=f"{losses[-1]:.3f}")
    model.eval()
    return losses


def _batched(model: nn.Module, x: torch.Tensor, fn, batch_size: int, device: str) -> torch.Tensor:
    """Apply ``fn(batch)`` under no_grad in eval mode, batch by batch; results on the CPU."""
    was_training = model.training
    model.to(device).eval()
    try:
        with torch.no_grad():
            return torch.cat([fn(x[i : i + batch_size].to(device)).cpu() for i in range(0, len(x), batch_size)])
    finally:
        model.train(was_training)


def accuracy(model: nn.Module, images, labels, device: str = "cpu", batch_size: int = 512) -> float:
    """Share of ``images`` whose highest logit is their label."""
    x = _images(images)
    y = _labels(labels, len(x), getattr(model, "n_classes", None))
    predicted = _batched(model, x, lambda b: model(b).argmax(1), _positive_int("batch_size", batch_size), device)
    return float((predicted == y).float().mean())


def embed(model: nn.Module, images, *, normalize: bool = True, batch_size: int = 512, device: str = "cpu") -> np.ndarray:
    """Image embeddings: the model without its head, each row scaled to unit length.

    Uses ``model.features(x)`` if the model has that method (as
    :class:`DigitsCNN` does), else the model's output (a backbone whose head
    is already gone, such as :func:`resnet18_backbone`); flattened to one row
    per image. Runs in eval mode without gradients; returns a float32 array
    ``(n, dim)`` on the CPU. ``normalize=False`` keeps the raw features.
    """
    x = _images(images)
    extract = model.features if callable(getattr(model, "features", None)) else model
    out = _batched(model, x, lambda b: extract(b).flatten(1), _positive_int("batch_size", batch_size), device)
    out = out.numpy().astype(np.float32)
    return _unit_rows(out) if normalize else out


