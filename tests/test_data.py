from embedlib import data


def test_wiki_sample_has_about_a_hundred_articles_without_redirects():
    articles = data.load_wiki_articles()
    assert 100 <= len(articles) <= 110
    assert all(not a.text.lower().startswith("#redirect") for a in articles)
    assert "Autism" in {a.title for a in articles}
    assert "'''" not in articles[1].text


def test_wiki_tokens_are_lowercase_words():
    docs = data.load_wiki_tokens()
    n = sum(len(d) for d in docs)
    assert 400_000 < n < 500_000
    assert all(t.islower() for t in docs[1][:100])


def test_gensim_datapath_names_a_missing_file():
    import pytest

    with pytest.raises(FileNotFoundError, match="'no-such-file.txt' is not in gensim's test data"):
        data.gensim_datapath("no-such-file.txt")
