"""The grader: run submissions in fresh kernels, check them, write a gradebook.

``python -m embedlib.course grade subs/*.ipynb --out gradebook.csv``

Every submission gets one row, whatever happens to it: a file that is not
JSON, an empty notebook, a cell that raises, a loop that never ends, a kernel
that dies or runs out of memory. This module plans a batch and hands each
submission to :func:`~embedlib.course.runner.grade_bytes` — in this process
(``--jobs 1``), in N worker processes (``--jobs N``), or on the workers of a
Dask cluster (``--scheduler ADDRESS``) — and records each row as it arrives
(:class:`~embedlib.course.gradebook.LiveGradebook`). ``--resume`` skips what an
earlier (possibly killed) run already graded from the same content.

Submissions are run as code on the grading machine: grade untrusted work in
a container or a throwaway account.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .executors import GradeError, on_dask, on_processes
from .gradebook import LiveGradebook, feedback_markdown, feedback_names, journal_path, previous_rows, row_of, write_csv
from .limits import Limits, kernel_threads, limits_problem
from .runner import Submission, grade_bytes, grade_file, precheck
from .students import Roster, by_student, student_of

__all__ = ["Submission", "grade_file", "grade_files", "grade_class", "write_gradebook", "GradeError", "Batch"]


@dataclass
class Batch:
    """What one run did: the final rows, and what to tell the instructor."""

    rows: list[dict[str, str]]
    graded: int = 0
    skipped: int = 0
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, dict[str, float]] = field(default_factory=dict)  # file -> where its time went


@dataclass
class _Task:
    index: int
    file: str  # relative to the submissions folder
    raw: bytes | None
    error: str = ""


def grade_files(paths: Iterable[str | Path], timeout: float = 300, progress: bool = True, *,
                jobs: int = 1, scheduler=None, limits: Limits | None = None) -> list[Submission]:
    """Grade every path; one :class:`Submission` per path, in order (nothing is written)."""
    limits = limits or Limits(timeout=timeout)
    tasks = [_read(i, Path(p), str(p)) for i, p in enumerate(paths)]
    subs: list[Submission | None] = [None] * len(tasks)
    with _progress(len(tasks), progress) as bar:
        for index, sub in _results(tasks, jobs, scheduler, limits):
            subs[index] = sub
            bar.update(1)
    return subs  # type: ignore[return-value]


def grade_class(paths: Iterable[str | Path], out: str | Path, *, limits: Limits | None = None, jobs: int | None = None,
                scheduler=None, resume: bool = False, root: str | Path | None = None,
                student_pattern: re.Pattern | None = None, roster: Roster | None = None,
                regrade: Iterable[str] = (), by_student_view: bool = False, progress: bool = True) -> Batch:
    """Grade a class into ``out`` (CSV), its feedback folder and, if asked, a per-student CSV."""
    out = Path(out)
    paths = [Path(p) for p in paths]
    if not paths:
        raise GradeError("no submissions given; pass the .ipynb files to grade")
    limits = limits or Limits()
    jobs = jobs or os.cpu_count() or 1
    if limits.threads is None and scheduler is None:
        limits = dataclasses.replace(limits, threads=kernel_threads(jobs))
    problem = limits_problem(limits)
    if problem:
        raise GradeError(problem)
    if journal_path(out).exists() and not resume:
        raise GradeError(f"an interrupted run left {journal_path(out)}; add --resume to continue it, "
                         "or delete that file to grade everything again")
    base = Path(root) if root else _common_folder(paths)
    tasks = [_read(i, p, _relative(p, base)) for i, p in enumerate(paths)]
    files = [t.file for t in tasks]
    if len(set(files)) < len(files):
        dupes = sorted(f for f, n in Counter(files).items() if n > 1)
        raise GradeError(f"the same submission is given twice: {', '.join(dupes)}")
    batch = Batch(rows=[])
    students = {t.file: _student(t.file, student_pattern, roster, batch.warnings) for t in tasks}
    kept = previous_rows(out) if resume else {}
    regrade = set(regrade)
    todo = [t for t in tasks if not _already_graded(t, kept.get(t.file), students[t.file], regrade)]
    batch.skipped = len(tasks) - len(todo)
    book = LiveGradebook(out, files, kept)
    try:
        with _progress(len(todo), progress) as bar:
            for _, sub in _results(todo, jobs, scheduler, limits):
                sub.student = students[sub.file]
                book.add(sub)
                batch.timings[sub.file] = {**sub.timings, "total": sub.seconds}
                batch.graded += 1
                bar.update(1)
    except KeyboardInterrupt:
        batch.interrupted = True
    finally:
        try:
            batch.rows = book.close(complete=not batch.interrupted and batch.graded == len(todo))
        except OSError as err:
            raise GradeError(str(err)) from None
    if by_student_view:
        cols, rows = by_student(batch.rows, roster)
        write_csv(out.with_name(out.stem + "_by_student.csv"), rows, cols, sync=True)
    return batch


def write_gradebook(subs: list[Submission], out: str | Path) -> Path:
    """Write the CSV and a feedback folder ``<out stem>_feedback/`` beside it (all at once)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.with_name(out.stem + "_feedback")
    folder.mkdir(exist_ok=True)
    rows = []
    for sub, name in zip(subs, feedback_names([s.file for s in subs])):
        (folder / name).write_text(feedback_markdown(sub), encoding="utf-8")
        rows.append(row_of(sub, feedback=f"{folder.name}/{name}"))
    write_csv(out, rows, sync=True)
    return folder


def _read(index: int, path: Path, file: str) -> _Task:
    try:
        return _Task(index, file, path.read_bytes())
    except OSError as err:
        return _Task(index, file, None, f"cannot read the file: {err.strerror or err}")


def _common_folder(paths: list[Path]) -> Path:
    return Path(os.path.commonpath([p.resolve().parent for p in paths]))


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        raise GradeError(f"{path} is not inside the submissions folder {base}; give --root a folder that holds every submission") from None


def _student(file: str, pattern, roster: Roster | None, warnings: list[str]) -> str:
    key = student_of(file, pattern)
    if pattern is not None and not key:
        warnings.append(f"{file}: --student-pattern does not match; its student column is empty")
    if roster is None or not key:
        return key
    name = roster.lookup(key)
    if name is None:
        warnings.append(f"{file}: {key!r} is not on the roster")
    return name or key


def _already_graded(task: _Task, row: dict[str, str] | None, student: str, regrade: set[str]) -> bool:
    if row is None or task.raw is None or student in regrade or task.file in regrade:
        return False
    return row.get("sha256") == hashlib.sha256(task.raw).hexdigest()


class _progress:
    """One tqdm bar for the batch (or none)."""

    def __init__(self, total: int, enabled: bool) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc="grading", unit="notebook", disable=not enabled, dynamic_ncols=True)

    def __enter__(self):
        return self.bar

    def __exit__(self, *exc) -> None:
        self.bar.close()


def _results(tasks: list[_Task], jobs: int, scheduler, limits: Limits) -> Iterator[tuple[int, Submission]]:
    """(index, submission) for every task, as each finishes."""
    runnable = []
    for t in tasks:  # what is refused without a kernel gets its row at once, wherever the rest runs
        refused = Submission(file=t.file).fail(t.error) if t.raw is None else precheck(t.raw, t.file)
        if refused:
            yield t.index, refused
        else:
            runnable.append(t)
    if scheduler is not None:
        yield from on_dask(runnable, scheduler, limits)
    elif min(jobs, len(runnable)) <= 1:
        for t in runnable:
            yield t.index, grade_bytes(t.raw, t.file, limits)
    else:
        yield from on_processes(runnable, jobs, limits)
