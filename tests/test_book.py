"""The book's view of the master notebooks (book/_ext), without building the book.

What the built book looks like in a browser is tested in test_browser.py.
"""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import book_notebooks  # noqa: E402
from book_notebooks import PLOTLY, WIDGET_STATE, WIDGET_VIEW, for_the_book, progress_text, without_markers  # noqa: E402

COLAB = "https://colab.research.google.com/github/owner/name/blob/main/notebooks/01_words/01_x.ipynb"


def tqdm_widget(model_id="bar", description="training:\u2007100%", value=330.0, total=330.0,
                counts="\u2007330/330\u2007[00:04&lt;00:00,\u200776.1batch/s]"):
    """The widget state tqdm.auto leaves in a notebook: an HBox of HTML, FloatProgress and HTML."""
    return {
        model_id: {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_l", "IPY_MODEL_p", "IPY_MODEL_r"]}},
        "l": {"model_name": "HTMLModel", "state": {"value": description}},
        "p": {"model_name": "FloatProgressModel", "state": {"value": value, "max": total, "bar_style": "success"}},
        "r": {"model_name": "HTMLModel", "state": {"value": counts}},
    }


def notebook(cells, widgets=None):
    metadata = {"kernelspec": {"name": "python3"}}
    if widgets is not None:
        metadata["widgets"] = {WIDGET_STATE: {"state": widgets, "version_major": 2, "version_minor": 0}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def code(source, outputs=()):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": list(outputs), "execution_count": 1}


def test_solution_markers_leave_the_displayed_code_and_the_code_stays():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n\nprint(f(1))\n"
    assert without_markers(src) == "def f(x):\n    return x + 1\n\nprint(f(1))\n"
    assert without_markers("x = 1  # BEGIN SOLUTION is not a marker line\n") == "x = 1  # BEGIN SOLUTION is not a marker line\n"


def test_a_stored_tqdm_widget_becomes_the_text_bar_it_ended_as():
    assert progress_text("bar", tqdm_widget()) == "training: 100%|██████████| 330/330 [00:04<00:00, 76.1batch/s]"
    half = progress_text("bar", tqdm_widget(description="walks: 50%", value=5, total=10, counts=" 5/10"))
    assert half == "walks: 50%|█████     | 5/10"
    assert progress_text("missing", tqdm_widget()) is None
    assert progress_text("l", tqdm_widget()) is None  # not a bar


def test_the_book_view_hides_markers_renders_widgets_and_figures_and_links_the_student_notebook():
    widget_out = {"output_type": "display_data", "metadata": {},
                  "data": {WIDGET_VIEW: {"model_id": "bar"}, "text/plain": ["training:   0%|  | 0/330"]}}
    orphan_out = {"output_type": "display_data", "metadata": {},
                  "data": {WIDGET_VIEW: {"model_id": "gone"}, "text/plain": "HBox(children=...)"}}
    figure = {"data": [{"type": "scatter", "x": [0, 1], "y": [1, 0], "customdata": [["cat"], ["dog"]]}],
              "layout": {"height": 300}, "config": {"scrollZoom": True}}
    plotly_out = {"output_type": "display_data", "metadata": {}, "data": {PLOTLY: figure, "text/plain": "Figure"}}
    master = notebook([
        {"cell_type": "markdown", "metadata": {}, "source": "# 1.1 A title\n\nThe introduction."},
        code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"),
        code("train()", [widget_out, orphan_out]),
        code("fig", [plotly_out]),
    ], widgets=tqdm_widget())
    before = json.dumps(master)
    nb = for_the_book(master, "solutions/01_words/01_x", "notebooks/01_words/01_x.ipynb", COLAB)
    assert json.dumps(master) == before  # the master is not touched

    title, note, intro = nb["cells"][:3]  # the note right under the title
    assert title["source"] == "# 1.1 A title\n" and intro["source"] == "\nThe introduction."
    assert COLAB in note["source"] and "{download}`" in note["source"]
    assert "</notebooks/01_words/01_x.ipynb>" in note["source"]
    solution, trained, shown = nb["cells"][3:]
    assert "SOLUTION" not in solution["source"] and "return 1" in solution["source"]
    assert trained["outputs"][0]["data"] == {"text/plain": "training: 100%|██████████| 330/330 [00:04<00:00, 76.1batch/s]"}
    assert trained["outputs"][1]["data"] == {"text/plain": "HBox(children=...)"}
    assert "widgets" not in nb["metadata"]  # so the page loads no widget scripts
    html = shown["outputs"][0]["data"]["text/html"]
    assert list(shown["outputs"][0]["data"]) == ["text/html"]
    assert book_notebooks.PLOTLY_DIV in html and 'id="solutions-01-words-01-x-3-0"' in html
    assert "Plotly.newPlot" in html and "<script src" not in html and "cdn" not in html.lower()
    assert '"scrollZoom": true' in html and '"responsive": true' in html


def test_a_notebook_without_a_title_cell_gets_the_note_first():
    nb = for_the_book(notebook([code("x = 1")]), "solutions/a/b", "notebooks/a/b.ipynb", COLAB)
    assert nb["cells"][0]["id"] == "student-notebook-note" and len(nb["cells"]) == 2


# -- the reference list's labels -------------------------------------------------------------
@pytest.fixture(scope="module")
def labels():
    pybtex = pytest.importorskip("pybtex.database")
    import course_book

    course_book.register_styles()
    bib = pybtex.parse_string(r"""
        @article{a, author = {Firth, John R.}, title = {A synopsis}, year = {1957}}
        @article{b, author = {Levy, Omer and Goldberg, Yoav}, title = {Neural word embedding}, year = {2014}}
        @article{c, author = {Levy, Omer and Goldberg, Yoav}, title = {Linguistic regularities}, year = {2014}}
        @article{d, author = {Mikolov, T. and Chen, K. and Corrado, G.}, title = {Efficient}, year = {2013}}
        @article{e, author = {van der Maaten, Laurens and Hinton, Geoffrey}, title = {t-SNE}, year = {2008}}
        @article{f, author = {{\v{R}}eh{\r{u}}{\v{r}}ek, Radim and Sojka, Petr}, title = {gensim}, year = {2010}}
        @misc{g, author = {{OpenMoji}}, title = {OpenMoji}, year = {2025}}
    """, "bibtex")
    style = course_book.AuthorYearStyle()
    entries = style.sort(bib.entries.values())
    return dict(zip([e.key for e in entries], style.format_labels(entries)))


def test_reference_labels_read_like_the_author_year_citations(labels):
    assert labels["a"] == "Firth, 1957"
    assert labels["d"] == "Mikolov et al., 2013"
    assert labels["e"] == "van der Maaten and Hinton, 2008"
    assert labels["f"] == "Řehůřek and Sojka, 2010"
    assert labels["g"] == "OpenMoji, 2025"
    # two works with the same authors and year: a letter tells them apart, in title order
    assert (labels["c"], labels["b"]) == ("Levy and Goldberg, 2014a", "Levy and Goldberg, 2014b")


def test_reference_list_is_alphabetical_accents_aside(labels):
    order = list(labels)
    assert order.index("a") < order.index("c") < order.index("d") < order.index("g") < order.index("f") < order.index("e")
