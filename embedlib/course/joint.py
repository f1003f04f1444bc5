"""Checks for chapter 5, Joint spaces."""
from __future__ import annotations

import numpy as np
import torch

from .. import joint
from .checks import Exercise, Incorrect, call, show

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
    return cases


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
        scores = img @ tags.T
        valid = pos.unsqueeze(2) & ~pos.unsqueeze(1)
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
    for name, g, e in zip(("image_vecs", "tag_vecs"), got, expected):
        if g is None or not torch.allclose(g, e, atol=1e-5):
            raise Incorrect(f"`ranking_loss` has the right value but the wrong gradient with respect to `{name}`: "
                            "part of the computation is cut off from the graph (a .detach(), .item() or numpy "
                            "step on one side), so training would not move that side correctly")
    return f"all {len(_loss_cases())} test cases pass, gradients included"


ranking_loss = Exercise(
    "ranking_loss",
    _check_ranking_loss,
    hints=[
        "Start from the (B, T) table of every image's score with every tag. A triple needs two of its entries "
        "from the same row, so think of a (B, T, T) table built by broadcasting: which two axes do you add "
        "a length-1 axis to?",
        "Compute the hinge for every (image, j, k) triple, then keep only those where the image has tag j and "
        "lacks tag k. The mean is their sum divided by their count, not by B × T × T.",
        "Worked example on other numbers: one image with scores [0.9, 0.5, 0.7] for three tags, only the first "
        "its own, margin 0.3: the triples cost max(0, 0.3 - 0.9 + 0.5) = 0 and max(0, 0.3 - 0.9 + 0.7) = 0.1, "
        "so the loss is 0.05.",
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
]


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
    ],
)

# -- 02_suggestions_and_geometry: zero_shot_split -----------------------------------------------

_SPLIT_CASES = [
    ([["cat", "face"], ["dog"], ["black", "cat"], ["catfish"]], "cat", ["black", "cat", "dog", "face"]),
    ([["bobcat"], ["cat"], ["cat", "face"], ["dog", "face"], ["cats"]], "cat", ["cat", "dog", "face"]),
    ([["Tiger", "face"], ["tiger"], ["cat"], [], ["face", "tiger"]], "tiger", ["cat", "face", "tiger"]),
    ([["red", "apple"], ["green", "apple"], ["pineapple"]], "apple", ["apple", "green", "red"]),
    ([["car"], ["police", "car"], ["racing", "car"]], "bus", ["car", "police"]),  # a word no image carries
    ([["cat"], ["catfish"], ["dog"]], "cat", ["dog", "catfish", "cat", "bobcat"]),  # unsorted, with look-alikes
    ([["cat", "face"], ["Catfish"], ["black", "cat"]], "Cat", ["face", "cat", "black"]),  # the word capitalised
]


def _check_zero_shot_split(zero_shot_split) -> str:
    for tags, word, vocabulary in _SPLIT_CASES:
        label = f"zero_shot_split({show(tags)}, {word!r}, {show(vocabulary)})"
        given, given_tags = list(vocabulary), [list(t) for t in tags]
        got = call(zero_shot_split, given_tags, word, given, _label=label)
        if not isinstance(got, tuple) or len(got) != 2:
            raise Incorrect(f"Expected `{label}` to return two things, (held_out, train_vocabulary); got {show(got)}")
        held_out, train_vocabulary = got
        if given != vocabulary:
            raise Incorrect(f"`{label}` changed the vocabulary it was given (now {show(given)}); return a new list "
                            "and leave the input as it was")
        if given_tags != tags:
            raise Incorrect(f"`{label}` changed the tags it was given; leave its inputs as they were")
        mask = np.asarray(held_out)
        expected = joint.holds_word(tags, word)
        if mask.dtype != bool or mask.shape != (len(tags),):
            raise Incorrect(f"`{label}` returned held_out = {show(held_out)}; return a boolean mask with one "
                            f"True/False per image ({len(tags)} images), not indices or words")
        if not np.array_equal(mask, expected):
            wrong = int(np.flatnonzero(mask != expected)[0])
            lowered = [t.lower() for t in tags[wrong]]
            if mask[wrong] and word.lower() not in lowered:
                raise Incorrect(f"`{label}` holds out image {wrong} with tags {tags[wrong]}: it matches {word!r} "
                                "inside other words; compare whole tags (`word == tag`), not substrings")
            if not mask[wrong] and word.lower() in lowered and word not in tags[wrong]:
                raise Incorrect(f"`{label}` keeps image {wrong} with tags {tags[wrong]} in training; compare "
                                "without regard to case")
            if not mask[wrong] and tags[wrong] and tags[wrong][0].lower() != word:
                raise Incorrect(f"`{label}` keeps image {wrong} with tags {tags[wrong]} in training; look at "
                                f"every tag of an image, not just the first one. Every image that carries {word!r} "
                                "anywhere must be held out, or the test leaks")
            raise Incorrect(f"`{label}`: held_out[{wrong}] is {bool(mask[wrong])} for tags {tags[wrong]}")
        if not isinstance(train_vocabulary, (list, tuple)):
            raise Incorrect(f"`{label}` returned train_vocabulary = {show(train_vocabulary)}; return a list of words")
        kept = [w for w in vocabulary if w.lower() != word.lower()]
        if any(w.lower() == word.lower() for w in train_vocabulary):
            raise Incorrect(f"`{label}` keeps {word!r} in the training vocabulary: training would then use it as a "
                            "wrong tag for every training image, so the space would learn about the word "
                            "before the test. Leave it out")
        if list(train_vocabulary) != kept:
            missing = [w for w in kept if w not in train_vocabulary]
            if missing:
                raise Incorrect(f"`{label}` also drops {show(missing)} from the training vocabulary; remove only "
                                f"the word itself (compare whole words, not substrings)")
            raise Incorrect(f"`{label}` returned train_vocabulary = {show(train_vocabulary)}; expected every other "
                            f"word of the vocabulary, in the vocabulary's own order: {show(kept)}")
    return f"all {len(_SPLIT_CASES)} test cases pass"


zero_shot_split = Exercise(
    "zero_shot_split",
    _check_zero_shot_split,
    hints=[
        "Two things can leak: an image that carries the word stays in training, or the word itself stays among "
        "the training tags. Guard against both.",
        "For the mask, ask of each image: is the word equal to one of its tags (lower-cased)? A list of "
        "True/False values, turned into a numpy array, has one entry per image.",
        "Worked example on other data: tags [['red', 'apple'], ['pineapple']] and the word 'apple' give "
        "held_out [True, False] ('pineapple' is another word), and the vocabulary ['apple', 'red'] becomes ['red'].",
    ],
)

NOTEBOOKS = {
    "05_joint/01_common_space": [ranking_loss, recall_at_k],
    "05_joint/02_suggestions_and_geometry": [zero_shot_split],
}
