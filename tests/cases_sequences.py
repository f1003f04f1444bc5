"""Reference and wrong answers for the Sequences chapter's exercises (see test_checks.py)."""

RIGHT = {}

WRONG = {}
