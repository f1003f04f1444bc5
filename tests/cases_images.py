"""Reference and wrong answers for the Images chapter's exercises (see test_checks.py)."""

RIGHT = {}

WRONG = {}
