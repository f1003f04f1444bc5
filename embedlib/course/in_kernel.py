"""What runs inside a submission's kernel when the grader checks it.

After the notebook's own cells, the grader runs two kinds of cell in the same
kernel. Their code depends on nothing the notebook could have rebound:

- :data:`RESET_CELL` drops a rebound ``__builtins__`` (a statement, no name
  lookup), so the next cells see Python's real builtins again;
- :data:`GRADE_CELL` uses only statements and names it binds itself. It drops
  every cached ``embedlib`` module, so a notebook that patched the checks
  cannot change how it is graded, imports this module afresh and calls
  :func:`grade`.

A notebook that defines ``list = [...]``, ``print = None``, ``np = 3``,
``exercises = None`` or ``ex = None`` is graded like any other: the checks
live in embedlib's modules, whose globals the notebook does not touch, and
:func:`grade` finds the answers in the kernel's namespace without using it.
The result goes back as display data of its own MIME type, with a nonce the
notebook cannot know, rather than as text on ``sys.stdout``.
"""
from __future__ import annotations

__all__ = ["MIME", "CAP_CELL", "OUTPUT_LIMIT_ERROR", "RESET_CELL", "GRADE_CELL", "grade"]

MIME = "application/vnd.embedlib.grade+json"

OUTPUT_LIMIT_ERROR = "OutputLimitExceeded"

# Run before the notebook's first cell when there is an output limit. The kernel
# itself stops a cell at its limit-th character on stdout or stderr: a loop that
# prints as fast as it can would otherwise fill the kernel's memory (IPython keeps
# a copy of every printed string in its history) faster than the grader reads the
# messages, and they would be lost. The cap wraps the streams' ``write`` at the
# start of every cell, because IPython (9 and later) swaps ``write`` for its own
# copy while a cell runs and puts the original back afterwards; a wrapper already
# in place is not wrapped again. Writes from other threads (the kernel's capture
# of C-level output) past the limit are dropped instead. No name is left behind.
CAP_CELL = """\
def _embedlib_cap_output(limit):
    import sys, threading

    class OutputLimitExceeded(BaseException):  # like KeyboardInterrupt: `except Exception` does not swallow it
        pass

    written = [0]

    def capped(write):
        def capped_write(text, *args, **kwargs):
            written[0] += len(text)
            if written[0] <= limit:
                return write(text, *args, **kwargs)
            if threading.current_thread() is threading.main_thread():
                raise OutputLimitExceeded("the cell printed more than {limit_text} of output and was stopped")
            return len(text)
        capped_write.embedlib_capped = True
        return capped_write

    def start_cell(*args):
        written[0] = 0
        for stream in (sys.stdout, sys.stderr):
            if not getattr(stream.write, "embedlib_capped", False):
                stream.write = capped(stream.write)

    get_ipython().events.register("pre_run_cell", start_cell)
_embedlib_cap_output({limit})
del _embedlib_cap_output
"""

RESET_CELL = """\
try:
    del __builtins__
except:
    pass
"""

GRADE_CELL = """\
import sys as _embedlib_sys
for _embedlib_m in _embedlib_sys.modules.copy():
    if _embedlib_m == "embedlib" or _embedlib_m.startswith("embedlib."):
        del _embedlib_sys.modules[_embedlib_m]
from embedlib.course.in_kernel import grade as _embedlib_grade
_embedlib_grade({nb_id!r}, {name!r}, {nonce!r})
"""


def grade(nb_id: str, name: str, nonce: str) -> None:
    """Check the notebook's answer ``name`` and publish the result for the grader."""
    from IPython import get_ipython
    from IPython.display import publish_display_data

    from . import exercises
    from .checks import NOT_ATTEMPTED, CheckResult

    exercise = getattr(exercises(nb_id), name)
    namespace = get_ipython().user_ns
    if name not in namespace:
        result = CheckResult(name, NOT_ATTEMPTED, f"`{name}` is not defined in the notebook", 0.0, exercise.points)
    else:
        result = exercise.evaluate(namespace[name])
    publish_display_data({MIME: {"nonce": nonce, "result": dict(vars(result))}})
