"""The regular expression behind :func:`embedlib.text.tokenize`: Unicode words.

A word is a run of letters together with the combining marks that follow
them, with at most one apostrophe inside. Kept apart from :mod:`embedlib.text`
because building it is a page of Unicode detail that the chapter does not need.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "'\u2019"  # the typewriter apostrophe and the typographic one (’), written as '
ASCII_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")  # the same tokens for ASCII text, three times faster


@lru_cache(maxsize=2)
def word_pattern(astral: bool) -> re.Pattern:
    """Letters, then letters or combining marks, with at most one apostrophe inside.

    Python's ``re`` has no class for combining marks (Unicode categories
    Mn, Mc, Me: the vowel signs of Devanagari, the accents of text in NFD),
    so it is built once from :mod:`unicodedata`: for the Basic Multilingual
    Plane, plus planes 1 and 14 when ``astral`` (a class beyond U+FFFF makes
    ``re`` slower, so it is used only for text that needs it).
    """
    codes = list(range(0x10000)) + (list(range(0x10000, 0x20000)) + list(range(0xE0000, 0xE1000)) if astral else [])
    marks, start = [], None
    for code in codes + [-1]:
        is_mark = code >= 0 and unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            marks.append(f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    letter = r"[^\W\d_]"  # a word character that is not a digit or "_": a letter
    word = f"{letter}+(?:[{''.join(marks)}]+{letter}*)*"  # no alternation per character: faster
    return re.compile(f"{word}(?:[{_APOSTROPHES}]{word})?")
