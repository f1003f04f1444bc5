"""Time every notebook: solutions (full run) and student versions (unsolved).

Run with `make bench`. The course promises each notebook runs in under 30 s on
two CPU cores (aim: 20 s); this prints the numbers rather than asserting them,
because timings depend on the machine.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TARGET, LIMIT = 20.0, 30.0


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> int:
    print(f"{os.cpu_count()} CPU cores; target {TARGET:g} s, limit {LIMIT:g} s per notebook")
    print(f"{'notebook':45} {'solution':>9} {'student':>9}")
    worst = 0.0
    for sol in sorted((ROOT / "solutions").rglob("*.ipynb")):
        rel = sol.relative_to(ROOT / "solutions")
        t_sol = run(sol)
        student = ROOT / "notebooks" / rel
        t_stu = run(student) if student.exists() else float("nan")
        worst = max(worst, t_sol, t_stu)
        flag = "" if max(t_sol, t_stu) < TARGET else ("  over target" if max(t_sol, t_stu) < LIMIT else "  OVER LIMIT")
        print(f"{str(rel.with_suffix('')):45} {t_sol:8.1f}s {t_stu:8.1f}s{flag}")
    print(f"slowest: {worst:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
