"""The gradebook: one CSV row per submission, written as it finishes, never half-written.

A row is a dict of columns (``student``, ``file``, ``notebook``, one column
per exercise, ``total``, ``max``, ``status``, ``reason``, ``solution viewed``,
``feedback``, ``sha256``), so a new kind of column is one more key. A written
question's column (``NAME (written, graded by hand)``) holds the learner's text
for the instructor; it carries no points. While a batch runs:

- each finished row is appended to a journal, ``gradebook.csv.journal``
  (JSON lines, flushed and fsynced), and its feedback file is written;
- the CSV is rewritten whole after each row, into a temporary file that then
  replaces it (``os.replace``): a reader, or a crash, sees the old complete
  file or the new complete one, never half of one.

A finished batch removes its journal. A killed one leaves it, and
``--resume`` reads the journal and the CSV back (:func:`previous_rows`) to
skip the submissions already graded with the same content hash.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

from .checks import WRITTEN, Written
from .registry import NOTEBOOKS
from .runner import Submission

__all__ = ["row_of", "columns", "write_csv", "write_text", "previous_rows", "journal_path",
           "feedback_names", "feedback_markdown", "LiveGradebook"]

HEAD = ["student", "file", "notebook"]
TAIL = ["total", "max", "status", "reason", "solution viewed", "feedback", "sha256"]
WRITTEN_SUFFIX = " (written, graded by hand)"


def column_name(exercise) -> str:
    """The gradebook column of an exercise: its name; a written question's says it is graded by hand."""
    return exercise.name + WRITTEN_SUFFIX if isinstance(exercise, Written) else exercise.name


def _fmt(x: float) -> str:
    return f"{x:g}"


def row_of(sub: Submission, feedback: str = "") -> dict[str, str]:
    """The CSV row of one submission."""
    row = {"student": sub.student, "file": sub.file, "notebook": sub.notebook_id}
    written = {e.name for e in NOTEBOOKS.get(sub.notebook_id, []) if isinstance(e, Written)}
    for r in sub.results:
        if r.exercise in written:
            row[r.exercise + WRITTEN_SUFFIX] = r.message if r.outcome == WRITTEN else ""
        else:
            row[r.exercise] = _fmt(r.points)
    row.update(total=_fmt(sub.total), max=_fmt(sub.max_points), status=sub.status, reason=sub.reason,
               feedback=feedback, sha256=sub.sha256)
    row["solution viewed"] = " ".join(sub.solutions_viewed)
    return row


def columns(rows: list[dict[str, str]]) -> list[str]:
    """HEAD, the exercises of the notebooks present (in course order), other columns, TAIL."""
    present = {r.get("notebook") for r in rows}
    names = [column_name(e) for nb_id in NOTEBOOKS if nb_id in present for e in NOTEBOOKS[nb_id]]
    names = list(dict.fromkeys(names))
    known = set(HEAD) | set(TAIL) | set(names)
    extra = [k for r in rows for k in r if k not in known]
    return HEAD + names + list(dict.fromkeys(extra)) + TAIL


def write_text(path: Path, text: str, sync: bool = False) -> None:
    """Write a whole file or nothing: a temporary file beside it, then ``os.replace``."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        if sync:
            os.fsync(f.fileno())
    os.replace(tmp, path)


def write_csv(path: Path, rows: list[dict[str, str]], cols: list[str] | None = None, sync: bool = False) -> None:
    """The CSV of ``rows`` (missing cells empty), written atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols or columns(rows), extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    write_text(path, buf.getvalue(), sync=sync)


def journal_path(out: Path) -> Path:
    return out.with_name(out.name + ".journal")


def previous_rows(out: Path) -> dict[str, dict[str, str]]:
    """Rows of an earlier run, by file: the CSV's, then the journal's (newer) over them."""
    rows: dict[str, dict[str, str]] = {}
    if out.exists():
        with out.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("file"):
                    rows[row["file"]] = row
    journal = journal_path(out)
    if journal.exists():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # the last line of a killed run may be cut short
                continue
            if isinstance(row, dict) and row.get("file"):
                rows[row["file"]] = row
    return rows


def feedback_names(files: list[str]) -> list[str]:
    """A feedback file name per submission: its stem, numbered when stems repeat (in input order)."""
    used: set[str] = set()
    names = []
    for file in files:
        stem = re.sub(r"[^\w.-]+", "_", Path(file).stem) or "submission"
        name, k = stem, 1
        while name in used:
            k += 1
            name = f"{stem}-{k}"
        used.add(name)
        names.append(f"{name}.md")
    return names


def feedback_markdown(s: Submission) -> str:
    """The feedback one student reads."""
    lines = [f"# Feedback: {Path(s.file).name}", ""]
    if s.student:
        lines.append(f"Student: {s.student}  ")
    if s.notebook_id:
        lines.append(f"Notebook: `{s.notebook_id}`  ")
    lines.append(f"Score: **{_fmt(s.total)} / {_fmt(s.max_points)}**")
    lines.append("")
    if s.status != "graded":
        lines += ["The notebook could not be graded: " + s.reason, ""]
    elif s.reason:
        lines += [f"Note: {s.reason}.", ""]
    questions = {e.name: e.question for e in NOTEBOOKS.get(s.notebook_id, []) if isinstance(e, Written)}
    for r in s.results:
        if r.exercise not in questions:
            lines.append(f"- {r}  ({_fmt(r.points)}/{_fmt(r.max_points)})")
    if s.solutions_viewed:
        shown = ", ".join(f"`{n}`" for n in s.solutions_viewed)
        lines += ["", f"You looked at the course's solution of {shown} (`.solution()`); your instructor sees this."]
    answers = [r for r in s.results if r.exercise in questions]
    if answers:
        lines += ["", "## Written answers (graded by hand by your instructor, no automatic points)", ""]
        for r in answers:
            text = r.message if r.outcome == WRITTEN else f"*{r.message}*"
            lines += [f"**`{r.exercise}`**: {questions[r.exercise]}", ""]
            lines += ["> " + line if line else ">" for line in text.splitlines()] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


class LiveGradebook:
    """The gradebook of one batch, kept complete on disk as rows arrive.

    ``files`` are the submissions of this batch in input order; ``kept`` are
    rows of an earlier run to carry over (resumed, or of files not in this
    batch). Rows come out in input order, then the kept rows of other files.
    """

    def __init__(self, out: Path, files: list[str], kept: dict[str, dict[str, str]] | None = None) -> None:
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = self.out.with_name(self.out.stem + "_feedback")
        self.folder.mkdir(exist_ok=True)
        self.files = list(files)
        self.feedback = dict(zip(self.files, feedback_names(self.files)))
        self.rows: dict[str, dict[str, str]] = dict(kept or {})
        self.journal = journal_path(self.out).open("a", encoding="utf-8")
        self.added = 0

    def add(self, sub: Submission) -> dict[str, str]:
        """Record one finished submission: feedback file, journal line, CSV."""
        name = self.feedback.get(sub.file) or feedback_names([sub.file])[0]
        write_text(self.folder / name, feedback_markdown(sub))
        row = row_of(sub, feedback=f"{self.folder.name}/{name}")
        self.journal.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.journal.flush()
        os.fsync(self.journal.fileno())
        self.rows[sub.file] = row
        self.added += 1
        try:
            write_csv(self.out, self.ordered())
        except OSError:  # e.g. the CSV is open in a program that locks it: the journal has the row; retried at the end
            pass
        return row

    def ordered(self) -> list[dict[str, str]]:
        planned = [self.rows[f] for f in self.files if f in self.rows]
        mine = set(self.files)
        others = [r for f, r in self.rows.items() if f not in mine]
        return planned + others

    def close(self, complete: bool) -> list[dict[str, str]]:
        """Write the final CSV (fsynced); drop the journal once every submission has its row.

        A run that stopped before its first row leaves the gradebook as it was.
        """
        self.journal.close()
        journal = journal_path(self.out)
        rows = self.ordered()
        if self.added or complete:
            try:
                write_csv(self.out, rows, sync=True)
            except OSError as err:
                raise OSError(f"cannot write {self.out} ({err.strerror or err}); every graded row is kept in "
                              f"{journal}: fix that, then run the same command with --resume") from None
        if complete or (journal.exists() and journal.stat().st_size == 0):
            journal.unlink(missing_ok=True)
        return rows
