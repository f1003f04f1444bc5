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

__all__ = ["MIME", "RESET_CELL", "GRADE_CELL", "grade"]

MIME = "application/vnd.embedlib.grade+json"

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
