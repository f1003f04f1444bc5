"""Grading throughput: --jobs 1, --jobs 2 and a 2-worker Dask LocalCluster on one mixed batch.

Run with `make bench` (or `python benchmarks/grading_throughput.py`). It builds a
class of submissions of one notebook — solutions, untouched student notebooks and
broken ones — grades it three ways, and prints submissions per minute, the ratios
the course aims for (--jobs 2 within 0.6x the time of --jobs 1; Dask within 15% of
--jobs 2), where the time of one submission goes, and what grading 1,000
submissions in 10 minutes would take. It prints; it asserts nothing, because
timings depend on the machine (and on whoever else is using it).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from embedlib.course.grade import grade_class
from embedlib.course.limits import Limits

ROOT = Path(__file__).resolve().parents[1]
PHASES = ["kernel start", "imports", "cells", "checks", "kernel stop"]


def make_class(folder: Path, nb_id: str, count: int) -> list[Path]:
    """A class of ``count`` submissions: 3/8 solutions, 3/8 untouched, the rest broken in four ways."""
    solution, student = ROOT / "solutions" / f"{nb_id}.ipynb", ROOT / "notebooks" / f"{nb_id}.ipynb"
    n_broken = max(4, count // 4)
    n_sol = (count - n_broken + 1) // 2
    sols = [Path(shutil.copy(solution, folder / f"solution_{i:02d}.ipynb")) for i in range(n_sol)]
    untouched = [Path(shutil.copy(student, folder / f"untouched_{i:02d}.ipynb")) for i in range(count - n_broken - n_sol)]
    broken = []
    raw = solution.read_text()
    for i in range(n_broken):
        path, kind = folder / f"broken_{i:02d}.ipynb", i % 4
        if kind == 0:  # cut short while saving: refused before any kernel starts
            path.write_text(raw[: len(raw) // 2])
        elif kind == 1:  # a notebook, but not one of the course's
            nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hi')")]), path)
        else:  # kind 2: a cell raises, the rest still runs; kind 3: the kernel dies after the imports
            nb = nbformat.read(student, as_version=4)
            code = [j for j, c in enumerate(nb.cells) if c.cell_type == "code"]
            at, source = (code[1], "1 / 0") if kind == 2 else (code[2], "import os\nos._exit(1)")
            nb.cells.insert(at, nbformat.v4.new_code_cell(source))
            nbformat.write(nb, path)
        broken.append(path)
    groups = [sols, untouched, broken]  # interleaved, as a class arrives
    return [g[i] for i in range(max(map(len, groups))) for g in groups if i < len(g)]


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (kernels, worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, paths: list[Path], out: Path, **kw) -> tuple[float, object]:
    began, cpu = time.perf_counter(), cpu_seconds()
    batch = grade_class(paths, out, limits=Limits(timeout=600), progress=False, **kw)
    seconds = time.perf_counter() - began
    # a Dask cluster's workers are still running, so their kernels' CPU time is not counted yet
    busy = "" if "scheduler" in kw else f"  (cores busy on average: {(cpu_seconds() - cpu) / seconds:.2f})"
    print(f"{label:28} {seconds:7.1f} s  {len(paths) / seconds * 60:6.1f} submissions/minute{busy}", flush=True)
    return seconds, batch


def breakdown(batch) -> dict[str, dict[str, float]]:
    """Mean seconds per phase for each kind of submission (by file-name prefix)."""
    kinds: dict[str, list[dict[str, float]]] = {}
    for file, t in batch.timings.items():
        kinds.setdefault(file.split("_")[0], []).append(t)
    return {kind: {p: statistics.mean(t.get(p, 0.0) for t in ts) for p in [*PHASES, "total"]} for kind, ts in kinds.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="01_words/01_sliding_window", help="the assignment the class hands in")
    parser.add_argument("--count", type=int, default=16, help="submissions in the class (default 16)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    parser.add_argument("--no-jobs1", action="store_true",
                        help="skip the --jobs 1 run (and the breakdown it gives): compare --jobs 2 with Dask only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "subs").mkdir()
        paths = make_class(tmp / "subs", args.notebook, args.count)
        kinds = sorted({p.name.split("_")[0] for p in paths})
        print(f"{os.cpu_count()} CPU cores; {len(paths)} submissions of {args.notebook} "
              f"({', '.join(f'{sum(p.name.startswith(k) for p in paths)} {k}' for k in kinds)})")
        t1 = batch1 = None
        if not args.no_jobs1:
            t1, batch1 = timed("--jobs 1", paths, tmp / "j1" / "gb.csv", jobs=1)
        t2, _ = timed("--jobs 2", paths, tmp / "j2" / "gb.csv", jobs=2)
        if t1:
            print(f"  --jobs 2 / --jobs 1 time: {t2 / t1:.2f} (target <= 0.60)")
            print("  (--jobs 1 gives its kernel all the cores for numpy and numba, --jobs N shares them out)")
        if not args.no_dask:
            from distributed import LocalCluster

            began = time.perf_counter()
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                print(f"  (LocalCluster of 2 workers started in {time.perf_counter() - began:.1f} s, not counted)")
                td, _ = timed("Dask LocalCluster, 2 workers", paths, tmp / "dask" / "gb.csv", scheduler=cluster.scheduler_address)
            print(f"  Dask / --jobs 2 time: {td / t2:.2f} (target <= 1.15)")
        if batch1 is None:
            return 0
        print("\nWhere the time of one submission goes (--jobs 1, mean seconds):")
        print(f"{'kind':12}" + "".join(f"{p:>14}" for p in [*PHASES, "total"]))
        table = breakdown(batch1)
        for kind, row in table.items():
            print(f"{kind:12}" + "".join(f"{row[p]:14.1f}" for p in [*PHASES, "total"]))
        per = t1 / len(paths)
        slots = 1000 * per / 600
        print(f"\n1,000 submissions in 10 minutes, on paper: at {per:.1f} s per submission (this batch, one at a time),")
        print(f"about {slots:.0f} kernels must run at once: e.g. {slots / 16:.1f} workers of 16 cores, one kernel per core")
        print("(`dask worker --nthreads 16`), if a core there grades as fast as one here; the scheduler's own work")
        print("per task is milliseconds. Kernel start and imports are paid by every submission; see the table.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
