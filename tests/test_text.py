import numpy as np
import pytest
import scipy.sparse as sp

from embedlib import text


def brute_pairs(ids, window):
    out = []
    for i in range(len(ids)):
        for j in range(max(0, i - window), min(len(ids), i + window + 1)):
            if j != i:
                out.append((ids[i], ids[j]))
    return sorted(out)


def test_tokenize_lowercases_and_keeps_apostrophes():
    assert text.tokenize("It's 1998: Paris, PARIS!") == ["it's", "paris", "paris"]


@pytest.mark.parametrize("raw,tokens", [
    ("Le café à Zürich, Москва", ["le", "café", "à", "zürich", "москва"]),  # the example
    ("Ελληνικά ΚΑΙ ΣΟΦΙΑ", ["ελληνικά", "και", "σοφια"]),  # Greek, final sigma case-folded
    ("हिन्दी भाषा", ["हिन्दी", "भाषा"]),  # Devanagari: vowel signs and virama are combining marks
    ("العربية لغة", ["العربية", "لغة"]),
    ("東京は日本の首都", ["東京は日本の首都"]),  # no spaces between words: one run of letters
    ("cafe\u0301 vs café", ["café", "vs", "café"]),  # NFD and NFC give the same token (NFKC)
    ("ＰＡＲＩＳ ﬁne Straße", ["paris", "fine", "strasse"]),  # full width, ligature, ß (NFKC + casefold)
    ("don’t l’été it's", ["don't", "l'été", "it's"]),  # the typographic apostrophe is written as '
    ("x2y snake_case 𝐁𝐨𝐥𝐝 🙂 ½", ["x", "y", "snake", "case", "bold"]),  # digits, _, symbols split or drop
    ("𐌰𐌱 𑀓𑀸", ["𐌰𐌱", "𑀓𑀸"]),  # letters and marks beyond U+FFFF (Gothic, Brahmi)
])
def test_tokenize_keeps_unicode_letters_with_their_marks(raw, tokens):
    assert text.tokenize(raw) == tokens


def test_tokenize_on_ascii_text_is_unchanged():
    import re
    import string

    rng = np.random.default_rng(0)
    alphabet = list(string.ascii_letters + string.digits + " '.,;-_\n\t!?")
    for _ in range(300):
        raw = "".join(rng.choice(alphabet, size=int(rng.integers(0, 40))))
        assert text.tokenize(raw) == re.findall(r"[a-z]+(?:'[a-z]+)?", raw.lower()), raw


def test_tokenize_rejects_non_strings():
    with pytest.raises(TypeError, match=r"text must be a str, got list; for a list of texts use \[tokenize\(t\)"):
        text.tokenize(["a list"])
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        text.tokenize(b"bytes")


def test_vocab_orders_by_count_then_alphabetically_and_applies_min_count():
    v = text.Vocab.from_tokens(["b", "a", "c", "b", "a", "d"], min_count=2)
    assert v.words == ["a", "b"]
    assert v.counts.tolist() == [2, 2]
    assert v["b"] == 1 and "d" not in v and len(v) == 2


def test_vocab_accepts_sentences_and_encodes_unknown_as_minus_one():
    v = text.Vocab.from_tokens([["x", "y"], ["x"]])
    assert v.words == ["x", "y"]
    assert v.encode(["y", "zzz", "x"]).tolist() == [1, -1, 0]
    assert v.decode([1, 0]) == ["y", "x"]


def test_vocab_errors_name_the_problem():
    with pytest.raises(ValueError, match="min_count must be >= 1, got 0"):
        text.Vocab.from_tokens(["a"], min_count=0)
    with pytest.raises(KeyError, match="'nope' is not in the vocabulary"):
        text.Vocab.from_tokens(["a"])["nope"]
    with pytest.raises(ValueError, match="same length"):
        text.Vocab(["a", "b"], [1])


@pytest.mark.parametrize("window", [1, 2, 3, 7])
def test_skipgram_pairs_match_brute_force(window):
    ids = np.random.default_rng(window).integers(0, 5, size=12)
    c, x = text.skipgram_pairs(ids, window)
    assert sorted(zip(c.tolist(), x.tolist())) == brute_pairs(ids.tolist(), window)


def test_skipgram_pairs_drop_out_of_vocabulary_ids_first_and_handle_short_input():
    c, x = text.skipgram_pairs(np.array([0, -1, 1]), window=1)
    assert sorted(zip(c.tolist(), x.tolist())) == [(0, 1), (1, 0)]
    c, x = text.skipgram_pairs(np.array([3]), window=2)
    assert len(c) == len(x) == 0
    with pytest.raises(ValueError, match="window must be >= 1, got 0"):
        text.skipgram_pairs(np.array([1, 2]), window=0)


def test_cooccurrence_is_symmetric_and_does_not_cross_documents():
    m = text.cooccurrence_matrix([np.array([0, 1]), np.array([2, 2])], vocab_size=3, window=2)
    dense = m.toarray()
    assert np.array_equal(dense, dense.T)
    assert dense[0, 1] == 1 and dense[2, 2] == 2 and dense[1, 2] == 0


def test_ppmi_dense_matches_definition_and_sparse_version():
    counts = np.array([[0.0, 4.0, 1.0], [4.0, 0.0, 2.0], [1.0, 2.0, 6.0]])
    total = counts.sum()
    pw, pc = counts.sum(1) / total, counts.sum(0) / total
    expected = np.where(counts > 0, np.maximum(np.log(np.where(counts > 0, counts, 1) / total / np.outer(pw, pc)), 0), 0)
    assert np.allclose(text.ppmi(counts), expected)
    assert np.allclose(text.ppmi(sp.csr_matrix(counts)).toarray(), expected)
    assert (text.ppmi(counts) >= 0).all()


def test_ppmi_smoothing_and_zero_rows():
    counts = np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 2.0]])
    out = text.ppmi(counts, smoothing=0.75)
    assert np.isfinite(out).all() and (out[1] == 0).all()
    assert not np.allclose(out, text.ppmi(counts))
    with pytest.raises(ValueError, match="non-negative"):
        text.ppmi(-counts)


def test_noise_distribution_and_keep_probabilities():
    p = text.noise_distribution(np.array([16, 1]))
    assert p.sum() == pytest.approx(1) and p[0] / p[1] == pytest.approx(8)
    keep = text.keep_probabilities(np.array([1_000_000, 10]), sample=1e-3)
    assert keep[1] == 1.0 and 0 < keep[0] < 0.1
