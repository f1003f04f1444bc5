"""Helpers shared by the checks of several chapter-4 notebooks."""
from __future__ import annotations

import numpy as np
import torch

from ..checks import Incorrect, show


def _number(got, label: str) -> float:
    if torch.is_tensor(got) and got.numel() == 1:
        return float(got.detach())
    try:
        return float(got)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return one number; got {show(got)}") from None


def _array(got, label: str, dtype=float) -> np.ndarray:
    if torch.is_tensor(got):
        if got.requires_grad:
            raise Incorrect(f"`{label}` returns a tensor that still tracks gradients: compute it under "
                            "`with torch.no_grad():` and return a numpy array (`.numpy()`)")
        got = got.cpu().numpy()
    try:
        return np.asarray(got, dtype=dtype)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return an array; got {show(got)}") from None
