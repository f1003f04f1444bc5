"""The grader: full marks for the solution, zero for the untouched student
notebook, and a row with a reason for every kind of broken submission."""
import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from embedlib.course import NOTEBOOKS
from embedlib.course.checks import Written
from embedlib.course.grade import grade_file, grade_files, write_gradebook

ROOT = Path(__file__).resolve().parents[1]
NB_ID = "01_words/01_sliding_window"

pytestmark = pytest.mark.slow


def small_notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


HEADER = f'from embedlib.course import exercises\nex = exercises("{NB_ID}")'
BUILD_VOCAB = (
    "from collections import Counter\n"
    "def build_vocab(tokens, min_count):\n"
    "    c = Counter(tokens)\n"
    "    return sorted((w for w in c if c[w] >= min_count), key=lambda w: (-c[w], w))"
)


def write(tmp_path, name, nb):
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def by_name(sub):
    return {r.exercise: r for r in sub.results}


@pytest.mark.parametrize("nb_id", sorted(NOTEBOOKS))
def test_solution_gets_full_marks(nb_id):
    sub = grade_file(ROOT / "solutions" / f"{nb_id}.ipynb", timeout=240)
    assert sub.status == "graded", sub.reason
    assert sub.reason == ""
    assert sub.notebook_id == nb_id
    assert sub.total == sub.max_points == len([e for e in NOTEBOOKS[nb_id] if not isinstance(e, Written)])
    expected = ["written" if isinstance(e, Written) else "correct" for e in NOTEBOOKS[nb_id]]  # written: no points
    assert [r.outcome for r in sub.results] == expected, [str(r) for r in sub.results]


@pytest.mark.parametrize("nb_id", sorted(NOTEBOOKS))
def test_untouched_student_notebook_gets_zero_not_attempted(nb_id):
    sub = grade_file(ROOT / "notebooks" / f"{nb_id}.ipynb", timeout=240)
    assert sub.status == "graded" and sub.reason == ""
    assert sub.notebook_id == nb_id
    assert sub.total == 0 and sub.max_points == len([e for e in NOTEBOOKS[nb_id] if not isinstance(e, Written)])
    assert [r.outcome for r in sub.results] == ["not attempted"] * len(NOTEBOOKS[nb_id])


def test_broken_files_each_get_a_row_with_a_reason(tmp_path):
    garbage = tmp_path / "garbage.ipynb"
    garbage.write_text('{"cells": [ this is not json')
    empty_file = tmp_path / "empty_file.ipynb"
    empty_file.write_text("")
    no_cells = write(tmp_path, "no_cells.ipynb", nbformat.v4.new_notebook())
    not_ours = write(tmp_path, "not_ours.ipynb", small_notebook("print('hello')"))
    not_a_notebook = tmp_path / "list.ipynb"
    not_a_notebook.write_text("[1, 2, 3]")
    paths = [garbage, empty_file, no_cells, not_ours, not_a_notebook, tmp_path / "missing.ipynb"]
    subs = grade_files(paths, timeout=30, progress=False)
    reasons = {Path(s.file).name: s.reason for s in subs}
    assert [s.status for s in subs] == ["error"] * len(paths)
    assert "not valid JSON" in reasons["garbage.ipynb"]
    assert "empty file" in reasons["empty_file.ipynb"]
    assert "no cells" in reasons["no_cells.ipynb"]
    assert "not a course notebook" in reasons["not_ours.ipynb"]
    assert "no 'cells'" in reasons["list.ipynb"]
    assert "cannot read the file" in reasons["missing.ipynb"]


def test_endless_loop_is_interrupted_and_earlier_answers_still_count(tmp_path):
    nb = small_notebook(HEADER, BUILD_VOCAB, "while True:\n    pass", "def ppmi(counts):\n    return counts")
    sub = grade_file(write(tmp_path, "loop.ipynb", nb), timeout=8)
    assert sub.status == "graded"
    assert "timed out" in sub.reason
    results = by_name(sub)
    assert results["build_vocab"].outcome == "correct"
    assert results["skipgram_pairs"].outcome == "not attempted"
    assert sub.total == 1


def test_endless_loop_inside_a_checked_function_times_out_that_check_only(tmp_path):
    nb = small_notebook(HEADER, BUILD_VOCAB, "def ppmi(counts):\n    while True:\n        pass")
    sub = grade_file(write(tmp_path, "loop_in_answer.ipynb", nb), timeout=60, check_timeout=3)
    results = by_name(sub)
    assert results["build_vocab"].outcome == "correct"
    assert results["ppmi"].outcome == "incorrect" and "timed out" in results["ppmi"].message
    assert sub.total == 1


def test_a_cell_that_raises_is_reported_and_the_rest_still_graded(tmp_path):
    nb = small_notebook(HEADER, "1 / 0", BUILD_VOCAB)
    sub = grade_file(write(tmp_path, "raises.ipynb", nb), timeout=60)
    assert sub.status == "graded"
    assert "cell 1 raised ZeroDivisionError" in sub.reason
    assert sub.total == 1


def test_a_dying_kernel_gets_a_row(tmp_path):
    nb = small_notebook(HEADER, "import os\nos._exit(1)")
    sub = grade_file(write(tmp_path, "dies.ipynb", nb), timeout=60)
    assert sub.status == "error" and "kernel died" in sub.reason


def test_patching_the_checks_does_not_fool_the_grader(tmp_path):
    tamper = (
        "import embedlib.course.checks as c\n"
        "c.Exercise.evaluate = lambda self, a: c.CheckResult(self.name, 'correct', 'hacked', 1.0, 1.0)\n"
        "def build_vocab(tokens, min_count):\n"
        "    raise NotImplementedError()"
    )
    sub = grade_file(write(tmp_path, "tamper.ipynb", small_notebook(HEADER, tamper)), timeout=60)
    assert sub.total == 0
    assert by_name(sub)["build_vocab"].outcome == "not attempted"


def test_cli_writes_a_row_per_submission_and_feedback(tmp_path):
    garbage = tmp_path / "garbage.ipynb"
    garbage.write_text("not json at all")
    partial = write(tmp_path, "alice.ipynb", small_notebook(HEADER, BUILD_VOCAB))
    out = tmp_path / "grades" / "gradebook.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "embedlib.course", "grade", str(partial), str(garbage), "--out", str(out), "--timeout", "60"],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open()))
    assert [Path(r["file"]).name for r in rows] == ["alice.ipynb", "garbage.ipynb"]
    alice, bad = rows
    assert alice["build_vocab"] == "1" and alice["skipgram_pairs"] == "0" and alice["total"] == "1" and alice["max"] == "4"
    assert alice["status"] == "graded"
    assert bad["status"] == "error" and "not valid JSON" in bad["reason"] and bad["build_vocab"] == ""
    feedback = out.parent / "gradebook_feedback"
    alice_md = (feedback / "alice.md").read_text()
    assert "1 / 4" in alice_md and "✅ Correct" in alice_md and "⏸️ Not attempted" in alice_md
    assert "could not be graded" in (feedback / "garbage.md").read_text()


def test_feedback_names_do_not_collide(tmp_path):
    from embedlib.course.grade import Submission

    subs = [Submission(file="a/x.ipynb"), Submission(file="b/x.ipynb")]
    folder = write_gradebook(subs, tmp_path / "g.csv")
    assert sorted(p.name for p in folder.iterdir()) == ["x-2.md", "x.md"]
