"""Checks for notebook 4.2, embedding images: strip_and_normalise, and a written question."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..checks import Exercise, Incorrect, Written, call, show
from ._common import _array

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
        "Three steps: switch the model to evaluation mode, turn off gradient tracking, and call the method "
        "that stops before the head on the images made into a tensor.",
        "The L2 length of a row is the square root of the sum of its squares. Compute one length per image "
        "(per row, not per column), keep that dimension so that the division lines up, and hand back a "
        "numpy array. `ex.strip_and_normalise.solution()` shows one answer.",
    ],
)

transfer_answer = Written(
    "transfer_answer",
    "EfficientNet's embeddings beat the pixels on the emoji, by a modest margin, and the digits CNN does worse "
    "than its own 8 × 8 input. When does a network trained by someone else work straight away on your "
    "pictures, and when would you train on your own? (3-4 sentences, using the numbers above)",
)
