"""Where submissions are graded when it is not this process: worker processes or a Dask cluster.

Both run :func:`~embedlib.course.runner.grade_bytes` on each submission and
yield ``(index, Submission)`` as each finishes. A worker that dies costs the
rows it was grading a "grader error" reason, never the batch.
"""
from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import os
import secrets
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .limits import Limits, kernel_threads
from .runner import Submission, grade_bytes

if TYPE_CHECKING:
    from .grade import _Task

__all__ = ["on_processes", "on_dask", "course_fingerprint", "GradeError"]


class GradeError(Exception):
    """The batch cannot start; the message says what was wrong and what to do."""


def _lost(t: _Task, where: str, err: BaseException) -> Submission:
    return Submission(file=t.file, sha256=hashlib.sha256(t.raw or b"").hexdigest()).fail(
        f"grader error: the {where} grading it failed ({type(err).__name__}: {err}); grade it again with --resume")


def on_processes(tasks: list[_Task], jobs: int, limits: Limits) -> Iterator[tuple[int, Submission]]:
    import concurrent.futures as cf
    import multiprocessing

    pool = cf.ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(grade_bytes, t.raw, t.file, limits): t for t in tasks}
        for future in cf.as_completed(futures):
            t = futures[future]
            try:
                yield t.index, future.result()
            except Exception as err:  # a worker process died: the row says so, the batch goes on
                yield t.index, _lost(t, "worker process", err)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def on_dask(tasks: list[_Task], scheduler, limits: Limits) -> Iterator[tuple[int, Submission]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise GradeError("--scheduler needs Dask: pip install 'embedlib[grading]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="20s") if own else scheduler
    except (OSError, TimeoutError) as err:
        raise GradeError(f"cannot reach the Dask scheduler at {scheduler} ({err}); is `dask scheduler` running there?") from None
    try:
        _check_workers(client)
        shares = _thread_shares(client) if limits.threads is None else {}
        run = secrets.token_hex(4)
        futures = {client.submit(_grade_on_worker, t.raw, t.file, limits, shares, key=f"grade-{run}-{t.index}"): t
                   for t in tasks}
        for future in as_completed(futures):
            t = futures[future]
            try:
                yield t.index, future.result()
            except Exception as err:  # e.g. KilledWorker: the row says so, the batch goes on
                yield t.index, _lost(t, "Dask worker", err)
    finally:
        if own:
            client.close()


_worker_thread = threading.local()


def _thread_shares(client) -> dict[str, int]:
    """Threads per kernel on each host: its cores shared among all worker threads there (2 workers, 2 cores: 1)."""
    from distributed.comm import get_address_host

    cores = client.run(os.cpu_count)
    threads: Counter = Counter()
    host_cores: dict[str, int] = {}
    for address, info in client.scheduler_info()["workers"].items():
        host = get_address_host(address)
        threads[host] += info["nthreads"]
        host_cores[host] = cores.get(address) or 1
    return {host: max(1, min(8, host_cores[host] // n)) for host, n in threads.items()}


def _grade_on_worker(raw: bytes, file: str, limits: Limits, shares: dict[str, int]) -> Submission:
    """On a Dask worker: one kernel per worker thread, the host's cores shared between them.

    Each worker thread runs its gradings in a context of its own: Dask hands a
    task the context of the thread that scheduled it, and jupyter's event loop
    lives in a context variable, so two threads would otherwise share one loop.
    """
    if limits.threads is None:
        from distributed import get_worker
        from distributed.comm import get_address_host

        worker = get_worker()
        share = shares.get(get_address_host(worker.address))
        limits = dataclasses.replace(limits, threads=share or kernel_threads(worker.state.nthreads))
    if not hasattr(_worker_thread, "context"):
        _worker_thread.context = contextvars.Context()
    return _worker_thread.context.run(grade_bytes, raw, file, limits)


def course_fingerprint() -> str:
    """A hash of embedlib's source: workers must grade with the very checks the solutions pass."""
    import embedlib

    root = Path(embedlib.__file__).parent
    digest = hashlib.sha256(embedlib.__version__.encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _check_workers(client) -> None:
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        raise GradeError("the Dask scheduler has no workers; start some with `dask worker ADDRESS`") from None
    mine = course_fingerprint()
    try:
        theirs = client.run(course_fingerprint)
    except Exception as err:  # e.g. ModuleNotFoundError on a worker without the course
        raise GradeError(f"the Dask workers cannot run the grader ({type(err).__name__}: {err}); "
                         "install the course environment, with this embedlib, on every worker") from None
    wrong = sorted(w for w, fp in theirs.items() if fp != mine)
    if wrong:
        raise GradeError(f"{len(wrong)} Dask worker(s) ({', '.join(wrong[:3])}) have a different embedlib than this "
                         "grader; install the same version of the course on every worker")
