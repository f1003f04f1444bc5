"""Checks for notebook 5.1, one space for images and words: ranking_loss, train_epoch, recall_at_k."""
from __future__ import annotations

import copy

import numpy as np
import torch

from ... import joint
from ..checks import Exercise, Incorrect, call, show

# -- 01_common_space: ranking_loss --------------------------------------------------------


def _loss_cases():
    g = torch.Generator().manual_seed(0)
    cases = []
    for B, T, d in [(4, 5, 3), (6, 7, 4), (3, 4, 2)]:
        img = torch.nn.functional.normalize(torch.randn(B, d, generator=g), dim=1)
        tags = torch.nn.functional.normalize(torch.randn(T, d, generator=g), dim=1)
        pos = torch.rand(B, T, generator=g) < 0.4
        pos[:, 0] = True  # every image has a tag ...
        pos[:, -1] = False  # ... and lacks one
        cases.append((img, tags, pos, 0.2))
    img, tags, pos, _ = cases[0]
    cases.append((img, tags, pos, 1.5))  # a margin wide enough that every triple costs something
    cases.append((img, tags, pos, 0.0))
    empty_and_full = pos.clone()
    empty_and_full[1], empty_and_full[2] = False, True  # an image with no tag, one with every tag: no triples
    cases.append((img, tags, empty_and_full, 0.3))
    none = torch.zeros_like(pos)
    none[0] = True  # no image has both a tag and a missing tag: not one triple in the batch
    cases.append((img, tags, none, 0.3))
    return cases


def _along_the_sphere(grad: torch.Tensor, unit_rows: torch.Tensor) -> torch.Tensor:
    """The part of each row's gradient that moves the row along the unit sphere (its radial part removed)."""
    rows = unit_rows.detach()
    return grad - (grad * rows).sum(dim=1, keepdim=True) * rows


def _check_ranking_loss(ranking_loss) -> str:
    for img, tags, pos, margin in _loss_cases():
        label = f"ranking_loss(image_vecs {tuple(img.shape)}, tag_vecs {tuple(tags.shape)}, positives, margin={margin})"
        got = call(ranking_loss, img.clone(), tags.clone(), pos.clone(), margin, _label=label)
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            raise Incorrect(f"Expected `{label}` to return a single-number tensor; got {show(got)}")
        expected = joint.ranking_loss(img, tags, pos, margin)
        value = float(got.detach())
        if np.isclose(value, float(expected), atol=1e-5):
            continue
        valid = pos.unsqueeze(2) & ~pos.unsqueeze(1)
        if not valid.any() and not np.isfinite(value):
            raise Incorrect(f"`{label}` returned {value} for a batch in which no image has both a tag and a missing "
                            "tag: there is no triple, and 0 / 0 is not a number. One such batch would turn P and Q "
                            "into NaN for good; a batch without triples must cost 0 (divide by the number of "
                            "triples, but by at least 1)")
        scores = img @ tags.T
        raw = margin - scores.unsqueeze(2) + scores.unsqueeze(1)
        flipped = torch.relu(margin + scores.unsqueeze(2) - scores.unsqueeze(1))
        if np.isclose(value, float((raw * valid).sum() / valid.sum()), atol=1e-5):
            raise Incorrect(f"`{label}` returned {value:.4f}: it adds up the raw differences; a triple whose right "
                            "tag already wins by the margin must cost 0 (clip at zero with a hinge, `relu`)")
        if np.isclose(value, float((flipped * valid).sum() / valid.sum()), atol=1e-5):
            raise Incorrect(f"`{label}` returned {value:.4f}: the signs are swapped; the loss should push the "
                            "image's own tags above the tags it lacks, so it is margin - s(pos) + s(neg)")
        per_image = [torch.relu(raw[i])[valid[i]].mean() for i in range(len(raw)) if valid[i].any()]
        if per_image and np.isclose(value, float(torch.stack(per_image).mean()), atol=1e-5):
            raise Incorrect(f"`{label}` returned {value:.4f}: it averages each image's triples, then the images; "
                            "the loss is the mean over all triples at once (images with more triples weigh more)")
        all_pairs = torch.relu(raw)
        if np.isclose(value, float(all_pairs.mean()), atol=1e-5):
            raise Incorrect(f"`{label}` returned {value:.4f}: it averages over all tag pairs; only pairs of a tag "
                            "the image has and one it lacks count")
        if np.isclose(value, float((torch.relu(raw) * valid).sum()), atol=1e-4):
            raise Incorrect(f"`{label}` returned {value:.4f}, the sum over the triples; return their mean")
        if np.isclose(value, float((torch.relu(-scores.unsqueeze(2) + scores.unsqueeze(1)) * valid).sum() / valid.sum()),
                      atol=1e-5):
            raise Incorrect(f"`{label}` returned {value:.4f}: the margin is missing; a right tag must win by "
                            f"`margin` = {margin}, not just win")
        raise Incorrect(f"`{label}` returned {value:.4f}; expected {float(expected):.4f}")
    # the loss must let gradients through, to both inputs, as the library's does
    img, tags, pos, margin = _loss_cases()[0]
    img, tags = img.clone().requires_grad_(True), tags.clone().requires_grad_(True)
    out = call(ranking_loss, img, tags, pos.clone(), margin, _label="ranking_loss(...)")
    if not isinstance(out, torch.Tensor) or not out.requires_grad or out.grad_fn is None:
        raise Incorrect("`ranking_loss` returns a tensor without gradients; compute it with torch operations "
                        "on the inputs (no .item(), .detach(), float() or numpy)")
    try:
        got = torch.autograd.grad(out.sum(), [img, tags], allow_unused=True)
    except RuntimeError as err:
        raise Incorrect(f"`ranking_loss`: its gradient cannot be computed ({err})") from None
    ref_img, ref_tags = img.detach().clone().requires_grad_(True), tags.detach().clone().requires_grad_(True)
    expected = torch.autograd.grad(joint.ranking_loss(ref_img, ref_tags, pos, margin), [ref_img, ref_tags])
    for name, x, g, e in zip(("image_vecs", "tag_vecs"), (img, tags), got, expected):
        # The inputs are unit rows, and training moves them only along the sphere (the space normalises
        # them): an answer that takes the cosine, normalising inside, has a gradient that differs from
        # the plain dot product's by a part along each row itself, which changes nothing. Compare the rest.
        if g is None or not torch.allclose(_along_the_sphere(g, x), _along_the_sphere(e, x), atol=1e-5):
            raise Incorrect(f"`ranking_loss` has the right value but the wrong gradient with respect to `{name}`: "
                            "part of the computation is cut off from the graph (a .detach(), .item() or numpy "
                            "step on one side), so training would not move that side correctly")
    # a batch without a single triple costs 0, but loss.backward() must still work on it
    img, tags, none, margin = _loss_cases()[-1]
    img, tags = img.clone().requires_grad_(True), tags.clone().requires_grad_(True)
    label = (f"ranking_loss(image_vecs {tuple(img.shape)}, tag_vecs {tuple(tags.shape)}, positives, "
             f"margin={margin})")
    out = call(ranking_loss, img, tags, none.clone(), margin, _label=label)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        raise Incorrect(f"`{label}` returns {show(out)}, a tensor without gradients, for a batch in which no "
                        "image has both a tag and a missing tag. The value 0 is right, but `loss.backward()` "
                        "on it raises an error and would stop training at such a batch: even without triples, "
                        "return a 0 computed from the inputs (divide the masked sum by the count, at least 1; "
                        "or `0 * scores.sum()`), not a new `torch.tensor(0.)`")
    return f"all {len(_loss_cases())} test cases pass, gradients included"


ranking_loss = Exercise(
    "ranking_loss",
    _check_ranking_loss,
    hints=[
        "Start from the (B, T) table of every image's score with every tag. A triple needs two of its entries "
        "from the same row, so think of a (B, T, T) table built by broadcasting: which two axes do you add "
        "a length-1 axis to?",
        "Compute the hinge for every (image, j, k) triple, then keep only those where the image has tag j and "
        "lacks tag k. The mean is their sum divided by their count, not by B × T × T; and a batch may hold no "
        "triple at all (every image without tags, say), where the count is 0 and the loss must be 0, not NaN: "
        "a 0 computed from the scores, so that `loss.backward()` still works, not a new `torch.tensor(0.)`.",
        "Worked example on other numbers: one image with scores [0.9, 0.5, 0.7] for three tags, only the first "
        "its own, margin 0.3: the triples cost max(0, 0.3 - 0.9 + 0.5) = 0 and max(0, 0.3 - 0.9 + 0.7) = 0.1, "
        "so the loss is 0.05. `ex.ranking_loss.solution()` shows one answer.",
    ],
)

# -- 01_common_space: train_epoch ---------------------------------------------------------------

_EPOCH_SEED, _EPOCH_MARGIN, _EPOCH_BATCH = 7, 0.3, 4


def _epoch_data():
    """10 images against 5 tags, in batches of 4: the last batch (2 images) is smaller."""
    g = torch.Generator().manual_seed(3)
    X, W = torch.randn(10, 6, generator=g), torch.randn(5, 4, generator=g)
    Y = torch.rand(10, 5, generator=g) < 0.4
    Y[:, 0], Y[:, -1] = True, False  # every image forms triples
    return X, W, Y


def _epoch_variant(space, X, W, Y, *, clear=True, order="shuffled", rows_of_y="same", drop_last=False):
    """One epoch as the reference does it, or with one usual mistake; returns the batches' (loss, size)."""
    optimizer = torch.optim.SGD(space.parameters(), lr=1.0)
    n = len(X)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(_EPOCH_SEED))
    perm = perm if order == "shuffled" else torch.arange(n)
    out = []
    for start in range(0, n - (n % _EPOCH_BATCH if drop_last else 0), _EPOCH_BATCH):
        idx = perm[start : start + _EPOCH_BATCH]
        img, tags = space(X[idx], W)
        y = Y[idx] if rows_of_y == "same" else Y[start : start + _EPOCH_BATCH]
        loss = joint.ranking_loss(img, tags, y, _EPOCH_MARGIN)
        if clear:
            optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        out.append((loss.item(), len(idx)))
    return out


def _same_space(a, b) -> bool:
    return torch.allclose(a.P, b.P, atol=1e-5) and torch.allclose(a.Q, b.Q, atol=1e-5)


def _check_train_epoch(train_epoch) -> str:
    X, W, Y = _epoch_data()
    start = joint.JointSpace(6, 4, dim=3, seed=0)
    reference = copy.deepcopy(start)
    batches = _epoch_variant(reference, X, W, Y)
    space = copy.deepcopy(start)
    optimizer = torch.optim.SGD(space.parameters(), lr=1.0)
    generator = torch.Generator().manual_seed(_EPOCH_SEED)
    label = (f"train_epoch(space, optimizer, X {tuple(X.shape)}, W {tuple(W.shape)}, Y, margin={_EPOCH_MARGIN}, "
             f"batch_size={_EPOCH_BATCH}, generator)")
    try:
        got = call(train_epoch, space, optimizer, X.clone(), W.clone(), Y.clone(), _EPOCH_MARGIN, _EPOCH_BATCH,
                   generator, _label=label)
    except Incorrect as err:
        if "does not require grad" in str(err) or "grad_fn" in str(err):
            raise Incorrect(f"{err}. The loss is cut off from P and Q: `space.images` and `space.words` return "
                            "numpy arrays without gradients, for use after training. In training, call the space "
                            "itself, `space(image_batch, W)`, which returns tensors that remember how they were "
                            "computed") from None
        raise
    if torch.is_tensor(got):
        raise Incorrect(f"`{label}` returns a tensor ({show(got)}); return the epoch's mean loss as a Python number "
                        "(a tensor kept from every batch would keep every batch's graph alive)")
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        raise Incorrect(f"Expected `{label}` to return the epoch's mean loss, one Python number; got {show(got)}")
    drawn = torch.Generator().manual_seed(_EPOCH_SEED)
    untouched = drawn.get_state()
    torch.randperm(len(X), generator=drawn)
    if torch.equal(generator.get_state(), untouched):
        raise Incorrect(f"`{label}` does not draw the order of the images from `generator`: with another source "
                        "of randomness (torch's global one, numpy) the same seed no longer gives the same "
                        "training. Shuffle with `torch.randperm(n, generator=generator)`")
    if not torch.equal(generator.get_state(), drawn.get_state()):
        raise Incorrect(f"`{label}` draws from `generator` more (or otherwise) than one `torch.randperm(n, "
                        "generator=generator)` per epoch: one permutation of the n images orders the whole epoch")
    if not _same_space(space, reference):
        if torch.allclose(space.P, start.P) or torch.allclose(space.Q, start.Q):
            side = "P (the images' side)" if torch.allclose(space.P, start.P) else "Q (the words' side)"
            raise Incorrect(f"`{label}` never changes {side}: no gradient reaches it. `space.images` and "
                            "`space.words` return numpy arrays without gradients, for use after training; in "
                            "training, call the space itself, `space(image_batch, W)`")
        variants = [
            (dict(clear=False), "the gradients of each batch add up to those of the batches before: clear them "
             "(`optimizer.zero_grad()`) before each `loss.backward()`"),
            (dict(rows_of_y="in order"), "each batch is scored against the positives of other images: take the rows "
             "of Y with the same shuffled indices as the rows of X"),
            (dict(order="in order"), "it takes the images in their stored order; visit them in the shuffled order "
             "drawn from `generator`"),
            (dict(drop_last=True), f"it leaves out the last, smaller batch ({len(X) % _EPOCH_BATCH} images): every "
             "image takes part in every epoch"),
        ]
        for kwargs, why in variants:
            if _same_space(space, _epoch_variant_space(start, X, W, Y, **kwargs)):
                raise Incorrect(f"`{label}` trains P and Q differently from one epoch of the reference: {why}")
        raise Incorrect(f"`{label}` leaves P and Q different from one epoch over shuffled batches of "
                        f"{_EPOCH_BATCH} images, each scored with `ranking_loss` against all the tags")
    losses, sizes = np.array([b[0] for b in batches]), np.array([b[1] for b in batches])
    value = float(got)
    per_image = (losses * sizes).sum() / sizes.sum()  # each batch weighted by its size: accepted too
    if np.isclose(value, losses.mean(), atol=1e-5) or np.isclose(value, per_image, atol=1e-5):
        return "one shuffled pass in batches, reproducible from the generator, returning the mean loss"
    if np.isclose(value, losses[-1], atol=1e-5):
        raise Incorrect(f"`{label}` returned {value:.4f}, the loss of the last batch; return the mean over the "
                        f"epoch's batches ({losses.mean():.4f})")
    if np.isclose(value, losses.sum(), atol=1e-5):
        raise Incorrect(f"`{label}` returned {value:.4f}, the sum of the batches' losses; return their mean")
    raise Incorrect(f"`{label}` returned {value:.4f}; the mean of the batches' losses, each computed before its "
                    f"step, is {losses.mean():.4f}")


def _epoch_variant_space(start, X, W, Y, **kwargs):
    space = copy.deepcopy(start)
    _epoch_variant(space, X, W, Y, **kwargs)
    return space


train_epoch = Exercise(
    "train_epoch",
    _check_train_epoch,
    hints=[
        "Start from one random order of the n images, drawn from `generator`, so that the same seed gives the "
        "same epoch. Then walk through that order `batch_size` images at a time (the last batch may be smaller).",
        "For each batch: the space itself, called on the batch's image vectors and on all of W, gives both in "
        "the common space as tensors that keep the graph. The batch's rows of Y go with them into "
        "`ranking_loss`. Then the usual step, as in notebook 4.1: clear, backpropagate, step.",
        "Keep each batch's loss as a Python number and return their mean. `ex.train_epoch.solution()` shows one "
        "answer.",
    ],
)

# -- 01_common_space: recall_at_k --------------------------------------------------------------

_RECALL_CASES = [
    (np.array([[5.0, 4.0, 3.0, 2.0, 1.0]]), np.array([[0, 1, 1, 1, 0]], bool), 3),
    (np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.7, 0.1]]), np.array([[1, 0, 1, 0], [1, 0, 0, 1]], bool), 2),
    (np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.7, 0.1]]), np.array([[1, 0, 1, 0], [1, 0, 0, 1]], bool), 1),
    # no ties among the scores, so that any correct way of sorting gives the same answer
    (np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.6, 0.5, 0.4]]), np.array([[0, 0, 1], [0, 0, 0], [1, 1, 0]], bool), 2),
    # queries with 1 and 4 relevant items: the mean of per-query recalls (0.625) is not the pooled share (0.4)
    (np.array([[0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]]),
     np.array([[1, 0, 0, 0, 0, 0], [0, 1, 0, 1, 1, 1]], bool), 2),
    # k beyond a habitual top-10, and k equal to the number of items
    (np.linspace(1, 0, 24).reshape(2, 12) ** np.array([[1.0], [2.0]]), np.eye(2, 12, 10, dtype=bool) | np.eye(2, 12, 0, dtype=bool), 11),
    (np.array([[0.3, 0.1, 0.2]]), np.array([[0, 1, 0]], bool), 3),
    # ties at the cut: in row 0, items 1 and 2 tie for the 2nd place and both are relevant, so whichever of them
    # a sort puts first, the first 2 hold exactly one of them (in row 1 both tied items are irrelevant); counting
    # every item that scores at least the 2nd best looks at 3
    (np.array([[0.9, 0.5, 0.5, 0.1], [0.4, 0.8, 0.2, 0.8]]), np.array([[0, 1, 1, 1], [1, 0, 1, 0]], bool), 2),
]


def _recall_down_the_columns(scores, relevant, k) -> float:
    """recall@k with the roles of rows and columns swapped: each item ranks the queries."""
    top = np.argsort(-scores, axis=0, kind="stable")[:k]
    found = np.take_along_axis(relevant, top, axis=0).sum(0)
    has = relevant.any(0)
    return float(np.mean(found[has] / relevant.sum(0)[has])) if has.any() else np.nan


def _recall_diagnoses(value, scores, relevant, k) -> list[str]:
    """What each usual mistake would return on this case; the ones ``value`` matches."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    bottom = np.argsort(scores, axis=1, kind="stable")[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(1)
    has = relevant.any(1)
    mistakes = [
        (np.mean(np.take_along_axis(relevant, bottom, axis=1).sum(1)[has] / relevant.sum(1)[has]),
         "it takes the k lowest scores; the best-scored items come first (sort in descending order)"),
        (np.mean(found[has] / k), "the share of the k results that are relevant (precision at k); recall divides "
         "by the number of relevant items of the query"),
        (np.mean(found / np.maximum(relevant.sum(1), 1)) if not has.all() else np.nan,
         "it counts a query without relevant items as 0; leave such queries out of the mean"),
        (found[has].sum() / relevant.sum(), "the share of all relevant items found (pooled over the queries); "
         "recall@k is computed for each query, then averaged over the queries"),
        (np.mean(found[has] > 0), "it counts a query as 1 if any relevant item is found; recall is the share of "
         "its relevant items found"),
        (joint.recall_at_k(scores, relevant, k + 1) if k < scores.shape[1] else np.nan,
         f"it looks at the first {k + 1} items; look at k"),
        (joint.recall_at_k(scores, relevant, k - 1) if k > 1 and k - 1 != 10 else np.nan,  # k - 1 = 10: a top 10
         f"it looks at the first {k - 1} items, one too few; look at the first k = {k}"),
        (_recall_down_the_columns(scores, relevant, k) if scores.shape[0] > 1 else np.nan,
         "it ranks down the columns (`axis=0`): the queries for each item. Each row is one query; rank the "
         "items of each row (`axis=1`)"),
        (joint.recall_at_k(scores, relevant, min(k, 10)) if k > 10 else np.nan,
         f"it looks at the first 10 items, but k = {k}: use k, not a habitual top 10"),
        (np.mean((relevant & (scores >= -np.sort(-scores, axis=1)[:, k - 1 : k])).sum(1)[has] / relevant.sum(1)[has]),
         "it counts every item that scores at least the k-th best score: where scores tie at the cut, that is "
         "more than k items. Take exactly k per query (a sort's first k)"),
    ]
    return [why for wrong, why in mistakes if np.isclose(value, wrong)]


def _check_recall(recall_at_k) -> str:
    first_failure = None  # a case where several mistakes give the same number: look for a clearer one
    for scores, relevant, k in _RECALL_CASES:
        label = f"recall_at_k(scores {scores.shape}, relevant, k={k})"
        got = call(recall_at_k, scores.copy(), relevant.copy(), k, _label=label)
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise Incorrect(f"Expected `{label}` to return a number; got {show(got)}") from None
        expected = joint.recall_at_k(scores, relevant, k)
        if np.isclose(value, expected):
            continue
        diagnoses = _recall_diagnoses(value, scores, relevant, k)
        if len(diagnoses) == 1:
            raise Incorrect(f"`{label}` returned {value:.3f}: {diagnoses[0]}")
        if first_failure is None:
            first_failure = f"`{label}` returned {value:.3f}; expected {expected:.3f}"
    if first_failure:
        raise Incorrect(first_failure)
    return f"all {len(_RECALL_CASES)} test cases pass"


recall_at_k = Exercise(
    "recall_at_k",
    _check_recall,
    hints=[
        "For each query (row) you need the positions of its k highest scores. Look at `np.argsort`, and at how "
        "to make it sort from high to low; then `np.take_along_axis` reads `relevant` at those positions.",
        "Per query: relevant items found among the k, divided by that query's number of relevant items. Average "
        "over the queries that have at least one relevant item.",
        "Worked example on other numbers: query A finds 1 of its 1 relevant items in its first k, query B 1 of "
        "its 4, and query C has none: the recall is (1/1 + 1/4) / 2 = 0.625, not 2/5 (the pooled share), and C "
        "does not count. `ex.recall_at_k.solution()` shows one answer.",
    ],
)
