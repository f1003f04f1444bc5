"""Helpers shared by the checks of several chapter-1 notebooks."""
from __future__ import annotations

from ..checks import Incorrect, show


def as_number(got, label):
    """The answer as a float, or feedback saying one number was expected."""
    try:
        return float(got)
    except (TypeError, ValueError):
        raise Incorrect(f"Expected `{label}` to return one number; got {show(got)}") from None
