"""The student-notebook generator: ``solutions/`` -> ``notebooks/``.

``solutions/`` holds the master notebooks. Each solution sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; the student version replaces
that block with a stub that raises ``NotImplementedError``, clears every
output, and starts with an "Open in Colab" badge and a set-up cell that
installs embedlib only on Colab. The output is deterministic, so
``release --check`` can fail on any drift.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .registry import NOTEBOOKS

__all__ = ["strip_solutions", "student_notebook", "release", "ReleaseError"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
DEFAULT_REPO = "embed-all-the-things/course"
_BOOK_ONLY_TAGS = {"hide-input", "hide-output", "hide-cell", "remove-input", "remove-output"}


class ReleaseError(ValueError):
    """A master notebook is malformed (unbalanced markers, unknown id...)."""


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
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ReleaseError(f"{where}, line {number}: {BEGIN} inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
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


def _repo_slug(root: Path) -> str:
    config = root / "_config.yml"
    if config.exists():
        m = re.search(r"url:\s*https://github\.com/([\w.-]+/[\w.-]+?)/?\s*$", config.read_text(), re.M)
        if m:
            return m.group(1)
    return DEFAULT_REPO


# what each chapter needs beyond embedlib itself on Colab (which has torch and torchvision)
_COLAB_EXTRAS = {"01_words": "glove", "04_images": "images", "05_joint": "glove,images",
                 "06_wrap_up": "glove,wrapup"}


def _colab_cells(rel_path: str, slug: str) -> list[dict]:
    url = f"https://colab.research.google.com/github/{slug}/blob/main/{rel_path}"
    extras = _COLAB_EXTRAS.get(rel_path.split("/")[1] if rel_path.count("/") >= 2 else "", "")
    package = f"embedlib[{extras}]" if extras else "embedlib"
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
        f'        [sys.executable, "-m", "pip", "install", "-q", "{package} @ git+https://github.com/{slug}"],\n'
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


def student_notebook(master: dict, nb_id: str, rel_out: str, slug: str = DEFAULT_REPO) -> dict:
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
            src = strip_solutions(src, where=f"{nb_id}, cell {index}")
            new.update(execution_count=None, outputs=[])
        elif BEGIN in src or END in src:
            raise ReleaseError(f"{nb_id}, cell {index}: solution markers belong in code cells")
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
    return {
        "cells": _colab_cells(rel_out, slug) + cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }


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
    slug = _repo_slug(root)
    wanted: dict[Path, str] = {}
    for path in sorted(solutions.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb_id = notebook_id(path, solutions)
        try:
            master = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ReleaseError(f"{path}: not valid JSON ({err})") from None
        rel_out = f"notebooks/{nb_id}.ipynb"
        wanted[root / rel_out] = dumps(student_notebook(master, nb_id, rel_out, slug))
    existing = {p for p in notebooks.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts} if notebooks.is_dir() else set()
    report = []
    for path, content in wanted.items():
        if check:
            if not path.exists():
                report.append(f"missing: {path.relative_to(root)}")
            elif path.read_text(encoding="utf-8") != content:
                report.append(f"differs from its solution: {path.relative_to(root)}")
        elif not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            report.append(str(path.relative_to(root)))
    for path in sorted(existing - set(wanted)):
        if check:
            report.append(f"stale (no solution): {path.relative_to(root)}")
        else:
            path.unlink()
            report.append(f"removed {path.relative_to(root)}")
    return report
