"""Grade one submission: a fresh kernel in a folder of its own, under limits.

:func:`grade_bytes` is the unit of work everywhere: ``--jobs 1`` calls it in
the grader's process, ``--jobs N`` in N worker processes, ``--scheduler`` on
the workers of a Dask cluster. It takes the file's bytes (a worker elsewhere
cannot read the instructor's disk), never raises for a bad submission, and
returns a :class:`Submission` whose ``timings`` say where the time went.

Only what grading needs is kept of the notebook's outputs: errors (to name the
cell that raised) and the checks' results. Everything else is counted and
dropped, so a notebook that prints gigabytes cannot fill the grader's memory;
a cell that prints more than ``Limits.output`` bytes is stopped.
"""
from __future__ import annotations

import ast
import hashlib
import re
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checks import INCORRECT, CheckResult
from .in_kernel import CAP_CELL, GRADE_CELL, MIME, OUTPUT_LIMIT_ERROR, RESET_CELL
from .kernel_client import _client, _errors, _execute, _run_in_notebook
from .limits import Limits, format_size, kernel_env
from .notebook_file import BadNotebook, find_notebook_id, read_notebook
from .registry import NOTEBOOKS

__all__ = ["Submission", "grade_bytes", "grade_file", "precheck"]

_OUT_OF_MEMORY = ("MemoryError", "can't allocate memory", "Cannot allocate memory", "out of memory")


@dataclass
class Submission:
    """One graded submission: what the gradebook row and the feedback are made of."""

    file: str
    notebook_id: str = ""
    results: list[CheckResult] = field(default_factory=list)
    status: str = "graded"
    reason: str = ""
    seconds: float = 0.0
    sha256: str = ""
    student: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    solutions_viewed: list[str] = field(default_factory=list)

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


def grade_file(path: str | Path, timeout: float = 300, check_timeout: float = 60,
               kernel_name: str = "python3", limits: Limits | None = None) -> Submission:
    """Grade the file at ``path``; never raises for a bad submission."""
    limits = limits or Limits(timeout=timeout, check_timeout=check_timeout)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        return Submission(file=str(path)).fail(f"cannot read the file: {err.strerror or err}")
    return grade_bytes(raw, str(path), limits, kernel_name)


def grade_bytes(raw: bytes, file: str, limits: Limits | None = None, kernel_name: str = "python3") -> Submission:
    """Grade one submission given as bytes; ``file`` is the name its row shows."""
    from nbclient.exceptions import DeadKernelError

    limits = limits or Limits()
    sub = Submission(file=file, sha256=hashlib.sha256(raw).hexdigest())
    start = time.monotonic()
    try:
        nb, sub.notebook_id = _open(raw)
        sub.solutions_viewed = solutions_viewed(nb, sub.notebook_id)
        _run(sub, nb, sub.notebook_id, limits, kernel_name)
    except BadNotebook as err:
        sub.fail(str(err))
    except DeadKernelError:
        sub.fail(f"the kernel died while running the notebook (did it call exit() or exceed {limits.memory_text()}?)")
    except Exception as err:  # the batch must never crash on one submission
        sub.fail(f"grader error: {type(err).__name__}: {err}")
    finally:
        sub.seconds = time.monotonic() - start
    return sub


def precheck(raw: bytes, file: str) -> Submission | None:
    """The row of a submission that needs no kernel to be refused; None if it must be run."""
    try:
        _open(raw)
    except BadNotebook as err:
        return Submission(file=file, sha256=hashlib.sha256(raw).hexdigest()).fail(str(err))
    return None


def solutions_viewed(nb, nb_id: str) -> list[str]:
    """The exercises whose ``.solution()`` a code cell of the submission calls, in course order.

    Calls are found in the parsed code (``ex.NAME.solution()``, whatever the
    set is called), so a comment or a string that mentions one does not count.
    Only what the submitted notebook still shows can be seen: a cell deleted
    after the call leaves no trace.
    """
    called: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(re.sub(r"^(\s*)[%!].*", r"\1pass", line) for line in cell.source.splitlines())
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            f = node.func if isinstance(node, ast.Call) else None
            if isinstance(f, ast.Attribute) and f.attr == "solution" and isinstance(f.value, ast.Attribute):
                called.add(f.value.attr)
    return [e.name for e in NOTEBOOKS.get(nb_id, []) if e.name in called]


def _open(raw: bytes):
    """(notebook, its course id), or :class:`BadNotebook` saying why it cannot be graded."""
    nb = read_notebook(raw)
    if not nb.cells:
        raise BadNotebook("empty notebook: it has no cells")
    nb_id = find_notebook_id(nb, NOTEBOOKS)
    if nb_id is None:
        raise BadNotebook("not a course notebook: no exercises(\"...\") call and no embedlib metadata")
    if nb_id not in NOTEBOOKS:
        raise BadNotebook(f"unknown notebook id {nb_id!r}")
    return nb, nb_id


def _run(sub: Submission, nb, nb_id: str, limits: Limits, kernel_name: str) -> None:
    problems: list[str] = []
    if not any(c.cell_type == "code" for c in nb.cells):
        problems.append("the notebook has no code cells")
    with tempfile.TemporaryDirectory(prefix="embedlib-grade-") as workdir:
        client = _client(nb, workdir, limits, kernel_name)
        began = time.monotonic()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # no kernel warnings on the terminal
        with client.setup_kernel(cleanup_kc=True, env=kernel_env(limits), **quiet):
            if limits.output:
                _run_in_notebook(client, nb, CAP_CELL.format(limit=limits.output, limit_text=format_size(limits.output)), limits.check_timeout)
            sub.timings["kernel start"] = time.monotonic() - began
            problems += _run_cells(client, nb, time.monotonic() + limits.timeout, limits, sub.timings)
            began = time.monotonic()
            problems += _run_checks(sub, client, nb, nb_id, limits)
            sub.timings["checks"] = time.monotonic() - began
            began = time.monotonic()
        sub.timings["kernel stop"] = time.monotonic() - began
    sub.reason = "; ".join(problems)


def _run_checks(sub: Submission, client, nb, nb_id: str, limits: Limits) -> list[str]:
    """Check every exercise; a kernel that dies during a check costs the checks left, not the row."""
    from nbclient.exceptions import DeadKernelError

    nonce = secrets.token_hex(8)
    exercises = NOTEBOOKS[nb_id]
    try:
        _run_in_notebook(client, nb, RESET_CELL, limits.check_timeout)
        for exercise in exercises:
            sub.results.append(_run_check(client, nb, nb_id, exercise, nonce, limits))
    except DeadKernelError:
        name = exercises[len(sub.results)].name
        for exercise in exercises[len(sub.results):]:
            sub.results.append(CheckResult(exercise.name, INCORRECT, f"not checked: the kernel died while `{name}` was checked", 0.0, exercise.points))
        return [f"the kernel died while `{name}` was checked (did it call exit() or exceed {limits.memory_text()}?)"]
    return []


def _is_import_cell(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(s, (ast.Import, ast.ImportFrom)) or _is_exercises_call(s) for s in body)


def _is_exercises_call(stmt) -> bool:
    """``ex = exercises("...")`` or a bare ``ex``: part of a notebook's imports cell."""
    value = getattr(stmt, "value", None) if isinstance(stmt, (ast.Assign, ast.Expr)) else None
    return isinstance(value, ast.Name) or (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "exercises")


def _run_cells(client, nb, deadline: float, limits: Limits, timings: dict) -> list[str]:
    """Run the submission's code cells until the deadline; return what went wrong."""
    problems: list[str] = []
    raised = False
    timings.update({"imports": 0.0, "cells": 0.0})
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        left = deadline - time.monotonic()
        if left < 1:
            problems.append(f"time limit of {limits.timeout:g} s reached; cells from {index} on were not run")
            break
        began = time.monotonic()
        timed_out = _execute(client, cell, index, left)
        timings["imports" if _is_import_cell(cell.source) else "cells"] += time.monotonic() - began
        errors = _errors(client, cell)
        if index in client.flooded or errors and errors[0].get("ename") == OUTPUT_LIMIT_ERROR:
            problems.append(f"cell {index} printed more than {format_size(limits.output)} of output and was stopped")
            continue
        if timed_out:
            problems.append(f"cell {index} timed out (time limit {limits.timeout:g} s) and was interrupted")
            continue
        if errors and _out_of_memory(errors[0]):
            problems.append(f"cell {index} exceeded {limits.memory_text()} ({errors[0].get('ename')})")
        elif errors and not raised:
            raised = True
            problems.append(f"cell {index} raised {errors[0].get('ename')}: {errors[0].get('evalue', '')[:200]}")
    return problems


def _out_of_memory(error) -> bool:
    text = f"{error.get('ename', '')}: {error.get('evalue', '')}"
    return any(marker in text for marker in _OUT_OF_MEMORY)


def _run_check(client, nb, nb_id: str, exercise, nonce: str, limits: Limits) -> CheckResult:
    name = exercise.name

    def wrong(message: str) -> CheckResult:
        return CheckResult(name, INCORRECT, message, 0.0, exercise.points)

    cell, timed_out = _run_in_notebook(client, nb, GRADE_CELL.format(nb_id=nb_id, name=name, nonce=nonce), limits.check_timeout)
    errors = _errors(client, cell)
    if len(nb.cells) in client.flooded or errors and errors[0].get("ename") == OUTPUT_LIMIT_ERROR:
        return wrong(f"the check of `{name}` was stopped: it printed more than {format_size(limits.output)}")
    if timed_out:
        return wrong(f"the check of `{name}` timed out after {limits.check_timeout:g} s (an endless loop?)")
    for out in cell.outputs:
        payload = out.get("data", {}).get(MIME) if out.get("output_type") == "display_data" else None
        if isinstance(payload, dict) and payload.get("nonce") == nonce:
            return CheckResult(**payload["result"])
    if errors and _out_of_memory(errors[0]):
        return wrong(f"the check of `{name}` exceeded {limits.memory_text()}")
    why = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no result"
    return wrong(f"the check of `{name}` could not run ({why})")
