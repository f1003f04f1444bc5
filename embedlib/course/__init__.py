"""Course tooling: exercise checks, the student-notebook generator, the grader.

In a notebook::

    from embedlib.course import exercises
    ex = exercises("01_words/01_sliding_window")
    ex.build_vocab.check(build_vocab)   # ✅ / ❌ with feedback / ⏸️ not attempted
    ex.build_vocab.hint()
    ex.build_vocab.solution()           # one answer; the grader notes its use

From the shell::

    python -m embedlib.course release            # solutions/ -> notebooks/
    python -m embedlib.course release --check    # fail if notebooks/ drifted
    python -m embedlib.course grade subs/*.ipynb --out gradebook.csv
"""
from __future__ import annotations

import copy

from .checks import CheckResult, Exercise
from .registry import NOTEBOOKS

__all__ = ["exercises", "ExerciseSet", "Exercise", "CheckResult", "NOTEBOOKS"]


class ExerciseSet:
    """The exercises of one notebook, as attributes: ``ex.build_vocab``."""

    def __init__(self, notebook_id: str, items: list[Exercise]) -> None:
        self.notebook_id = notebook_id
        self._items = {e.name: copy.copy(e) for e in items}
        for e in self._items.values():
            e.notebook_id = notebook_id

    def __getattr__(self, name: str) -> Exercise:
        items = self.__dict__.get("_items", {})
        if name in items:
            return items[name]
        raise AttributeError(
            f"notebook {self.__dict__.get('notebook_id')!r} has no exercise {name!r}; "
            f"its exercises are: {', '.join(items)}"
        )

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __dir__(self):
        return list(self._items) + ["notebook_id"]

    def __repr__(self) -> str:
        names = ", ".join(f"`{n}`" for n in self._items)
        return f"Exercises for {self.notebook_id}: {names}"


def exercises(notebook_id: str) -> ExerciseSet:
    """The exercises of one notebook, e.g. ``exercises("01_words/01_sliding_window")``."""
    try:
        items = NOTEBOOKS[notebook_id]
    except KeyError:
        known = ", ".join(sorted(NOTEBOOKS))
        raise KeyError(f"no exercises for notebook {notebook_id!r}; known notebooks: {known}") from None
    return ExerciseSet(notebook_id, items)
