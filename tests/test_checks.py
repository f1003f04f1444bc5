"""Every exercise check accepts the right answer, flags the stub as not
attempted, and rejects plausible wrong answers with the intended feedback.

WRONG maps each exercise to wrong implementations and a phrase the feedback
must contain; an entry ``(fn, phrase, kind)`` also names the kind of mistake it
is. KINDS lists, per exercise, the kinds of mistake that apply to it (the
issue's list: see KIND_NAMES), and a meta-test requires a wrong case of each.
ALSO_RIGHT holds correct answers written differently, which must pass. A meta-test makes sure no registered exercise is left without
at least two of them. The Words chapter's cases are here; later chapters add
theirs from tests/cases_<chapter>.py (same RIGHT and WRONG shape).
"""
from collections import Counter

import numpy as np
import pytest
import torch

import cases_graphs
import cases_images
import cases_joint
import cases_sequences
import cases_wrapup
from embedlib import text
from embedlib.course import NOTEBOOKS, exercises
from embedlib.course.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, Written
from embedlib.course.words.visualisation import _nearest  # the neighbour lists the check itself uses

# -- reference answers -----------------------------------------------------------


def build_vocab_ok(tokens, min_count):
    return text.Vocab.from_tokens(tokens, min_count=min_count).words


def skipgram_pairs_ok(tokens, window):
    pairs = []
    for i, centre in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((centre, tokens[j]))
    return pairs


def ppmi_ok(counts):
    return text.ppmi(counts)


def window_sweep_ok(sentences, vocab_size, windows, scorers):
    table = {}
    for window in windows:
        P = text.ppmi(text.cooccurrence_matrix(sentences, vocab_size, window), smoothing=0.75)
        table[window] = {name: score(P) for name, score in scorers.items()}
    return table


def sgns_loss_ok(centre, context, noise):
    pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
    neg = torch.nn.functional.logsigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)).sum(-1)
    return -(pos + neg).mean()


def _expit(x):
    from scipy.special import expit

    return expit(x)


def sgns_gradients_ok(centre, context, noise):
    b = len(centre)
    g_pos = _expit(np.einsum("bd,bd->b", centre, context)) - 1
    g_neg = _expit(np.einsum("bkd,bd->bk", noise, centre))
    return ((g_pos[:, None] * context + np.einsum("bk,bkd->bd", g_neg, noise)) / b,
            g_pos[:, None] * centre / b,
            g_neg[:, :, None] * centre[:, None, :] / b)


def most_similar_ok(word, vectors, words, topn):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = -np.inf
    return [(words[j], float(scores[j])) for j in np.argsort(-scores)[:topn]]


def _average_ranks(values):
    from scipy.stats import rankdata

    return rankdata(values)


def spearman_ok(x, y):
    return float(np.corrcoef(_average_ranks(x), _average_ranks(y))[0, 1])


def pca_ok(X, k):
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ Vt[:k].T, (S**2 / (S**2).sum())[:k]


def overlap_ok(high, low, k):
    from embedlib.evaluate import neighbour_overlap

    return neighbour_overlap(high, low, k)


def overlap_by_dimension_ok(X, dims, k):
    from sklearn.decomposition import PCA

    from embedlib.evaluate import neighbour_overlap

    return np.array([neighbour_overlap(X, PCA(n_components=d).fit_transform(X), k) for d in dims])


W1, W2, W3 = "01_words/01_sliding_window", "01_words/02_word2vec", "01_words/03_similarity"
def cos_add_ok(unit, a, b, c):
    scores = (unit[b] - unit[a] + unit[c]) @ unit.T
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def _shifted(unit, i):
    return (unit @ unit[i] + 1) / 2


def cos_mul_ok(unit, a, b, c):
    scores = _shifted(unit, b) * _shifted(unit, c) / (_shifted(unit, a) + 1e-3)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def project_ok(vectors, direction):
    return vectors @ (direction / np.linalg.norm(direction))


W4, W5 = "01_words/04_visualisation", "01_words/05_geometry"
RIGHT = {
    (W1, "build_vocab"): build_vocab_ok,
    (W1, "skipgram_pairs"): skipgram_pairs_ok,
    (W1, "ppmi"): ppmi_ok,
    (W1, "window_sweep"): window_sweep_ok,
    (W2, "sgns_loss"): sgns_loss_ok,
    (W2, "sgns_gradients"): sgns_gradients_ok,
    (W3, "most_similar"): most_similar_ok,
    (W3, "spearman_rho"): spearman_ok,
    (W4, "pca"): pca_ok,
    (W4, "neighbour_overlap"): overlap_ok,
    (W4, "overlap_by_dimension"): overlap_by_dimension_ok,
    (W5, "three_cos_add"): cos_add_ok,
    (W5, "three_cos_mul"): cos_mul_ok,
    (W5, "project"): project_ok,
}

# -- wrong answers, each with the feedback it must get ---------------------------------


def vocab_ignores_min_count(tokens, min_count):
    return [w for w, _ in sorted(Counter(tokens).items(), key=lambda wc: (-wc[1], wc[0]))]


def vocab_strictly_greater(tokens, min_count):
    return [w for w, c in sorted(Counter(tokens).items(), key=lambda wc: (-wc[1], wc[0])) if c > min_count]


def vocab_ties_by_first_seen(tokens, min_count):
    return [w for w, c in Counter(tokens).most_common() if c >= min_count]


def vocab_alphabetical(tokens, min_count):
    return sorted(w for w, c in Counter(tokens).items() if c >= min_count)


def vocab_returns_dict(tokens, min_count):
    return {w: i for i, w in enumerate(build_vocab_ok(tokens, min_count))}


def pairs_include_centre(tokens, window):
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(max(0, i - window), min(len(tokens), i + window + 1))]


def pairs_wrap_around(tokens, window):
    # tokens[-1] silently wraps round to the end of the list
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(i - window, min(len(tokens), i + window + 1)) if j != i and -len(tokens) <= j]


def pairs_off_by_one(tokens, window):
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(max(0, i - window), min(len(tokens), i + window)) if j != i]


def pairs_compare_words(tokens, window):
    return [(c, x) for c, x in skipgram_pairs_ok(tokens, window) if c != x]


def pairs_right_only(tokens, window):
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(i + 1, min(len(tokens), i + window + 1))]


def _pmi(c, row, col, total):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log((c / total) / np.outer(row, col))


def ppmi_no_clip(counts):
    c = np.asarray(counts, float)
    t = c.sum()
    return np.where(c > 0, _pmi(c, c.sum(1) / t, c.sum(0) / t, t), 0.0)


def ppmi_nan_for_zeros(counts):
    c = np.asarray(counts, float)
    t = c.sum()
    return np.maximum(_pmi(c, c.sum(1) / t, c.sum(0) / t, t), 0)


def ppmi_rows_for_both(counts):
    # uses the row sums as the context marginal too (only "works" on square input)
    c = np.asarray(counts, float)
    t = c.sum()
    r = c.sum(1) / t
    col = np.resize(r, c.shape[1])
    return np.where(c > 0, np.maximum(_pmi(c, r, col, t), 0), 0.0)


def ppmi_log2(counts):
    return text.ppmi(counts) / np.log(2)


def ppmi_unnormalised_marginals(counts):
    # divides by raw row and column sums instead of probabilities
    c = np.asarray(counts, float)
    t = c.sum()
    return np.where(c > 0, np.maximum(_pmi(c, c.sum(1), c.sum(0), t), 0), 0.0)


def ppmi_marginals_swapped(counts):
    # P(w) from the column sums, P(c) from the row sums: broadcasts only when the matrix is square
    c = np.asarray(counts, float)
    t = c.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((c / t) / ((c.sum(axis=0, keepdims=True).T / t) * (c.sum(axis=1, keepdims=True).T / t)))
    return np.where(c > 0, np.maximum(pmi, 0), 0.0)


def ppmi_cast_to_int(counts):
    return text.ppmi(counts).astype(int)


def ppmi_rounded(counts):
    return np.round(text.ppmi(counts))


def ppmi_add_one(counts):
    c = np.asarray(counts, float)
    return np.where(c > 0, text.ppmi(c + 1), 0.0)


def ppmi_add_one_everywhere(counts):
    return text.ppmi(np.asarray(counts, float) + 1)


def ppmi_epsilon_in_counts(counts):
    return text.ppmi(np.asarray(counts, float) + 1e-3)


def ppmi_context_smoothing(counts):
    return text.ppmi(counts, smoothing=0.75)


def ppmi_returns_largest_value(counts):
    return float(text.ppmi(counts).max())


def sweep_fixed_window(sentences, vocab_size, windows, scorers):
    P = text.ppmi(text.cooccurrence_matrix(sentences, vocab_size, 5), smoothing=0.75)
    return {w: {name: score(P) for name, score in scorers.items()} for w in windows}


def sweep_raw_counts(sentences, vocab_size, windows, scorers):
    return {w: {name: score(text.cooccurrence_matrix(sentences, vocab_size, w)) for name, score in scorers.items()}
            for w in windows}


def sweep_plain_ppmi(sentences, vocab_size, windows, scorers):
    return {w: {name: score(text.ppmi(text.cooccurrence_matrix(sentences, vocab_size, w)))
                for name, score in scorers.items()} for w in windows}


def sweep_accumulates_counts(sentences, vocab_size, windows, scorers):
    table, C = {}, 0
    for w in windows:
        C = C + text.cooccurrence_matrix(sentences, vocab_size, w)
        P = text.ppmi(C, smoothing=0.75)
        table[w] = {name: score(P) for name, score in scorers.items()}
    return table


def sweep_by_scorer_first(sentences, vocab_size, windows, scorers):
    table = window_sweep_ok(sentences, vocab_size, windows, scorers)
    return {name: {w: table[w][name] for w in windows} for name in scorers}


def sweep_list_of_rows(sentences, vocab_size, windows, scorers):
    table = window_sweep_ok(sentences, vocab_size, windows, scorers)
    return [(w, table[w]) for w in windows]


def sweep_one_scorer_for_all(sentences, vocab_size, windows, scorers):
    # late binding: every name gets the last scorer's score
    table = {}
    for w in windows:
        P = text.ppmi(text.cooccurrence_matrix(sentences, vocab_size, w), smoothing=0.75)
        for name, score in scorers.items():
            pass
        table[w] = {name: score(P) for name in scorers}
    return table


def loss_wrong_sign_for_noise(centre, context, noise):
    pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
    neg = torch.nn.functional.logsigmoid(torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)).sum(-1)
    return -(pos + neg).mean()


def loss_summed_over_batch(centre, context, noise):
    return sgns_loss_ok(centre, context, noise) * len(centre)


def loss_mean_over_noise(centre, context, noise):
    pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
    neg = torch.nn.functional.logsigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)).mean(-1)
    return -(pos + neg).mean()


def loss_without_log(centre, context, noise):
    pos = torch.sigmoid((centre * context).sum(-1))
    neg = torch.sigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)).sum(-1)
    return -(pos + neg).mean()


def loss_per_pair_vector(centre, context, noise):
    pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
    neg = torch.nn.functional.logsigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)).sum(-1)
    return -(pos + neg)


def loss_log_of_sigmoid(centre, context, noise):
    # log(sigmoid(x)) is log(0) = -inf once sigmoid underflows (x = -300 in float32)
    pos = torch.log(torch.sigmoid((centre * context).sum(-1)))
    neg = torch.log(torch.sigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2))).sum(-1)
    return -(pos + neg).mean()


def loss_log_of_sigmoid_plus_eps(centre, context, noise):
    # finite, but wrong far from 0: log(1e-10) is -23, not -300
    pos = torch.log(torch.sigmoid((centre * context).sum(-1)) + 1e-10)
    neg = torch.log(torch.sigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)) + 1e-10).sum(-1)
    return -(pos + neg).mean()


def loss_returns_float(centre, context, noise):
    return sgns_loss_ok(centre, context, noise).item()


def loss_rebuilt_as_new_tensor(centre, context, noise):
    return torch.tensor(sgns_loss_ok(centre, context, noise).item(), requires_grad=True)


def loss_through_numpy(centre, context, noise):
    from scipy.special import log_expit

    c, o, n = (t.detach().numpy() for t in (centre, context, noise))
    pos = log_expit(np.einsum("bd,bd->b", c, o))
    neg = log_expit(-np.einsum("bkd,bd->bk", n, c)).sum(-1)
    return torch.tensor(-(pos + neg).mean())


def loss_detaches_noise(centre, context, noise):
    return sgns_loss_ok(centre, context, noise.detach())


def grad_sign_flipped_on_context(centre, context, noise):
    gc, go, gn = sgns_gradients_ok(centre, context, noise)
    b = len(centre)
    g_pos = _expit(np.einsum("bd,bd->b", centre, context)) - 1
    return gc - 2 * g_pos[:, None] * context / b, -go, gn


def grad_centre_without_noise(centre, context, noise):
    gc, go, gn = sgns_gradients_ok(centre, context, noise)
    b = len(centre)
    g_pos = _expit(np.einsum("bd,bd->b", centre, context)) - 1
    return g_pos[:, None] * context / b, go, gn


def grad_noise_uses_sigma_of_minus(centre, context, noise):
    gc, go, _ = sgns_gradients_ok(centre, context, noise)
    b = len(centre)
    w = _expit(-np.einsum("bkd,bd->bk", noise, centre))
    return gc, go, w[:, :, None] * centre[:, None, :] / b


def grad_per_pair_not_mean(centre, context, noise):
    return tuple(g * len(centre) for g in sgns_gradients_ok(centre, context, noise))


def grad_unstable_sigmoid(centre, context, noise):
    def sigma(x):
        return np.exp(x) / (1 + np.exp(x))  # inf / inf = nan once exp overflows

    b = len(centre)
    g_pos = sigma(np.einsum("bd,bd->b", centre, context)) - 1
    g_neg = sigma(np.einsum("bkd,bd->bk", noise, centre))
    return ((g_pos[:, None] * context + np.einsum("bk,bkd->bd", g_neg, noise)) / b,
            g_pos[:, None] * centre / b, g_neg[:, :, None] * centre[:, None, :] / b)


def grad_noise_summed_over_k(centre, context, noise):
    gc, go, gn = sgns_gradients_ok(centre, context, noise)
    return gc, go, gn.sum(1)


def grad_returns_centre_only(centre, context, noise):
    return sgns_gradients_ok(centre, context, noise)[0]


def grad_returns_torch_tensors(centre, context, noise):
    # autograd's gradients, as torch tensors: the stub asks for numpy arrays, derived by hand
    c, o, n = (torch.tensor(a, requires_grad=True) for a in (centre, context, noise))
    sgns_loss_ok(c, o, n).backward()
    return c.grad, o.grad, n.grad


def grad_context_uses_context(centre, context, noise):
    gc, _, gn = sgns_gradients_ok(centre, context, noise)
    b = len(centre)
    g_pos = _expit(np.einsum("bd,bd->b", centre, context)) - 1
    return gc, g_pos[:, None] * context / b, gn


# -- 1.3 to 1.5 (words, part B): wrong answers, and right ones written differently ------------


def _unit_rows(vectors):
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def most_similar_keeps_query(word, vectors, words, topn):
    unit = _unit_rows(vectors)
    scores = unit @ unit[words.index(word)]
    return [(words[j], scores[j]) for j in np.argsort(-scores)[:topn]]


def most_similar_masks_with_zero(word, vectors, words, topn):
    unit = _unit_rows(vectors)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = 0.0
    return [(words[j], scores[j]) for j in np.argsort(-scores)[:topn]]


def most_similar_drops_first_result(word, vectors, words, topn):
    unit = _unit_rows(vectors)
    scores = unit @ unit[words.index(word)]
    return [(words[j], scores[j]) for j in np.argsort(-scores)[1 : topn + 1]]  # "the first is the word itself"


def most_similar_top_ten_at_most(word, vectors, words, topn):
    return most_similar_ok(word, vectors, words, min(topn, 10))


def most_similar_dot(word, vectors, words, topn):
    i = words.index(word)
    scores = vectors @ vectors[i]
    scores[i] = -np.inf
    return [(words[j], scores[j]) for j in np.argsort(-scores)[:topn]]


def most_similar_ascending(word, vectors, words, topn):
    unit = _unit_rows(vectors)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = np.inf
    return [(words[j], scores[j]) for j in np.argsort(scores)[:topn]]


def most_similar_words_only(word, vectors, words, topn):
    return [w for w, _ in most_similar_ok(word, vectors, words, topn)]


def most_similar_indices(word, vectors, words, topn):
    return [words.index(w) for w, _ in most_similar_ok(word, vectors, words, topn)]


def most_similar_one_norm(word, vectors, words, topn):
    # ranks right (the query's length is the same for every word) but the scores are not cosines
    i = words.index(word)
    scores = vectors @ vectors[i] / np.linalg.norm(vectors, axis=1)
    scores[i] = -np.inf
    return [(words[j], scores[j]) for j in np.argsort(-scores)[:topn]]


def most_similar_filter_by_word(word, vectors, words, topn):
    unit = _unit_rows(vectors)
    scores = unit @ unit[words.index(word)]
    ranked = [(words[j], scores[j]) for j in np.argsort(-scores, kind="stable")]
    return [(w, s) for w, s in ranked if w != word][:topn]


def most_similar_argpartition_float32(word, vectors, words, topn):
    unit = _unit_rows(vectors.astype(np.float32))
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = -np.inf
    top = np.argpartition(-scores, topn)[:topn]
    return [[words[j], scores[j]] for j in top[np.argsort(-scores[top])]]


def most_similar_argpartition_unsorted(word, vectors, words, topn):
    # np.argpartition splits off the top k but does not sort them
    unit = _unit_rows(vectors)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = -np.inf
    return [(words[j], scores[j]) for j in np.argpartition(-scores, topn)[:topn]]


def most_similar_first_two_swapped(word, vectors, words, topn):
    pairs = most_similar_ok(word, vectors, words, topn)
    return pairs[1:2] + pairs[:1] + pairs[2:]


def most_similar_top_k_ascending(word, vectors, words, topn):
    return most_similar_ok(word, vectors, words, topn)[::-1]


def most_similar_loop(word, vectors, words, topn):
    q = vectors[words.index(word)]
    pairs = [(w, float(v @ q / (np.linalg.norm(v) * np.linalg.norm(q)))) for w, v in zip(words, vectors) if w != word]
    return tuple(sorted(pairs, key=lambda p: -p[1])[:topn])


def most_similar_rounded(word, vectors, words, topn):
    return [(w, round(s, 3)) for w, s in most_similar_ok(word, vectors, words, topn)]


def spearman_pearson(x, y):
    return float(np.corrcoef(x, y)[0, 1])


def spearman_argsort(x, y):
    return float(np.corrcoef(np.argsort(x), np.argsort(y))[0, 1])


def _ranks(values, method):
    from scipy.stats import rankdata

    return rankdata(values, method=method)


def spearman_ordinal_ties(x, y):
    rx = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    ry = np.argsort(np.argsort(y, kind="stable"), kind="stable")
    return float(np.corrcoef(rx, ry)[0, 1])


def spearman_min_ties(x, y):
    return float(np.corrcoef(_ranks(x, "min"), _ranks(y, "min"))[0, 1])


def spearman_dense_ties(x, y):
    return float(np.corrcoef(_ranks(x, "dense"), _ranks(y, "dense"))[0, 1])


def spearman_shortcut_formula(x, y):
    d = _average_ranks(x) - _average_ranks(y)
    return 1 - 6 * float(d @ d) / (len(x) * (len(x) ** 2 - 1))


def spearman_returns_matrix(x, y):
    return np.corrcoef(_average_ranks(x), _average_ranks(y))


def spearman_own_ranks_loop(x, y):
    def ranks(values):
        values = list(values)
        ordered = sorted(values)
        # the mean of the 1-based positions a value occupies in the sorted list
        return np.array([ordered.index(v) + (ordered.count(v) + 1) / 2 for v in values])

    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def spearman_zero_based_ranks(x, y):
    return float(np.corrcoef(_average_ranks(x) - 1, _average_ranks(y) - 1)[0, 1])


def spearman_scipy(x, y):
    from scipy.stats import spearmanr

    return spearmanr(x, y).statistic


def pca_not_centred(X, k):
    coords, ratios = pca_ok(X, k)
    return X @ np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][:k].T, ratios


def pca_returns_u(X, k):
    return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[0][:, :k], pca_ok(X, k)[1]


def pca_smallest_directions(X, k):
    centred = X - X.mean(axis=0)
    return centred @ np.linalg.svd(centred, full_matrices=False)[2][-k:].T, pca_ok(X, k)[1]


def pca_returns_directions(X, k):
    return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][:k], pca_ok(X, k)[1]


def pca_coordinates_only(X, k):
    return pca_ok(X, k)[0]


def pca_ratios_not_squared(X, k):
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return pca_ok(X, k)[0], (S / S.sum())[:k]


def pca_ratios_of_kept_only(X, k):
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)[:k]
    return pca_ok(X, k)[0], S**2 / (S**2).sum()


def pca_ratios_ascending(X, k):
    coords, ratios = pca_ok(X, k)
    return coords, ratios[::-1]


def pca_all_ratios(X, k):
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return pca_ok(X, k)[0], S**2 / (S**2).sum()


def pca_eigh(X, k):
    centred = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    order = np.argsort(values)[::-1]
    return [centred @ vectors[:, order[:k]], (values[order] / values.sum())[:k]]


def pca_sklearn(X, k):
    from sklearn.decomposition import PCA

    model = PCA(n_components=k).fit(X)
    return model.transform(X), model.explained_variance_ratio_


def overlap_includes_self(high, low, k):
    a, b = _nearest(high, k, False), _nearest(low, k, False)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))


def overlap_counts_not_fraction(high, low, k):
    a, b = _nearest(high, k), _nearest(low, k)
    return float(np.mean([len(set(x) & set(y)) for x, y in zip(a, b)]))


def overlap_position_by_position(high, low, k):
    a, b = _nearest(high, k), _nearest(low, k)
    return float((a == b).mean())


def overlap_drops_first_column(high, low, k):
    # "the nearest point is always the point itself": not when another row is identical
    a, b = _nearest(high, k, False, drop_first=True), _nearest(low, k, False, drop_first=True)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))


def overlap_pooled(high, low, k):
    a, b = _nearest(high, k), _nearest(low, k)
    return len(set(a.ravel().tolist()) & set(b.ravel().tolist())) / a.size


def overlap_per_row(high, low, k):
    a, b = _nearest(high, k), _nearest(low, k)
    return np.array([len(set(x) & set(y)) / k for x, y in zip(a, b)])


def overlap_argpartition(high, low, k):
    def nearest(points):
        d = np.linalg.norm(points[:, None] - points[None], axis=-1)
        d[np.arange(len(d)), np.arange(len(d))] = np.inf
        return np.argpartition(d, k - 1, axis=1)[:, :k]

    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(nearest(high), nearest(low))]))


def overlap_ties_broken_by_last_row(high, low, k):
    from scipy.spatial.distance import cdist

    def nearest(points):
        d = cdist(points, points, "sqeuclidean")
        np.fill_diagonal(d, np.inf)
        later_first = -np.arange(len(points))
        return np.array([np.lexsort((later_first, row))[:k] for row in d])

    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(nearest(high), nearest(low))]))


def _pca_map(X, d):
    from sklearn.decomposition import PCA

    return PCA(n_components=d).fit_transform(X)


def by_dimension_compares_x_with_itself(X, dims, k):
    from embedlib.evaluate import neighbour_overlap

    return np.array([neighbour_overlap(X, X, k) for d in dims])


def by_dimension_first_columns(X, dims, k):
    from embedlib.evaluate import neighbour_overlap

    return np.array([neighbour_overlap(X, X[:, :d], k) for d in dims])


def by_dimension_d_as_k(X, dims, k):
    from embedlib.evaluate import neighbour_overlap

    return np.array([neighbour_overlap(X, _pca_map(X, d), d) for d in dims])


def by_dimension_dict(X, dims, k):
    from embedlib.evaluate import neighbour_overlap

    return {d: neighbour_overlap(X, _pca_map(X, d), k) for d in dims}


def by_dimension_last_value_repeated(X, dims, k):
    from embedlib.evaluate import neighbour_overlap

    for d in dims:
        value = neighbour_overlap(X, _pca_map(X, d), k)
    return np.array([value] * len(dims))  # filled after the loop: the last value only


def by_dimension_position_as_d(X, dims, k):
    return overlap_by_dimension_ok(X, [i + 1 for i, _ in enumerate(dims)], k)


def by_dimension_sorted_dims(X, dims, k):
    return overlap_by_dimension_ok(X, sorted(dims), k)


def by_dimension_one_fit(X, dims, k):
    from embedlib.evaluate import neighbour_overlap

    Z = _pca_map(X, max(dims))  # the first d principal coordinates do not depend on how many are fitted
    return [neighbour_overlap(X, Z[:, :d], k) for d in dims]


def by_dimension_own_svd(X, dims, k):
    centred = X - X.mean(axis=0)
    Vt = np.linalg.svd(centred, full_matrices=False)[2]
    return np.array([overlap_argpartition(X, centred @ Vt[:d].T, k) for d in dims])


def cos_add_keeps_question_words(unit, a, b, c):
    return int(np.argmax((unit[b] - unit[a] + unit[c]) @ unit.T))


def cos_add_masks_with_zero(unit, a, b, c):
    scores = (unit[b] - unit[a] + unit[c]) @ unit.T
    scores[[a, b, c]] = 0.0
    return int(np.argmax(scores))


def cos_add_wrong_order(unit, a, b, c):
    scores = (unit[a] - unit[b] + unit[c]) @ unit.T
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_add_argmin(unit, a, b, c):
    scores = (unit[b] - unit[a] + unit[c]) @ unit.T
    scores[[a, b, c]] = np.inf
    return int(np.argmin(scores))


def cos_add_excludes_b_and_c_only(unit, a, b, c):
    scores = (unit[b] - unit[a] + unit[c]) @ unit.T
    scores[[b, c]] = -np.inf  # "a is subtracted, so it cannot win"
    return int(np.argmax(scores))


def cos_add_returns_word_vector(unit, a, b, c):
    return unit[b] - unit[a] + unit[c]


def cos_add_first_not_in_question(unit, a, b, c):
    ranked = np.argsort(-((unit[b] - unit[a] + unit[c]) @ unit.T))
    return next(int(j) for j in ranked if j not in (a, b, c))


def cos_add_similarities_summed(unit, a, b, c):
    scores = unit @ unit[b] - unit @ unit[a] + unit @ unit[c]
    scores[[a, b, c]] = scores.min() - 1
    return np.int64(np.argmax(scores))


def cos_mul_unshifted(unit, a, b, c):
    scores = (unit @ unit[b]) * (unit @ unit[c]) / (unit @ unit[a] + 1e-3)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_mul_clipped(unit, a, b, c):
    s = lambda i: np.maximum(unit @ unit[i], 0)  # noqa: E731
    scores = s(b) * s(c) / (s(a) + 1e-3)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_mul_shift_without_half(unit, a, b, c):
    s = lambda i: unit @ unit[i] + 1  # noqa: E731  (in [0, 2]: ε weighs half as much)
    scores = s(b) * s(c) / (s(a) + 1e-3)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_mul_multiplies_a(unit, a, b, c):
    scores = _shifted(unit, b) * _shifted(unit, c) * _shifted(unit, a)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_mul_is_cos_add(unit, a, b, c):
    return cos_add_ok(unit, a, b, c)


def cos_mul_returns_scores(unit, a, b, c):
    scores = _shifted(unit, b) * _shifted(unit, c) / (_shifted(unit, a) + 1e-3)
    scores[[a, b, c]] = -np.inf
    return scores


def cos_mul_masks_with_zero(unit, a, b, c):
    # shifted similarities are >= 0, so 0 is low enough here (unlike in 3CosAdd)
    scores = _shifted(unit, b) * _shifted(unit, c) / (_shifted(unit, a) + 1e-3)
    scores[[a, b, c]] = 0.0
    return int(np.argmax(scores))


def cos_mul_one_product(unit, a, b, c):
    s = (unit @ unit[[a, b, c]].T + 1) / 2
    scores = s[:, 1] * s[:, 2] / (s[:, 0] + 1e-3)
    scores[[a, b, c]] = -np.inf
    return scores.argmax()


def project_unnormalised(vectors, direction):
    return vectors @ direction


def project_cosine(vectors, direction):
    return project_ok(vectors, direction) / np.linalg.norm(vectors, axis=1)


def project_vector_projection(vectors, direction):
    d = direction / np.linalg.norm(direction)
    return np.outer(vectors @ d, d)


def project_divides_by_squared_norm(vectors, direction):
    return vectors @ direction / (direction @ direction)


def project_absolute(vectors, direction):
    return np.abs(project_ok(vectors, direction))


def project_negated(vectors, direction):
    return vectors @ (-direction / np.linalg.norm(direction))


def project_loop(vectors, direction):
    length = np.sqrt(direction @ direction)
    return [float(np.dot(v, direction)) / length for v in vectors]


def project_einsum(vectors, direction):
    return np.einsum("ij,j->i", vectors, direction / np.linalg.norm(direction))


WRONG = {
    ("01_words/01_sliding_window", "build_vocab"): [
        (vocab_ignores_min_count, "must be left out"),
        (vocab_strictly_greater, "must be kept"),
        (vocab_ties_by_first_seen, "break ties alphabetically", "ties"),
        (vocab_alphabetical, "not sorted by count"),
        (vocab_returns_dict, "to return a list of words", "return-type"),
    ],
    ("01_words/01_sliding_window", "skipgram_pairs"): [
        (pairs_include_centre, "a position is not its own context"),
        (pairs_wrap_around, "is the window clipped at the ends?"),
        (pairs_off_by_one, "does the window reach"),
        (pairs_compare_words, "compare positions, not words", "ties"),
        (pairs_right_only, "to give 6 pairs; got 3"),
    ],
    ("01_words/01_sliding_window", "ppmi"): [
        (ppmi_no_clip, "PPMI clips negative PMI to 0"),
        (ppmi_nan_for_zeros, "non-finite value", "stability"),
        (ppmi_rows_for_both, "P(c) from column sums"),
        (ppmi_log2, "use the natural logarithm"),
        (ppmi_unnormalised_marginals, "is 0 in every cell, though [0, 1] (count 4) should be"),
        (ppmi_returns_largest_value, "to return shape (3, 3); got ()", "return-type"),
        (ppmi_marginals_swapped, "has P(w) and P(c) swapped"),
        (ppmi_cast_to_int, "contains integers ([0, 0, 0, 0, 0, 0, 0, 0, 0]): PPMI values are fractions", "return-type"),
        (ppmi_rounded, "contains only whole numbers", "return-type"),
        (ppmi_add_one, "adds 1 to every count (add-one smoothing)"),
        (ppmi_add_one_everywhere, "adds 1 to every count (add-one smoothing)"),
        (ppmi_epsilon_in_counts, "adds 0.001 to every count"),
        (ppmi_context_smoothing, "raises the context counts to the power 0.75"),
    ],
    (W1, "window_sweep"): [
        (sweep_fixed_window, "gives every window the same scores"),
        (sweep_raw_counts, "scores the raw counts"),
        (sweep_plain_ppmi, "smoothing=0.75"),
        (sweep_accumulates_counts, "build a fresh matrix for every window"),
        (sweep_by_scorer_first, "key it by window"),
        (sweep_list_of_rows, "to return a dict", "return-type"),
        (sweep_one_scorer_for_all, "call each name's own function"),
    ],
    (W2, "sgns_loss"): [
        (loss_wrong_sign_for_noise, "note the minus"),
        (loss_summed_over_batch, "average over the batch", "averages"),
        (loss_mean_over_noise, "do not average them"),
        (loss_without_log, "take the logarithm"),
        (loss_per_pair_vector, "scalar tensor", "return-type"),
        (loss_returns_float, "returned a float, not a tensor", "return-type"),
        (loss_log_of_sigmoid, "log(sigmoid(x)) is log(0)", "stability"),
        (loss_log_of_sigmoid_plus_eps, "computes log σ stably", "stability"),
        (loss_rebuilt_as_new_tensor, "no gradient flows back", "graph"),
        (loss_through_numpy, "no gradient flows back", "graph"),
        (loss_detaches_noise, "gradient with respect to `noise` is wrong", "graph"),
    ],
    (W2, "sgns_gradients"): [
        (grad_sign_flipped_on_context, "wrong sign on the true context's term: the derivative of -log σ(x) is σ(x) - 1"),
        (grad_centre_without_noise, "misses the noise words' terms"),
        (grad_noise_uses_sigma_of_minus, "so the weight is σ(c·n_k)"),
        (grad_per_pair_not_mean, "the loss is the *mean* over the batch", "averages"),
        (grad_unstable_sigmoid, "`np.exp` overflows", "stability"),
        (grad_noise_summed_over_k, "do not sum over the K noise words", "return-type"),
        (grad_returns_centre_only, "to return three arrays", "return-type"),
        (grad_context_uses_context, "is proportional to the context vector"),
        (grad_returns_torch_tensors, "grad_centre is a torch tensor; return numpy arrays", "return-type"),
    ],
    (W3, "most_similar"): [
        (most_similar_keeps_query, "leave the query word out"),
        (most_similar_masks_with_zero, "give the query's own score -np.inf", "masking"),
        (most_similar_drops_first_result, "Leave the query out by its row number", "ties"),
        (most_similar_top_ten_at_most, "not a fixed 10", "cutoff"),
        (most_similar_dot, "ranks by dot product"),
        (most_similar_ascending, "the wrong way round"),
        (most_similar_words_only, "return (word, cosine) pairs", "return-type"),
        (most_similar_indices, "returned row numbers", "return-type"),
        (most_similar_one_norm, "normalise *both* vectors"),
        (most_similar_argpartition_unsorted, "sort the top k by score", "cutoff"),
        (most_similar_first_two_swapped, "has the right 3 words, but not in order"),
        (most_similar_top_k_ascending, "has the right 3 words, but sorted the wrong way round"),
    ],
    (W3, "spearman_rho"): [
        (spearman_pearson, "Pearson's r of the raw values"),
        (spearman_argsort, "not their ranks"),
        (spearman_ordinal_ties, "ranked tied values one after another", "ties"),
        (spearman_min_ties, "gave tied values the lowest of their ranks", "ties"),
        (spearman_dense_ties, "dense ranks", "ties"),
        (spearman_shortcut_formula, "exact only without ties", "ties"),
        (spearman_returns_matrix, "2×2 correlation matrix", "return-type"),
    ],
    (W4, "pca"): [
        (pca_not_centred, "centre X"),
        (pca_returns_u, "returned U alone"),
        (pca_smallest_directions, "*least* variance"),
        (pca_returns_directions, "returned the 2 directions"),
        (pca_coordinates_only, "to return a pair (coordinates, ratios)", "return-type"),
        (pca_ratios_not_squared, "*square*"),
        (pca_ratios_of_kept_only, "total variance of *all* directions"),
        (pca_ratios_ascending, "wrong order"),
        (pca_all_ratios, "return the 2 of the directions kept", "return-type"),
    ],
    (W4, "neighbour_overlap"): [
        (overlap_includes_self, "its own nearest neighbour"),
        (overlap_counts_not_fraction, "above 1"),
        (overlap_position_by_position, "position by position"),
        (overlap_drops_first_column, "leave each row out by its position", "ties"),
        (overlap_pooled, "pools the neighbours of all rows", "averages"),
        (overlap_per_row, "return their mean, one number", "return-type"),
    ],
    (W4, "overlap_by_dimension"): [
        (by_dimension_compares_x_with_itself, "compares X with itself"),
        (by_dimension_first_columns, "first d *columns*"),
        (by_dimension_d_as_k, "uses d as the number of neighbours"),
        (by_dimension_dict, "returned a dict", "return-type"),
        (by_dimension_last_value_repeated, "every entry is the overlap of the last map (d = 2)"),
        (by_dimension_sorted_dims, "keep the order of `dims`"),
        (by_dimension_position_as_d, "uses each entry's position"),
    ],
    (W5, "three_cos_add"): [
        (cos_add_keeps_question_words, "leave a, b and c out"),
        (cos_add_masks_with_zero, "give them -np.inf", "masking"),
        (cos_add_wrong_order, "that is a - b + c"),
        (cos_add_argmin, "*least* similar word"),
        (cos_add_excludes_b_and_c_only, "which is a, one of the question's own words"),
        (cos_add_returns_word_vector, "index of one word", "return-type"),
    ],
    (W5, "three_cos_mul"): [
        (cos_mul_unshifted, "shift each to [0, 1]"),
        (cos_mul_clipped, "clipped to 0 (max(cos, 0))"),
        (cos_mul_shift_without_half, "cos + 1, without the / 2"),
        (cos_mul_multiplies_a, "divide by it"),
        (cos_mul_is_cos_add, "that is 3CosAdd"),
        (cos_mul_returns_scores, "index of one word", "return-type"),
    ],
    (W5, "project"): [
        (project_unnormalised, "scale the direction"),
        (project_cosine, "is the cosine"),
        (project_vector_projection, "one number per row", "return-type"),
        (project_divides_by_squared_norm, "divides by |d|²"),
        (project_absolute, "lost the sign"),
        (project_negated, "has every sign flipped"),
    ],
}

# kinds of mistake that apply to notebooks 1.1 and 1.2 (each has a wrong case above)
KINDS_WORDS_A = {
    (W1, "build_vocab"): {"ties", "return-type"},
    (W1, "skipgram_pairs"): {"ties"},
    (W1, "ppmi"): {"stability", "return-type"},
    (W1, "window_sweep"): {"return-type"},
    (W2, "sgns_loss"): {"stability", "graph", "averages", "return-type"},
    (W2, "sgns_gradients"): {"stability", "averages", "return-type"},
}


def build_vocab_sorted_keys(tokens, min_count):
    c = Counter(tokens)
    return sorted((w for w in c if c[w] >= min_count), key=lambda w: (-c[w], w))


def build_vocab_tuple(tokens, min_count):
    # the stub accepts a tuple too: it indexes and iterates like the list
    return tuple(build_vocab_ok(tokens, min_count))


def skipgram_pairs_slices(tokens, window):
    return [[centre, context] for i, centre in enumerate(tokens)
            for context in tokens[max(0, i - window):i] + tokens[i + 1:i + 1 + window]]


def ppmi_sparse(counts):
    import scipy.sparse as sp

    return text.ppmi(sp.csr_matrix(counts))


def window_sweep_comprehension(sentences, vocab_size, windows, scorers):
    matrices = {w: text.ppmi(text.cooccurrence_matrix(sentences, vocab_size, w), smoothing=0.75)
                for w in sorted(windows)}
    return {w: {name: np.float64(f(m)) for name, f in scorers.items()} for w, m in matrices.items()}


def sgns_loss_softplus(centre, context, noise):
    # -log σ(x) = softplus(-x), computed stably
    softplus = torch.nn.functional.softplus
    pos = softplus(-(centre * context).sum(-1))
    neg = sum(softplus((noise[:, k] * centre).sum(-1)) for k in range(noise.shape[1]))
    return (pos + neg).mean().reshape(1)


def sgns_gradients_float32(centre, context, noise):
    return tuple(g.astype(np.float32) for g in sgns_gradients_ok(centre, context, noise))


def sgns_gradients_per_pair(centre, context, noise):
    def sigma(x):  # stable for either sign
        return 0.5 * (1 + np.tanh(x / 2))

    b, k, _ = noise.shape
    gc, go, gn = np.zeros_like(centre), np.zeros_like(context), np.zeros_like(noise)
    for i in range(b):
        g = sigma(centre[i] @ context[i]) - 1
        gc[i] += g * context[i] / b
        go[i] = g * centre[i] / b
        for j in range(k):
            g = sigma(centre[i] @ noise[i, j])
            gc[i] += g * noise[i, j] / b
            gn[i, j] = g * centre[i] / b
    return [gc, go, gn]


# correct answers written differently: the checks must accept them
ALSO_RIGHT_WORDS_A = {
    (W1, "build_vocab"): [build_vocab_sorted_keys, build_vocab_tuple],
    (W1, "skipgram_pairs"): [skipgram_pairs_slices],
    (W1, "ppmi"): [ppmi_sparse],
    (W1, "window_sweep"): [window_sweep_comprehension],
    (W2, "sgns_loss"): [sgns_loss_softplus],
    (W2, "sgns_gradients"): [sgns_gradients_per_pair, sgns_gradients_float32],
}

# the kinds of mistake that apply to each exercise of 1.3-1.5 (each needs a WRONG case of that kind)
KINDS_WORDS_B = {
    (W3, "most_similar"): {"ties", "masking", "cutoff", "return-type"},
    (W3, "spearman_rho"): {"ties", "return-type"},
    (W4, "pca"): {"return-type"},
    (W4, "neighbour_overlap"): {"ties", "averages", "return-type"},
    (W4, "overlap_by_dimension"): {"return-type"},
    (W5, "three_cos_add"): {"masking", "return-type"},
    # shifted similarities are never negative, so a mask of 0 is as good as -inf: no "masking" here
    (W5, "three_cos_mul"): {"return-type"},
    (W5, "project"): {"return-type"},
}

# right answers written differently: each must pass
ALSO_RIGHT_WORDS_B = {
    (W3, "most_similar"): [most_similar_filter_by_word, most_similar_argpartition_float32, most_similar_loop,
                             most_similar_rounded],
    (W3, "spearman_rho"): [spearman_own_ranks_loop, spearman_zero_based_ranks, spearman_scipy],
    (W4, "pca"): [pca_eigh, pca_sklearn],
    (W4, "neighbour_overlap"): [overlap_argpartition, overlap_ties_broken_by_last_row],
    (W4, "overlap_by_dimension"): [by_dimension_one_fit, by_dimension_own_svd],
    (W5, "three_cos_add"): [cos_add_first_not_in_question, cos_add_similarities_summed],
    (W5, "three_cos_mul"): [cos_mul_masks_with_zero, cos_mul_one_product],
    (W5, "project"): [project_loop, project_einsum],
}


# the kinds of mistake a check may have to catch (issue 10): every exercise lists those that apply
KIND_NAMES = {
    "stability",    # extreme inputs, e.g. scores of +-300 into a log-sigmoid
    "graph",        # a loss keeps the autograd graph: the gradient flows back to the inputs
    "seed",         # the same seed gives the same result
    "ties",         # duplicated rows, ties where leaving the query itself out matters
    "masking",      # -inf, not 0, when every other score is negative
    "rounding",     # cases that round up as well as down
    "averages",     # a per-query mean where a pooled mean would differ
    "cutoff",       # lists longer than a habitual top-10
    "walks",        # several steps long, not just the first step
    "weights",      # each weight read from the right edge of a graph whose weights differ
    "return-type",  # number vs tensor vs array: accepted or rejected, as the stub says
}
KINDS: dict = {**KINDS_WORDS_A, **KINDS_WORDS_B}
ALSO_RIGHT: dict = {**ALSO_RIGHT_WORDS_A, **ALSO_RIGHT_WORDS_B}

# each later chapter keeps its cases in a module of its own (tests/cases_<chapter>.py)
for _cases in (cases_sequences, cases_graphs, cases_images, cases_joint, cases_wrapup):
    assert not set(_cases.RIGHT) & set(RIGHT) and not set(_cases.WRONG) & set(WRONG)
    RIGHT.update(_cases.RIGHT)
    WRONG.update(_cases.WRONG)
    KINDS.update(getattr(_cases, "KINDS", {}))
    ALSO_RIGHT.update(getattr(_cases, "ALSO_RIGHT", {}))

ALL = [(nb, e.name) for nb, items in NOTEBOOKS.items() for e in items if not isinstance(e, Written)]


def test_every_exercise_has_a_right_answer_and_at_least_two_wrong_ones():
    for key in ALL:
        assert key in RIGHT, f"no reference answer for {key}"
        assert len(WRONG.get(key, [])) >= 2, f"{key} needs at least two wrong implementations"


@pytest.mark.parametrize("key", ALL, ids=lambda k: f"{k[0]}:{k[1]}")
def test_right_answer_is_correct(key, capsys):
    nb, name = key
    exercise = getattr(exercises(nb), name)
    result = exercise.evaluate(RIGHT[key])
    assert result.outcome == CORRECT, result.message
    assert result.points == exercise.points > 0
    exercise.check(RIGHT[key])
    assert capsys.readouterr().out.startswith("✅ Correct")


@pytest.mark.parametrize("key", ALL, ids=lambda k: f"{k[0]}:{k[1]}")
def test_untouched_stub_is_not_attempted(key, capsys):
    nb, name = key

    def stub(*args, **kwargs):
        # your code here
        raise NotImplementedError()

    exercise = getattr(exercises(nb), name)
    result = exercise.evaluate(stub)
    assert result.outcome == NOT_ATTEMPTED and result.points == 0
    assert "NotImplementedError" in result.message
    exercise.check(stub)
    assert capsys.readouterr().out.startswith("⏸️ Not attempted")


WRONG_CASES = [(key, case[0], case[1]) for key, items in WRONG.items() for case in items]


@pytest.mark.parametrize("key", ALL, ids=lambda k: f"{k[0]}:{k[1]}")
def test_every_kind_of_mistake_that_applies_has_a_wrong_case(key):
    assert key in KINDS, f"{key}: list the kinds of mistake that apply in KINDS (an empty set if none does)"
    unknown = set(KINDS[key]) - KIND_NAMES
    assert not unknown, f"{key}: unknown kinds {sorted(unknown)}; known: {sorted(KIND_NAMES)}"
    covered = {case[2] for case in WRONG.get(key, []) if len(case) > 2}
    assert not covered - KIND_NAMES, f"{key}: wrong cases of unknown kinds {sorted(covered - KIND_NAMES)}"
    missing = set(KINDS[key]) - covered
    assert not missing, f"{key}: no wrong case of the kind(s) {sorted(missing)} that apply"


ALSO_RIGHT_CASES = [(key, fn) for key, fns in ALSO_RIGHT.items() for fn in fns]


@pytest.mark.parametrize("key,answer", ALSO_RIGHT_CASES, ids=lambda x: getattr(x, "__name__", None))
def test_correct_answers_written_differently_are_accepted(key, answer):
    result = getattr(exercises(key[0]), key[1]).evaluate(answer)
    assert result.outcome == CORRECT, result.message


@pytest.mark.parametrize("key,wrong,phrase", WRONG_CASES, ids=lambda x: getattr(x, "__name__", None))
def test_wrong_answer_is_rejected_with_specific_feedback(key, wrong, phrase, capsys):
    nb, name = key
    exercise = getattr(exercises(nb), name)
    result = exercise.evaluate(wrong)
    assert result.outcome == INCORRECT
    assert result.points == 0
    assert phrase in result.message, result.message
    assert f"`{name}(" in result.message or f"`{name}`" in result.message, "feedback names the answer"
    exercise.check(wrong)
    assert capsys.readouterr().out.startswith("❌ Incorrect")


def test_answer_that_raises_is_incorrect_and_names_the_call():
    def broken(tokens, min_count):
        return tokens[10**6]

    result = exercises("01_words/01_sliding_window").build_vocab.evaluate(broken)
    assert result.outcome == INCORRECT and "raised IndexError" in result.message


def test_non_function_answer_is_incorrect():
    result = exercises("01_words/01_sliding_window").ppmi.evaluate(42)
    assert result.outcome == INCORRECT and "to be a function; got int" in result.message


def test_unknown_notebook_and_exercise_names_are_helpful():
    with pytest.raises(KeyError, match="known notebooks: 01_words/01_sliding_window, 01_words/02_word2vec") as info:
        exercises("01_words/99_nope")
    assert all(nb in str(info.value) for nb in NOTEBOOKS)
    ex = exercises("01_words/01_sliding_window")
    with pytest.raises(AttributeError, match="its exercises are: build_vocab, skipgram_pairs, ppmi"):
        ex.nope


def test_hints_cycle_and_validate(capsys):
    ex = exercises("01_words/01_sliding_window")
    ex.ppmi.hint()
    ex.ppmi.hint()
    ex.ppmi.hint()
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("💡 Hint 1/2") and out[1].startswith("💡 Hint 2/2") and out[2].startswith("💡 Hint 1/2")
    with pytest.raises(ValueError, match="between 1 and 2"):
        ex.ppmi.hint(5)
    # a fresh exercise set starts from the first hint again
    exercises("01_words/01_sliding_window").ppmi.hint()
    assert "Hint 1/2" in capsys.readouterr().out
