"""Images: a small CNN, its training, and image embeddings from its features.

The recipe of the chapter: train a network to classify images, ignore its
last layer (the head), take the output of the layer before, and normalise it
to unit length. That vector is the image's embedding; cosine similarity
between embeddings finds similar images.

- :func:`load_digits` — scikit-learn's 1,797 handwritten digits (8×8), offline.
- :func:`load_torchvision` — MNIST and Fashion-MNIST (28×28) through
  torchvision, online (or from files already on disk).
- :class:`DigitsCNN` — two convolutions, a 64-d embedding layer, a linear head.
- :func:`train_step`, :func:`train_classifier`, :func:`accuracy` — Adam on cross-entropy.
- :func:`embed` — head stripped, L2-normalised features.
- :func:`cosine_search`, :func:`centre`, :func:`precision_at_k`,
  :func:`precision_by_category`, :func:`kmeans_nmi` — search, centre and
  score the embeddings.
- :func:`pretrained_cnn`, :func:`embed_images`, :func:`imagenet_classes` — an
  ImageNet-pretrained EfficientNet-Lite0, offline, as a classifier or an
  image embedder for RGB images; :func:`block_features`, what each of its
  layers sees.
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

from .cnn import DigitsCNN, accuracy, embed, train_classifier, train_step
from .digits import FASHION_MNIST_CLASSES, load_digits, load_torchvision
from .pretrained import block_features, embed_images, imagenet_classes, preprocess, pretrained_cnn
from .resnet import ImageNetInput, resnet18_backbone
from .search import centre, cosine_search, kmeans_nmi, precision_at_k, precision_by_category

__all__ = [
    "load_digits",
    "load_torchvision",
    "FASHION_MNIST_CLASSES",
    "DigitsCNN",
    "train_step",
    "train_classifier",
    "accuracy",
    "embed",
    "cosine_search",
    "centre",
    "precision_at_k",
    "precision_by_category",
    "kmeans_nmi",
    "pretrained_cnn",
    "imagenet_classes",
    "embed_images",
    "block_features",
    "preprocess",
    "resnet18_backbone",
    "ImageNetInput",
]
