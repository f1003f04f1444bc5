"""Reference and wrong answers for the Joint spaces chapter's exercises (see test_checks.py)."""
import numpy as np
import torch

J1, J2 = "05_joint/01_common_space", "05_joint/02_suggestions_and_geometry"


def ranking_loss_ok(image_vecs, tag_vecs, positives, margin):
    scores = image_vecs @ tag_vecs.T
    hinge = torch.relu(margin - scores.unsqueeze(2) + scores.unsqueeze(1))
    valid = positives.unsqueeze(2) & ~positives.unsqueeze(1)
    return (hinge * valid).sum() / valid.sum()


def recall_ok(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    found = np.take_along_axis(relevant, top, axis=1).sum(axis=1)
    has = relevant.any(axis=1)
    return float(np.mean(found[has] / relevant.sum(axis=1)[has]))


def zero_shot_split_ok(tags, word, vocabulary):
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags], dtype=bool)
    return held_out, [w for w in vocabulary if w.lower() != word.lower()]


def zero_shot_split_loop_ok(tags, word, vocabulary):
    held_out = np.zeros(len(tags), dtype=bool)
    for i, image_tags in enumerate(tags):
        for t in image_tags:
            if t.casefold() == word.casefold():
                held_out[i] = True
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









def split_substring(tags, word, vocabulary):
    held_out = np.array([any(word in t.lower() for t in image_tags) for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_title_string(tags, word, vocabulary):  # searches the joined title text
    held_out = np.array([word in " ".join(image_tags).lower() for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_first_tag_only(tags, word, vocabulary):
    held_out = np.array([bool(image_tags) and image_tags[0].lower() == word for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_case_sensitive(tags, word, vocabulary):
    held_out = np.array([word in image_tags for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


def split_keeps_word(tags, word, vocabulary):
    held_out = np.array([word in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, list(vocabulary)


def split_indices(tags, word, vocabulary):
    held_out = [i for i, image_tags in enumerate(tags) if word in [t.lower() for t in image_tags]]
    return np.array(held_out), [w for w in vocabulary if w != word]


def split_mutates_vocabulary(tags, word, vocabulary):
    held_out = np.array([word in [t.lower() for t in image_tags] for image_tags in tags])
    if word in vocabulary:
        vocabulary.remove(word)
    return held_out, vocabulary


def split_vocabulary_by_substring(tags, word, vocabulary):
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, [w for w in vocabulary if word.lower() not in w.lower()]


def split_vocabulary_sorted(tags, word, vocabulary):
    held_out = np.array([word.lower() in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, sorted(set(vocabulary) - {word.lower()})


def split_word_not_lowered(tags, word, vocabulary):  # lower-cases the tags but not the word
    held_out = np.array([word in [t.lower() for t in image_tags] for image_tags in tags])
    return held_out, [w for w in vocabulary if w != word]


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


def recall_pooled(scores, relevant, k):
    top = np.argsort(-scores, axis=1)[:, :k]
    return float(np.take_along_axis(relevant, top, axis=1).sum() / relevant.sum())


def recall_k_plus_one(scores, relevant, k):
    return recall_ok(scores, relevant, k + 1)


RIGHT = {
    (J1, "ranking_loss"): ranking_loss_ok,
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
        (loss_detached, "without gradients"),
        (loss_tags_detached, "wrong gradient with respect to `tag_vecs`"),
        (loss_rebuilt_from_a_number, "without gradients"),
        (loss_per_image_mean, "mean over all triples at once"),
    ],
    (J1, "recall_at_k"): [
        (recall_lowest_scores, "k lowest scores"),
        (recall_is_precision, "precision at k"),
        (recall_keeps_empty_queries, "leave such queries out"),
        (recall_any_hit, "any relevant item is found"),
        (recall_pooled, "pooled over the queries"),
        (recall_k_plus_one, "looks at the first"),
    ],
    (J2, "zero_shot_split"): [
        (split_substring, "inside other words"),
        (split_first_tag_only, "not just the first one"),
        (split_case_sensitive, "without regard to case"),
        (split_keeps_word, "keeps 'cat' in the training vocabulary"),
        (split_indices, "not indices"),
        (split_mutates_vocabulary, "changed the vocabulary it was given"),
        (split_title_string, "inside other words"),
        (split_vocabulary_by_substring, "remove only the word itself"),
        (split_vocabulary_sorted, "in the vocabulary's own order"),
        (split_word_not_lowered, "without regard to case"),
    ],
}


# -- correct answers written differently: the checks must accept them too -----------------


def ranking_loss_loops_ok(image_vecs, tag_vecs, positives, margin):
    scores = image_vecs @ tag_vecs.T
    total, count = scores.new_zeros(()), 0
    for i in range(len(scores)):
        for j in torch.nonzero(positives[i]).flatten():
            for k in torch.nonzero(~positives[i]).flatten():
                total = total + torch.clamp(margin - scores[i, j] + scores[i, k], min=0)
                count += 1
    return total / count


def recall_sorted_ok(scores, relevant, k):
    recalls = []
    for row, rel in zip(scores, relevant):
        if rel.any():
            best = sorted(range(len(row)), key=lambda j: row[j], reverse=True)[:k]
            recalls.append(rel[best].sum() / rel.sum())
    return sum(recalls) / len(recalls)


ALSO_RIGHT = {
    (J1, "ranking_loss"): [ranking_loss_loops_ok],
    (J1, "recall_at_k"): [recall_sorted_ok],
    (J2, "zero_shot_split"): [zero_shot_split_loop_ok],
}
