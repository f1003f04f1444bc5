"""Reference and wrong answers for the Joint spaces chapter's exercises (see test_checks.py)."""
import numpy as np
import torch

from embedlib import joint

J1, J2 = "05_joint/01_common_space", "05_joint/02_suggestions_and_geometry"


def ranking_loss_ok(image_vecs, tag_vecs, positives, margin):
    scores = image_vecs @ tag_vecs.T
    hinge = torch.relu(margin - scores.unsqueeze(2) + scores.unsqueeze(1))
    valid = positives.unsqueeze(2) & ~positives.unsqueeze(1)
    return (hinge * valid).sum() / valid.sum().clamp(min=1)


def train_epoch_ok(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        img, tags = space(X[idx], W)
        loss = joint.ranking_loss(img, tags, Y[idx], margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def recall_ok(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    has = relevant.any(axis=1)
    return float(np.mean(found[has] / relevant.sum(axis=1)[has]))


def zero_shot_split_ok(tags, word, vocabulary, picture_ids):
    carries = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags], dtype=bool)
    held_out = np.isin(picture_ids, picture_ids[carries])
    return held_out, [w for w in vocabulary if w.lower() != word.lower()]


def zero_shot_split_loop_ok(tags, word, vocabulary, picture_ids):
    held_pictures = set()
    for i, image_tags in enumerate(tags):
        for t in image_tags:
            if t.casefold() == word.casefold():
                held_pictures.add(int(picture_ids[i]))
    held_out = np.array([int(p) in held_pictures for p in picture_ids])
    return held_out, [w for w in vocabulary if w.casefold() != word.casefold()]


# -- wrong answers, each with the feedback it must get ---------------------------------


def _triples(image_vecs, tag_vecs, positives):
    scores = image_vecs @ tag_vecs.T
    return scores.unsqueeze(2), scores.unsqueeze(1), positives.unsqueeze(2) & ~positives.unsqueeze(1)


def loss_no_hinge(image_vecs, tag_vecs, positives, margin):
    pos, neg, valid = _triples(image_vecs, tag_vecs, positives)
    return ((margin - pos + neg) * valid).sum() / valid.sum()


def loss_signs_swapped(image_vecs, tag_vecs, positives, margin):
    pos, neg, valid = _triples(image_vecs, tag_vecs, positives)
    return (torch.relu(margin + pos - neg) * valid).sum() / valid.sum()


def loss_all_pairs(image_vecs, tag_vecs, positives, margin):
    pos, neg, _ = _triples(image_vecs, tag_vecs, positives)
    return torch.relu(margin - pos + neg).mean()


def loss_summed(image_vecs, tag_vecs, positives, margin):
    pos, neg, valid = _triples(image_vecs, tag_vecs, positives)
    return (torch.relu(margin - pos + neg) * valid).sum()


def loss_no_margin(image_vecs, tag_vecs, positives, margin):
    pos, neg, valid = _triples(image_vecs, tag_vecs, positives)
    return (torch.relu(neg - pos) * valid).sum() / valid.sum()


def loss_detached(image_vecs, tag_vecs, positives, margin):
    return ranking_loss_ok(image_vecs, tag_vecs, positives, margin).detach()


def recall_lowest_scores(scores, relevant, k):
    return recall_ok(-scores, relevant, k)


def recall_is_precision(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    has = relevant.any(axis=1)
    return float(np.mean(found[has] / k))


def recall_keeps_empty_queries(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    return float(np.mean(found / np.maximum(relevant.sum(axis=1), 1)))


def recall_any_hit(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    return float(np.mean(found[relevant.any(axis=1)] > 0))









def split_substring(tags, word, vocabulary, picture_ids):
    held_out = np.array([any(word in t.lower() for t in image_tags) for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_title_string(tags, word, vocabulary, picture_ids):  # searches the joined title text
    held_out = np.array([word in " ".join(image_tags).lower() for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_first_tag_only(tags, word, vocabulary, picture_ids):
    held_out = np.array([bool(image_tags) and image_tags[0].lower() == word for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_case_sensitive(tags, word, vocabulary, picture_ids):
    held_out = np.array([word in image_tags for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_keeps_word(tags, word, vocabulary, picture_ids):
    held_out = np.array([word in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, list(vocabulary)


def split_indices(tags, word, vocabulary, picture_ids):
    held_out = [i for i, image_tags in enumerate(tags) if word in [t.lower() for t in image_tags]]
    return np.array(held_out), [w for w in vocabulary if w != word]


def split_mutates_vocabulary(tags, word, vocabulary, picture_ids):
    held_out = np.array([word in [t.lower() for t in image_tags] for image_tags in tags])
    if word in vocabulary:
        vocabulary.remove(word)
    return held_out, vocabulary


def split_vocabulary_by_substring(tags, word, vocabulary, picture_ids):
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, [w for w in vocabulary if word.lower() not in w.lower()]


def split_vocabulary_sorted(tags, word, vocabulary, picture_ids):
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, sorted(set(vocabulary) - {word.lower()})


def split_word_not_lowered(tags, word, vocabulary, picture_ids):  # lower-cases the tags but not the word
    held_out = np.array([word in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def loss_nan_without_triples(image_vecs, tag_vecs, positives, margin):  # 0 / 0 for a batch without triples
    pos, neg, valid = _triples(image_vecs, tag_vecs, positives)
    return (torch.relu(margin - pos + neg) * valid).sum() / valid.sum()


def split_ignores_pictures(tags, word, vocabulary, picture_ids):
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags], dtype=bool)
    return held_out, [w for w in vocabulary if w.lower() != word.lower()]


def split_first_picture_only(tags, word, vocabulary, picture_ids):  # widens with the first held-out picture only
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags], dtype=bool)
    if held_out.any():
        held_out = held_out | (picture_ids == picture_ids[held_out][0])
    return held_out, [w for w in vocabulary if w.lower() != word.lower()]


def split_every_shared_picture(tags, word, vocabulary, picture_ids):  # holds out all duplicates, word or not
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags], dtype=bool)
    shared = np.bincount(picture_ids)[picture_ids] > 1
    return held_out | shared, [w for w in vocabulary if w.lower() != word.lower()]


def _epoch(space, optimizer, X, W, Y, margin, batch_size, order, rows=None, clear=True):
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        img, tags = space(X[idx], W)
        loss = joint.ranking_loss(img, tags, Y[idx] if rows is None else Y[rows[start : start + batch_size]], margin)
        if clear:
            optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def epoch_global_rng(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X))
    return float(np.mean(_epoch(space, optimizer, X, W, Y, margin, batch_size, order)))


def epoch_numpy_rng(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.as_tensor(np.random.default_rng(0).permutation(len(X)))
    return float(np.mean(_epoch(space, optimizer, X, W, Y, margin, batch_size, order)))


def epoch_no_shuffle(space, optimizer, X, W, Y, margin, batch_size, generator):
    torch.randperm(len(X), generator=generator)  # drawn, then not used
    return float(np.mean(_epoch(space, optimizer, X, W, Y, margin, batch_size, torch.arange(len(X)))))


def epoch_positives_in_stored_order(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    return float(np.mean(_epoch(space, optimizer, X, W, Y, margin, batch_size, order, rows=torch.arange(len(X)))))


def epoch_without_zero_grad(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    return float(np.mean(_epoch(space, optimizer, X, W, Y, margin, batch_size, order, clear=False)))


def epoch_drops_last_batch(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    losses = []
    for start in range(0, len(X) - batch_size + 1, batch_size):  # full batches only
        idx = order[start : start + batch_size]
        img, tags = space(X[idx], W)
        loss = joint.ranking_loss(img, tags, Y[idx], margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def epoch_projects_with_numpy(space, optimizer, X, W, Y, margin, batch_size, generator):  # no graph to P and Q
    order = torch.randperm(len(X), generator=generator)
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        img, tags = torch.as_tensor(space.images(X[idx])), torch.as_tensor(space.words(W))
        loss = joint.ranking_loss(img, tags, Y[idx], margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def epoch_words_without_graph(space, optimizer, X, W, Y, margin, batch_size, generator):  # Q never trains
    order = torch.randperm(len(X), generator=generator)
    tags = torch.as_tensor(space.words(W))
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        img, _ = space(X[idx], W)
        loss = joint.ranking_loss(img, tags, Y[idx], margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def epoch_last_batch_loss(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    return _epoch(space, optimizer, X, W, Y, margin, batch_size, order)[-1]


def epoch_summed(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    return float(np.sum(_epoch(space, optimizer, X, W, Y, margin, batch_size, order)))


def epoch_returns_tensor(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    total = 0
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        img, tags = space(X[idx], W)
        loss = joint.ranking_loss(img, tags, Y[idx], margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total = total + loss
    return total / ((len(X) + batch_size - 1) // batch_size)


def epoch_weighted_by_batch_size_ok(space, optimizer, X, W, Y, margin, batch_size, generator):
    order = torch.randperm(len(X), generator=generator)
    total = 0.0
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        img, tags = space(X[idx], W)
        loss = joint.ranking_loss(img, tags, Y[idx], margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    return total / len(X)


def epoch_split_ok(space, optimizer, X, W, Y, margin, batch_size, generator):  # torch.split, own loss
    order = torch.randperm(X.shape[0], generator=generator)
    losses = []
    for idx in torch.split(order, batch_size):
        img, tags = space(X[idx], W)
        loss = ranking_loss_loops_ok(img, tags, Y[idx], margin)
        model_params = list(space.parameters())
        for p in model_params:
            p.grad = None
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return sum(losses) / len(losses)


def recall_top_ten(scores, relevant, k):
    return recall_ok(scores, relevant, min(k, 10))


def recall_threshold_at_kth(scores, relevant, k):  # counts every item scoring at least the k-th best
    kth = -np.sort(-scores, axis=1)[:, k - 1 : k]
    found = (relevant & (scores >= kth)).sum(axis=1)
    has = relevant.any(axis=1)
    return float(np.mean(found[has] / relevant.sum(axis=1)[has]))


def recall_other_tie_order_ok(scores, relevant, k):  # ties broken towards the later item
    top = np.argsort(scores[:, ::-1], axis=1, kind="stable")[:, ::-1][:, :k]
    top = scores.shape[1] - 1 - top
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    has = relevant.any(axis=1)
    return float(np.mean(found[has] / relevant.sum(axis=1)[has]))


def loss_tags_detached(image_vecs, tag_vecs, positives, margin):
    return ranking_loss_ok(image_vecs, tag_vecs.detach(), positives, margin)


def loss_rebuilt_from_a_number(image_vecs, tag_vecs, positives, margin):
    value = float(ranking_loss_ok(image_vecs, tag_vecs, positives, margin))
    return torch.tensor(value, requires_grad=True)


def loss_per_image_mean(image_vecs, tag_vecs, positives, margin):  # NaN for an image without tags
    scores = image_vecs @ tag_vecs.T
    total = 0.0
    for i in range(len(scores)):
        h = torch.relu(margin - scores[i, positives[i]][:, None] + scores[i, ~positives[i]][None])
        total = total + h.mean()
    return total / len(scores)


def loss_zero_without_graph(image_vecs, tag_vecs, positives, margin):  # backward() on it raises
    mask = positives[:, :, None] & ~positives[:, None, :]
    scores = image_vecs @ tag_vecs.T
    h = torch.relu(margin - scores[:, :, None] + scores[:, None, :])[mask]
    return h.mean() if h.numel() else torch.tensor(0.0)


def loss_image_points_cut(image_vecs, tag_vecs, positives, margin):  # the tags an image lacks: image side detached
    pos = (image_vecs @ tag_vecs.T).unsqueeze(2)
    neg = (image_vecs.detach() @ tag_vecs.T).unsqueeze(1)
    valid = positives.unsqueeze(2) & ~positives.unsqueeze(1)
    return (torch.relu(margin - pos + neg) * valid).sum() / valid.sum().clamp(min=1)


def recall_pooled(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    return float(np.take_along_axis(relevant, top, axis=1).sum() / relevant.sum())


def recall_k_minus_one(scores, relevant, k):
    return recall_ok(scores, relevant, max(k - 1, 1))


def recall_down_the_columns(scores, relevant, k):  # argsort along axis 0: each item ranks the queries
    top = np.argsort(-scores, axis=0)[:k]
    found = np.take_along_axis(relevant, top, axis=0).sum(axis=0)
    has = relevant.any(axis=0)
    return float(np.mean(found[has] / relevant.sum(axis=0)[has]))


def recall_k_plus_one(scores, relevant, k):
    return recall_ok(scores, relevant, k + 1)


RIGHT = {
    (J1, "ranking_loss"): ranking_loss_ok,
    (J1, "train_epoch"): train_epoch_ok,
    (J1, "recall_at_k"): recall_ok,
    (J2, "zero_shot_split"): zero_shot_split_ok,
}

WRONG = {
    (J1, "ranking_loss"): [
        (loss_no_hinge, "clip at zero"),
        (loss_signs_swapped, "the signs are swapped"),
        (loss_all_pairs, "averages over all tag pairs"),
        (loss_summed, "return their mean"),
        (loss_no_margin, "the margin is missing"),
        (loss_detached, "without gradients", "graph"),
        (loss_tags_detached, "wrong gradient with respect to `tag_vecs`", "graph"),
        (loss_rebuilt_from_a_number, "without gradients", "graph"),
        (loss_per_image_mean, "mean over all triples at once", "averages"),
        (loss_nan_without_triples, "a batch without triples must cost 0", "stability"),
        (loss_zero_without_graph, "a tensor without gradients, for a batch in which no image has both", "graph"),
        (loss_image_points_cut, "wrong gradient with respect to `image_vecs`", "graph"),
    ],
    (J1, "train_epoch"): [
        (epoch_global_rng, "does not draw the order of the images from `generator`", "seed"),
        (epoch_numpy_rng, "does not draw the order of the images from `generator`", "seed"),
        (epoch_no_shuffle, "takes the images in their stored order"),
        (epoch_positives_in_stored_order, "the positives of other images"),
        (epoch_without_zero_grad, "add up to those of the batches before"),
        (epoch_drops_last_batch, "leaves out the last, smaller batch"),
        (epoch_projects_with_numpy, "cut off from P and Q", "graph"),
        (epoch_words_without_graph, "never changes Q (the words' side)", "graph"),
        (epoch_last_batch_loss, "the loss of the last batch", "averages"),
        (epoch_summed, "the sum of the batches' losses", "averages"),
        (epoch_returns_tensor, "return the epoch's mean loss as a Python number", "return-type"),
    ],
    (J1, "recall_at_k"): [
        (recall_lowest_scores, "k lowest scores"),
        (recall_is_precision, "precision at k"),
        (recall_keeps_empty_queries, "leave such queries out"),
        (recall_any_hit, "any relevant item is found"),
        (recall_pooled, "pooled over the queries", "averages"),
        (recall_k_plus_one, "looks at the first"),
        (recall_k_minus_one, "one too few"),
        (recall_down_the_columns, "ranks down the columns (`axis=0`)"),
        (recall_top_ten, "not a habitual top 10", "cutoff"),
        (recall_threshold_at_kth, "that is more than k items", "ties"),
    ],
    (J2, "zero_shot_split"): [
        (split_substring, "inside other words"),
        (split_first_tag_only, "not just the first one"),
        (split_case_sensitive, "without regard to case"),
        (split_keeps_word, "keeps 'cat' in the training vocabulary"),
        (split_indices, "not indices", "return-type"),
        (split_mutates_vocabulary, "changed the vocabulary it was given"),
        (split_title_string, "inside other words"),
        (split_vocabulary_by_substring, "remove only the word itself"),
        (split_vocabulary_sorted, "in the vocabulary's own order"),
        (split_word_not_lowered, "without regard to case"),
        (split_ignores_pictures, "shows the same picture as image 0", "ties"),
        (split_first_picture_only, "shows the same picture as image 2", "ties"),
        (split_every_shared_picture, "nor shares its picture with an image that does", "ties"),
    ],
}

# the kinds of mistake that apply to each exercise (tests/test_checks.py requires a wrong case of each)
KINDS = {
    (J1, "ranking_loss"): {"stability", "graph", "averages"},
    (J1, "train_epoch"): {"seed", "graph", "averages", "return-type"},
    (J1, "recall_at_k"): {"averages", "cutoff", "ties"},
    (J2, "zero_shot_split"): {"ties", "return-type"},  # ties: images that share one picture
}


# -- correct answers written differently: the checks must accept them too -----------------


def ranking_loss_loops_ok(image_vecs, tag_vecs, positives, margin):
    scores = image_vecs @ tag_vecs.T
    total, count = 0 * scores.sum(), 0  # a 0 that keeps the graph, for a batch without triples
    for i in range(len(scores)):
        for j in torch.nonzero(positives[i]).flatten():
            for k in torch.nonzero(~positives[i]).flatten():
                total = total + torch.clamp(margin - scores[i, j] + scores[i, k], min=0)
                count += 1
    return total / max(count, 1)


def _masked_mean(scores, positives, margin):
    mask = positives[:, :, None] & ~positives[:, None, :]
    h = torch.relu(margin - scores[:, :, None] + scores[:, None, :])[mask]
    return h.mean() if h.numel() else scores.sum() * 0.0


def ranking_loss_cosine_similarity_ok(image_vecs, tag_vecs, positives, margin):  # s = cos(Px, Qw), as the text says
    scores = torch.nn.functional.cosine_similarity(image_vecs[:, None, :], tag_vecs[None, :, :], dim=-1)
    return _masked_mean(scores, positives, margin)


def ranking_loss_explicit_cosine_ok(image_vecs, tag_vecs, positives, margin):  # u·v / (|u| |v|)
    norms = image_vecs.norm(dim=1, keepdim=True) * tag_vecs.norm(dim=1)[None, :]
    return _masked_mean((image_vecs @ tag_vecs.T) / norms, positives, margin)


def ranking_loss_renormalised_ok(image_vecs, tag_vecs, positives, margin):  # normalises the (unit) inputs again
    normalize = torch.nn.functional.normalize
    return ranking_loss_ok(normalize(image_vecs, dim=1), normalize(tag_vecs, dim=1), positives, margin)


def recall_sorted_ok(scores, relevant, k):
    recalls = []
    for row, rel in zip(scores, relevant):
        if rel.any():
            best = sorted(range(len(row)), key=lambda j: row[j], reverse=True)[:k]
            recalls.append(rel[best].sum() / rel.sum())
    return sum(recalls) / len(recalls)


ALSO_RIGHT = {
    (J1, "ranking_loss"): [ranking_loss_loops_ok, ranking_loss_cosine_similarity_ok, ranking_loss_explicit_cosine_ok,
                           ranking_loss_renormalised_ok],
    (J1, "train_epoch"): [epoch_weighted_by_batch_size_ok, epoch_split_ok],
    (J1, "recall_at_k"): [recall_sorted_ok, recall_other_tie_order_ok],
    (J2, "zero_shot_split"): [zero_shot_split_loop_ok],
}
