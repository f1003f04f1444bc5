"""The exercises teach without giving the answer away.

- every stub the learner edits carries a docstring (inputs, outputs, shapes);
- no hint contains a line of its solution (hints lead; ``.solution()`` shows it);
- no other cell of the notebook repeats a line of its solution: cells after an
  exercise use the library's version, and cells before it do not show the steps;
- ``.solution()`` shows the course's answer, from the released solutions, and
  the grader notes it; written questions are recorded, never scored.
"""
import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from embedlib.course import NOTEBOOKS, exercises, gradebook
from embedlib.course.checks import NOT_ATTEMPTED, WRITTEN, CheckResult, Exercise, Written
from embedlib.course.release import solution_blocks, strip_solutions
from embedlib.course.runner import Submission, solutions_viewed

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = [(nb, e) for nb, items in NOTEBOOKS.items() for e in items if not isinstance(e, Written)]
MIN_HINT_LINE = 10   # a solution line at least this long must not appear in a hint
MIN_REPEAT_LINE = 20  # ... nor, at least this long, in another cell of the notebook


def _cells(folder: str, nb_id: str) -> list:
    return nbformat.read(ROOT / folder / f"{nb_id}.ipynb", as_version=4).cells


def _python(source: str) -> str:
    """A cell's source as plain Python: IPython's %magics and !commands become ``pass``."""
    return "\n".join(re.sub(r"^(\s*)[%!].*", r"\1pass", line) for line in source.splitlines())


def _solution_cell(nb_id: str, name: str) -> tuple[int, str]:
    for index, cell in enumerate(_cells("solutions", nb_id)):
        if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source and re.search(rf"^def {name}\(", cell.source, re.M):
            return index, cell.source
    raise AssertionError(f"{nb_id}: no solution cell defines `{name}`")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("`", "")).strip()


@pytest.mark.parametrize("nb_id,exercise", FUNCTIONS, ids=lambda x: getattr(x, "name", x))
def test_each_stub_has_a_docstring(nb_id, exercise):
    for cell in _cells("notebooks", nb_id):
        if cell.cell_type != "code" or f"def {exercise.name}(" not in cell.source:
            continue
        tree = ast.parse(_python(cell.source))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == exercise.name:
                doc = ast.get_docstring(node) or ""
                assert len(doc) >= 40, (f"{nb_id}: the stub of `{exercise.name}` needs a docstring (inputs and "
                                        "outputs, shapes, types, what it returns) above ### BEGIN SOLUTION")
                return
    raise AssertionError(f"{nb_id}: the student notebook has no stub `def {exercise.name}(`")


@pytest.mark.parametrize("nb_id,exercise", FUNCTIONS, ids=lambda x: getattr(x, "name", x))
def test_no_hint_contains_a_line_of_the_solution(nb_id, exercise):
    _, source = _solution_cell(nb_id, exercise.name)
    lines = [_norm(line) for block in solution_blocks(source) for line in block]
    for n, hint in enumerate(exercise.hints, start=1):
        text = _norm(hint)
        given = [line for line in lines if len(line) >= MIN_HINT_LINE and line in text]
        assert not given, f"{nb_id}: hint {n} of `{exercise.name}` gives a line of the solution: {given[0]!r}"


@pytest.mark.parametrize("nb_id,exercise", FUNCTIONS, ids=lambda x: getattr(x, "name", x))
def test_no_other_cell_repeats_the_solution(nb_id, exercise):
    index, source = _solution_cell(nb_id, exercise.name)
    lines = {_norm(line) for block in solution_blocks(source) for line in block}
    lines = {line for line in lines if len(line) >= MIN_REPEAT_LINE and not line.startswith(("return", "import", "from "))}
    for other, cell in enumerate(_cells("solutions", nb_id)):
        if cell.cell_type != "code" or other == index:
            continue
        repeated = lines & {_norm(line) for line in cell.source.splitlines()}
        where = "after the exercise: use the library's version there" if other > index else (
            "before the exercise: it shows the answer's steps")
        assert not repeated, (f"{nb_id}: cell {other} repeats a line of the solution of `{exercise.name}` "
                              f"({sorted(repeated)[0]!r}), {where}")


@pytest.mark.parametrize("nb_id,exercise", [(nb, e) for nb, items in NOTEBOOKS.items() for e in items],
                         ids=lambda x: getattr(x, "name", x))
def test_solution_shows_the_released_answer(nb_id, exercise, capsys):
    stored = json.loads((ROOT / "embedlib" / "course" / "solutions.json").read_text(encoding="utf-8"))
    assert exercise.name in stored.get(nb_id, {}), f"{nb_id}: no released solution of `{exercise.name}`: run release"
    getattr(exercises(nb_id), exercise.name).solution()
    out = capsys.readouterr().out
    assert f"One solution to `{exercise.name}`" in out and stored[nb_id][exercise.name].strip() in out
    if not isinstance(exercise, Written):
        assert f"def {exercise.name}(" in out


def test_written_answers_are_recorded_not_scored(capsys):
    q = Written("polysemy", "Why does 'bank' have two kinds of neighbours?")
    assert q.points == 0
    assert q.evaluate("").outcome == NOT_ATTEMPTED and q.evaluate("  \n ").outcome == NOT_ATTEMPTED
    result = q.evaluate("It mixes the river sense and the money sense.")
    assert result.outcome == WRITTEN and result.points == 0 and "river sense" in result.message
    assert q.evaluate(42).outcome == "incorrect"
    q.check("Two senses, one vector.")
    out = capsys.readouterr().out
    assert out.startswith("📝 Recorded (4 words)") and "by hand" in out


def test_a_written_answer_gets_an_empty_string_to_write_in():
    source = 'ex.q.hint()\n### BEGIN SOLUTION\nq = """Model answer,\non two lines."""\n### END SOLUTION\nex.q.check(q)\n'
    stub = strip_solutions(source)
    assert "Model answer" not in stub and 'q = """\n"""\n' in stub
    namespace = {}
    exec(stub.replace("ex.q.hint()", "").replace("ex.q.check(q)", ""), namespace)
    assert Written("q", "?").evaluate(namespace["q"]).outcome == NOT_ATTEMPTED


def test_the_grader_notes_solutions_viewed_and_copies_written_answers(monkeypatch):
    nb_id = "99_test/01_written"
    monkeypatch.setitem(NOTEBOOKS, nb_id, [Exercise("f", lambda fn: None), Written("why", "Why?")])
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("ex.f.solution()\ndef f(): return 1"),
        nbformat.v4.new_code_cell("# ex.why.solution() would show the model answer\nwhy = 'Because.'\n%time 1"),
    ])
    assert solutions_viewed(nb, nb_id) == ["f"]  # a comment that mentions the call is not one
    sub = Submission(file="alice.ipynb", notebook_id=nb_id, solutions_viewed=["f"], results=[
        CheckResult("f", "correct", "`f`: ok.", 1.0, 1.0),
        CheckResult("why", WRITTEN, "Because the window\nis small.", 0.0, 0.0)])
    row = gradebook.row_of(sub)
    assert row["f"] == "1" and row["why (written, graded by hand)"] == "Because the window\nis small."
    assert row["solution viewed"] == "f" and row["total"] == "1" and row["max"] == "1"
    assert gradebook.columns([row])[3:5] == ["f", "why (written, graded by hand)"]
    text = gradebook.feedback_markdown(sub)
    assert "solution of `f`" in text and "> Because the window\n> is small." in text and "Why?" in text
