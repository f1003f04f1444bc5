"""Checks for chapter 5, Joint spaces."""
from __future__ import annotations

from .checks import Exercise, Incorrect, call, show  # noqa: F401

NOTEBOOKS: dict[str, list[Exercise]] = {}
