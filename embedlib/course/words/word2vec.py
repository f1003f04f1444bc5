"""Checks for 01_words/02_word2vec: subsampling, the noise distribution, the SGNS loss."""
from __future__ import annotations

import numpy as np

from ... import text
from ..checks import Exercise, Incorrect, call, show

_KEEP_CASES = [
    (np.array([1000, 100, 10, 1]), 1e-2),
    (np.array([5, 5, 5, 5]), 1e-3),
    (np.array([900_000, 50_000, 40_000, 9_000, 1_000]), 1e-3),
]


def _as_array(got, label, n):
    try:
        got = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return an array of numbers; got {show(got)}") from None
    if got.shape != (n,):
        raise Incorrect(f"Expected `{label}` to return {n} numbers, one per word; got shape {got.shape}")
    return got


def _check_keep_probability(keep_probability) -> str:
    for counts, sample in _KEEP_CASES:
        label = f"keep_probability({show(counts.tolist())}, sample={sample:g})"
        got = _as_array(call(keep_probability, counts.copy(), sample, _label=label), label, len(counts))
        expected = text.keep_probabilities(counts, sample)
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, 1 - expected, atol=1e-6):
            raise Incorrect(f"`{label}` looks like the probability of *dropping* each word; return the probability of keeping it")
        if (got > 1 + 1e-9).any():
            raise Incorrect(f"`{label}` has a value above 1 ({got.max():.3f}); a probability is capped at 1")
        f = counts / counts.sum()
        if np.allclose(got, np.minimum(1, np.sqrt(sample / f)), atol=1e-6):
            raise Incorrect(f"`{label}`: that is the paper's sqrt(t/f); use the formula of the exercise, (sqrt(f/t) + 1) * t/f")
        i = int(np.argmax(np.abs(got - expected)))
        raise Incorrect(f"`{label}` is wrong for the word with count {counts[i]} (got {got[i]:.3f}); "
                        "is f the word's share of all tokens, counts / counts.sum()?")
    return f"all {len(_KEEP_CASES)} test cases pass"


keep_probability = Exercise(
    "keep_probability",
    _check_keep_probability,
    hints=[
        "First turn counts into frequencies: `f = counts / counts.sum()`.",
        "Then `np.minimum(1.0, (np.sqrt(f / sample) + 1) * sample / f)`.",
    ],
)

_NOISE_CASES = [
    (np.array([16, 1]), 0.75),
    (np.array([100, 10, 1, 1]), 0.75),
    (np.array([3, 2, 1]), 0.5),
]


def _check_noise_distribution(noise_distribution) -> str:
    for counts, power in _NOISE_CASES:
        label = f"noise_distribution({show(counts.tolist())}, power={power:g})"
        got = _as_array(call(noise_distribution, counts.copy(), power, _label=label), label, len(counts))
        expected = text.noise_distribution(counts, power)
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, (counts / counts.sum()) ** power, atol=1e-6):
            raise Incorrect(f"`{label}` raises probabilities to the power and stops there; raise the *counts* "
                            "to the power, then normalise: raise to the power *before* normalising")
        if not np.isclose(got.sum(), 1.0, atol=1e-6):
            raise Incorrect(f"`{label}` sums to {got.sum():.3f}; a probability distribution sums to 1")
        if np.allclose(got, counts / counts.sum(), atol=1e-6):
            raise Incorrect(f"`{label}` is the plain unigram distribution; raise the counts to `power` first")
        raise Incorrect(f"`{label}` is not counts**power normalised; raise to the power *before* normalising")
    return f"all {len(_NOISE_CASES)} test cases pass"


noise_distribution = Exercise(
    "noise_distribution",
    _check_noise_distribution,
    hints=[
        "Raise every count to `power`, then divide by the sum of the results.",
    ],
)


def _loss_cases():
    import torch

    g = torch.Generator().manual_seed(42)
    cases = []
    for b, k, d in [(1, 1, 3), (4, 5, 8), (16, 2, 4)]:
        cases.append((torch.randn(b, d, generator=g), torch.randn(b, d, generator=g), torch.randn(b, k, d, generator=g)))
    return cases


def _check_sgns_loss(sgns_loss) -> str:
    import torch

    from ...word2vec import sgns_loss as reference

    cases = _loss_cases()
    for centre, context, noise in cases:
        b, k, d = noise.shape
        label = f"sgns_loss(centre {tuple(centre.shape)}, context {tuple(context.shape)}, noise {tuple(noise.shape)})"
        got = call(sgns_loss, centre.clone(), context.clone(), noise.clone(), _label=label)
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            raise Incorrect(f"Expected `{label}` to return a scalar tensor (one number for the batch); got {show(got)}")
        got = float(got)
        expected = float(reference(centre, context, noise))
        if np.isclose(got, expected, rtol=1e-4, atol=1e-5):
            continue
        if np.isclose(got, expected * b, rtol=1e-4) and b > 1:
            raise Incorrect(f"`{label}` is {b}x too large: average over the batch (`.mean()`), do not sum")
        pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
        scores = torch.einsum("bkd,bd->bk", noise, centre)
        wrong_sign = float(-(pos + torch.nn.functional.logsigmoid(scores).sum(-1)).mean())
        if np.isclose(got, wrong_sign, rtol=1e-4):
            raise Incorrect(f"`{label}`: noise words should score *low*: use log σ(-n·c) for them, note the minus")
        mean_k = float(-(pos + torch.nn.functional.logsigmoid(-scores).mean(-1)).mean())
        if np.isclose(got, mean_k, rtol=1e-4) and k > 1:
            raise Incorrect(f"`{label}`: sum the noise terms over the {k} noise words, do not average them")
        if got < 0:
            raise Incorrect(f"`{label}` is negative ({got:.3f}); a loss of -log σ(...) terms is always positive")
        raise Incorrect(f"`{label}` = {got:.4f} is not the SGNS loss; check the formula term by term")
    return f"all {len(cases)} test cases pass"


sgns_loss = Exercise(
    "sgns_loss",
    _check_sgns_loss,
    hints=[
        "Scores are dot products: `(centre * context).sum(-1)` for the true pairs, "
        "`torch.einsum('bkd,bd->bk', noise, centre)` for the noise words.",
        "`torch.nn.functional.logsigmoid` is log σ, computed stably. The loss is "
        "`-(logsigmoid(pos) + logsigmoid(-neg).sum(-1)).mean()`.",
    ],
)
