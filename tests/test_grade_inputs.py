"""The grader on old and odd files, and on notebooks that rebind the names grading could use."""
import codecs
import copy

import nbformat
import pytest

from embedlib.course.grade import grade_files
from embedlib.course.notebook_file import BadNotebook, read_notebook
from grading_helpers import CORRECT, NB_ID, small_notebook, write

V4 = nbformat.writes(small_notebook(*CORRECT)).encode()


def v3_bytes(nb) -> bytes:
    return nbformat.writes(nbformat.convert(copy.deepcopy(nb), 3)).encode()


# --- reading, no kernel -------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    v3_bytes(small_notebook(*CORRECT)),
    codecs.BOM_UTF8 + V4,
    V4.decode().encode("utf-16"),
    b'{"cells": [{"cell_type": "code", "source": ["x = ", "1"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}',
    b'{"worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}], "metadata": {}, "nbformat": 3}',
], ids=["nbformat3", "utf8-bom", "utf16", "cells-without-outputs", "hand-made-nbformat3"])
def test_old_and_odd_notebooks_are_read_as_nbformat_4(raw):
    nb = read_notebook(raw)
    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert any(c.cell_type == "code" for c in nb.cells)


def test_a_notebook_saved_as_nbformat_3_keeps_its_code_and_metadata():
    nb = read_notebook(v3_bytes(small_notebook(*CORRECT)))
    assert [c.source for c in nb.cells if c.cell_type == "code"] == list(CORRECT)


@pytest.mark.parametrize("raw,says,never", [
    (V4[: len(V4) // 2], ["ends too early", "saved completely?"], []),
    (b'{"cells": [{"cell_type": "code", "source": "x', ["ends too early", "saved completely?"], []),
    (b'{"cells": [ this is not json ]}', ["not valid JSON", "line 1, column 13"], ["saved completely"]),
    (b'{"cells": [], }', ["not valid JSON"], ["saved completely"]),
    (b"[1, 2, 3]", ["a list", "no 'cells'"], ["saved completely"]),
    (b'{"metadata": {}}', ["no 'cells'", "no 'worksheets'"], ["saved completely"]),
    (b'{"cells": [], "metadata": {}, "nbformat": 5, "nbformat_minor": 0}', ["nbformat 5", "newer"], []),
    (b'{"cells": [], "metadata": {}, "nbformat": 2}', ["nbformat 2", "too old"], []),
    (b'{"cells": [], "metadata": {}, "nbformat": "four"}', ["'four'", "not a version number"], []),
    (b"\x89PNG\r\n\x1a\n\x00\x00", ["not UTF-8", "is it a notebook"], ["saved completely"]),
    (b'{"cells": [{"cell_type": "chart", "source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     ["cell 0", "'chart'", "save it again"], ["saved completely"]),
    (b'{"cells": [7], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', ["cell 0 is an int"], []),
    (b'{"cells": [{"cell_type": "code", "source": "", "outputs": 5}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     ["cell 0", "outputs"], []),
    (b"   \n", ["empty file"], []),
], ids=["cut-in-half", "cut-in-a-string", "garbage", "trailing-comma", "json-list", "json-object", "nbformat5",
        "nbformat2", "bad-version", "binary", "bad-cell-type", "cell-not-object", "bad-outputs", "blank"])
def test_bad_files_say_what_is_wrong(raw, says, never):
    with pytest.raises(BadNotebook) as info:
        read_notebook(raw)
    message = str(info.value)
    for phrase in says:
        assert phrase in message
    for phrase in never:
        assert phrase not in message


# --- grading them, one kernel each ---------------------------------------------------------

@pytest.mark.slow
def test_correct_notebooks_saved_oddly_get_full_marks(tmp_path):
    v3 = tmp_path / "old.ipynb"
    v3.write_bytes(v3_bytes(small_notebook(*CORRECT)))
    bom = tmp_path / "bom.ipynb"
    bom.write_bytes(codecs.BOM_UTF8 + V4)
    subs = grade_files([v3, bom], timeout=120, progress=False, jobs=2)
    for sub in subs:
        assert (sub.status, sub.reason, sub.notebook_id) == ("graded", "", NB_ID), sub.file
        assert sub.total == sub.max_points == 4, [str(r) for r in sub.results]


REBINDS = {
    "list": 'list = ["apple", "banana"]',
    "len": "len = 3",
    "print": "print = None",
    "np": "import numpy as np\nnp = None",
    "exercises": "exercises = None",
    "ex": "ex = None",
    "__builtins__": "__builtins__ = {}",
    "many": ("sys = json = str = dict = isinstance = getattr = callable = globals = get_ipython = None\n"
             "Exception = BaseException = KeyError = NameError = type = repr = None\n"
             "_embedlib_sys = _embedlib_grade = _embedlib_m = 'taken'\n"
             "import builtins as embedlib"),
}


@pytest.fixture(scope="module")
def rebound(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rebound")
    paths = [write(folder, f"{name.strip('_')}.ipynb", small_notebook(*CORRECT, code)) for name, code in REBINDS.items()]
    subs = grade_files(paths, timeout=120, progress=False, jobs=2)
    return dict(zip(REBINDS, subs))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REBINDS))
def test_rebinding_names_in_the_notebook_does_not_change_the_grade(rebound, name):
    sub = rebound[name]
    assert (sub.status, sub.reason) == ("graded", ""), sub.reason
    assert [r.outcome for r in sub.results] == ["correct"] * 4 + ["written"], [str(r) for r in sub.results]
    assert sub.total == 4
