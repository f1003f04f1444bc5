"""The grader's notebook client: a kernel started under limits, run one cell at a time.

:func:`_client` makes an nbclient ``NotebookClient`` whose kernel starts under
:class:`~embedlib.course.limits.Limits` (memory, no network where the OS
allows it) and talks over Unix sockets; it counts the bytes a cell prints and
interrupts a flood, and keeps each cell's ``execute_reply`` so that an error is
known even when its output messages were lost. :func:`_execute` runs one cell
with a time limit. Used by :mod:`embedlib.course.runner`.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time

from .in_kernel import MIME
from .limits import Limits, kernel_command


def _client(nb, workdir: str, limits: Limits, kernel_name: str):
    """An nbclient client whose kernel starts under ``limits``, talking over local sockets."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    class LimitedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return kernel_command(super().format_kernel_cmd(extra_arguments), limits)

    class GradingClient(NotebookClient):
        cell_output = 0  # bytes printed or displayed by the running cell
        flooded: set = set()
        reply: dict = {}  # the kernel's execute_reply to the last cell run

        def keep_reply(self, cell, cell_index, execute_reply):
            self.reply = execute_reply or {}

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            if msg["msg_type"] == "display_data" and MIME in content.get("data", {}):
                return super().output(outs, msg, display_id, cell_index)
            self.cell_output += sum(len(str(v)) for v in (content.get("data") or content).values())
            if limits.output and self.cell_output > limits.output and cell_index not in self.flooded:
                self.flooded = self.flooded | {cell_index}
                asyncio.ensure_future(self.km.interrupt_kernel())
            if msg["msg_type"] == "error":  # kept: it names what the cell raised
                return super().output(outs, msg, display_id, cell_index)
            return None

    # Unix sockets where there are some: no TCP ports to race for, and they work from a kernel without a network.
    ipc = {"transport": "ipc", "ip": os.path.join(workdir, "kernel")} if os.name == "posix" else {}
    km = LimitedKernelManager(kernel_name=kernel_name, **ipc)
    quiet = logging.getLogger("embedlib.course.grader")  # timeouts and dead kernels are in the row, not on the terminal
    quiet.setLevel(logging.CRITICAL)
    client = GradingClient(
        nb, km=km, log=quiet, kernel_name=kernel_name, allow_errors=True, interrupt_on_timeout=True, shutdown_kernel="immediate",
        error_on_timeout={"ename": "TimeoutError", "evalue": "cell timed out", "traceback": []},
        resources={"metadata": {"path": workdir}},
    )
    client.on_cell_executed = client.keep_reply
    return client


def _execute(client, cell, index: int, limit: float) -> bool:
    """Run one cell with a time limit; True if it timed out (and was interrupted)."""
    client.timeout_func = lambda _cell: max(1, int(limit))
    client.cell_output = 0
    client.flooded = client.flooded - {index}
    client.reply = {}
    began = time.monotonic()
    client.execute_cell(cell, index)
    return time.monotonic() - began >= max(1, int(limit))


def _errors(client, cell) -> list[dict]:
    """The cell's error outputs; or, when the kernel's messages were lost (a flood of output
    that the client gave up waiting for), the error its execute_reply names."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    reply = client.reply.get("content", {})
    if not errors and reply.get("status") == "error":
        errors = [{"output_type": "error", "ename": reply.get("ename", ""), "evalue": reply.get("evalue", "")}]
    return errors


def _run_in_notebook(client, nb, source: str, limit: float):
    """Run a cell of the grader's at the end of the notebook; return (cell, timed out)."""
    cell = _code_cell(source)
    nb.cells.append(cell)
    try:
        return cell, _execute(client, cell, len(nb.cells) - 1, limit)
    finally:
        nb.cells.pop()


def _code_cell(source: str):
    import nbformat

    return nbformat.v4.new_code_cell(source)
