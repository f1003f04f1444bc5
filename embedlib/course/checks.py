"""The exercise-check machinery: three outcomes, specific feedback.

An :class:`Exercise` is declarative: the name of what the learner defines,
its points, its hints, and a ``check`` function that calls the learner's
answer on small inputs and raises :class:`Incorrect` with a message naming
the input and what was wrong. Attempt detection is separate from checking: an
answer that still raises ``NotImplementedError`` is "not attempted".

Learners use it through :func:`embedlib.course.exercises`::

    ex = exercises("01_words/01_sliding_window")
    ex.build_vocab.check(build_vocab)
    ex.build_vocab.hint()
    ex.build_vocab.solution()   # shows one answer; the grader notes that it was used

A :class:`Written` question is answered in words, in a string; its check only
records the text, and an instructor grades it by hand (no automatic points).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .display import say

__all__ = ["Exercise", "Written", "CheckResult", "Incorrect", "NotAttempted", "call", "show", "solution_source"]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
WRITTEN = "written"  # a written answer, recorded for the instructor to grade by hand

_ICONS = {CORRECT: "✅ Correct", INCORRECT: "❌ Incorrect", NOT_ATTEMPTED: "⏸️ Not attempted",
          WRITTEN: "📝 Recorded for your instructor"}
SOLUTION_BANNER = "📖 One solution to `{name}`"


class Incorrect(Exception):
    """Raised by a check: the answer is wrong; the message says how."""


class NotAttempted(Exception):
    """Raised when the answer is still the stub."""


@dataclass(frozen=True)
class CheckResult:
    """What a check found: ``outcome`` is correct, incorrect or not attempted."""

    exercise: str
    outcome: str
    message: str
    points: float
    max_points: float

    @property
    def correct(self) -> bool:
        return self.outcome == CORRECT

    def __str__(self) -> str:
        return f"{_ICONS[self.outcome]}: {self.message}"


def show(obj: Any) -> str:
    """A short repr for feedback: long values are cut, never dumped."""
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."


def call(fn: Callable, *args, _label: str | None = None, **kwargs):
    """Call the learner's ``fn``; turn its errors into feedback.

    ``NotImplementedError`` means the stub is untouched (not attempted); any
    other exception becomes an :class:`Incorrect` naming the call.
    """
    label = _label or _call_label(fn, args, kwargs)
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted() from None
    except Exception as err:  # the learner's code may raise anything
        raise Incorrect(f"`{label}` raised {type(err).__name__}: {err}") from None


def _call_label(fn: Callable, args, kwargs) -> str:
    name = getattr(fn, "__name__", "answer")
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


@dataclass
class Exercise:
    """One graded exercise.

    Parameters
    ----------
    name : the name the learner gives their answer (a function), also the
        attribute on the exercise set: ``ex.<name>.check(<name>)``.
    check_fn : called with the answer; raises ``Incorrect`` with feedback,
        or ``NotAttempted``; returns a short success message (or None).
    hints : shown one at a time by :meth:`hint`.
    points : what a correct answer is worth in the gradebook.
    """

    name: str
    check_fn: Callable[[Any], str | None]
    hints: list[str] = field(default_factory=list)
    points: float = 1.0
    notebook_id: str = ""  # set when the exercise set is built (see embedlib.course.exercises)

    def evaluate(self, answer: Any) -> CheckResult:
        """Run the check and return the result without printing."""
        try:
            if not callable(answer):
                raise Incorrect(
                    f"Expected `{self.name}` to be a function; got {type(answer).__name__}"
                )
            message = self.check_fn(answer) or "all test cases pass"
        except NotAttempted:
            return CheckResult(
                self.name,
                NOT_ATTEMPTED,
                f"`{self.name}` still raises NotImplementedError. Replace the stub "
                "with your code, then run this cell again.",
                0.0,
                self.points,
            )
        except Incorrect as wrong:
            return CheckResult(self.name, INCORRECT, str(wrong), 0.0, self.points)
        return CheckResult(self.name, CORRECT, f"`{self.name}`: {message}.", self.points, self.points)

    def check(self, answer: Any) -> None:
        """Check ``answer`` and show ✅, ❌ with what was wrong, or ⏸️ (names in code font in a notebook)."""
        say(self.evaluate(answer))

    def hint(self, n: int | None = None) -> None:
        """Show a hint; call again for the next one (or ask for hint ``n``)."""
        if not self.hints:
            say(f"No hints for `{self.name}`: re-read the exercise text.")
            return
        if n is None:
            n = getattr(self, "_next_hint", 1)
            self._next_hint = n % len(self.hints) + 1
        if not 1 <= n <= len(self.hints):
            raise ValueError(f"hint n must be between 1 and {len(self.hints)}, got {n}")
        say(f"💡 Hint {n}/{len(self.hints)} for `{self.name}`: {self.hints[n - 1]}")

    def solution(self) -> None:
        """Print one solution (the course's own), after the hints have not been enough.

        The grader notes, in the gradebook and in the feedback, which solutions a
        submission showed (it looks for ``.NAME.solution(`` in the code cells).
        """
        code = solution_source(self.notebook_id, self.name)
        if code is None:
            print(f"No stored solution for `{self.name}`; ask your instructor.")
            return
        print(SOLUTION_BANNER.format(name=self.name) + " (your grade notes that you looked):\n")
        print(code)

    def __repr__(self) -> str:
        return f"<exercise `{self.name}` ({self.points:g} point{'s' if self.points != 1 else ''})>"


_PLACEHOLDERS = {"", "your answer here", "your answer here."}


class Written(Exercise):
    """A question answered in words, in a string; graded by hand, never automatically.

    Parameters
    ----------
    name : the variable the learner assigns their answer to (a ``str``).
    question : the question, as the gradebook and the feedback show it.
    hints : optional hints, as for an :class:`Exercise`.

    ``check`` records the answer: "not attempted" while the string is empty,
    "written" otherwise, with no points (``points`` is 0, so totals count only
    the automatic checks). The grader copies the text into the feedback and
    into a column of its own, marked as graded by hand (nbgrader's manually
    graded answers, in the same spirit).
    """

    def __init__(self, name: str, question: str, hints: list[str] | None = None) -> None:
        super().__init__(name, self._record, list(hints or []), 0.0)
        self.question = question

    @staticmethod
    def _record(answer: Any) -> str:  # pragma: no cover - evaluate() handles written answers itself
        return str(answer)

    def evaluate(self, answer: Any) -> CheckResult:
        if not isinstance(answer, str):
            return CheckResult(self.name, INCORRECT, f"Write your answer to `{self.name}` as text, inside the "
                               f"triple quotes; got {type(answer).__name__}", 0.0, 0.0)
        text = answer.strip()
        if text.lower() in _PLACEHOLDERS:
            return CheckResult(self.name, NOT_ATTEMPTED, f"`{self.name}` is still empty: write your answer "
                               "inside the triple quotes, then run this cell again.", 0.0, 0.0)
        return CheckResult(self.name, WRITTEN, text, 0.0, 0.0)

    def check(self, answer: Any) -> None:
        result = self.evaluate(answer)
        if result.outcome != WRITTEN:
            say(result)
            return
        words = len(result.message.split())
        say(f"📝 Recorded ({words} word{'s' if words != 1 else ''}): your instructor grades written answers "
              f"by hand. Once you have written yours, `ex.{self.name}.solution()` shows the course's answer.")

    def __repr__(self) -> str:
        return f"<written question `{self.name}` (graded by hand): {self.question}>"


def solution_source(notebook_id: str, name: str) -> str | None:
    """The code (or model answer) of exercise ``name`` of ``notebook_id``, from the released solutions.

    ``python -m embedlib.course release`` writes them to ``solutions.json`` beside
    this module, from the solution blocks of ``solutions/``; None if absent.
    """
    import json
    from importlib import resources

    try:
        stored = json.loads(resources.files(__package__).joinpath("solutions.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None
    return stored.get(notebook_id, {}).get(name)
