"""The one declarative list of exercises: notebook id -> its exercises.

The checks, the student-notebook generator and the grader all read this.
Each chapter keeps its checks in a module of its own.
"""
from __future__ import annotations

from . import graphs, images, joint, sequences, words, wrapup
from .checks import Exercise

NOTEBOOKS: dict[str, list[Exercise]] = {}
for _chapter in (words, sequences, graphs, images, joint, wrapup):
    for _nb, _items in _chapter.NOTEBOOKS.items():
        if _nb in NOTEBOOKS:
            raise RuntimeError(f"notebook {_nb!r} is registered twice")
        NOTEBOOKS[_nb] = list(_items)
