"""Checks for chapter 4, Images."""
from __future__ import annotations

from .checks import Exercise, Incorrect, call, show  # noqa: F401

NOTEBOOKS: dict[str, list[Exercise]] = {}
