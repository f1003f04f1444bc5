"""Reference and wrong answers for the Joint spaces chapter's exercises (see test_checks.py)."""

RIGHT = {}

WRONG = {}
