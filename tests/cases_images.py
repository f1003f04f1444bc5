"""Reference and wrong answers for the Images chapter's exercises (see test_checks.py)."""
import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, mutual_info_score, normalized_mutual_info_score

I1, I2, I3 = "04_images/01_cnn", "04_images/02_embedding_images", "04_images/03_image_search"


def conv_output_size_ok(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) // stride + 1


def train_step_ok(model, optimizer, images, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def strip_and_normalise_ok(model, images):
    model.eval()
    with torch.no_grad():
        feats = model.features(torch.as_tensor(images))
    return (feats / feats.norm(dim=1, keepdim=True)).numpy()


def kmeans_nmi_ok(vectors, labels, n_clusters, seed):
    clusters = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(vectors)
    return normalized_mutual_info_score(labels, clusters)


def cosine_top_k_ok(queries, database, k):
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    d = database / np.linalg.norm(database, axis=1, keepdims=True)
    return np.argsort(-(q @ d.T), axis=1)[:, :k]


def precision_at_k_ok(query_labels, retrieved_labels, k):
    return (retrieved_labels[:, :k] == query_labels[:, None]).mean()


# -- wrong answers, each with the feedback it must get ---------------------------------


def conv_true_division(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) / stride + 1


def conv_rounds_up(size, kernel, stride=1, padding=0):
    return math.ceil((size + 2 * padding - kernel) / stride) + 1


def conv_ignores_padding(size, kernel, stride=1, padding=0):
    return (size - kernel) // stride + 1


def conv_pads_one_side(size, kernel, stride=1, padding=0):
    return (size + padding - kernel) // stride + 1


def conv_forgets_plus_one(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) // stride


def step_without_zero_grad(model, optimizer, images, labels):
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_without_step(model, optimizer, images, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    return loss.item()


def step_before_backward(model, optimizer, images, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    optimizer.step()
    loss.backward()
    return loss.item()


def step_softmax_first(model, optimizer, images, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(torch.softmax(model(images), dim=1), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_own_optimizer(model, optimizer, images, labels):
    own = torch.optim.Adam(model.parameters(), lr=1e-3)
    own.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    own.step()
    return loss.item()


def strip_returns_logits(model, images):
    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(images))
    return (out / out.norm(dim=1, keepdim=True)).numpy()


def strip_not_normalised(model, images):
    model.eval()
    with torch.no_grad():
        return model.features(torch.as_tensor(images)).numpy()


def strip_normalises_columns(model, images):
    model.eval()
    with torch.no_grad():
        feats = model.features(torch.as_tensor(images))
    return (feats / feats.norm(dim=0, keepdim=True)).numpy()


def strip_l1(model, images):
    model.eval()
    with torch.no_grad():
        feats = model.features(torch.as_tensor(images))
    return (feats / feats.abs().sum(dim=1, keepdim=True)).numpy()


def strip_forgets_eval(model, images):
    with torch.no_grad():
        feats = model.features(torch.as_tensor(images))
    return (feats / feats.norm(dim=1, keepdim=True)).numpy()


def strip_keeps_grad(model, images):
    model.eval()
    feats = model.features(torch.as_tensor(images))
    return feats / feats.norm(dim=1, keepdim=True)


def _clusters(vectors, n_clusters, seed):
    return KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(vectors)


def nmi_cluster_ids_as_labels(vectors, labels, n_clusters, seed):
    return float(np.mean(_clusters(vectors, n_clusters, seed) == labels))


def nmi_is_ari(vectors, labels, n_clusters, seed):
    return adjusted_rand_score(labels, _clusters(vectors, n_clusters, seed))


def nmi_not_normalised(vectors, labels, n_clusters, seed):
    return mutual_info_score(labels, _clusters(vectors, n_clusters, seed))


def nmi_one_cluster_per_label(vectors, labels, n_clusters, seed):
    return normalized_mutual_info_score(labels, _clusters(vectors, len(np.unique(labels)), seed))


def top_k_dot_product(queries, database, k):
    return np.argsort(-(queries @ database.T), axis=1)[:, :k]


def top_k_least_similar(queries, database, k):
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    d = database / np.linalg.norm(database, axis=1, keepdims=True)
    return np.argsort(q @ d.T, axis=1)[:, :k]


def top_k_returns_scores(queries, database, k):
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    d = database / np.linalg.norm(database, axis=1, keepdims=True)
    return -np.sort(-(q @ d.T), axis=1)[:, :k]


def top_k_euclidean(queries, database, k):
    distances = ((queries[:, None, :] - database[None, :, :]) ** 2).sum(-1)
    return np.argsort(distances, axis=1)[:, :k]


def top_k_everything(queries, database, k):
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    d = database / np.linalg.norm(database, axis=1, keepdims=True)
    return np.argsort(-(q @ d.T), axis=1)


def precision_counts(query_labels, retrieved_labels, k):
    return int((retrieved_labels[:, :k] == query_labels[:, None]).sum())


def precision_ignores_k(query_labels, retrieved_labels, k):
    return (retrieved_labels == query_labels[:, None]).mean()


def precision_any_match(query_labels, retrieved_labels, k):
    return (retrieved_labels[:, :k] == query_labels[:, None]).any(axis=1).mean()


def precision_skips_first(query_labels, retrieved_labels, k):
    return (retrieved_labels[:, 1 : k + 1] == query_labels[:, None]).mean()


RIGHT = {
    (I1, "conv_output_size"): conv_output_size_ok,
    (I1, "train_step"): train_step_ok,
    (I2, "strip_and_normalise"): strip_and_normalise_ok,
    (I2, "kmeans_nmi"): kmeans_nmi_ok,
    (I3, "cosine_top_k"): cosine_top_k_ok,
    (I3, "precision_at_k"): precision_at_k_ok,
}

WRONG = {
    (I1, "conv_output_size"): [
        (conv_true_division, "round the division down (`//`)"),
        (conv_rounds_up, "round the division *down*"),
        (conv_ignores_padding, "the padding adds"),
        (conv_pads_one_side, "*both* sides"),
        (conv_forgets_plus_one, "(+ 1)"),
    ],
    (I1, "train_step"): [
        (step_without_zero_grad, "optimizer.zero_grad()"),
        (step_without_step, "call `optimizer.step()`"),
        (step_before_backward, "call `optimizer.step()`"),
        (step_softmax_first, "takes the raw logits"),
        (step_own_optimizer, "not as one step of `optimizer`"),
    ],
    (I2, "strip_and_normalise"): [
        (strip_returns_logits, "strip the head"),
        (strip_not_normalised, "divide each row by its L2 norm"),
        (strip_normalises_columns, "normalise each row"),
        (strip_l1, "the L1 norm"),
        (strip_forgets_eval, "model.eval()"),
        (strip_keeps_grad, "torch.no_grad()"),
    ],
    (I2, "kmeans_nmi"): [
        (nmi_cluster_ids_as_labels, "cluster numbers are arbitrary"),
        (nmi_is_ari, "adjusted Rand index"),
        (nmi_not_normalised, "not normalised"),
        (nmi_one_cluster_per_label, "use `n_clusters`"),
    ],
    (I3, "cosine_top_k"): [
        (top_k_dot_product, "ranks by dot product"),
        (top_k_least_similar, "*least* similar"),
        (top_k_returns_scores, "returns the similarities"),
        (top_k_euclidean, "Euclidean distance"),
        (top_k_everything, "shape (6, 4)"),
    ],
    (I3, "precision_at_k"): [
        (precision_counts, "a count"),
        (precision_ignores_k, "only the first k"),
        (precision_any_match, "not whether any"),
        (precision_skips_first, "first column is the nearest result"),
    ],
}
