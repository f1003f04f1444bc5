"""Checks for notebook 4.2, embedding images: strip_and_normalise, kmeans_nmi."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..checks import Exercise, Incorrect, call, show
from ._common import _array, _number

# -- 02_embedding_images: strip_and_normalise -----------------------------------------------------


class _DropoutNet(nn.Module):
    """A tiny classifier whose feature layer has dropout, like many real networks."""

    def __init__(self) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(1)
            self.body = nn.Sequential(nn.Flatten(), nn.Linear(16, 6), nn.Dropout(0.5))
            self.head = nn.Linear(6, 3)

    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.head(self.features(x))


def _check_strip_and_normalise(strip_and_normalise) -> str:
    model = _DropoutNet()
    images = np.random.default_rng(0).random((5, 1, 4, 4)).astype(np.float32)
    label = "strip_and_normalise(model, images)"
    model.eval()
    with torch.no_grad():
        raw = model.features(torch.as_tensor(images)).numpy()
    expected = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    results = []
    with torch.random.fork_rng(devices=[]):  # dropout, if left on, must not shift the learner's random numbers
        for _ in range(2):
            model.train()
            results.append(_array(call(strip_and_normalise, model, images.copy(), _label=label), label))
    got = results[0]
    if got.shape == (5, 3):
        raise Incorrect(f"`{label}` returns the logits, one score per class (shape (5, 3)): strip the head and "
                        "use `model.features(x)`, the layer before it")
    if got.shape != expected.shape:
        raise Incorrect(f"Expected `{label}` to return one row per image, shape {expected.shape}; got shape {got.shape}")
    if not np.allclose(results[0], results[1], atol=1e-5):
        raise Incorrect(f"`{label}` gives different results each time for the same images: dropout is still on. "
                        "Call `model.eval()` first")
    if np.allclose(got, expected, atol=1e-5):
        return "head stripped, rows of unit length"
    if np.allclose(got, raw, atol=1e-5):
        raise Incorrect(f"`{label}` returns the features as they are: divide each row by its L2 norm")
    if np.allclose(got, raw / np.linalg.norm(raw, axis=0, keepdims=True), atol=1e-5):
        raise Incorrect(f"`{label}` gives each column length 1; normalise each row (each image), `axis=1`")
    if np.allclose(got, raw / np.abs(raw).sum(axis=1, keepdims=True), atol=1e-5):
        raise Incorrect(f"`{label}` divides by the sum of absolute values (the L1 norm); use the L2 norm, the "
                        "square root of the sum of squares")
    norms = np.linalg.norm(got, axis=1)
    raise Incorrect(f"`{label}` returned rows of length {show(np.round(norms, 3).tolist())} that are not the "
                    "normalised features")


strip_and_normalise = Exercise(
    "strip_and_normalise",
    _check_strip_and_normalise,
    hints=[
        "`model.eval()`, then under `with torch.no_grad():` take `model.features(torch.as_tensor(images))`.",
        "Divide by `feats.norm(dim=1, keepdim=True)` and return `.numpy()`.",
    ],
)

# -- 02_embedding_images: kmeans_nmi -----------------------------------------------------------


def _blobs(centres, per, rng):
    centres = np.asarray(centres, dtype=float)
    return np.concatenate([c + 0.3 * rng.normal(size=(per, centres.shape[1])) for c in centres])


def _nmi_cases():
    rng = np.random.default_rng(0)
    # three tight, far-apart clusters; the labels are named in another order and 5 of them are wrong
    a = _blobs([[0, 0, 0, 0], [8, 0, 0, 0], [0, 8, 0, 0]], 20, rng)
    labels_a = np.repeat([2, 0, 1], 20)
    labels_a[[0, 21, 22, 45, 59]] = [0, 1, 2, 0, 2]
    # four clusters, but two of them share a label
    b = _blobs([[0, 0, 0, 0], [10, 0, 0, 0], [0, 10, 0, 0], [0, 10, 3, 0]], 15, rng)
    labels_b = np.repeat([0, 1, 2, 2], 15)
    return [(a, labels_a, 3, 0), (b, labels_b, 4, 1)]


def _check_kmeans_nmi(kmeans_nmi) -> str:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, mutual_info_score, normalized_mutual_info_score

    for vectors, labels, n_clusters, seed in _nmi_cases():
        label = f"kmeans_nmi(vectors, labels, n_clusters={n_clusters}, seed={seed}) ({len(vectors)} points)"
        got = call(kmeans_nmi, vectors.copy(), labels.copy(), n_clusters, seed, _label=label)
        value = _number(got, label)
        clusters = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(vectors)
        expected = normalized_mutual_info_score(labels, clusters)
        if np.isclose(value, expected, atol=1e-6):
            continue
        if np.isclose(value, np.mean(clusters == labels), atol=1e-6):
            raise Incorrect(f"`{label}` returned {value:.3f}, the share of points whose cluster number equals "
                            "their label; cluster numbers are arbitrary (cluster 0 need not be class 0), "
                            "so score them with the NMI")
        if np.isclose(value, adjusted_rand_score(labels, clusters), atol=1e-6):
            raise Incorrect(f"`{label}` returned {value:.3f}, the adjusted Rand index; the exercise asks for "
                            "the NMI (`normalized_mutual_info_score`)")
        if np.isclose(value, mutual_info_score(labels, clusters), atol=1e-6):
            raise Incorrect(f"`{label}` returned {value:.3f}, the mutual information, not normalised: use "
                            "`normalized_mutual_info_score`, which is between 0 and 1")
        k_labels = len(np.unique(labels))
        other = KMeans(n_clusters=k_labels, n_init=10, random_state=seed).fit_predict(vectors)
        if k_labels != n_clusters and np.isclose(value, normalized_mutual_info_score(labels, other), atol=1e-6):
            raise Incorrect(f"`{label}` returned {value:.3f}, with {k_labels} clusters, one per label; use "
                            f"`n_clusters` = {n_clusters} clusters")
        raise Incorrect(f"`{label}` returned {value:.3f}; expected {expected:.3f}")
    return "k-means clusters scored against the labels with the NMI"


kmeans_nmi = Exercise(
    "kmeans_nmi",
    _check_kmeans_nmi,
    hints=[
        "`KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(vectors)` gives a cluster "
        "number per row.",
        "`normalized_mutual_info_score(labels, clusters)` compares two labellings whatever their names.",
    ],
)
