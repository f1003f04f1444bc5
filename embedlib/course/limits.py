"""What one submission may use: time, memory, output, threads, network.

The time limits are enforced by the grader (it interrupts the kernel). The
memory limit is set inside the kernel's own process, before the kernel
starts, by a small launcher (``_kernel_launch.py``, standard library only)
that calls ``resource.setrlimit`` and then replaces itself with the kernel.

The memory limit is ``RLIMIT_DATA`` — the memory a process can allocate for
its data (heap and anonymous mappings; Linux 4.7 and later) — and not
``RLIMIT_AS``: importing PyTorch maps about 3 GB of shared libraries into the
address space before a notebook has allocated anything, so an address-space
limit of 2 GB would stop every notebook at its first import. An allocation
past the limit fails with ``MemoryError`` in the notebook; the grader reports
it as "exceeded the memory limit (2 GB)".

>>> parse_size("2GB"), parse_size("512 MB"), parse_size("1.5G")
(2000000000, 512000000, 1500000000)
>>> format_size(2_000_000_000)
'2 GB'
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Limits", "parse_size", "format_size", "kernel_command", "kernel_env", "kernel_threads", "limits_problem"]

_UNITS = {"": 1, "B": 1, "K": 10**3, "KB": 10**3, "M": 10**6, "MB": 10**6, "G": 10**9, "GB": 10**9,
          "T": 10**12, "TB": 10**12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
_LAUNCHER = Path(__file__).with_name("_kernel_launch.py")


def parse_size(text: str | int) -> int:
    """``"2GB"`` -> 2_000_000_000 bytes; raises ValueError naming the accepted forms."""
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", str(text))
    unit = m.group(2).upper() if m else None
    if not m or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size; write it like 2GB, 512MB or 1.5GB")
    return int(float(m.group(1)) * _UNITS[unit])


def format_size(n: int) -> str:
    """Bytes -> the short form a row shows: ``2 GB``, ``512 MB``."""
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


@dataclass(frozen=True)
class Limits:
    """Limits for one submission.

    timeout : seconds for all of the notebook's cells together.
    check_timeout : seconds for each exercise's check.
    memory : bytes of data memory for the kernel (None: no limit).
    output : bytes of output the notebook's cells may print or display (None: no cap).
    threads : BLAS/OpenMP/numba threads for the kernel (None: the library defaults).
    no_network : run the kernel in a network namespace of its own (Linux, ``unshare``).
    """

    timeout: float = 300
    check_timeout: float = 60
    memory: int | None = 4 * 10**9
    output: int | None = 10 * 10**6
    threads: int | None = None
    no_network: bool = False

    def memory_text(self) -> str:
        return f"the memory limit ({format_size(self.memory)})" if self.memory else "the available memory"


def kernel_command(cmd: list[str], limits: Limits) -> list[str]:
    """Wrap a kernel's command line so that it starts under ``limits``."""
    if os.name != "posix" or not (limits.memory or limits.no_network):
        return cmd
    wrapped = [sys.executable, str(_LAUNCHER)]
    if limits.memory:
        wrapped += ["--data", str(limits.memory)]
    wrapped += ["--", *cmd]
    if limits.no_network:
        wrapped = ["unshare", "--user", "--map-root-user", "--net", "--", *wrapped]
    return wrapped


def kernel_threads(kernels: int) -> int:
    """Threads for each of ``kernels`` kernels sharing this machine: a fair share of the cores, at most 8.

    More threads do not speed up the course's small models, and each one costs
    memory that counts against the memory limit (a stack; OpenBLAS keeps a
    buffer of about 32 MB per thread).
    """
    return max(1, min(8, (os.cpu_count() or 1) // max(1, kernels)))


def kernel_env(limits: Limits, base: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: ours, with the thread count set when asked."""
    env = dict(os.environ if base is None else base)
    if limits.threads:
        env.update({name: str(limits.threads) for name in _THREAD_VARS})
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # a debugger warning on every kernel start
    return env


def limits_problem(limits: Limits) -> str | None:
    """None when ``limits`` can be enforced on this machine; otherwise why not, and what to do."""
    if limits.memory and os.name != "posix":
        return "--memory-limit works on Linux and macOS only; grade in a container with a memory limit instead"
    if limits.memory:
        import resource

        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        if hard != resource.RLIM_INFINITY and hard < limits.memory:
            return (f"--memory-limit {format_size(limits.memory)} is above this shell's own hard limit "
                    f"({format_size(hard)}); ask for less or raise `ulimit -d`")
    if limits.no_network:
        if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
            return "--no-network needs Linux and the `unshare` command; grade in a container started with --network none instead"
        probe = subprocess.run(["unshare", "--user", "--map-root-user", "--net", "--", "true"], capture_output=True)
        if probe.returncode != 0:
            why = probe.stderr.decode(errors="replace").strip() or f"exit status {probe.returncode}"
            return (f"--no-network needs unprivileged user namespaces, which this machine does not allow ({why}); "
                    "grade in a container started with --network none instead")
    return None
