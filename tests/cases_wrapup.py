"""Reference, also-right and wrong answers for the Wrap-up chapter's exercises (see test_checks.py).

Each wrong answer comes with the words its feedback must contain, and, in a
third place, the kind of mistake it is (see KINDS).
"""
import numpy as np

W1 = "06_wrap_up/01_embed_all_the_things"

# -- sif_embeddings -------------------------------------------------------------------------


def sif_ok(token_lists, emb, word_prob, a):
    rows = []
    for tokens in token_lists:
        known = [w for w in tokens if w in emb]
        if not known:
            rows.append(np.zeros(emb.dim))
            continue
        weights = np.array([a / (a + word_prob.get(w, 0.0)) for w in known])
        rows.append(weights @ emb.unit_vectors[[emb.index(w) for w in known]] / len(known))
    X = np.array(rows)
    u = np.linalg.svd(X, full_matrices=False)[2][0]
    return X - np.outer(X @ u, u)


def sif_loops_and_unit_rows(token_lists, emb, word_prob, a):
    # plain Python loops, a list of rows, float32, and every row scaled to length 1 at the end
    X = []
    for tokens in token_lists:
        total, count = np.zeros(emb.dim, dtype=np.float32), 0
        for w in tokens:
            if w in emb:
                v = emb[w] / np.linalg.norm(emb[w])
                total += a / (a + word_prob.get(w, 0)) * v
                count += 1
        X.append(total / max(count, 1))
    X = np.array(X)
    _, _, vt = np.linalg.svd(X)
    u = vt[0]
    out = X - (X @ u)[:, None] * u[None, :]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return list(out / np.where(norms == 0, 1, norms))


def sif_divides_by_weights(token_lists, emb, word_prob, a):
    # a weighted mean in the usual sense: divide by the sum of the weights
    rows = []
    for tokens in token_lists:
        known = [w for w in tokens if w in emb]
        w = np.array([a / (a + word_prob.get(t, 0.0)) for t in known])
        rows.append(w @ emb.unit_vectors[[emb.index(t) for t in known]] / w.sum() if known else np.zeros(emb.dim))
    X = np.array(rows)
    u = np.linalg.svd(X.T @ X)[0][:, 0]  # the same direction, from the eigenvectors of X^T X
    return X - np.outer(X @ u, u)


def sif_divides_by_all_tokens(token_lists, emb, word_prob, a):
    # as the SIF authors' code does: the weighted sum over the known words, divided by the number of all tokens
    rows = []
    for tokens in token_lists:
        known = [w for w in tokens if w in emb]
        w = np.array([a / (a + word_prob.get(t, 0.0)) for t in known])
        rows.append(w @ emb.unit_vectors[[emb.index(t) for t in known]] / len(tokens) if known else np.zeros(emb.dim))
    X = np.array(rows)
    u = np.linalg.svd(X, full_matrices=False)[2][0]
    return X - np.outer(X @ u, u)


def sif_with_library(token_lists, emb, word_prob, a):
    from embedlib.sentences import SIF

    return SIF(emb, word_prob, a=a, tokenize=list).fit_transform(token_lists)


def _sif_with(token_lists, emb, word_prob, a, *, raw=False, dedupe=False, weight=None, divide=True,
              remove="svd", missing=None):
    vectors = emb.vectors if raw else emb.unit_vectors
    rows = []
    for tokens in token_lists:
        tokens = list(dict.fromkeys(tokens)) if dedupe else tokens
        known = [t for t in tokens if t in emb]
        if not known:
            rows.append(np.zeros(emb.dim))
            continue
        p = np.array([word_prob[t] if missing == "raise" else word_prob.get(t, 0.0) for t in known])
        w = weight(p, a) if weight else a / (a + p)
        total = w @ vectors[[emb.index(t) for t in known]]
        rows.append(total / len(known) if divide else total)
    X = np.array(rows)
    if remove == "none":
        return X
    if remove == "pooled":
        return X.mean(axis=0)
    base = X - X.mean(axis=0) if remove == "centred" else X
    vt = np.linalg.svd(base, full_matrices=False)[2]
    u = vt[:, 0] if remove == "column" else vt[0]
    return X - np.outer(X @ u, u)


def sif_counts_each_word_once(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, dedupe=True)


def sif_inverted_weights(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, weight=lambda p, a: p / (a + p))


def sif_no_weights(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, weight=lambda p, a: np.ones_like(p))


def sif_raw_vectors(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, raw=True)


def sif_sums(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, divide=False)


def sif_one_vector_for_all(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, remove="pooled")


def sif_weighted_mean_only(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, remove="none")


def sif_centres_first(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, remove="centred")


def sif_column_of_vt(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, remove="column")


def sif_subtracts_mean(token_lists, emb, word_prob, a):
    X = _sif_with(token_lists, emb, word_prob, a, remove="none")
    return X - X.mean(axis=0)


def sif_missing_probability_raises(token_lists, emb, word_prob, a):
    return _sif_with(token_lists, emb, word_prob, a, missing="raise")


def sif_unknown_words_raise(token_lists, emb, word_prob, a):
    rows = [np.mean([a / (a + word_prob.get(t, 0.0)) * emb.unit_vectors[emb.index(t)] for t in tokens], axis=0)
            for tokens in token_lists]
    return np.array(rows)


def sif_nan_for_empty_text(token_lists, emb, word_prob, a):
    rows = []
    for tokens in token_lists:
        known = [t for t in tokens if t in emb]
        w = np.array([a / (a + word_prob.get(t, 0.0)) for t in known])
        rows.append(w @ emb.unit_vectors[[emb.index(t) for t in known]].reshape(len(known), emb.dim) / len(known))
    X = np.array(rows)
    u = np.linalg.svd(np.nan_to_num(X), full_matrices=False)[2][0]
    return X - np.outer(X @ u, u)


def sif_hard_coded_a(token_lists, emb, word_prob, a):
    return sif_ok(token_lists, emb, word_prob, 1e-3)


# -- rerank_mrr -----------------------------------------------------------------------------


def rerank_mrr_ok(first_scores, second_scores, relevant, n):
    total = 0.0
    for first, second, rel in zip(first_scores, second_scores, relevant):
        candidates = np.argsort(-first, kind="stable")[:n]
        ranked = candidates[np.argsort(-second[candidates], kind="stable")]
        hits = np.flatnonzero(rel[ranked])
        total += 1 / (hits[0] + 1) if len(hits) else 0.0
    return total / len(first_scores)


def rerank_mrr_pure_python(first_scores, second_scores, relevant, n):
    # sorted() with keys, lists, and a generator for the first hit
    scores = []
    for q in range(len(first_scores)):
        docs = sorted(range(len(first_scores[q])), key=lambda d: first_scores[q][d], reverse=True)[:n]
        docs = sorted(docs, key=lambda d: second_scores[q][d], reverse=True)
        position = next((i for i, d in enumerate(docs, start=1) if relevant[q][d]), None)
        scores.append(1 / position if position else 0)
    return sum(scores) / len(scores)


def rerank_mrr_with_library(first_scores, second_scores, relevant, n):
    from embedlib.search import rerank_mrr

    return np.float64(rerank_mrr(first_scores, second_scores, relevant, n))


def _rerank(first, second, n, *, cap=None, rerank=True, descending=True):
    candidates = np.argsort(-first, kind="stable")[: min(n, cap or n)]
    if not rerank:
        return candidates
    order = np.argsort(second[candidates] if not descending else -second[candidates], kind="stable")
    return candidates[order]


def _first_positions(first_scores, second_scores, relevant, n, **how):
    out = []
    for first, second, rel in zip(first_scores, second_scores, relevant):
        hits = np.flatnonzero(rel[_rerank(first, second, n, **how)])
        out.append(hits[0] + 1 if len(hits) else 0)
    return out


def rr_mean(positions):
    return float(np.mean([1 / p if p else 0.0 for p in positions]))


def rerank_ignores_n(first_scores, second_scores, relevant, n):
    return rr_mean(_first_positions(first_scores, second_scores, relevant, first_scores.shape[1]))


def rerank_keeps_first_order(first_scores, second_scores, relevant, n):
    return rr_mean(_first_positions(first_scores, second_scores, relevant, n, rerank=False))


def rerank_adds_the_scores(first_scores, second_scores, relevant, n):
    # the candidates ordered by first + second score, not by the second alone
    positions = []
    for first, second, rel in zip(first_scores, second_scores, relevant):
        candidates = np.argsort(-first, kind="stable")[:n]
        ranked = candidates[np.argsort(-(first[candidates] + second[candidates]), kind="stable")]
        hits = np.flatnonzero(rel[ranked])
        positions.append(hits[0] + 1 if len(hits) else 0)
    return rr_mean(positions)


def rerank_swaps_stages(first_scores, second_scores, relevant, n):
    return rr_mean(_first_positions(second_scores, first_scores, relevant, n))


def rerank_ascending(first_scores, second_scores, relevant, n):
    return rr_mean(_first_positions(first_scores, second_scores, relevant, n, descending=False))


def rerank_top_10_habit(first_scores, second_scores, relevant, n):
    return rr_mean(_first_positions(first_scores, second_scores, relevant, n, cap=10))


def rerank_zero_based(first_scores, second_scores, relevant, n):
    positions = _first_positions(first_scores, second_scores, relevant, n)
    return sum(1 / (p - 1) if p else 0.0 for p in positions) / len(positions)


def rerank_inverse_of_mean_rank(first_scores, second_scores, relevant, n):
    positions = [p for p in _first_positions(first_scores, second_scores, relevant, n) if p]
    return 1 / np.mean(positions)


def rerank_pools_relevant_documents(first_scores, second_scores, relevant, n):
    values = []
    for first, second, rel in zip(first_scores, second_scores, relevant):
        values += [1 / (i + 1) for i in np.flatnonzero(rel[_rerank(first, second, n)])]
    return float(np.mean(values))


def rerank_sums_relevant_documents(first_scores, second_scores, relevant, n):
    return float(np.mean([sum(1 / (i + 1) for i in np.flatnonzero(rel[_rerank(f, s, n)]))
                          for f, s, rel in zip(first_scores, second_scores, relevant)]))


def rerank_skips_misses(first_scores, second_scores, relevant, n):
    positions = [p for p in _first_positions(first_scores, second_scores, relevant, n) if p]
    return float(np.mean([1 / p for p in positions]))


def rerank_appends_the_rest(first_scores, second_scores, relevant, n):
    positions = []
    for first, second, rel in zip(first_scores, second_scores, relevant):
        by_first = np.argsort(-first, kind="stable")
        top = _rerank(first, second, n)
        ranked = np.concatenate([top, by_first[len(top):]])
        positions.append(np.flatnonzero(rel[ranked])[0] + 1)
    return rr_mean(positions)


def rerank_per_query_list(first_scores, second_scores, relevant, n):
    return [1 / p if p else 0.0 for p in _first_positions(first_scores, second_scores, relevant, n)]


def rerank_index_raises_on_miss(first_scores, second_scores, relevant, n):
    values = []
    for first, second, rel in zip(first_scores, second_scores, relevant):
        values.append(1 / (list(rel[_rerank(first, second, n)]).index(True) + 1))
    return float(np.mean(values))


def rerank_argpartition_without_clipping(first_scores, second_scores, relevant, n):
    values = []
    for first, second, rel in zip(first_scores, second_scores, relevant):
        candidates = np.argpartition(-first, n - 1)[:n]
        ranked = candidates[np.argsort(-second[candidates], kind="stable")]
        hits = np.flatnonzero(rel[ranked])
        values.append(1 / (hits[0] + 1) if len(hits) else 0.0)
    return float(np.mean(values))


RIGHT = {
    (W1, "sif_embeddings"): sif_ok,
    (W1, "rerank_mrr"): rerank_mrr_ok,
}

# other correct answers, written differently: each must pass
ALSO_RIGHT = {
    (W1, "sif_embeddings"): [sif_loops_and_unit_rows, sif_divides_by_weights, sif_divides_by_all_tokens,
                                 sif_with_library],
    (W1, "rerank_mrr"): [rerank_mrr_pure_python, rerank_mrr_with_library],
}

WRONG = {
    (W1, "sif_embeddings"): [
        (sif_counts_each_word_once, "a word repeated in a text counts each time", "ties"),
        (sif_inverted_weights, "frequent words must weigh *less*"),
        (sif_no_weights, "weight each unit word vector by a / (a + p(word))"),
        (sif_raw_vectors, "use the *unit* word vectors"),
        (sif_sums, "take the mean (divide by the number of words that have a vector)", "averages"),
        (sif_one_vector_for_all, "return one row per text", "return-type"),
        (sif_weighted_mean_only, "remove the common component too"),
        (sif_centres_first, "do not centre"),
        (sif_column_of_vt, "is the first *row* of Vt"),
        (sif_subtracts_mean, "remove the projection on the first right singular vector instead"),
        (sif_missing_probability_raises, "a word missing from it has probability 0"),
        (sif_unknown_words_raise, "skip the words that `emb` does not know"),
        (sif_nan_for_empty_text, "such a text gets a row of zeros"),
        (sif_hard_coded_a, "points in the wrong direction"),
    ],
    (W1, "rerank_mrr"): [
        (rerank_ignores_n, "keep only the `n` best documents of `first_scores`"),
        (rerank_keeps_first_order, "re-rank the `n` candidates by `second_scores`"),
        (rerank_adds_the_scores, "orders the candidates by `first_scores` + `second_scores`"),
        (rerank_swaps_stages, "swaps the two stages"),
        (rerank_ascending, "orders the candidates lowest score first"),
        (rerank_top_10_habit, "keeps at most 10 candidates", "cutoff"),
        (rerank_zero_based, "positions start at 1"),
        (rerank_inverse_of_mean_rank, "the MRR is the mean of the reciprocal ranks", "averages"),
        (rerank_pools_relevant_documents, "only the *first* relevant document of each query counts", "ties"),
        (rerank_sums_relevant_documents, "only the *first* relevant document of each query counts", "ties"),
        (rerank_skips_misses, "they count, with reciprocal rank 0, in the mean over all queries", "averages"),
        (rerank_appends_the_rest, "scores 0"),
        (rerank_per_query_list, "return one number", "return-type"),
        (rerank_index_raises_on_miss, "that query scores 0"),
        (rerank_argpartition_without_clipping, "then every document is a candidate", "cutoff"),
    ],
}

# the kinds of mistake that apply to each exercise; each has a wrong answer above
KINDS = {
    (W1, "sif_embeddings"): {"averages", "ties", "return-type"},
    (W1, "rerank_mrr"): {"averages", "cutoff", "ties", "return-type"},
}
