"""The grader: run submissions in fresh kernels, check them, write a gradebook.

``python -m embedlib.course grade subs/*.ipynb --out gradebook.csv``

Every submission gets one row, whatever happens to it: a file that is not
JSON, an empty notebook, a cell that raises, a loop that never ends, a kernel
that dies. Each row says the notebook, the points per exercise, the total,
the status (``graded`` or ``error``) and a reason when something went wrong.
Per-student feedback in markdown goes into a folder next to the CSV.

Submissions are run as code on the grading machine: grade untrusted work in
a container or a throwaway account.
"""
from __future__ import annotations

import csv
import json
import re
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .checks import CheckResult, INCORRECT, NOT_ATTEMPTED
from .registry import NOTEBOOKS

__all__ = ["Submission", "grade_file", "grade_files", "write_gradebook"]

_ID_CALL = re.compile(r"""exercises\(\s*["']([^"']+)["']\s*\)""")


@dataclass
class Submission:
    """One row of the gradebook."""

    file: str
    notebook_id: str = ""
    results: list[CheckResult] = field(default_factory=list)
    status: str = "graded"
    reason: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> float:
        if self.notebook_id in NOTEBOOKS:
            return sum(e.points for e in NOTEBOOKS[self.notebook_id])
        return 0.0

    def fail(self, reason: str) -> "Submission":
        self.status, self.reason = "error", reason
        return self


def _find_notebook_id(nb) -> str | None:
    meta = nb.get("metadata", {}).get("embedlib", {})
    if isinstance(meta, dict) and meta.get("notebook_id") in NOTEBOOKS:
        return meta["notebook_id"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            m = _ID_CALL.search(cell.source)
            if m:
                return m.group(1)
    return None


_GRADE_CELL = """\
import sys as _embedlib_sys
for _embedlib_m in [m for m in list(_embedlib_sys.modules) if m == "embedlib" or m.startswith("embedlib.")]:
    del _embedlib_sys.modules[_embedlib_m]
from embedlib.course.grade import _grade_in_kernel as _embedlib_grade
print(_embedlib_grade({nb_id!r}, {name!r}, globals(), {nonce!r}))
"""


def _grade_in_kernel(nb_id: str, name: str, namespace: dict, nonce: str) -> str:
    """Run inside the submission's kernel: check one answer, return a marked line.

    The cell that calls this first drops every cached ``embedlib`` module, so
    a notebook that patched the checks cannot change how it is graded.
    """
    from . import exercises

    exercise = getattr(exercises(nb_id), name)
    if name not in namespace:
        result = CheckResult(
            name, NOT_ATTEMPTED, f"`{name}` is not defined in the notebook", 0.0, exercise.points
        )
    else:
        result = exercise.evaluate(namespace[name])
    return nonce + json.dumps(result.__dict__)


def _read_notebook(path: Path, sub: Submission):
    import nbformat

    try:
        raw = path.read_bytes()
    except OSError as err:
        sub.fail(f"cannot read the file: {err.strerror or err}")
        return None
    if not raw.strip():
        sub.fail("empty file (0 bytes of content)")
        return None
    try:
        raw_text = raw.decode("utf-8")
        data = json.loads(raw_text)
    except UnicodeDecodeError:
        sub.fail("not a notebook: the file is not UTF-8 text")
        return None
    except json.JSONDecodeError as err:
        sub.fail(f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); was the notebook saved completely?")
        return None
    if not isinstance(data, dict) or "cells" not in data:
        sub.fail("not a Jupyter notebook: valid JSON but no 'cells'")
        return None
    try:
        nb = nbformat.reads(raw_text, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several kinds
        sub.fail(f"not a valid Jupyter notebook: {str(err).splitlines()[0]}")
        return None
    return nb


def grade_file(path: str | Path, timeout: float = 300, check_timeout: float = 60, kernel_name: str = "python3") -> Submission:
    """Grade one submission; never raises for a bad submission.

    ``timeout`` bounds the whole notebook run (seconds); ``check_timeout``
    bounds each exercise's check after it.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    sub = Submission(file=str(path))
    start = time.monotonic()
    try:
        nb = _read_notebook(path, sub)
        if nb is None:
            return sub
        if not nb.cells:
            return sub.fail("empty notebook: it has no cells")
        nb_id = _find_notebook_id(nb)
        if nb_id is None:
            return sub.fail("not a course notebook: no exercises(\"...\") call and no embedlib metadata")
        if nb_id not in NOTEBOOKS:
            return sub.fail(f"unknown notebook id {nb_id!r}")
        sub.notebook_id = nb_id
        problems: list[str] = []
        if not any(c.cell_type == "code" for c in nb.cells):
            problems.append("the notebook has no code cells")
        deadline = start + timeout
        with tempfile.TemporaryDirectory(prefix="embedlib-grade-") as workdir:
            # On a timeout nbclient interrupts the kernel and records the cell as an
            # error, then carries on: later cells and the checks still run.
            client = NotebookClient(
                nb,
                kernel_name=kernel_name,
                allow_errors=True,
                interrupt_on_timeout=True,
                error_on_timeout={"ename": "TimeoutError", "evalue": "cell timed out", "traceback": []},
                resources={"metadata": {"path": workdir}},
            )
            with client.setup_kernel():
                problems += _run_cells(client, nb, deadline, timeout)
                nonce = secrets.token_hex(8)
                for exercise in NOTEBOOKS[nb_id]:
                    sub.results.append(_run_check(client, nb, nb_id, exercise, nonce, check_timeout))
        sub.reason = "; ".join(problems)
    except DeadKernelError:
        sub.fail("the kernel died while running the notebook (did it call exit() or run out of memory?)")
    except Exception as err:  # the batch must never crash on one submission
        sub.fail(f"grader error: {type(err).__name__}: {err}")
    finally:
        sub.seconds = time.monotonic() - start
    return sub


def _run_cells(client, nb, deadline: float, timeout: float) -> list[str]:
    """Run the submission's code cells until the deadline; return what went wrong."""
    problems: list[str] = []
    raised = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        left = deadline - time.monotonic()
        if left < 1:
            problems.append(f"time limit of {timeout:g} s reached; cells from {index} on were not run")
            break
        if _execute(client, cell, index, left):
            problems.append(f"cell {index} timed out (time limit {timeout:g} s) and was interrupted")
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors and not raised:
            raised = True
            problems.append(f"cell {index} raised {errors[0].get('ename')}: {errors[0].get('evalue', '')[:200]}")
    return problems


def _execute(client, cell, index: int, limit: float) -> bool:
    """Run one cell with a time limit; True if it timed out (and was interrupted)."""
    client.timeout_func = lambda _cell: max(1, int(limit))
    began = time.monotonic()
    client.execute_cell(cell, index)
    return time.monotonic() - began >= max(1, int(limit))


def _run_check(client, nb, nb_id: str, exercise, nonce: str, check_timeout: float) -> CheckResult:
    import nbformat

    cell = nbformat.v4.new_code_cell(_GRADE_CELL.format(nb_id=nb_id, name=exercise.name, nonce=nonce))
    nb.cells.append(cell)
    try:
        timed_out = _execute(client, cell, len(nb.cells) - 1, check_timeout)
    finally:
        nb.cells.pop()
    if timed_out:
        return CheckResult(exercise.name, INCORRECT, f"the check of `{exercise.name}` timed out after {check_timeout:g} s (an endless loop?)", 0.0, exercise.points)
    for out in cell.outputs:
        if out.get("output_type") == "stream":
            for line in out.get("text", "").splitlines():
                if line.startswith(nonce):
                    return CheckResult(**json.loads(line[len(nonce):]))
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    why = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no result"
    return CheckResult(exercise.name, INCORRECT, f"the check of `{exercise.name}` could not run ({why})", 0.0, exercise.points)


def grade_files(paths: Iterable[str | Path], timeout: float = 300, progress: bool = True) -> list[Submission]:
    """Grade every path; one :class:`Submission` per path, in order."""
    from tqdm.auto import tqdm

    paths = list(paths)
    return [grade_file(p, timeout=timeout) for p in tqdm(paths, desc="grading", unit="notebook", disable=not progress)]


def _columns(subs: list[Submission]) -> list[str]:
    names: list[str] = []
    for nb_id in dict.fromkeys(s.notebook_id for s in subs if s.notebook_id in NOTEBOOKS):
        for e in NOTEBOOKS[nb_id]:
            if e.name not in names:
                names.append(e.name)
    return names


def write_gradebook(subs: list[Submission], out: str | Path) -> Path:
    """Write the CSV and a feedback folder ``<out stem>_feedback/`` beside it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = _columns(subs)
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["file", "notebook", *names, "total", "max", "status", "reason"])
        for s in subs:
            points = {r.exercise: r.points for r in s.results}
            w.writerow([s.file, s.notebook_id, *[_fmt(points[n]) if n in points else "" for n in names],
                        _fmt(s.total), _fmt(s.max_points), s.status, s.reason])
    folder = out.with_name(out.stem + "_feedback")
    folder.mkdir(exist_ok=True)
    used: set[str] = set()
    for s in subs:
        stem = re.sub(r"[^\w.-]+", "_", Path(s.file).stem) or "submission"
        name, k = stem, 1
        while name in used:
            k += 1
            name = f"{stem}-{k}"
        used.add(name)
        (folder / f"{name}.md").write_text(feedback_markdown(s), encoding="utf-8")
    return folder


def _fmt(x: float) -> str:
    return f"{x:g}"


def feedback_markdown(s: Submission) -> str:
    """The feedback one student reads."""
    lines = [f"# Feedback: {Path(s.file).name}", ""]
    if s.notebook_id:
        lines.append(f"Notebook: `{s.notebook_id}`  ")
    lines.append(f"Score: **{_fmt(s.total)} / {_fmt(s.max_points)}**")
    lines.append("")
    if s.status != "graded":
        lines += ["The notebook could not be graded: " + s.reason, ""]
    elif s.reason:
        lines += [f"Note: {s.reason}.", ""]
    for r in s.results:
        lines.append(f"- {r}  ({_fmt(r.points)}/{_fmt(r.max_points)})")
    return "\n".join(lines) + "\n"
