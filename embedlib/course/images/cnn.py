"""Checks for notebook 4.1, an image through a CNN: conv_output_size, train_step."""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from ..checks import Exercise, Incorrect, call
from ._common import _number

# -- 01_cnn: conv_output_size ------------------------------------------------------------

_CONV_CASES = [(8, 3, 1, 1), (28, 5, 1, 0), (28, 3, 2, 1), (7, 3, 2, 0), (9, 4, 2, 1), (10, 4, 3, 0), (8, 2, 2, 0)]


def _conv_label(size, kernel, stride, padding) -> str:
    return f"conv_output_size({size}, {kernel}, stride={stride}, padding={padding})"


# common mistakes: each formula, and what to say when the answers follow it on every case
_CONV_MISTAKES = [
    (lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1,
     "round the division *down* (a last step that would hang over the edge is not taken)"),
    (lambda n, k, s, p: (n - k) // s + 1,
     "the padding adds `padding` pixels to the input before the kernel slides over it"),
    (lambda n, k, s, p: (n + p - k) // s + 1,
     "padding goes on *both* sides, so the padded size is size + 2 * padding"),
    (lambda n, k, s, p: (n + 2 * p - k) // s,
     "count the kernel's first position too (+ 1)"),
    (lambda n, k, s, p: (n + 2 * p - k + 1) // s,
     "divide the room the kernel has to move, size + 2 * padding - kernel, by the stride, then add 1"),
]


def _check_conv_output_size(conv_output_size) -> str:
    answers = []
    for case in _CONV_CASES:
        label = _conv_label(*case)
        answers.append(_number(call(conv_output_size, *case, _label=label), label))
    wrong = [(case, value) for case, value in zip(_CONV_CASES, answers)
             if not (float(value).is_integer() and value == (case[0] + 2 * case[3] - case[1]) // case[2] + 1)]
    if not wrong:
        return f"all {len(_CONV_CASES)} test cases pass, strides and padding included"
    (size, kernel, stride, padding), value = wrong[0]
    expected = (size + 2 * padding - kernel) // stride + 1
    start = f"`{_conv_label(size, kernel, stride, padding)}` returned {value:g}"
    if not float(value).is_integer() and np.isclose(value, (size + 2 * padding - kernel) / stride + 1):
        raise Incorrect(f"{start}, not a whole number: a kernel only stops at whole steps, so round the "
                        f"division down (`//`); expected {expected}")
    for formula, advice in _CONV_MISTAKES:
        if all(value == formula(*case) for case, value in zip(_CONV_CASES, answers)):
            raise Incorrect(f"{start}; expected {expected}: {advice}")
    raise Incorrect(f"{start}; expected {expected}")


conv_output_size = Exercise(
    "conv_output_size",
    _check_conv_output_size,
    hints=[
        "Pad first: the input is `size + 2 * padding` pixels wide. The kernel fits at positions 0, stride, "
        "2 * stride, ... as long as it does not hang over the edge.",
        "`(size + 2 * padding - kernel) // stride + 1`.",
    ],
)

# -- 01_cnn: train_step -----------------------------------------------------------------------


def _tiny_cnn() -> nn.Module:
    from ...vision import DigitsCNN

    return DigitsCNN(n_classes=3, embed_dim=5, in_size=4, seed=0)


def _batches():
    g = torch.Generator().manual_seed(0)
    return [(torch.rand(6, 1, 4, 4, generator=g), torch.randint(0, 3, (6,), generator=g)) for _ in range(2)]


def _reference_steps(model, batches):
    """Parameters after each step, and the loss each step returns."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    after, losses = [], []
    for x, y in batches:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        after.append([p.detach().clone() for p in model.parameters()])
    return after, losses


def _same(params, model) -> bool:
    return all(torch.allclose(a, b.detach(), atol=1e-6) for a, b in zip(params, model.parameters()))


def _check_train_step(train_step) -> str:
    batches = _batches()
    start = _tiny_cnn()
    reference_params, reference_losses = _reference_steps(copy.deepcopy(start), batches)
    model = copy.deepcopy(start)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    before = [p.detach().clone() for p in model.parameters()]
    for step, (x, y) in enumerate(batches):
        label = "train_step(model, optimizer, images, labels)" + (" (a second time)" if step else "")
        got = call(train_step, model, optimizer, x.clone(), y.clone(), _label=label)
        loss = _number(got, label)
        if step == 0 and _same(before, model):
            raise Incorrect(f"`{label}` did not change the model's weights: after `loss.backward()`, "
                            "call `optimizer.step()`")
        expected = reference_losses[step]
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
        "Four lines: clear the old gradients, compute the loss, compute the new gradients, update the weights.",
        "`optimizer.zero_grad()`, `loss = F.cross_entropy(model(images), labels)`, `loss.backward()`, "
        "`optimizer.step()`; return `loss.item()`.",
    ],
)
