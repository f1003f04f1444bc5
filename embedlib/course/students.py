"""Who handed in what: the student column, a roster, and one row per student.

The student comes from the submission's path relative to the submissions
folder: by default its first folder (``alice/01_sliding_window.ipynb``) or,
for a flat folder, the file's stem (``alice.ipynb``). ``--student-pattern``
takes a regular expression instead; its group ``student`` (or its first
group) is the student. A roster CSV maps what the pattern finds to the name
the gradebook shows, and its columns (an email, an LMS id) lead the
per-student view, so that the view imports back into a learning platform.

>>> student_of("alice/01_sliding_window.ipynb"), student_of("bob.ipynb")
('alice', 'bob')
>>> student_of("hw1_carol_12.ipynb", re.compile(r"hw1_(?P<student>[a-z]+)_"))
'carol'
"""
from __future__ import annotations

import csv
import re
from pathlib import Path, PurePosixPath

from .registry import NOTEBOOKS

__all__ = ["student_of", "compile_pattern", "Roster", "by_student"]


class StudentError(ValueError):
    """A pattern or a roster the grader cannot use; the message says what to change."""


def compile_pattern(text: str) -> re.Pattern:
    try:
        pattern = re.compile(text)
    except re.error as err:
        raise StudentError(f"--student-pattern {text!r} is not a regular expression ({err})") from None
    if pattern.groups and "student" not in pattern.groupindex and pattern.groups > 1:
        raise StudentError(f"--student-pattern {text!r} has {pattern.groups} groups; name the student's (?P<student>...)")
    return pattern


def student_of(relpath: str, pattern: re.Pattern | None = None) -> str:
    """The student a submission belongs to ('' when the pattern does not match)."""
    path = PurePosixPath(relpath)
    if pattern is None:
        return path.parts[0] if len(path.parts) > 1 else path.stem
    m = pattern.search(relpath)
    if not m:
        return ""
    if "student" in pattern.groupindex:
        return m.group("student") or ""
    return (m.group(1) if pattern.groups else m.group(0)) or ""


class Roster:
    """Students from a CSV with a ``student`` column and, optionally, an ``id`` column.

    ``id`` is what the file names contain (a login, an LMS number); without it
    the file names contain the ``student`` values themselves. Both names are
    matched ignoring case, so a gradebook exported from Canvas (``Student``,
    ``ID``, ...) is a roster as it is. Every column is copied, under its own
    name, into the per-student view.
    """

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as f:
                reader = csv.DictReader(f)
                rows = list(reader)
                fields = list(reader.fieldnames or [])
        except (OSError, UnicodeDecodeError, csv.Error) as err:
            raise StudentError(f"cannot read the roster {path}: {err}") from None
        lower = {f.strip().lower(): f for f in fields}
        if "student" not in lower:
            raise StudentError(f"the roster {path} has no 'student' column (its columns: {', '.join(fields) or 'none'}); add one")
        self.name_column = lower["student"]
        key = lower.get("id", self.name_column)
        self.columns = fields
        self.students: dict[str, dict[str, str]] = {}
        self._by_key: dict[str, str] = {}
        for line, row in enumerate(rows, start=2):
            name, ident = (row.get(self.name_column) or "").strip(), (row.get(key) or "").strip()
            if not name or not ident:
                raise StudentError(f"the roster {path}, line {line}: empty '{key if name else self.name_column}'")
            self.students[name] = {c: row.get(c) or "" for c in fields}
            self._by_key[ident] = name

    def lookup(self, key: str) -> str | None:
        """The roster's student for what a file name contained; None if not on the roster."""
        return self._by_key.get(key)


def by_student(rows: list[dict[str, str]], roster: Roster | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """One row per student, one column per notebook (the best score if one was handed in twice).

    Students on the roster come first, in its order, with all its columns and
    empty cells for what they did not hand in; then students found only in the
    gradebook.
    """
    notebooks = [nb for nb in NOTEBOOKS if any(r.get("notebook") == nb for r in rows)]
    best: dict[str, dict[str, float]] = {}
    for r in rows:
        student = r.get("student") or ""
        scores = best.setdefault(student, {})
        nb = r.get("notebook")
        if nb in NOTEBOOKS:
            scores[nb] = max(scores.get(nb, 0.0), float(r.get("total") or 0))
    order = list(roster.students) if roster else []
    order += sorted(s for s in best if s not in set(order))
    max_total = sum(e.points for nb in notebooks for e in NOTEBOOKS[nb])
    head = roster.columns if roster else ["student"]
    name_column = roster.name_column if roster else "student"
    out = []
    for student in order:
        scores = best.get(student, {})
        row = dict(roster.students.get(student, {})) if roster else {}
        row[name_column] = student
        row.update({nb: f"{scores[nb]:g}" if nb in scores else "" for nb in notebooks})
        row.update(total=f"{sum(scores.values()):g}", max=f"{max_total:g}")
        out.append(row)
    return [*head, *notebooks, "total", "max"], out
