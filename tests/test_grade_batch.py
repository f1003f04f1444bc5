"""Grading a class: parallel and on Dask with the same rows, nothing lost when killed,
limits, and a gradebook an instructor can use."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import embedlib.course.grade as grade_module
from embedlib.course import NOTEBOOKS
from embedlib.course.grade import GradeError, grade_class
from embedlib.course.limits import Limits, limits_problem
from embedlib.course.runner import grade_file
from embedlib.course.students import Roster, StudentError, by_student, compile_pattern, student_of
from grading_helpers import BUILD_VOCAB, CORRECT, HEADER, NB_ID, by_name, read_csv, small_notebook, write


def broken(folder: Path, name: str, text: str = '{"cells": [') -> Path:
    """A submission the grader rejects before starting a kernel (fast)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- the gradebook, without kernels -----------------------------------------------------------

def test_rows_have_relative_paths_a_student_column_and_come_in_input_order(tmp_path):
    subs = tmp_path / "subs"
    paths = [broken(subs, "bob/hw1.ipynb"), broken(subs, "alice/hw1.ipynb"), broken(subs, "alice/hw2.ipynb")]
    batch = grade_class(paths, tmp_path / "gb.csv", progress=False)
    rows = read_csv(tmp_path / "gb.csv")
    assert rows == batch.rows
    assert [(r["student"], r["file"]) for r in rows] == [("bob", "bob/hw1.ipynb"), ("alice", "alice/hw1.ipynb"), ("alice", "alice/hw2.ipynb")]
    assert all(r["status"] == "error" and "saved completely" in r["reason"] for r in rows)
    assert str(tmp_path) not in (tmp_path / "gb.csv").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gb.csv", "gb_feedback", "subs"]  # no journal, no temp file
    assert all((tmp_path / r["feedback"]).exists() for r in rows)


def test_student_pattern_and_roster(tmp_path):
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("student,id,email\nAlice Liddell,u101,alice@example.org\nBob Dylan,u202,bob@example.org\n")
    paths = [broken(tmp_path / "subs", "hw1_u202_final.ipynb"), broken(tmp_path / "subs", "hw1_u999.ipynb"),
             broken(tmp_path / "subs", "notes.ipynb")]
    batch = grade_class(paths, tmp_path / "gb.csv", student_pattern=compile_pattern(r"hw1_(u\d+)"),
                        roster=Roster(roster_csv), by_student_view=True, progress=False)
    assert [r["student"] for r in batch.rows] == ["Bob Dylan", "u999", ""]
    assert any("'u999' is not on the roster" in w for w in batch.warnings)
    assert any("notes.ipynb: --student-pattern does not match" in w for w in batch.warnings)
    view = read_csv(tmp_path / "gb_by_student.csv")
    assert [(r["student"], r["id"], r["email"]) for r in view] == [
        ("Alice Liddell", "u101", "alice@example.org"), ("Bob Dylan", "u202", "bob@example.org"), ("", "", ""), ("u999", "", "")]


def test_a_gradebook_exported_from_canvas_is_a_roster_and_keeps_its_columns(tmp_path):
    roster_csv = tmp_path / "export.csv"
    roster_csv.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n\"Smith, Jo\",4711,s1,jsmith,A\n")
    roster = Roster(roster_csv)
    assert roster.lookup("4711") == "Smith, Jo"
    cols, view = by_student([{"student": "Smith, Jo", "notebook": NB_ID, "total": "2"}], roster)
    assert cols == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", NB_ID, "total", "max"]
    assert view == [{"Student": "Smith, Jo", "ID": "4711", "SIS User ID": "s1", "SIS Login ID": "jsmith", "Section": "A",
                     NB_ID: "2", "total": "2", "max": f"{sum(e.points for e in NOTEBOOKS[NB_ID]):g}"}]


def test_by_student_has_one_column_per_notebook_and_the_best_of_two_hand_ins():
    other = "01_words/02_word2vec"
    rows = [
        {"student": "ann", "notebook": NB_ID, "total": "1"},
        {"student": "ann", "notebook": NB_ID, "total": "3"},
        {"student": "ann", "notebook": other, "total": "2"},
        {"student": "ben", "notebook": other, "total": "1"},
        {"student": "cy", "notebook": "", "total": "0"},
    ]
    cols, view = by_student(rows)
    assert cols == ["student", NB_ID, other, "total", "max"]
    assert {r["student"]: (r[NB_ID], r[other], r["total"]) for r in view} == {
        "ann": ("3", "2", "5"), "ben": ("", "1", "1"), "cy": ("", "", "0")}


@pytest.mark.parametrize("text,message", [
    ("(", "not a regular expression"),
    (r"(\w+)_(\w+)", "name the student's (?P<student>...)"),
])
def test_bad_student_patterns_are_explained(text, message):
    with pytest.raises(StudentError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?").replace(".", r"\.")):
        compile_pattern(text)


def test_a_roster_without_a_student_column_is_explained(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,email\nAnn,ann@example.org\n")
    with pytest.raises(StudentError, match="no 'student' column .*name, email"):
        Roster(path)


def test_default_student_is_the_first_folder_or_the_file_stem():
    assert student_of("alice/week1/nb.ipynb") == "alice"
    assert student_of("bob.ipynb") == "bob"


def test_each_row_is_on_disk_as_soon_as_it_is_graded(tmp_path, monkeypatch):
    out = tmp_path / "gb.csv"
    seen = []
    real = grade_module.grade_bytes

    def spy(raw, file, limits, *args):
        seen.append([r["file"] for r in read_csv(out)] if out.exists() else [])
        seen.append(len((tmp_path / "gb.csv.journal").read_text().splitlines()) if seen[-1] else 0)
        return real(raw, file, limits, *args)

    monkeypatch.setattr(grade_module, "grade_bytes", spy)
    monkeypatch.setattr(grade_module, "precheck", lambda raw, file: None)  # send even broken files to grade_bytes
    paths = [tmp_path / f"{n}.ipynb" for n in "abc"]
    for p in paths:
        p.write_text("[]")  # valid JSON, not a notebook: graded without a kernel
    grade_class(paths, out, jobs=1, progress=False)
    assert seen == [[], 0, ["a.ipynb"], 1, ["a.ipynb", "b.ipynb"], 2]
    assert [r["file"] for r in read_csv(out)] == ["a.ipynb", "b.ipynb", "c.ipynb"]


def test_resume_skips_unchanged_and_regrades_changed_or_named(tmp_path):
    subs = tmp_path / "subs"
    paths = [broken(subs, "ann.ipynb"), broken(subs, "ben.ipynb"), broken(subs, "cy.ipynb")]
    out = tmp_path / "gb.csv"
    grade_class(paths[:2], out, progress=False)
    again = grade_class(paths, out, resume=True, progress=False)
    assert (again.graded, again.skipped) == (1, 2)
    paths[0].write_text("[1, 2]")
    changed = grade_class(paths, out, resume=True, regrade=["ben"], progress=False)
    assert (changed.graded, changed.skipped) == (2, 1)
    rows = read_csv(out)
    assert [r["file"] for r in rows] == ["ann.ipynb", "ben.ipynb", "cy.ipynb"]
    assert "no 'cells'" in rows[0]["reason"]


def test_a_gradebook_that_cannot_be_written_keeps_every_row_in_the_journal(tmp_path, monkeypatch):
    import embedlib.course.gradebook as gradebook

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(gradebook, "write_csv", locked)
    paths = [broken(tmp_path, "a.ipynb"), broken(tmp_path, "b.ipynb")]
    with pytest.raises(GradeError, match=r"cannot write .*gb.csv \(Permission denied\); every graded row is kept in .*--resume"):
        grade_class(paths, tmp_path / "gb.csv", progress=False)
    monkeypatch.undo()
    assert len((tmp_path / "gb.csv.journal").read_text().splitlines()) == 2
    batch = grade_class(paths, tmp_path / "gb.csv", resume=True, progress=False)
    assert (batch.graded, batch.skipped) == (0, 2)
    assert [r["file"] for r in read_csv(tmp_path / "gb.csv")] == ["a.ipynb", "b.ipynb"]


def test_a_run_that_cannot_start_leaves_the_gradebook_as_it_was(tmp_path, monkeypatch):
    paths = [broken(tmp_path, "a.ipynb"), broken(tmp_path, "b.ipynb")]
    grade_class(paths, tmp_path / "gb.csv", progress=False)
    before = (tmp_path / "gb.csv").read_text()

    def no_cluster(*args):
        raise GradeError("cannot reach the Dask scheduler")
        yield

    monkeypatch.setattr(grade_module, "_results", no_cluster)
    with pytest.raises(GradeError, match="cannot reach"):
        grade_class(paths, tmp_path / "gb.csv", scheduler="tcp://nowhere:8786", progress=False)
    assert (tmp_path / "gb.csv").read_text() == before
    assert not (tmp_path / "gb.csv.journal").exists()


def test_a_left_journal_needs_resume(tmp_path):
    out = tmp_path / "gb.csv"
    (tmp_path / "gb.csv.journal").write_text("")
    with pytest.raises(GradeError, match="--resume"):
        grade_class([broken(tmp_path, "a.ipynb")], out, progress=False)


def test_a_memory_limit_the_machine_cannot_give_is_refused_before_grading(tmp_path, monkeypatch):
    import resource

    monkeypatch.setattr(resource, "getrlimit", lambda which: (resource.RLIM_INFINITY, 10**9))
    with pytest.raises(GradeError, match=r"--memory-limit 2 GB is above .* \(1 GB\); ask for less or raise `ulimit -d`"):
        grade_class([broken(tmp_path, "a.ipynb")], tmp_path / "gb.csv", limits=Limits(memory=2 * 10**9), progress=False)
    assert not (tmp_path / "gb.csv").exists()


# --- in kernels ---------------------------------------------------------------------------------

BATCH = {
    "correct.ipynb": small_notebook(*CORRECT),
    "partial.ipynb": small_notebook(HEADER, BUILD_VOCAB),
    "raises.ipynb": small_notebook(HEADER, "1 / 0", BUILD_VOCAB),
    "dies.ipynb": small_notebook(HEADER, BUILD_VOCAB, "import os\nos._exit(1)"),
    "not_ours.ipynb": small_notebook("print('hello')"),
}


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    paths = [write(folder / "subs", name, nb) for name, nb in BATCH.items()]
    paths.insert(2, broken(folder / "subs", "garbage.ipynb", "not json"))
    return folder, paths


def graded(folder, paths, name, **kw):
    out = folder / name / "gb.csv"
    grade_class(paths, out, limits=Limits(timeout=120), progress=False, **kw)
    feedback = {p.name: p.read_text() for p in (out.parent / "gb_feedback").iterdir()}
    return read_csv(out), feedback


@pytest.fixture(scope="module")
def one_by_one(class_folder):
    return graded(*class_folder, "jobs1", jobs=1)


@pytest.mark.slow
def test_jobs_1_gives_every_submission_a_row_with_a_reason(one_by_one):
    rows = {r["file"]: r for r in one_by_one[0]}
    assert [r["file"] for r in one_by_one[0]] == ["correct.ipynb", "partial.ipynb", "garbage.ipynb", "raises.ipynb", "dies.ipynb", "not_ours.ipynb"]
    assert [rows[f]["total"] for f in ("correct.ipynb", "partial.ipynb", "raises.ipynb")] == ["4", "1", "1"]
    assert "cell 1 raised ZeroDivisionError" in rows["raises.ipynb"]["reason"]
    assert rows["dies.ipynb"]["status"] == "error" and "kernel died" in rows["dies.ipynb"]["reason"]
    assert "not valid JSON" in rows["garbage.ipynb"]["reason"]
    assert "not a course notebook" in rows["not_ours.ipynb"]["reason"]


@pytest.mark.slow
def test_jobs_2_gives_the_same_rows_in_the_same_order(class_folder, one_by_one):
    assert graded(*class_folder, "jobs2", jobs=2) == one_by_one


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_rows(class_folder, one_by_one):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        got = graded(*class_folder, "dask", scheduler=cluster.scheduler_address)
        assert [r["reason"] for r in got[0]] == [r["reason"] for r in one_by_one[0]]
        assert got == one_by_one


@pytest.mark.slow
def test_dask_workers_on_one_host_share_its_cores_between_their_kernels(tmp_path):
    distributed = pytest.importorskip("distributed")
    from embedlib.course.grade import grade_files
    from embedlib.course.limits import kernel_threads

    nb = small_notebook(HEADER, f"import os\nassert os.environ['OMP_NUM_THREADS'] == '{kernel_threads(2)}', os.environ.get('OMP_NUM_THREADS')", BUILD_VOCAB)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        [sub] = grade_files([write(tmp_path, "threads.ipynb", nb)], progress=False, scheduler=cluster.scheduler_address,
                            limits=Limits(timeout=120))
    assert (sub.status, sub.reason, sub.total) == ("graded", "", 1)


@pytest.mark.slow
def test_memory_and_output_limits_stop_the_cell_and_say_so(tmp_path):
    nb = small_notebook(HEADER, BUILD_VOCAB,
                        "import resource\nassert resource.getrlimit(resource.RLIMIT_DATA)[0] == 1.5e9",
                        "while True:\n    print('x' * 10_000)",
                        "hog = bytearray(3 * 10**9)",
                        "def ppmi(counts):\n    return counts")
    sub = grade_file(write(tmp_path, "greedy.ipynb", nb), limits=Limits(timeout=120, memory=1_500_000_000, output=10**5))
    assert sub.status == "graded"
    assert "cell 3 printed more than 100 KB of output and was stopped" in sub.reason
    assert "cell 4 exceeded the memory limit (1.5 GB)" in sub.reason
    assert "raised" not in sub.reason  # the limit was in force inside the kernel
    assert by_name(sub)["build_vocab"].outcome == "correct"
    assert by_name(sub)["ppmi"].outcome == "incorrect"


@pytest.mark.slow
def test_the_output_limit_is_per_cell_and_stops_a_check_that_floods(tmp_path):
    # three cells of 60 KB each stay under a 100 KB limit: the count starts again at every cell
    nb = small_notebook(HEADER, BUILD_VOCAB, *["print('y' * 60_000)"] * 3,
                        "def ppmi(counts):\n    while True:\n        print('z' * 10_000)")
    sub = grade_file(write(tmp_path, "chatty.ipynb", nb), limits=Limits(timeout=120, output=10**5))
    assert (sub.status, sub.reason) == ("graded", "")
    assert by_name(sub)["build_vocab"].outcome == "correct"
    assert by_name(sub)["ppmi"].outcome == "incorrect"
    assert "the check of `ppmi` was stopped: it printed more than 100 KB" in by_name(sub)["ppmi"].message


def test_an_error_whose_output_messages_were_lost_is_read_from_the_execute_reply():
    from embedlib.course.runner import _errors

    class Client:
        reply = {"content": {"status": "error", "ename": "MemoryError", "evalue": ""}}

    assert _errors(Client(), {"outputs": []})[0]["ename"] == "MemoryError"
    shown = {"output_type": "error", "ename": "ValueError", "evalue": "bad"}
    assert _errors(Client(), {"outputs": [shown]}) == [shown]
    Client.reply = {"content": {"status": "ok"}}
    assert _errors(Client(), {"outputs": []}) == []


@pytest.mark.slow
def test_no_network_leaves_the_kernel_only_a_loopback(tmp_path):
    limits = Limits(timeout=120, no_network=True)
    if limits_problem(limits):
        pytest.skip(limits_problem(limits))
    nb = small_notebook(HEADER, "import socket\nassert [n for _, n in socket.if_nameindex()] == ['lo'], socket.if_nameindex()", BUILD_VOCAB)
    sub = grade_file(write(tmp_path, "offline.ipynb", nb), limits=limits)
    assert (sub.status, sub.reason, sub.total) == ("graded", "", 1)


@pytest.mark.slow
def test_killed_with_sigkill_and_resumed_every_submission_is_there_once(tmp_path):
    subs = tmp_path / "subs"
    paths = [write(subs, "a.ipynb", small_notebook(HEADER, BUILD_VOCAB)),
             write(subs, "b.ipynb", small_notebook(*CORRECT)),
             write(subs, "slow.ipynb", small_notebook(HEADER, "import time\ntime.sleep(20)", BUILD_VOCAB)),
             broken(subs, "c.ipynb")]
    out = tmp_path / "gb.csv"
    cmd = [sys.executable, "-m", "embedlib.course", "grade", *map(str, paths), "--out", str(out), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    journal = tmp_path / "gb.csv.journal"
    try:
        for _ in range(1200):  # wait (at most 4 min) for two finished rows: a condition, not a timing
            if journal.exists() and len(journal.read_text().splitlines()) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    done = [json.loads(line)["file"] for line in journal.read_text().splitlines()]
    assert len(done) >= 2 and len(set(done)) == len(done)
    order = ["a.ipynb", "b.ipynb", "slow.ipynb", "c.ipynb"]
    assert [r["file"] for r in read_csv(out)] == [f for f in order if f in done]  # a complete CSV, even after SIGKILL

    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=400)
    assert resumed.returncode == 0, resumed.stderr
    assert f"kept {len(done)} already graded" in resumed.stdout
    assert "Kernel" not in resumed.stderr and "Warning" not in resumed.stderr  # quiet: no kernel warnings
    rows = read_csv(out)
    assert [r["file"] for r in rows] == order
    assert [r["total"] for r in rows] == ["1", "4", "1", "0"]
    assert not journal.exists()
