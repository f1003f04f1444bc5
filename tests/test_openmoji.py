import builtins
import os

import numpy as np
import pytest

from embedlib import cache, data, openmoji


@pytest.fixture(scope="module")
def food(tmp_path_factory):
    return data.load_emoji(size=24, categories="Food & Drink", cache_folder=tmp_path_factory.mktemp("c"),
                           progress=False)


def test_records_cover_the_eight_categories_without_variants():
    records = openmoji.emoji_records()
    assert 1500 < len(records) < 2000
    cats = {r["category"] for r in records}
    assert len(cats) == 8 and "Flags" not in cats and "Component" not in cats
    points = [r["codepoints"] for r in records]
    assert not any(tone in p for p in points for tone in ("1F3FB", "1F3FF")), "skin-tone variants are left out"
    assert len(set(points)) == len(points)
    by_title = {r["title"]: r for r in records}
    assert by_title["cat face"]["category"] == "Animals & Nature"
    assert {"cat", "face"} - {"face"} <= set(by_title["cat face"]["tags"])
    assert "face" not in by_title["cat face"]["tags"], "'face' is a stop word for tags"
    assert by_title["police car"]["tags"][:2] == ["police", "car"]
    tags = [t for r in records for t in r["tags"]]
    assert all(t.isalpha() and t == t.lower() for t in tags)
    assert tags.count("car") > 3, "tags are shared across images"


def test_load_emoji_images_and_fields_line_up(food):
    n = len(food)
    assert 100 < n < 200
    assert food.images.shape == (n, 24, 24, 3) and food.images.dtype == np.uint8
    assert len(food.titles) == len(food.tags) == len(food.categories) == len(food.codepoints) == n
    assert set(food.categories) == {"Food & Drink"}
    corners = food.images[:, 0, 0]
    assert (corners == 255).all(), "rendered on white"
    apple = food.titles.index("red apple")
    red, green, blue = food.images[apple].reshape(-1, 3).astype(int).T
    assert ((red > 150) & (green < 110) & (blue < 110)).mean() > 0.1, "the red apple is red"
    assert "CC BY-SA 4.0" in food.attribution
    sub = food.subset(np.array(food.titles) == "red apple")
    assert sub.titles == ["red apple"] and sub.images.shape == (1, 24, 24, 3)


def test_load_emoji_is_cached_atomically(tmp_path):
    first = data.load_emoji(size=16, categories=["Activities"], cache_folder=tmp_path, progress=False)
    files = os.listdir(tmp_path)
    assert len(files) == 1 and files[0].endswith(".npz"), "one entry, no temporary file left"
    (tmp_path / files[0]).write_bytes(b"truncated")  # a damaged entry is recomputed, not an error
    again = data.load_emoji(size=16, categories=["Activities"], cache_folder=tmp_path, progress=False)
    np.testing.assert_array_equal(first.images, again.images)


def test_load_emoji_bad_arguments():
    with pytest.raises(ValueError, match="size must be an int from 16 to 512"):
        data.load_emoji(size=8)
    with pytest.raises(ValueError, match="unknown categories.*Animals & Nature"):
        data.load_emoji(categories=["Animals"])


def test_missing_package_is_named(monkeypatch):
    real_import = builtins.__import__

    def no_resvg(name, *args, **kwargs):
        if name == "resvg_py":
            raise ImportError("No module named 'resvg_py'", name="resvg_py")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_resvg)
    with pytest.raises(ImportError, match="needs the package 'resvg_py': pip install"):
        data.load_emoji(size=16)


def test_cache_keys_and_unwritable_folder(tmp_path):
    with pytest.raises(ValueError, match="plain file name"):
        cache.cached_arrays("../escape", lambda: {})
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.warns(UserWarning, match="could not write the cache entry"):
        out = cache.cached_arrays("k", lambda: {"x": np.ones(2)}, folder=blocker / "sub")
    assert out["x"].tolist() == [1.0, 1.0]
    assert cache.digest(np.zeros(3)) != cache.digest(np.zeros(4)) and cache.digest("a", 1) == cache.digest("a", 1)


def test_a_write_killed_half_way_leaves_no_file(tmp_path, monkeypatch):
    def half_then_interrupt(f, **arrays):
        f.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.np, "savez", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        cache.cached_arrays("k", lambda: {"x": np.ones(2)}, folder=tmp_path)
    assert os.listdir(tmp_path) == [], "neither the entry nor its temporary file is left"


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLIB_CACHE", str(tmp_path / "here"))
    assert cache.cache_folder() == tmp_path / "here"
    monkeypatch.delenv("EMBEDLIB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder() == tmp_path / "embedlib"
