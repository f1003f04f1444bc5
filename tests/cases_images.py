"""Reference and wrong answers for the Images chapter's exercises (see test_checks.py)."""
import math

import numpy as np
import torch
import torch.nn.functional as F

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


def query_by_example_ok(vectors, rows, k):
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def centre_ok(database, queries):
    mean = database.mean(axis=0)
    db, q = database - mean, queries - mean
    return db / np.linalg.norm(db, axis=1, keepdims=True), q / np.linalg.norm(q, axis=1, keepdims=True)


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


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def qbe_keeps_the_query(vectors, rows, k):
    return np.argsort(-(vectors[rows] @ vectors.T), axis=1, kind="stable")[:, :k]


def qbe_drops_the_first_result(vectors, rows, k):
    return np.argsort(-(vectors[rows] @ vectors.T), axis=1, kind="stable")[:, 1 : k + 1]


def qbe_drops_every_perfect_match(vectors, rows, k):
    scores = vectors[rows] @ vectors.T
    scores[scores > 1 - 1e-6] = -np.inf
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def qbe_least_similar(vectors, rows, k):
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = np.inf
    return np.argsort(scores, axis=1, kind="stable")[:, :k]


def qbe_k_minus_one(vectors, rows, k):
    top = np.argsort(-(vectors[rows] @ vectors.T), axis=1, kind="stable")[:, :k]
    return np.array([[j for j in row if j != q] for row, q in zip(top, rows)])


def qbe_returns_scores(vectors, rows, k):
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    return -np.sort(-scores, axis=1)[:, :k]


def centre_on_query_mean(database, queries):
    return _unit(database - database.mean(axis=0)), _unit(queries - queries.mean(axis=0))


def centre_each_row(database, queries):
    return _unit(database - database.mean(axis=1, keepdims=True)), _unit(queries - queries.mean(axis=1, keepdims=True))


def centre_not_renormalised(database, queries):
    mean = database.mean(axis=0)
    return database - mean, queries - mean


def centre_normalises_before(database, queries):
    database, queries = _unit(database), _unit(queries)
    mean = database.mean(axis=0)
    return database - mean, queries - mean


def centre_on_both_means(database, queries):
    mean = np.concatenate([database, queries]).mean(axis=0)
    return _unit(database - mean), _unit(queries - mean)


def centre_in_place(database, queries):
    mean = database.mean(axis=0)
    database -= mean
    queries -= mean
    return _unit(database), _unit(queries)


def centre_only_the_database(database, queries):
    return _unit(database - database.mean(axis=0)), queries


RIGHT = {
    (I1, "conv_output_size"): conv_output_size_ok,
    (I1, "train_step"): train_step_ok,
    (I2, "strip_and_normalise"): strip_and_normalise_ok,
    (I3, "query_by_example"): query_by_example_ok,
    (I3, "centre"): centre_ok,
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
    (I3, "query_by_example"): [
        (qbe_keeps_the_query, "its own best match"),
        (qbe_drops_the_first_result, "by its row number, not by its position"),
        (qbe_drops_every_perfect_match, "is a duplicate of the query"),
        (qbe_least_similar, "*least* similar"),
        (qbe_k_minus_one, "there must still be k = 3"),
        (qbe_returns_scores, "returns similarities"),
    ],
    (I3, "centre"): [
        (centre_on_query_mean, "centres the queries on their own mean"),
        (centre_each_row, "its own mean (over its columns, `axis=1`)"),
        (centre_not_renormalised, "normalise each row *after* centring"),
        (centre_normalises_before, "normalise each row *after* centring"),
        (centre_on_both_means, "the database and the queries together"),
        (centre_in_place, "in place"),
        (centre_only_the_database, "centres the database right but not the queries"),
    ],
}
