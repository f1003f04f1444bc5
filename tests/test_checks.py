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


def keep_probability_ok(counts, sample):
    f = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(f / sample) + 1) * sample / f)


def noise_distribution_ok(counts, power):
    w = counts.astype(float) ** power
    return w / w.sum()


def sgns_loss_ok(centre, context, noise):
    pos = torch.nn.functional.logsigmoid((centre * context).sum(-1))
    neg = torch.nn.functional.logsigmoid(-torch.bmm(noise, centre.unsqueeze(2)).squeeze(2)).sum(-1)
    return -(pos + neg).mean()


def cosine_ok(u, v):
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))


def most_similar_ok(word, vectors, words, topn):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = -np.inf
    return [words[j] for j in np.argsort(-scores)[:topn]]


def spearman_ok(x, y):
    from scipy.stats import rankdata

    return float(np.corrcoef(rankdata(x), rankdata(y))[0, 1])


def pca_ok(X, k):
    centred = X - X.mean(axis=0)
    return centred @ np.linalg.svd(centred, full_matrices=False)[2][:k].T


def evr_ok(X):
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return S**2 / (S**2).sum()


def overlap_ok(high, low, k):
    from embedlib.evaluate import neighbour_overlap

    return neighbour_overlap(high, low, k)


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
    (W2, "keep_probability"): keep_probability_ok,
    (W2, "noise_distribution"): noise_distribution_ok,
    (W2, "sgns_loss"): sgns_loss_ok,
    (W3, "cosine_similarity"): cosine_ok,
    (W3, "most_similar"): most_similar_ok,
    (W3, "spearman_rho"): spearman_ok,
    (W4, "pca"): pca_ok,
    (W4, "explained_variance_ratio"): evr_ok,
    (W4, "neighbour_overlap"): overlap_ok,
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


def keep_is_drop_probability(counts, sample):
    return 1 - keep_probability_ok(counts, sample)


def keep_not_capped(counts, sample):
    f = counts / counts.sum()
    return (np.sqrt(f / sample) + 1) * sample / f


def keep_paper_formula(counts, sample):
    f = counts / counts.sum()
    return np.minimum(1.0, np.sqrt(sample / f))


def keep_uses_raw_counts(counts, sample):
    return np.minimum(1.0, (np.sqrt(counts / sample) + 1) * sample / counts)


def noise_not_normalised(counts, power):
    return counts.astype(float) ** power


def noise_ignores_power(counts, power):
    return counts / counts.sum()


def noise_power_after_normalising(counts, power):
    return (counts / counts.sum()) ** power


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


def cosine_dot_only(u, v):
    return float(u @ v)


def cosine_euclidean(u, v):
    return float(np.linalg.norm(u - v))


def cosine_one_norm(u, v):
    return float(u @ v / np.linalg.norm(u))


def most_similar_keeps_query(word, vectors, words, topn):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = unit @ unit[words.index(word)]
    return [words[j] for j in np.argsort(-scores)[:topn]]


def most_similar_dot(word, vectors, words, topn):
    i = words.index(word)
    scores = vectors @ vectors[i]
    scores[i] = -np.inf
    return [words[j] for j in np.argsort(-scores)[:topn]]


def most_similar_ascending(word, vectors, words, topn):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = np.inf
    return [words[j] for j in np.argsort(scores)[:topn]]


def most_similar_indices(word, vectors, words, topn):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    i = words.index(word)
    scores = unit @ unit[i]
    scores[i] = -np.inf
    return list(np.argsort(-scores)[:topn])


def spearman_pearson(x, y):
    return float(np.corrcoef(x, y)[0, 1])


def spearman_argsort(x, y):
    return float(np.corrcoef(np.argsort(x), np.argsort(y))[0, 1])


def spearman_ordinal_ties(x, y):
    rx = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    ry = np.argsort(np.argsort(y, kind="stable"), kind="stable")
    return float(np.corrcoef(rx, ry)[0, 1])


def pca_not_centred(X, k):
    return X @ np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][:k].T


def pca_returns_u(X, k):
    return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[0][:, :k]


def pca_smallest_directions(X, k):
    centred = X - X.mean(axis=0)
    return centred @ np.linalg.svd(centred, full_matrices=False)[2][-k:].T


def pca_returns_directions(X, k):
    return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][:k]


def evr_not_squared(X):
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return S / S.sum()


def evr_ascending(X):
    return evr_ok(X)[::-1]


def evr_unnormalised(X):
    return np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2


def _nearest(points, k, exclude_self=True):
    d = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    if exclude_self:
        np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1)[:, :k]


def overlap_includes_self(high, low, k):
    a, b = _nearest(high, k, False), _nearest(low, k, False)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))


def overlap_counts_not_fraction(high, low, k):
    a, b = _nearest(high, k), _nearest(low, k)
    return float(np.mean([len(set(x) & set(y)) for x, y in zip(a, b)]))


def overlap_position_by_position(high, low, k):
    a, b = _nearest(high, k), _nearest(low, k)
    return float((a == b).mean())


def cos_add_keeps_question_words(unit, a, b, c):
    return int(np.argmax((unit[b] - unit[a] + unit[c]) @ unit.T))


def cos_add_wrong_order(unit, a, b, c):
    scores = (unit[a] - unit[b] + unit[c]) @ unit.T
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_add_returns_word_vector(unit, a, b, c):
    return unit[b] - unit[a] + unit[c]


def cos_mul_unshifted(unit, a, b, c):
    scores = (unit @ unit[b]) * (unit @ unit[c]) / (unit @ unit[a] + 1e-3)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_mul_multiplies_a(unit, a, b, c):
    scores = _shifted(unit, b) * _shifted(unit, c) * _shifted(unit, a)
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def cos_mul_is_cos_add(unit, a, b, c):
    return cos_add_ok(unit, a, b, c)


def project_unnormalised(vectors, direction):
    return vectors @ direction


def project_cosine(vectors, direction):
    return project_ok(vectors, direction) / np.linalg.norm(vectors, axis=1)


def project_vector_projection(vectors, direction):
    d = direction / np.linalg.norm(direction)
    return np.outer(vectors @ d, d)


WRONG = {
    ("01_words/01_sliding_window", "build_vocab"): [
        (vocab_ignores_min_count, "must be left out"),
        (vocab_strictly_greater, "must be kept"),
        (vocab_ties_by_first_seen, "break ties alphabetically"),
        (vocab_alphabetical, "not sorted by count"),
        (vocab_returns_dict, "to return a list of words"),
    ],
    ("01_words/01_sliding_window", "skipgram_pairs"): [
        (pairs_include_centre, "a position is not its own context"),
        (pairs_wrap_around, "is the window clipped at the ends?"),
        (pairs_off_by_one, "does the window reach"),
        (pairs_compare_words, "compare positions, not words"),
        (pairs_right_only, "to give 6 pairs; got 3"),
    ],
    ("01_words/01_sliding_window", "ppmi"): [
        (ppmi_no_clip, "PPMI clips negative PMI to 0"),
        (ppmi_nan_for_zeros, "non-finite value"),
        (ppmi_rows_for_both, "P(c) from column sums"),
        (ppmi_log2, "use the natural logarithm"),
        (ppmi_unnormalised_marginals, "is wrong at"),
    ],
    (W2, "keep_probability"): [
        (keep_is_drop_probability, "probability of *dropping*"),
        (keep_not_capped, "capped at 1"),
        (keep_paper_formula, "the paper's sqrt(t/f)"),
        (keep_uses_raw_counts, "counts / counts.sum()"),
    ],
    (W2, "noise_distribution"): [
        (noise_not_normalised, "sums to"),
        (noise_ignores_power, "plain unigram distribution"),
        (noise_power_after_normalising, "*before* normalising"),
    ],
    (W2, "sgns_loss"): [
        (loss_wrong_sign_for_noise, "note the minus"),
        (loss_summed_over_batch, "average over the batch"),
        (loss_mean_over_noise, "do not average them"),
        (loss_without_log, "is negative"),
        (loss_per_pair_vector, "scalar tensor"),
    ],
    (W3, "cosine_similarity"): [
        (cosine_dot_only, "plain dot product"),
        (cosine_euclidean, "Euclidean distance"),
        (cosine_one_norm, "normalise *both* vectors"),
    ],
    (W3, "most_similar"): [
        (most_similar_keeps_query, "leave the query word out"),
        (most_similar_dot, "ranks by dot product"),
        (most_similar_ascending, "the wrong way round"),
        (most_similar_indices, "return a list of words"),
    ],
    (W3, "spearman_rho"): [
        (spearman_pearson, "Pearson's r of the raw values"),
        (spearman_argsort, "not their ranks"),
        (spearman_ordinal_ties, "average of their ranks"),
    ],
    (W4, "pca"): [
        (pca_not_centred, "centre X"),
        (pca_returns_u, "returned U alone"),
        (pca_smallest_directions, "*least* variance"),
        (pca_returns_directions, "returned the 2 directions"),
    ],
    (W4, "explained_variance_ratio"): [
        (evr_not_squared, "*square*"),
        (evr_ascending, "wrong order"),
        (evr_unnormalised, "sums to"),
    ],
    (W4, "neighbour_overlap"): [
        (overlap_includes_self, "its own nearest neighbour"),
        (overlap_counts_not_fraction, "above 1"),
        (overlap_position_by_position, "is not the mean share"),
    ],
    (W5, "three_cos_add"): [
        (cos_add_keeps_question_words, "leave a, b and c out"),
        (cos_add_wrong_order, "that is a - b + c"),
        (cos_add_returns_word_vector, "index of one word"),
    ],
    (W5, "three_cos_mul"): [
        (cos_mul_unshifted, "shift each cosine"),
        (cos_mul_multiplies_a, "divide by the similarity to a"),
        (cos_mul_is_cos_add, "that is 3CosAdd"),
    ],
    (W5, "project"): [
        (project_unnormalised, "normalise the direction"),
        (project_cosine, "is the cosine"),
        (project_vector_projection, "one number per row"),
    ],
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
KINDS: dict = {}
KINDS.update(globals().get("KINDS_WORDS_A", {}))
KINDS.update(globals().get("KINDS_WORDS_B", {}))
ALSO_RIGHT: dict = {}

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
