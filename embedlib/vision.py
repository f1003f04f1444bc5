"""Images: a small CNN, its training, and image embeddings from its features.

The recipe of the chapter: train a network to classify images, ignore its
last layer (the head), take the output of the layer before, and normalise it
to unit length. That vector is the image's embedding; cosine similarity
between embeddings finds similar images.

- :func:`load_digits` — scikit-learn's 1,797 handwritten digits (8×8), offline.
- :func:`load_torchvision` — MNIST and Fashion-MNIST (28×28) through
  torchvision, online (or from files already on disk).
- :class:`DigitsCNN` — two convolutions, a 64-d embedding layer, a linear head.
- :func:`train_classifier`, :func:`accuracy` — Adam on cross-entropy.
- :func:`embed` — head stripped, L2-normalised features.
- :func:`cosine_search`, :func:`precision_at_k`, :func:`kmeans_nmi` — search
  and score the embeddings.
- :func:`resnet18_backbone`, :class:`ImageNetInput` — torchvision's ResNet-18
  as a 512-d feature extractor (ImageNet weights online).

Images are float32 arrays of shape ``(n, channels, height, width)`` with
values in [0, 1]; labels are int64 arrays. Everything takes
``device="cuda"`` as well as the default ``"cpu"``.

Example
-------
>>> images, labels = load_digits()
>>> images.shape, labels[:5].tolist()
((1797, 1, 8, 8), [0, 1, 2, 3, 4])
>>> model = DigitsCNN(seed=0)
>>> losses = train_classifier(model, images[:300], labels[:300], epochs=2, progress=False)
>>> len(losses), losses[1] < losses[0]
(2, True)
>>> embed(model, images[:4]).shape
(4, 64)
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .vectors import nearest as _nearest
from .vectors import normalize as _unit_rows

__all__ = [
    "load_digits",
    "load_torchvision",
    "FASHION_MNIST_CLASSES",
    "DigitsCNN",
    "train_classifier",
    "accuracy",
    "embed",
    "cosine_search",
    "precision_at_k",
    "kmeans_nmi",
    "resnet18_backbone",
    "ImageNetInput",
]

DEFAULT_ROOT = "~/.embedlib/torchvision"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_TORCHVISION_SETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}

# -- data ----------------------------------------------------------------------------


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits: 1,797 scans of 8×8 pixels (UCI's
    "optical recognition of handwritten digits"), shipped with scikit-learn.

    Returns ``(images, labels)``: float32 of shape ``(1797, 1, 8, 8)`` scaled
    from the original 0..16 grey levels to [0, 1], and int64 labels 0..9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    return images, digits.target.astype(np.int64)


def load_torchvision(
    name: str = "mnist",
    root: str | os.PathLike = DEFAULT_ROOT,
    train: bool = True,
    download: bool = False,
    limit: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST or Fashion-MNIST through torchvision, in the format of :func:`load_digits`.

    Returns ``(images, labels)``: float32 ``(n, 1, 28, 28)`` in [0, 1] and
    int64 labels; ``train`` picks the 60,000 training or the 10,000 test
    images, ``limit`` keeps the first ``limit`` of them.

    The files live in torchvision's layout under ``root``
    (``root/MNIST/raw/train-images-idx3-ubyte`` ...). ``download=True`` fetches
    them first if they are missing (online; about 12 MB for MNIST, 30 MB for
    Fashion-MNIST). Without them, and with ``download=False``, it raises
    ``FileNotFoundError`` saying what to do; a failed download raises
    ``ConnectionError``.
    """
    if name not in _TORCHVISION_SETS:
        raise ValueError(f"name must be one of {', '.join(map(repr, _TORCHVISION_SETS))}, got {name!r}")
    if limit is not None and (not isinstance(limit, (int, np.integer)) or isinstance(limit, bool) or limit < 1):
        raise ValueError(f"limit must be an int >= 1 or None, got {limit!r}")
    datasets = _torchvision("load_torchvision").datasets
    cls = getattr(datasets, _TORCHVISION_SETS[name])
    root = Path(root).expanduser()
    raw = root / cls.__name__ / "raw"
    try:
        dataset = cls(str(root), train=train, download=download)
    except RuntimeError as err:
        if download:
            raise ConnectionError(
                f"could not download {name} into {raw} ({err}); are you online? Offline, use "
                "load_digits(), or copy the four *-ubyte files of the data set into that folder"
            ) from err
        raise FileNotFoundError(
            f"{name} is not in {raw}: pass download=True to fetch it (online), or copy its four "
            "files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
            "t10k-labels-idx1-ubyte) into that folder"
        ) from err
    data, targets = dataset.data, dataset.targets
    if limit is not None:
        data, targets = data[:limit], targets[:limit]
    images = (data.numpy().astype(np.float32) / 255.0)[:, None]
    return images, targets.numpy().astype(np.int64)


def _torchvision(what: str):
    try:
        import torchvision
    except ImportError as err:
        raise ImportError(f"{what} needs torchvision: pip install torchvision (or embedlib[vision])") from err
    return torchvision


# -- the network ---------------------------------------------------------------------------


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
                xb, yb = x[batch].to(device), y[batch].to(device)
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(xb), yb)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
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


# -- search and scores -------------------------------------------------------------------------


def _matrix(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (one vector per row), got shape {array.shape}")
    return array


def cosine_search(queries, database, k: int = 10, chunk: int = 1024, exclude_self: bool = False):
    """The ``k`` rows of ``database`` most similar to each row of ``queries``, by cosine.

    Returns ``(indices, scores)``, both ``(n_queries, k)``, most similar
    first: int64 row numbers into ``database`` and float32 cosine
    similarities. Queries go ``chunk`` rows at a time, so memory stays at
    ``chunk × len(database)`` scores whatever the number of queries; the
    result does not depend on ``chunk``. With ``exclude_self=True`` the
    queries *are* the database (same rows, same order) and row ``i`` is left
    out of its own results.

    >>> db = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    >>> idx, scores = cosine_search(db, db, k=1, exclude_self=True)
    >>> idx.ravel().tolist(), [round(float(s), 2) for s in scores.ravel()]
    ([1, 0, 1], [0.8, 0.8, 0.6])
    """
    return _nearest(queries, database, k, chunk, exclude_self)


def precision_at_k(query_labels, retrieved_labels, k: int = 10) -> float:
    """Mean share of each query's first ``k`` results that have the query's label.

    ``query_labels`` is ``(n,)``; ``retrieved_labels`` is ``(n, m)`` with
    ``m >= k``, the labels of each query's results, most similar first
    (``labels[indices]`` with the indices of :func:`cosine_search`).

    >>> precision_at_k([0, 1], [[0, 0, 1], [0, 1, 1]], k=2)
    0.75
    """
    query = np.asarray(query_labels)
    retrieved = np.asarray(retrieved_labels)
    if query.ndim != 1 or retrieved.ndim != 2 or len(retrieved) != len(query):
        raise ValueError("query_labels must be (n,) and retrieved_labels (n, m) for the same n, got shapes "
                         f"{query.shape} and {retrieved.shape}")
    if len(query) == 0:
        raise ValueError("no queries to score: query_labels is empty")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= retrieved.shape[1]:
        raise ValueError(f"k must be an int between 1 and {retrieved.shape[1]} (the results per query), got {k!r}")
    return float((retrieved[:, :k] == query[:, None]).mean())


def kmeans_nmi(vectors, labels, *, n_clusters: int | None = None, seed: int = 0) -> float:
    """Cluster ``vectors`` with k-means and score the clusters against ``labels``.

    k-means (scikit-learn, 10 restarts from ``seed``) with ``n_clusters``
    clusters (None: one per distinct label), then the normalised mutual
    information between clusters and labels: 1 when the clusters are the
    classes, about 0 when they are unrelated. Cluster numbers are arbitrary;
    NMI does not care which cluster is called what.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    x = _matrix("vectors", vectors)
    labels = np.asarray(labels)
    if labels.shape != (len(x),):
        raise ValueError(f"labels must be (n,) with one label per row of vectors ({len(x)}), got shape {labels.shape}")
    n_clusters = len(np.unique(labels)) if n_clusters is None else _positive_int("n_clusters", n_clusters)
    clusters = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(x)
    return float(normalized_mutual_info_score(labels, clusters))


# -- a pretrained backbone (torchvision) ---------------------------------------------------------


def resnet18_backbone(weights: str | os.PathLike | None = None, progress: bool = True) -> nn.Module:
    """torchvision's ResNet-18 with its classification layer replaced by ``Identity``.

    Its output is the 512-d average-pooled feature of the last block: an
    image embedding once L2-normalised (:func:`embed` does both). It takes
    RGB images normalised as for ImageNet; :class:`ImageNetInput` turns grey
    [0, 1] images into that.

    ``weights``: None for random weights; ``"imagenet"`` for torchvision's
    ImageNet weights (downloaded once, about 45 MB, into torch's cache;
    ``ConnectionError`` if that fails); or the path of a state dict saved
    with ``torch.save(model.state_dict(), path)`` from a ResNet-18 (its
    ``fc`` weights, if any, are dropped).
    """
    models = _torchvision("resnet18_backbone").models
    if weights is None:
        model = models.resnet18()
    elif isinstance(weights, str) and weights == "imagenet":
        from urllib.error import URLError

        try:
            state = models.ResNet18_Weights.IMAGENET1K_V1.get_state_dict(progress=progress, check_hash=True)
        except (URLError, OSError, RuntimeError) as err:
            raise ConnectionError(
                f"could not download the ImageNet weights of ResNet-18 ({type(err).__name__}: {err}); are you "
                "online? Offline, use weights=None (random) or the path of a saved state dict"
            ) from err
        model = models.resnet18()
        model.load_state_dict(state)
    elif isinstance(weights, (str, os.PathLike)):
        path = Path(weights).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"no state dict at {path}; weights must be None, 'imagenet' or the path of a "
                                    "file saved with torch.save(model.state_dict(), path)")
        state = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(state, dict):
            raise ValueError(f"{path} holds a {type(state).__name__}, not a state dict")
        model = models.resnet18()
        model.fc = nn.Identity()
        state = {key: value for key, value in state.items() if not key.startswith("fc.")}
        try:
            missing, unexpected = model.load_state_dict(state, strict=False)
        except RuntimeError as err:  # tensors of the wrong shape
            raise ValueError(f"{path} is not a ResNet-18 state dict: {str(err).splitlines()[-1].strip()}") from None
        if missing or unexpected:
            raise ValueError(f"{path} is not a ResNet-18 state dict: {len(missing)} missing key(s) "
                             f"{missing[:3]}, {len(unexpected)} unexpected key(s) {unexpected[:3]}")
        return model.eval()
    else:
        raise ValueError(f"weights must be None, 'imagenet' or a path, got {weights!r}")
    model.fc = nn.Identity()
    return model.eval()


class ImageNetInput(nn.Module):
    """Turn ``(n, 1 or 3, h, w)`` images in [0, 1] into what ImageNet networks expect.

    Grey images are repeated into three channels, resized to ``size × size``
    (bilinear) and normalised with ImageNet's channel means and standard
    deviations. Put it in front of a backbone:
    ``nn.Sequential(ImageNetInput(64), resnet18_backbone("imagenet"))``.
    """

    MEAN = (0.485, 0.456, 0.406)
    STD = (0.229, 0.224, 0.225)

    def __init__(self, size: int = 224) -> None:
        super().__init__()
        self.size = _positive_int("size", size)
        self.register_buffer("mean", torch.tensor(self.MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(self.STD).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] not in (1, 3):
            raise ValueError(f"ImageNetInput takes images of shape (n, 1 or 3, h, w), got {tuple(x.shape)}")
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        if tuple(x.shape[2:]) != (self.size, self.size):
            x = nn.functional.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False)
        return (x - self.mean) / self.std
