"""Reference and wrong answers for the Wrap-up chapter's exercises (see test_checks.py)."""

RIGHT = {}

WRONG = {}
