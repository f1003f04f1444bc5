"""Reference and wrong answers for the Images chapter's exercises (see test_checks.py)."""
import numpy as np
import torch
import torch.nn.functional as F

I1, I2, I3 = "04_images/01_cnn", "04_images/02_embedding_images", "04_images/03_image_search"


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


def precision_by_category_ok(top, labels, k):
    hits = (labels[top[:, :k]] == labels[:, None]).mean(axis=1)
    return np.array([hits[labels == c].mean() for c in range(labels.max() + 1)])


def centre_ok(database, queries):
    mean = database.mean(axis=0)
    db, q = database - mean, queries - mean
    return db / np.linalg.norm(db, axis=1, keepdims=True), q / np.linalg.norm(q, axis=1, keepdims=True)


# -- wrong answers, each with the feedback it must get ---------------------------------


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


def step_zero_grad_between(model, optimizer, images, labels):
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()


def step_loss_cut_from_the_graph(model, optimizer, images, labels):  # "fixes" a backward() error
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images).detach().requires_grad_(), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_returns_the_tensor(model, optimizer, images, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss


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


def step_clears_after(model, optimizer, images, labels):  # clears for the next call: stale gradients still apply
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return float(loss.detach())


def step_by_hand(model, optimizer, images, labels):  # a plain SGD update written out; the optimizer unused
    model.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    return loss.item()


def step_model_zero_grad(model, optimizer, images, labels):  # right: the model clears its own gradients
    model.zero_grad()
    loss = F.nll_loss(F.log_softmax(model(images), dim=1), labels)
    loss.backward()
    optimizer.step()
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


def qbe_fixed_top_ten(vectors, rows, k):
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    return np.argsort(-scores, axis=1, kind="stable")[:, :min(k, 10)]


def qbe_argpartition_ok(vectors, rows, k):  # right: partial sort, then order the k
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    return np.take_along_axis(part, np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1), axis=1)


def qbe_argpartition_unsorted(vectors, rows, k):  # the k best, in whatever order argpartition leaves them
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    return np.argpartition(-scores, k, axis=1)[:, :k]


def qbe_argpartition_largest_last_ok(vectors, rows, k):  # right: the last k of a partition, sorted
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    part = np.argpartition(scores, -k, axis=-1)[:, -k:]
    return np.take_along_axis(part, np.argsort(np.take_along_axis(-scores, part, axis=1), axis=1), axis=1)


def _hits(top, labels, k):
    return (labels[top[:, :k]] == labels[:, None]).mean(axis=1)


def category_all_results(top, labels, k):
    return precision_by_category_ok(top, labels, top.shape[1])


def category_top_ten(top, labels, k):
    return precision_by_category_ok(top, labels, min(k, 10))


def category_pooled_over_all_queries(top, labels, k):
    return np.full(labels.max() + 1, _hits(top, labels, k).mean())


def category_one_number(top, labels, k):
    return float(np.mean(precision_by_category_ok(top, labels, k)))


def category_of_the_results(top, labels, k):
    results = labels[top[:, :k]]
    found = results == labels[:, None]
    return np.array([found[results == c].mean() if (results == c).any() else np.nan for c in range(labels.max() + 1)])


def category_recall(top, labels, k):
    found = (labels[top[:, :k]] == labels[:, None]).sum(axis=1)
    others = np.bincount(labels)[labels] - 1
    share = found / np.maximum(others, 1)
    return np.array([share[labels == c].mean() for c in range(labels.max() + 1)])


def category_counts(top, labels, k):
    found = (labels[top[:, :k]] == labels[:, None]).sum(axis=1)
    return np.array([found[labels == c].mean() for c in range(labels.max() + 1)])


def category_skips_first_result(top, labels, k):  # takes the first column for the query itself
    return precision_by_category_ok(top[:, 1:], labels, k)


def category_in_order_of_first_appearance(top, labels, k):
    hits = (labels[top[:, :k]] == labels[:, None]).mean(axis=1)
    return np.array([hits[labels == c].mean() for c in dict.fromkeys(labels.tolist())])


def category_bincount_ok(top, labels, k):  # right: sums per category over counts per category
    return np.bincount(labels, weights=_hits(top, labels, k)) / np.bincount(labels)


def category_loop_ok(top, labels, k):  # right: plain loops, a list
    out = []
    for c in sorted(set(labels.tolist())):
        shares = [sum(labels[j] == c for j in top[i][:k]) / k for i in range(len(labels)) if labels[i] == c]
        out.append(sum(shares) / len(shares))
    return out


def strip_and_normalise_float64_ok(model, images):  # float64 is accepted, as the stub says
    model.eval()
    with torch.no_grad():
        feats = model.features(torch.as_tensor(images)).double().numpy()
    return feats / np.linalg.norm(feats, axis=1, keepdims=True)


def centre_float64_ok(database, queries):  # float64 is accepted, as the stub says
    database, queries = database.astype(np.float64), queries.astype(np.float64)
    mean = database.mean(axis=0)
    db, q = database - mean, queries - mean
    return db / np.linalg.norm(db, axis=1, keepdims=True), q / np.linalg.norm(q, axis=1, keepdims=True)


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
    (I1, "train_step"): train_step_ok,
    (I2, "strip_and_normalise"): strip_and_normalise_ok,
    (I3, "query_by_example"): query_by_example_ok,
    (I3, "precision_by_category"): precision_by_category_ok,
    (I3, "centre"): centre_ok,
}

WRONG = {
    (I1, "train_step"): [
        (step_without_zero_grad, "optimizer.zero_grad()"),
        (step_zero_grad_between, "clears the gradients (`zero_grad()`) between `loss.backward()` and "
         "`optimizer.step()`"),
        (step_without_step, "never updates the weights: after `loss.backward()`, call `optimizer.step()`"),
        (step_before_backward, "calls `optimizer.step()` before `loss.backward()`"),
        (step_loss_cut_from_the_graph, "no gradient ever reached the model's weights", "graph"),
        (step_returns_the_tensor, "return the loss as a Python number", "return-type"),
        (step_softmax_first, "takes the raw logits"),
        (step_own_optimizer, "an optimizer of its own"),
        (step_by_hand, "by hand (`p -= lr * p.grad`)"),
        (step_clears_after, "Zero the gradients before backward()"),
    ],
    (I2, "strip_and_normalise"): [
        (strip_returns_logits, "strip the head"),
        (strip_not_normalised, "divide each row by its L2 norm"),
        (strip_normalises_columns, "normalise each row"),
        (strip_l1, "the L1 norm"),
        (strip_forgets_eval, "model.eval()"),
        (strip_keeps_grad, "torch.no_grad()", "return-type"),
    ],
    (I3, "query_by_example"): [
        (qbe_keeps_the_query, "its own best match"),
        (qbe_drops_the_first_result, "by its row number, not by its position", "ties"),
        (qbe_drops_every_perfect_match, "is a duplicate of the query", "ties"),
        (qbe_least_similar, "*least* similar"),
        (qbe_k_minus_one, "there must still be k = 3"),
        (qbe_fixed_top_ten, "not a fixed top 10", "cutoff"),
        (qbe_returns_scores, "returns similarities", "return-type"),
        (qbe_argpartition_unsorted, "not in order: the most similar first; `np.argpartition`"),
    ],
    (I3, "precision_by_category"): [
        (category_all_results, "only the first k = 2 count", "cutoff"),
        (category_top_ten, "use k, not a habitual top 10", "cutoff"),
        (category_pooled_over_all_queries, "average the queries of each category separately", "averages"),
        (category_one_number, "return one precision per category", "return-type"),
        (category_of_the_results, "group by the category of the *query*"),
        (category_recall, "(that is recall)"),
        (category_counts, "it counts the hits"),
        (category_skips_first_result, "it skips the first result of each query"),
        (category_in_order_of_first_appearance, "in the order they first appear in `labels`"),
    ],
    (I3, "centre"): [
        (centre_on_query_mean, "centres the queries on their own mean", "averages"),
        (centre_each_row, "its own mean (over its columns, `axis=1`)"),
        (centre_not_renormalised, "normalise each row *after* centring"),
        (centre_normalises_before, "normalise each row *after* centring"),
        (centre_on_both_means, "the database and the queries together", "averages"),
        (centre_in_place, "in place"),
        (centre_only_the_database, "centres the database right but not the queries"),
    ],
}

# the kinds of mistake that apply to each exercise (tests/test_checks.py requires a wrong case of each)
KINDS = {
    (I1, "train_step"): {"graph", "return-type"},  # no seed argument: the batches come from the caller
    (I2, "strip_and_normalise"): {"return-type"},  # a numpy array; a tensor only if it no longer tracks gradients
    (I3, "query_by_example"): {"ties", "cutoff", "return-type"},
    (I3, "precision_by_category"): {"cutoff", "averages", "return-type"},
    (I3, "centre"): {"averages"},  # the mean of the database only, not of the queries or of both
}

# correct answers written differently: the checks must accept them
ALSO_RIGHT = {
    (I1, "train_step"): [step_model_zero_grad],
    (I2, "strip_and_normalise"): [strip_and_normalise_float64_ok],
    (I3, "centre"): [centre_float64_ok],
    (I3, "query_by_example"): [qbe_argpartition_ok, qbe_argpartition_largest_last_ok],
    (I3, "precision_by_category"): [category_bincount_ok, category_loop_ok],
}
