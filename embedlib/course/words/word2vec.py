"""Checks for 01_words/02_word2vec: the SGNS loss and its gradients, by hand.

Subsampling and the noise distribution are shown with the library's
versions; the two graded steps are the ones the notebook exists to teach:
the loss (in PyTorch, so autograd can differentiate it) and its gradients
derived by hand (numpy), checked against autograd.
"""
from __future__ import annotations

import numpy as np

from ..checks import Exercise, Incorrect, Written, call, show

# -- the loss --------------------------------------------------------------------


def _loss_cases():
    """Random batches, K = 1 and K > 1, B = 1 and B > 1, then scores of ±300 (float32)."""
    import torch

    g = torch.Generator().manual_seed(42)
    cases = []
    for b, k, d in [(1, 1, 3), (4, 5, 8), (16, 2, 4)]:
        cases.append((torch.randn(b, d, generator=g), torch.randn(b, d, generator=g), torch.randn(b, k, d, generator=g)))
    # extreme scores: pair 0 scores its true context -300 and its noise words +300 (loss 300 each),
    # pair 1 the other way round (loss about 0); log(sigmoid(-300)) is log(0) in float32
    centre = torch.tensor([[10.0, 10.0, 10.0], [10.0, 10.0, 10.0]])
    context = torch.tensor([[-10.0, -10.0, -10.0], [10.0, 10.0, 10.0]])
    noise = torch.tensor([[[10.0, 10.0, 10.0]] * 3, [[-10.0, -10.0, -10.0]] * 3])
    cases.append((centre, context, noise))
    return cases


def _shape_text(centre, context, noise) -> str:
    return f"centre {tuple(centre.shape)}, context {tuple(context.shape)}, noise {tuple(noise.shape)}"


def _loss_diagnosis(got, centre, context, noise, label) -> str:
    """Why a finite loss value differs from the reference: name the mistake."""
    import torch
    from torch.nn.functional import logsigmoid

    b, k, _ = noise.shape
    pos = (centre * context).sum(-1)
    neg = torch.einsum("bkd,bd->bk", noise, centre)
    expected = float(-(logsigmoid(pos) + logsigmoid(-neg).sum(-1)).mean())
    if b > 1 and np.isclose(got, expected * b, rtol=1e-4):
        return f"`{label}` is {b}x too large: average over the batch (`.mean()`), do not sum"
    if np.isclose(got, float(-(logsigmoid(pos) + logsigmoid(neg).sum(-1)).mean()), rtol=1e-4):
        return f"`{label}`: noise words should score *low*: use log σ(-n·c) for them, note the minus"
    if k > 1 and np.isclose(got, float(-(logsigmoid(pos) + logsigmoid(-neg).mean(-1)).mean()), rtol=1e-4):
        return f"`{label}`: sum the noise terms over the {k} noise words, do not average them"
    if np.isclose(got, float(-(torch.sigmoid(pos) + torch.sigmoid(-neg).sum(-1)).mean()), rtol=1e-4):
        return f"`{label}` = {got:.4f} uses σ where the loss has log σ: take the logarithm (logsigmoid)"
    if got < 0:
        return f"`{label}` is negative ({got:.3f}); a loss of -log σ(...) terms is always positive"
    return f"`{label}` = {got:.4f}, expected {expected:.4f}: check the formula term by term"


def _check_sgns_loss(sgns_loss) -> str:
    import torch

    from ...word2vec import sgns_loss as reference

    cases = _loss_cases()
    for n_case, (centre, context, noise) in enumerate(cases):
        extreme = n_case == len(cases) - 1
        label = f"sgns_loss({_shape_text(centre, context, noise)}{', scores of ±300' if extreme else ''})"
        leaves = [t.clone().requires_grad_() for t in (centre, context, noise)]
        got = call(sgns_loss, *leaves, _label=label)
        if isinstance(got, (float, int, np.floating, np.ndarray)):
            raise Incorrect(
                f"`{label}` returned a {type(got).__name__}, not a tensor: return the torch tensor itself "
                "(no `.item()`, `float()` or `.numpy()`), so that `loss.backward()` can reach the vectors"
            )
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            raise Incorrect(f"Expected `{label}` to return a scalar tensor (one number for the batch); got {show(got)}")
        value = float(got.detach())
        expected = float(reference(centre, context, noise))
        if not np.isclose(value, expected, rtol=1e-4, atol=1e-5):
            if extreme:
                why = ("log(sigmoid(x)) is log(0) = -inf once σ(x) underflows to 0 in float32 (x = -300)"
                       if not np.isfinite(value) else
                       "σ(-300) underflows to 0 in float32, so log(σ(x)) cannot be taken after σ "
                       "(a small constant added inside the log only makes it log(constant))")
                raise Incorrect(
                    f"`{label}` = {value:.4g}, expected {expected:.4g}: the ordinary cases pass, but {why}; "
                    "`torch.nn.functional.logsigmoid` computes log σ stably"
                )
            raise Incorrect(_loss_diagnosis(value, centre, context, noise, label))
        if not got.requires_grad or got.grad_fn is None:
            raise Incorrect(
                f"`{label}` has the right value but no gradient flows back to the vectors: the result was "
                "cut from the autograd graph (by `.item()`, `.detach()`, numpy or `torch.tensor(...)`); "
                "compute it with torch operations on the inputs all the way"
            )
        got.reshape(()).backward()
        ref_leaves = [t.clone().requires_grad_() for t in (centre, context, noise)]
        reference(*ref_leaves).backward()
        for name, mine, ref in zip(("centre", "context", "noise"), leaves, ref_leaves):
            if mine.grad is None or not torch.allclose(mine.grad, ref.grad, rtol=1e-4, atol=1e-6):
                raise Incorrect(
                    f"`{label}` has the right value, but its gradient with respect to `{name}` is wrong: "
                    "part of the loss was cut from the autograd graph (`.detach()`, `.data`, numpy)"
                )
    return f"all {len(cases)} test cases pass, scores of ±300 included, and the gradient reaches the vectors"


sgns_loss = Exercise(
    "sgns_loss",
    _check_sgns_loss,
    hints=[
        "A score is a dot product. For the true pairs that is one number per row of the batch; "
        "for the noise words one number per (row, noise word), a `(B, K)` tensor: look at "
        "`torch.einsum` or `torch.bmm`.",
        "`torch.nn.functional.logsigmoid(x)` is log σ(x), finite even for x = -300. The noise words "
        "enter as log σ(-score). Each pair's loss adds its K noise terms; the batch's loss is the "
        "mean of the pairs' losses, negated.",
        "Worked example on other numbers: one pair with score 2 and two noise scores 0 and -1 has "
        "loss -log σ(2) - log σ(0) - log σ(1) ≈ 0.127 + 0.693 + 0.313 = 1.133.",
    ],
)

# -- its gradients, by hand -----------------------------------------------------------


def _gradient_cases():
    """float64 numpy: K = 1 and K > 1, B = 1 and B > 1, then scores of ±1000.

    In float64, exp overflows above 709: e^1000 / (1 + e^1000) is inf / inf = nan.
    """
    rng = np.random.default_rng(7)
    cases = [tuple(rng.normal(size=s) for s in [(b, d), (b, d), (b, k, d)]) for b, k, d in [(1, 1, 3), (3, 4, 5), (8, 2, 4)]]
    centre = np.full((2, 4), 10.0)
    context = np.array([[-25.0] * 4, [25.0] * 4])
    noise = np.stack([np.full((3, 4), 25.0), np.full((3, 4), -25.0)])
    cases.append((centre, context, noise))
    return cases


def _autograd(centre, context, noise):
    import torch

    from ...word2vec import sgns_loss as reference

    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (centre, context, noise)]
    reference(*leaves).backward()
    return [leaf.grad.numpy() for leaf in leaves]


def _gradient_arrays(got, label, shapes):
    if hasattr(got, "shape") or not isinstance(got, (tuple, list)) or len(got) != 3:
        raise Incorrect(
            f"Expected `{label}` to return three arrays, (grad_centre, grad_context, grad_noise); got {show(got)}"
        )
    arrays = []
    for name, g, shape in zip(("grad_centre", "grad_context", "grad_noise"), got, shapes):
        if hasattr(g, "detach"):  # torch tensors are not accepted: the stub asks for numpy arrays
            raise Incorrect(
                f"`{label}`: {name} is a torch tensor; return numpy arrays, like the inputs. Derive the "
                "gradients by hand with numpy (and `expit`): the next cells use them as numpy arrays"
            )
        try:
            g = np.asarray(g, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"`{label}`: {name} should be an array of numbers; got {show(g)}") from None
        if g.shape != shape:
            hint = ""
            if name == "grad_noise" and g.shape == shapes[0]:
                hint = ": one gradient per noise word, do not sum over the K noise words"
            raise Incorrect(f"`{label}`: {name} should have the shape of its input, {shape}; got {g.shape}{hint}")
        arrays.append(g)
    return arrays


def _gradient_diagnosis(name, got, centre, context, noise, label) -> str:
    """Why one of the three gradients is wrong: name the mistake."""
    from scipy.special import expit

    b = len(centre)
    s = np.einsum("bd,bd->b", centre, context)[:, None]
    s_k = np.einsum("bkd,bd->bk", noise, centre)
    if name == "grad_centre":
        candidates = [
            ((expit(s) - 1) * context / b, "misses the noise words' terms Σ_k σ(c·n_k) n_k: the centre "
                                           "vector is in every score of the loss, the noise scores too"),
            (((expit(s) - 1) * context + np.einsum("bk,bkd->bd", 1 - expit(s_k), noise)) / b,
             "weights each noise vector by σ(-c·n_k); the derivative of -log σ(-x) is σ(x), so the weight is σ(c·n_k)"),
            (((1 - expit(s)) * context + np.einsum("bk,bkd->bd", expit(s_k), noise)) / b,
             "has the wrong sign on the true context's term: the derivative of -log σ(x) is σ(x) - 1, "
             "which is negative"),
        ]
    elif name == "grad_context":
        candidates = [
            ((1 - expit(s)) * centre / b, "has the wrong sign: the derivative of -log σ(x) is σ(x) - 1, "
                                          "which is negative, so the step moves o towards c"),
            ((expit(s) - 1) * context / b, "is proportional to the context vector; the score c·o changes "
                                           "with o in the direction of c, so it is (σ(c·o) - 1) c"),
        ]
    else:
        candidates = [
            ((1 - expit(s_k))[:, :, None] * centre[:, None, :] / b,
             "weights the centre vector by σ(-c·n_k); the derivative of -log σ(-x) is σ(x), so the weight is σ(c·n_k)"),
            (-expit(s_k)[:, :, None] * centre[:, None, :] / b,
             "has the wrong sign: a noise word's score should go *down*, so the loss rises with c·n_k"),
        ]
    for wrong, why in candidates:
        if np.allclose(got, wrong, rtol=1e-6, atol=1e-9):
            return f"`{label}`: {name} {why}"
    return f"`{label}`: {name} is wrong; derive it term by term (the other gradients may be right)"


def _check_sgns_gradients(sgns_gradients) -> str:
    cases = _gradient_cases()
    for n_case, (centre, context, noise) in enumerate(cases):
        extreme = n_case == len(cases) - 1
        label = f"sgns_gradients({_shape_text(centre, context, noise)}{', scores of ±1000' if extreme else ''})"
        with np.errstate(all="ignore"):
            got = call(sgns_gradients, centre.copy(), context.copy(), noise.copy(), _label=label)
            got = _gradient_arrays(got, label, (centre.shape, context.shape, noise.shape))
        expected = _autograd(centre, context, noise)
        if all(np.allclose(g, e, rtol=1e-6, atol=1e-9) for g, e in zip(got, expected)):
            continue
        b = len(centre)
        if b > 1 and all(np.allclose(g, e * b, rtol=1e-6, atol=1e-9) for g, e in zip(got, expected)):
            raise Incorrect(
                f"`{label}`: every gradient is {b}x too large: the loss is the *mean* over the batch, "
                f"so each pair's gradient is divided by B = {b}"
            )
        if extreme and not all(np.isfinite(g).all() for g in got):
            raise Incorrect(
                f"`{label}` gives nan or inf: the ordinary cases pass, but with scores of ±1000 "
                "`np.exp` overflows (e^1000 in a ratio such as e^x / (1 + e^x) is inf / inf = nan); "
                "`scipy.special.expit` is σ without overflow"
            )
        for name, g, e in zip(("grad_centre", "grad_context", "grad_noise"), got, expected):
            if not np.allclose(g, e, rtol=1e-6, atol=1e-9):
                raise Incorrect(_gradient_diagnosis(name, g, centre, context, noise, label))
    return f"all {len(cases)} test cases agree with autograd, scores of ±1000 included"


sgns_gradients = Exercise(
    "sgns_gradients",
    _check_sgns_gradients,
    hints=[
        "Two facts do all the work: d/dx log σ(x) = 1 - σ(x), and d/dx log σ(-x) = -σ(x). "
        "Then the chain rule through the scores: c·o changes with o in the direction of c, "
        "and with c in the direction of o.",
        "The centre vector is in every score of its pair (the true one and the K noise ones), so its "
        "gradient has 1 + K terms; the context vector and each noise vector are in one score each. "
        "Do not forget the 1/B of the mean.",
        "Worked example on other numbers, B = 1, K = 1, d = 1: c = 2, o = 0.5, n = -1. The loss is "
        "-log σ(1) - log σ(2), so d/do = (σ(1) - 1) * 2 ≈ -0.538, d/dn = σ(-2) * 2 ≈ 0.238 and "
        "d/dc = (σ(1) - 1) * 0.5 + σ(-2) * (-1) ≈ -0.254. "
        "`scipy.special.expit` is σ without overflow; `np.einsum` does the per-pair dot products.",
    ],
)


dim_answer = Written(
    "dim_answer",
    "You have a corpus of 50 million tokens and a vocabulary of 100,000 words. Would you train 100- or "
    "300-dimensional vectors, and what would you measure to decide? (2-4 sentences)",
)
