"""Checks for chapter 6, Wrap-up."""
from __future__ import annotations

from .checks import Exercise, Incorrect, call, show  # noqa: F401

NOTEBOOKS: dict[str, list[Exercise]] = {}
