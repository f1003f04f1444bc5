"""torchvision's ResNet-18 as a feature extractor (ImageNet weights online)."""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from .cnn import _positive_int
from .digits import _torchvision

__all__ = ["resnet18_backbone", "ImageNetInput"]

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
