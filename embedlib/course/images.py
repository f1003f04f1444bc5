"""Checks for chapter 4, Images.

Each check calls the learner's answer on small inputs built here (tiny
networks with fixed weights, clusters with a known answer), compares it with
a reference, and says which input failed and how.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from .checks import Exercise, Incorrect, call, show


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
    from ..vision import DigitsCNN

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

# -- 03_image_search: cosine_top_k ----------------------------------------------------------------


def _search_cases():
    rng = np.random.default_rng(3)
    database = rng.normal(size=(30, 4)) * rng.uniform(0.2, 5, size=(30, 1))  # lengths differ a lot
    queries = rng.normal(size=(6, 4)) * np.array([[0.5], [1], [2], [3], [0.1], [10]])
    return [(queries, database, 4), (queries[:2], database[:10], 1), (database[:3], database, 5)]


def _top(scores, k):
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def _check_cosine_top_k(cosine_top_k) -> str:
    for queries, database, k in _search_cases():
        label = f"cosine_top_k(queries, database, k={k}) ({len(queries)} queries, {len(database)} rows)"
        got = _array(call(cosine_top_k, queries.copy(), database.copy(), k, _label=label), label)
        unit_q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        unit_d = database / np.linalg.norm(database, axis=1, keepdims=True)
        cosines = unit_q @ unit_d.T
        expected = _top(cosines, k)
        if got.shape != expected.shape:
            raise Incorrect(f"Expected `{label}` to return {k} row numbers per query, shape {expected.shape}; "
                            f"got shape {got.shape}")
        if np.array_equal(got, expected):
            continue
        if np.allclose(got, np.sort(cosines, axis=1)[:, ::-1][:, :k]):
            raise Incorrect(f"`{label}` returns the similarities; return the row numbers (indices) of the most "
                            "similar rows")
        if np.array_equal(got, np.argsort(cosines, axis=1)[:, :k]):
            raise Incorrect(f"`{label}` returns the *least* similar rows: sort the most similar first")
        if np.array_equal(got, _top(queries @ database.T, k)) or np.array_equal(got, _top(unit_q @ database.T, k)):
            raise Incorrect(f"`{label}` ranks by dot product: normalise the database rows to unit length first, "
                            "so that long vectors do not win")
        distances = ((queries[:, None, :] - database[None, :, :]) ** 2).sum(-1)
        if np.array_equal(got, np.argsort(distances, axis=1)[:, :k]):
            raise Incorrect(f"`{label}` ranks by Euclidean distance between the raw vectors; rank by cosine "
                            "similarity")
        raise Incorrect(f"`{label}` returned {show(got.tolist())}; expected {show(expected.tolist())}")
    return "the k most similar rows by cosine, most similar first"


cosine_top_k = Exercise(
    "cosine_top_k",
    _check_cosine_top_k,
    hints=[
        "Normalise the rows of both matrices to unit length; then `queries @ database.T` holds every cosine at once.",
        "`np.argsort(-scores, axis=1)[:, :k]` puts the largest first.",
    ],
)

# -- 03_image_search: precision_at_k -----------------------------------------------------------

_PRECISION_CASES = [
    ([0, 1, 2], [[0, 0, 1, 0], [1, 2, 2, 1], [0, 0, 0, 2]], 3),
    ([0, 1, 2], [[0, 0, 1, 0], [1, 2, 2, 1], [0, 0, 0, 2]], 1),
    ([5, 5], [[5, 4, 5, 5, 5], [4, 4, 5, 4, 4]], 2),
    ([7, 3, 3, 1], [[7, 7, 7], [1, 3, 3], [3, 3, 3], [2, 2, 1]], 2),
]


def _check_precision_at_k(precision_at_k) -> str:
    for query, retrieved, k in _PRECISION_CASES:
        query, retrieved = np.array(query), np.array(retrieved)
        label = f"precision_at_k({show(query.tolist())}, {show(retrieved.tolist())}, k={k})"
        value = _number(call(precision_at_k, query.copy(), retrieved.copy(), k, _label=label), label)
        same = retrieved == query[:, None]
        expected = same[:, :k].mean()
        if np.isclose(value, expected):
            continue
        if value > 1:
            raise Incorrect(f"`{label}` returned {value:g}, a count: precision is the *share* of the first k "
                            "results that match, between 0 and 1")
        if np.isclose(value, same.mean()):
            raise Incorrect(f"`{label}` returned {value:g}: it scores all {retrieved.shape[1]} results; only the "
                            f"first k = {k} count")
        if np.isclose(value, same[:, :k].any(axis=1).mean()):
            raise Incorrect(f"`{label}` returned {value:g}, the share of queries with at least one match; "
                            "precision counts how many of the k results match, not whether any does")
        if np.isclose(value, same[:, 1 : k + 1].mean()):
            raise Incorrect(f"`{label}` returned {value:g}: it skips the first column, but the first column is "
                            "the nearest result, not the query itself")
        raise Incorrect(f"`{label}` returned {value:g}; expected {expected:g}")
    return f"all {len(_PRECISION_CASES)} test cases pass"


precision_at_k = Exercise(
    "precision_at_k",
    _check_precision_at_k,
    hints=[
        "`retrieved_labels[:, :k] == query_labels[:, None]` marks each of the first k results that matches.",
        "The mean of that boolean matrix is the precision@k averaged over the queries.",
    ],
)

NOTEBOOKS = {
    "04_images/01_cnn": [conv_output_size, train_step],
    "04_images/02_embedding_images": [strip_and_normalise, kmeans_nmi],
    "04_images/03_image_search": [cosine_top_k, precision_at_k],
}
