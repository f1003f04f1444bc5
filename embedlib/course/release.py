"""The student-notebook generator: ``solutions/`` -> ``notebooks/``.

``solutions/`` holds the master notebooks. Each solution sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; the student version replaces
that block with a stub that raises ``NotImplementedError``, clears every
output, and starts with an "Open in Colab" badge and a set-up cell that
installs embedlib only on Colab. The output is deterministic, so
``release --check`` can fail on any drift.

Solutions must never reach students, so anything that looks like a marker
without being exactly one (``# BEGIN SOLUTION``, ``x = 1  ### END SOLUTION``,
``### begin solution``) stops ``release`` with an error naming the notebook,
cell and line, and so does a solution block repeated in a cell the student
sees. ``release --check`` also reports marker text or solution code found in
the files under ``notebooks/``.

A solution block that assigns a string (``name = '''...'''`` in triple quotes) is the model
answer of a written question: its stub is an empty string to write in. The
solutions themselves go to ``embedlib/course/solutions.json`` (one entry per
exercise: its function, or its model answer), which ``ex.NAME.solution()``
shows on request; ``release --check`` reports that file's drift too.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from .. import __version__
from .._files import write_text_atomic
from .registry import NOTEBOOKS

__all__ = ["strip_solutions", "student_notebook", "solution_sources", "release", "ReleaseError"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_BOOK_ONLY_TAGS = {"hide-input", "hide-output", "hide-cell", "remove-input", "remove-output"}


class ReleaseError(ValueError):
    """A master notebook is malformed (unbalanced or mistyped markers, a leaked solution, unknown id...)."""


# anything that reads as a marker: any case, any spacing, with or without the hashes
_MARKERISH = re.compile(r"\b(?:BEGIN|END)[\s_-]*SOLUTION\b", re.IGNORECASE)
_MIN_RUN = 3  # this many consecutive lines of a solution block, found elsewhere, are a leak
_WRITTEN = re.compile(r"""^(\s*)(\w+)\s*=\s*[rRuU]?(\"\"\"|\'\'\')""")  # name = """ ... : a written answer
SOLUTIONS_JSON = Path("embedlib") / "course" / "solutions.json"


def _marker_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line of ``text`` that mentions a solution marker."""
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if _MARKERISH.search(line)]


def _code_lines(text: str) -> list[str]:
    """The lines that carry code: stripped, without blank and comment-only lines."""
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def solution_blocks(source: str) -> list[list[str]]:
    """The code lines (see :func:`_code_lines`) of each solution block in ``source``."""
    blocks, current = [], None
    for line in source.splitlines():
        if line.strip() == BEGIN:
            current = []
        elif line.strip() == END and current is not None:
            blocks.append(_code_lines("\n".join(current)))
            current = None
        elif current is not None:
            current.append(line)
    return [b for b in blocks if b]


def _contains_run(haystack: list[str], block: list[str]) -> bool:
    """Does ``haystack`` hold the whole ``block``, or ``_MIN_RUN`` of its lines in a row, consecutively?"""
    size = min(len(block), _MIN_RUN)
    runs = {tuple(block[i : i + size]) for i in range(len(block) - size + 1)}
    return any(tuple(haystack[i : i + size]) in runs for i in range(len(haystack) - size + 1))


def leaks(student: dict, master: dict) -> list[str]:
    """Where the student notebook shows marker text or code from one of the master's solution blocks."""
    found = []
    blocks = [(index, block) for index, cell in enumerate(master.get("cells", []))
              for block in solution_blocks(_source(cell))]
    for index, cell in enumerate(student.get("cells", [])):
        text = _source(cell)
        found += [f"cell {index}, line {n}: solution marker text {line.strip()!r}" for n, line in _marker_lines(text)]
        code = _code_lines(text)
        found += [f"cell {index}: code of the solution block in cell {m} of the master" for m, block in blocks
                  if _contains_run(code, block)]
    return found


def strip_solutions(source: str, where: str = "cell") -> str:
    """Replace every solution block in ``source`` with a stub.

    >>> print(strip_solutions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION\\n"))
    def f():
        # your code here
        raise NotImplementedError()
    <BLANKLINE>
    """
    out: list[str] = []
    inside = False
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker not in (BEGIN, END) and _MARKERISH.search(line):
            raise ReleaseError(f"{where}, line {number}: {marker!r} mentions a solution marker but is not one; a "
                               f"marker must be a line of its own, exactly {BEGIN!r} or {END!r} (indentation "
                               "aside), or the solution would reach students")
        if marker == BEGIN:
            if inside:
                raise ReleaseError(f"{where}, line {number}: {BEGIN} inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            first = next((x for x in lines[number:] if x.strip()), "")
            written = _WRITTEN.match(first)
            if written:  # a written question: an empty string to write in
                indent, name, quote = written.groups()
                out.append(f"{indent}# your answer here, in words, between the triple quotes\n"
                           f"{indent}{name} = {quote}\n{indent}{quote}\n")
            else:
                out.append(f"{indent}# your code here\n{indent}raise NotImplementedError()\n")
        elif marker == END:
            if not inside:
                raise ReleaseError(f"{where}, line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ReleaseError(f"{where}: {BEGIN} without {END}")
    return "".join(out)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def repository(root: Path | str = ".") -> tuple[str, str]:
    """``(owner/name, branch)`` of the course repository on GitHub, from ``repository`` in ``_config.yml``.

    That setting is the only place the address is written: the book's buttons, the
    student notebooks' Colab badges and their pip line all derive from it.
    """
    import yaml

    config = Path(root) / "_config.yml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) if config.exists() else None
    repo = (settings or {}).get("repository") or {}
    m = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)/?", str(repo.get("url", "")).strip())
    if not m:
        raise ReleaseError(f"{config}: repository.url must be https://github.com/OWNER/NAME, got "
                           f"{repo.get('url')!r}; the Colab badges and the pip line are made from it")
    return m.group(1), str(repo.get("branch") or "main")


# what each chapter needs beyond embedlib itself on Colab (which has torch and torchvision)
_COLAB_EXTRAS = {"01_words": "glove", "04_images": "images", "05_joint": "glove,images",
                 "06_wrap_up": "glove,wrapup"}


def _colab_cells(rel_path: str, repo: tuple[str, str]) -> list[dict]:
    slug, branch = repo
    url = f"https://colab.research.google.com/github/{slug}/blob/{branch}/{rel_path}"
    extras = _COLAB_EXTRAS.get(rel_path.split("/")[1] if rel_path.count("/") >= 2 else "", "")
    package = f"embedlib[{extras}]" if extras else "embedlib"
    # the library of the course version this notebook was released with (tag v<version>), not the
    # newest commit, so that a notebook opened from the book matches its library
    pinned = f"{package} @ git+https://github.com/{slug}@v{__version__}"
    badge = (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})\n"
        "\n"
        "*Student notebook, generated from the course's `solutions/`: fill in the "
        "exercises, then run their checks.*"
    )
    setup = (
        "# Set-up: on Google Colab this installs the course library; elsewhere it does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        "    subprocess.run(\n"
        f'        [sys.executable, "-m", "pip", "install", "-q", "{pinned}"],\n'
        "        check=True,\n"
        "    )"
    )
    return [
        {"cell_type": "markdown", "id": "colab-badge", "metadata": {}, "source": _lines(badge)},
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "colab-setup",
            "metadata": {},
            "outputs": [],
            "source": _lines(setup),
        },
    ]


def notebook_id(path: Path, solutions_dir: Path) -> str:
    rel = path.relative_to(solutions_dir).with_suffix("")
    return rel.as_posix()


def student_notebook(master: dict, nb_id: str, rel_out: str, repo: tuple[str, str]) -> dict:
    """Build the student version of one master notebook (a dict in nbformat 4)."""
    cells = []
    defined: set[str] = set()
    for index, cell in enumerate(master.get("cells", [])):
        src = _source(cell)
        meta = dict(cell.get("metadata", {}))
        tags = [t for t in meta.get("tags", []) if t not in _BOOK_ONLY_TAGS]
        meta = {"tags": tags} if tags else {}
        new = {"cell_type": cell["cell_type"], "id": cell.get("id", f"cell-{index}"), "metadata": meta}
        if cell["cell_type"] == "code":
            if BEGIN in src:
                defined.update(re.findall(r"^def (\w+)\(", src, re.M))
                defined.update(m.group(2) for m in map(_WRITTEN.match, src.splitlines()) if m)
            src = strip_solutions(src, where=f"{nb_id}, cell {index}")
            new.update(execution_count=None, outputs=[])
        else:
            marked = _marker_lines(src)
            if marked:
                raise ReleaseError(f"{nb_id}, cell {index} ({cell['cell_type']}), line {marked[0][0]}: "
                                   f"{marked[0][1].strip()!r}: solution markers belong in code cells; "
                                   "reword the text so that it does not read as a marker")
            if cell.get("attachments"):  # images pasted into markdown (![](attachment:...))
                new["attachments"] = cell["attachments"]
        new["source"] = _lines(src)
        cells.append(new)
    missing = [e.name for e in NOTEBOOKS.get(nb_id, []) if e.name not in defined]
    if missing:
        raise ReleaseError(
            f"{nb_id}: exercise(s) {', '.join(missing)} registered but no solution block defines them"
        )
    metadata = {
        "embedlib": {"notebook_id": nb_id, "generated_from": f"solutions/{nb_id}.ipynb"},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    found = leaks({"cells": cells}, master)  # cell numbers as in the master
    if found:
        raise ReleaseError(f"{nb_id}: the student notebook would show a solution: {found[0]}. Remove the "
                           "repeated code or marker text from that cell of the master")
    return {
        "cells": _colab_cells(rel_out, repo) + cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _unmarked(source: str) -> str:
    """``source`` with its marker lines dropped: the cell as the solution has it."""
    return "".join(line for line in source.splitlines(keepends=True) if line.strip() not in (BEGIN, END))


def solution_sources(master: dict, nb_id: str) -> dict[str, str]:
    """Each registered exercise's solution: the whole function, or a written answer's text."""
    names = {e.name for e in NOTEBOOKS.get(nb_id, [])}
    found: dict[str, str] = {}
    for cell in master.get("cells", []):
        src = _source(cell)
        if cell.get("cell_type") != "code" or BEGIN not in src:
            continue
        code = _unmarked(src)
        try:
            tree = ast.parse(code)
        except SyntaxError:  # IPython syntax (%magic): keep the whole cell
            found.update({n: code.strip() + "\n" for n in names if re.search(rf"^(def )?{n}\b", code, re.M)})
            continue
        lines = code.splitlines(keepends=True)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in names:
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found[node.name] = "".join(lines[start - 1 : node.end_lineno])
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                  and node.targets[0].id in names and isinstance(node.value, ast.Constant)
                  and isinstance(node.value.value, str)):
                found[node.targets[0].id] = node.value.value.strip() + "\n"
    return {n: found[n] for n in sorted(found)}


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def release(root: Path | str = ".", check: bool = False) -> list[str]:
    """Write ``notebooks/`` from ``solutions/`` under ``root``.

    With ``check=True`` nothing is written; returns the list of problems
    (files that would change, be created, or are stale). Without it, returns
    the list of files written.
    """
    root = Path(root)
    solutions, notebooks = root / "solutions", root / "notebooks"
    if not solutions.is_dir():
        raise ReleaseError(f"no solutions/ folder under {root.resolve()}")
    repo = repository(root)
    wanted: dict[Path, str] = {}
    masters: dict[Path, dict] = {}
    sources: dict[str, dict[str, str]] = {}
    for path in sorted(solutions.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb_id = notebook_id(path, solutions)
        try:
            master = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ReleaseError(f"{path}: not valid JSON ({err})") from None
        rel_out = f"notebooks/{nb_id}.ipynb"
        wanted[root / rel_out] = dumps(student_notebook(master, nb_id, rel_out, repo))
        masters[root / rel_out] = master
        sources[nb_id] = solution_sources(master, nb_id)
    if (root / SOLUTIONS_JSON).parent.is_dir():  # the course's own tree (not a bare folder of notebooks)
        wanted[root / SOLUTIONS_JSON] = json.dumps(sources, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    existing = {p for p in notebooks.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts} if notebooks.is_dir() else set()
    report = []
    if check:  # what students would get, whatever put it there
        for path in sorted(existing):
            report += [f"solution in {path.relative_to(root)}: {where}" for where in _leaks_on_disk(path, masters.get(path))]
    for path, content in wanted.items():
        if check:
            if not path.exists():
                report.append(f"missing: {path.relative_to(root)}")
            elif path.read_text(encoding="utf-8") != content:
                report.append(f"differs from its solution: {path.relative_to(root)}")
        elif not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, content)
            report.append(str(path.relative_to(root)))
    for path in sorted(existing - set(wanted)):
        if check:
            report.append(f"stale (no solution): {path.relative_to(root)}")
        else:
            path.unlink()
            report.append(f"removed {path.relative_to(root)}")
    return report


def _leaks_on_disk(path: Path, master: dict | None) -> list[str]:
    """Marker text anywhere in the file, and code of its master's solution blocks in its cells."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        student = json.loads(text)
    except json.JSONDecodeError:
        return [f"line {n}: solution marker text {line.strip()!r}" for n, line in _marker_lines(text)]
    found = leaks(student, master or {})
    if not found and _MARKERISH.search(text):  # in outputs, metadata, attachments...
        found.append("solution marker text outside the cells' sources")
    return found
