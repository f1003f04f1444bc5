"""Checks for notebook 4.1, an image through a CNN: train_step.

The check watches what the learner's step does, in order: whether gradients
reach the weights (``loss.backward()``), whether the given optimizer steps,
and whether the gradients are still there when it does. So a wrong order is
told what it is (a ``zero_grad()`` between ``backward()`` and ``step()`` is
told about ``zero_grad``, not about ``step``).
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from ..checks import Exercise, Incorrect, call, show

# -- 01_cnn: train_step -----------------------------------------------------------------------


def _tiny_cnn() -> nn.Module:
    from ...vision import DigitsCNN

    return DigitsCNN(n_classes=3, embed_dim=5, in_size=4, seed=0)


def _batches():
    g = torch.Generator().manual_seed(0)
    return [(torch.rand(6, 1, 4, 4, generator=g), torch.randint(0, 3, (6,), generator=g)) for _ in range(2)]


def _stale_gradients(model: nn.Module) -> None:
    """Leave gradients on the weights, as earlier code would (a backward() to look at them, an
    interrupted step): the step must clear them before its own backward()."""
    g = torch.Generator().manual_seed(5)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g)


def _reference_steps(model, batches, clear_first=True):
    """Parameters after each step, and the loss each step returns; the model starts with stale gradients."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    _stale_gradients(model)
    after, losses = [], []
    for x, y in batches:
        if clear_first:
            optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        after.append([p.detach().clone() for p in model.parameters()])
    return after, losses


def _same(params, model) -> bool:
    return all(torch.allclose(a, b.detach(), atol=1e-6) for a, b in zip(params, model.parameters()))


def _watch(model: nn.Module, optimizer: torch.optim.Optimizer) -> list[str]:
    """A log of what happens to ``model`` and ``optimizer``, in order: "backward" when gradients
    reach the weights, "step" or "step without gradients" when ``optimizer.step()`` runs."""
    events: list[str] = []

    def gradients_arrive(grad):
        if not events or events[-1] != "backward":
            events.append("backward")
        return grad

    for p in model.parameters():
        p.register_hook(gradients_arrive)
    step = optimizer.step

    def watched_step(*args, **kwargs):
        empty = all(p.grad is None or not p.grad.any() for p in model.parameters())
        events.append("step without gradients" if empty else "step")
        return step(*args, **kwargs)

    optimizer.step = watched_step
    return events


def _diagnose_order(label: str, events: list[str], changed: bool) -> None:
    """Raise Incorrect if one call's events show a step out of order; nothing if they look right."""
    steps = [i for i, e in enumerate(events) if e.startswith("step")]
    backwards = [i for i, e in enumerate(events) if e == "backward"]
    if not steps:
        if changed:
            raise Incorrect(f"`{label}` changes the weights without calling `optimizer.step()` on the optimizer "
                            "it was given: it updates them some other way, by hand (`p -= lr * p.grad`) or with "
                            "an optimizer of its own. Use the `optimizer` passed in (its kind and learning rate "
                            "are the caller's choice): `optimizer.step()`")
        if backwards:
            raise Incorrect(f"`{label}` computes the gradients but never updates the weights: after "
                            "`loss.backward()`, call `optimizer.step()`")
        raise Incorrect(f"`{label}` did not change the model's weights: it neither backpropagates the loss "
                        "nor calls `optimizer.step()`")
    if not backwards:
        raise Incorrect(f"`{label}` calls `optimizer.step()`, but no gradient ever reached the model's weights: "
                        "the loss is cut off from the model (a `.detach()`, `.item()`, `float()`, "
                        "`torch.tensor(...)` or numpy step). Compute it with torch operations on "
                        "`model(images)`, so that `loss.backward()` can follow the graph back to the weights")
    if steps[0] < backwards[0]:
        raise Incorrect(f"`{label}` calls `optimizer.step()` before `loss.backward()`: the step finds no "
                        "gradients of this batch yet, so the weights do not move on it. Backpropagate first, "
                        "then step")
    if events[steps[0]] == "step without gradients":
        raise Incorrect(f"`{label}` clears the gradients (`zero_grad()`) between `loss.backward()` and "
                        "`optimizer.step()`: the step then finds nothing to apply. Clear them at the start, "
                        "before computing the loss")


def _check_train_step(train_step) -> str:
    batches = _batches()
    start = _tiny_cnn()
    reference_params, reference_losses = _reference_steps(copy.deepcopy(start), batches)
    model = copy.deepcopy(start)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    events = _watch(model, optimizer)
    _stale_gradients(model)
    stale_applied, _ = _reference_steps(copy.deepcopy(start), batches, clear_first=False)
    for step, (x, y) in enumerate(batches):
        label = "train_step(model, optimizer, images, labels)" + (" (a second time)" if step else "")
        before = [p.detach().clone() for p in model.parameters()]
        events.clear()
        got = call(train_step, model, optimizer, x.clone(), y.clone(), _label=label)
        _diagnose_order(label, events, changed=not _same(before, model))
        if torch.is_tensor(got):
            raise Incorrect(f"`{label}` returns a tensor ({show(got)}); return the loss as a Python number "
                            "(a float). A tensor that is kept, say in a list of losses, keeps the whole graph "
                            "of the step alive with it")
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise Incorrect(f"Expected `{label}` to return the loss, one Python number; got {show(got)}")
        loss, expected = float(got), reference_losses[step]
        if step == 0 and not np.isclose(loss, expected, atol=1e-5):
            with torch.no_grad():
                logits = copy.deepcopy(start)(x)
            softmaxed = nn.functional.cross_entropy(torch.softmax(logits, 1), y).item()
            if np.isclose(loss, softmaxed, atol=1e-5):
                raise Incorrect(f"`{label}` applies softmax before `cross_entropy`, which takes the raw logits "
                                "(it applies log-softmax itself)")
            raise Incorrect(f"`{label}` returned the loss {loss:.4f}; expected {expected:.4f}, the cross-entropy "
                            "of the model's logits on this batch, before the update")
        if not _same(reference_params[step], model):
            if step == 0 and _same(stale_applied[0], model):
                cleared = all(p.grad is None or not p.grad.any() for p in model.parameters())
                when = (" It clears them only after the step, for the next call; but nothing says the weights "
                        "come in clean" if cleared else "")
                raise Incorrect(f"`{label}` also applies the gradients that were already on the weights when it "
                                "was called (left by earlier code: PyTorch adds new gradients to the stored "
                                f"ones).{when} Zero the gradients before backward(): `optimizer.zero_grad()` at "
                                "the start, before computing the loss")
            if step == 1:
                raise Incorrect(f"`{label}` moves the weights the wrong way on its second call: the gradients of "
                                "the first call are still there and add up. Call `optimizer.zero_grad()` before "
                                "`loss.backward()`")
            raise Incorrect(f"`{label}` changes the weights, but not as one step of `optimizer` on "
                            "`F.cross_entropy(model(images), labels)` does")
    return "one step of the optimizer on the cross-entropy loss, twice in a row"


train_step = Exercise(
    "train_step",
    _check_train_step,
    hints=[
        "Four things happen, in this order: clear the gradients the previous step left, compute this batch's "
        "loss, compute the new gradients, update the weights. Two of them are methods of the optimizer you "
        "are given, one is a method of the loss.",
        "The loss for raw class scores (logits) and integer labels is the cross-entropy of "
        "`torch.nn.functional`; it applies the softmax itself. A one-number tensor has a method that gives "
        "back a plain Python float.",
        "Why the order matters: PyTorch adds new gradients to the ones stored on each weight, so a step that "
        "skips the clearing pushes with last step's gradients too. `ex.train_step.solution()` shows one answer.",
    ],
)
