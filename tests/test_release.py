"""The student-notebook generator: stubs, cleared outputs, Colab cells,
determinism, and drift detection."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from embedlib.course import NOTEBOOKS
from embedlib.course.__main__ import main as cli_main
from embedlib.course.checks import Written
from embedlib.course.release import BEGIN, END, ReleaseError, release, strip_solutions

ROOT = Path(__file__).resolve().parents[1]


def test_strip_solutions_keeps_indentation_and_code_around_the_block():
    src = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n\nprint('after')\n"
    out = strip_solutions(src)
    assert out == "def f(x):\n    y = 1\n    # your code here\n    raise NotImplementedError()\n\nprint('after')\n"


@pytest.mark.parametrize(
    "src,message",
    [
        (f"{BEGIN}\nx = 1\n", "without ### END SOLUTION"),
        (f"x = 1\n{END}\n", "without ### BEGIN SOLUTION"),
        (f"{BEGIN}\n{BEGIN}\n{END}\n", "inside another solution block"),
    ],
)
def test_unbalanced_markers_are_errors_that_name_the_place(src, message):
    with pytest.raises(ReleaseError, match=message):
        strip_solutions(src, where="nb, cell 3")


def test_the_repository_is_in_sync():
    assert release(ROOT, check=True) == []


def test_check_mode_via_the_cli_exits_zero_on_the_repository():
    proc = subprocess.run([sys.executable, "-m", "embedlib.course", "release", "--check", "--root", str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def course_copy(tmp_path):
    for name in ["solutions", "notebooks", "_config.yml"]:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    return tmp_path


def test_student_notebooks_have_stubs_no_outputs_and_colab_cells(course_copy):
    for nb_id, items in NOTEBOOKS.items():
        nb = json.loads((course_copy / "notebooks" / f"{nb_id}.ipynb").read_text())
        badge, setup = nb["cells"][:2]
        assert "colab.research.google.com/github/" in "".join(badge["source"])
        assert f"notebooks/{nb_id}.ipynb" in "".join(badge["source"])
        assert '"google.colab" in sys.modules' in "".join(setup["source"])
        assert nb["metadata"]["embedlib"]["notebook_id"] == nb_id
        text = json.dumps(nb)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
        stubs = [c for c in code if "raise NotImplementedError()" in "".join(c["source"])]
        assert len(stubs) == len([e for e in items if not isinstance(e, Written)])  # a written answer has no stub


def test_colab_setup_installs_the_extras_each_chapter_needs():
    def setup_source(nb_id):
        nb = json.loads((ROOT / "notebooks" / f"{nb_id}.ipynb").read_text())
        return "".join(nb["cells"][1]["source"])

    assert '"embedlib[glove] @ git+https://github.com/' in setup_source("01_words/03_similarity")
    assert '"embedlib[glove,wrapup] @ git+https://github.com/' in setup_source("06_wrap_up/01_embed_all_the_things")
    assert '"embedlib @ git+https://github.com/' in setup_source("03_graphs/01_deepwalk")


def test_solution_cells_are_folded_in_the_book():
    for nb_id in NOTEBOOKS:
        nb = json.loads((ROOT / "solutions" / f"{nb_id}.ipynb").read_text())
        for cell in nb["cells"]:
            if BEGIN in "".join(cell["source"]):
                assert "hide-input" in cell["metadata"].get("tags", []), f"{nb_id}: solution cell not tagged hide-input"


def test_release_is_deterministic_and_check_catches_every_kind_of_drift(course_copy):
    assert release(course_copy) == []  # already in sync: nothing written
    student = course_copy / "notebooks" / "01_words" / "01_sliding_window.ipynb"
    student.write_text(student.read_text().replace("your code here", "my edit"))
    stale = course_copy / "notebooks" / "01_words" / "99_old.ipynb"
    stale.write_text("{}")
    report = release(course_copy, check=True)
    assert any("differs from its solution" in r for r in report)
    assert any("stale" in r for r in report)
    (course_copy / "notebooks" / "01_words" / "01_sliding_window.ipynb").unlink()
    assert any(r.startswith("missing") for r in release(course_copy, check=True))
    release(course_copy)
    assert release(course_copy, check=True) == []
    assert not stale.exists()


def test_registered_exercise_without_solution_block_is_an_error(course_copy):
    path = course_copy / "solutions" / "01_words" / "01_sliding_window.ipynb"
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"]).replace("def ppmi(", "def other_name(")
    path.write_text(json.dumps(nb))
    with pytest.raises(ReleaseError, match="ppmi registered but no solution block defines them"):
        release(course_copy)


# -- solutions must never reach students (issue 11, kind 10) -------------------------------
SLIDING = "01_words/01_sliding_window"


def edit_master(course, change, nb_id=SLIDING):
    """Apply ``change(cells)`` to a master notebook of the course copy."""
    path = course / "solutions" / f"{nb_id}.ipynb"
    nb = json.loads(path.read_text())
    change(nb["cells"])
    path.write_text(json.dumps(nb))


def solution_cell(cells):
    return next(i for i, c in enumerate(cells) if BEGIN in "".join(c["source"]))


def test_attachments_of_markdown_cells_reach_the_student_notebook(course_copy):
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

    def paste_image(cells):
        i = solution_cell(cells)
        cells[i + 1]["source"] = ["Like this:\n", "![sketch](attachment:sketch.png)\n"]
        cells[i + 1]["attachments"] = {"sketch.png": {"image/png": png}}

    edit_master(course_copy, paste_image)
    release(course_copy)
    cells = json.loads((course_copy / "notebooks" / f"{SLIDING}.ipynb").read_text())["cells"]
    shown = [c for c in cells if "attachment:sketch.png" in "".join(c["source"])]
    assert len(shown) == 1 and shown[0]["attachments"] == {"sketch.png": {"image/png": png}}
    import nbformat

    nbformat.validate(nbformat.reads((course_copy / "notebooks" / f"{SLIDING}.ipynb").read_text(), as_version=4))


@pytest.mark.parametrize("line", [
    "# BEGIN SOLUTION",  # too few hashes: used to be copied to the student as a comment, solution and all
    "### BEGIN SOLUTION (part 1)",
    "###BEGIN SOLUTION",
    "### begin solution",
    "### BEGIN_SOLUTION",
    "counts = Counter(tokens)  ### END SOLUTION",
    'print("### END SOLUTION")',
])
def test_a_line_that_mentions_a_marker_without_being_one_stops_release(course_copy, line, capsys):
    def add_line(cells):
        i = solution_cell(cells)
        source = "".join(cells[i]["source"]).replace("    ### BEGIN SOLUTION\n", f"    ### BEGIN SOLUTION\n    {line}\n", 1)
        cells[i]["source"] = source.splitlines(keepends=True)

    edit_master(course_copy, add_line)
    before = {p: p.read_text() for p in (course_copy / "notebooks").rglob("*.ipynb")}
    with pytest.raises(ReleaseError, match=rf"{SLIDING}, cell \d+, line 3: .* mentions a solution marker but is not one"):
        release(course_copy)
    assert {p: p.read_text() for p in (course_copy / "notebooks").rglob("*.ipynb")} == before
    assert cli_main(["release", "--check", "--root", str(course_copy)]) == 2
    assert "mentions a solution marker" in capsys.readouterr().err


def test_markers_with_spaces_around_them_are_still_markers():
    src = "def f():\n    ### BEGIN SOLUTION   \n    return 1\n  ### END SOLUTION\t\n"
    assert strip_solutions(src) == "def f():\n    # your code here\n    raise NotImplementedError()\n"


def test_marker_text_in_a_markdown_cell_names_the_cell_and_line(course_copy):
    edit_master(course_copy, lambda cells: cells[0]["source"].append("\nPut your code after # BEGIN SOLUTION.\n"))
    with pytest.raises(ReleaseError, match=rf"{SLIDING}, cell 0 \(markdown\), line \d+: .*belong in code cells"):
        release(course_copy)


def test_solution_code_repeated_in_a_later_cell_stops_release(course_copy):
    def repeat(cells):
        i = solution_cell(cells)
        body = "".join(cells[i]["source"]).split(f"{BEGIN}\n")[1].split(END)[0]
        cells.insert(i + 2, {"cell_type": "code", "execution_count": None, "id": "leak", "metadata": {},
                             "outputs": [], "source": ["# the answer, for reference\n", body]})

    edit_master(course_copy, repeat)
    with pytest.raises(ReleaseError, match=rf"{SLIDING}: the student notebook would show a solution: cell \d+: "
                                           r"code of the solution block in cell \d+ of the master"):
        release(course_copy)


@pytest.mark.parametrize("tamper", ["marker in a cell", "marker in an output", "solution code"])
def test_check_fails_when_notebooks_show_marker_text_or_solution_code(course_copy, tamper, capsys):
    path = course_copy / "notebooks" / f"{SLIDING}.ipynb"
    nb = json.loads(path.read_text())
    master = json.loads((course_copy / "solutions" / f"{SLIDING}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if tamper == "marker in a cell":
        code[-1]["source"].append("\n### BEGIN SOLUTION\n")
    elif tamper == "marker in an output":
        code[-1]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["# END SOLUTION\n"]}]
    else:
        solved = next(c for c in master["cells"] if BEGIN in "".join(c["source"]))
        code[-1]["source"] = "".join(solved["source"]).replace(BEGIN, "").replace(END, "").splitlines(keepends=True)
    path.write_text(json.dumps(nb))
    report = release(course_copy, check=True)
    assert any(r.startswith(f"solution in notebooks/{SLIDING}.ipynb:") for r in report), report
    assert cli_main(["release", "--check", "--root", str(course_copy)]) == 1
    assert "solution in notebooks/" in capsys.readouterr().out
