"""The digits and MNIST-style data sets, as float images in [0, 1].

- :func:`load_digits` — scikit-learn's 1,797 handwritten digits (8×8), offline.
- :func:`load_torchvision` — MNIST and Fashion-MNIST (28×28) through
  torchvision, online (or from files already on disk).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["load_digits", "load_torchvision", "FASHION_MNIST_CLASSES"]

DEFAULT_ROOT = "~/.embedlib/torchvision"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_TORCHVISION_SETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}

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


