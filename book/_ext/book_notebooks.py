"""What the book shows of a master notebook, computed from it (the files stay unchanged).

The book is built from ``solutions/``; before a notebook page is parsed,
:func:`for_the_book` rewrites the notebook in memory:

- the ``### BEGIN/END SOLUTION`` marker lines leave the displayed code (they
  are for the generator, not for readers);
- a tqdm progress bar stored as a Jupyter widget becomes the text bar it ended
  as (read back from the widget state saved in the notebook), so the page needs
  no widget scripts from a CDN;
- a plotly figure (``application/vnd.plotly.v1+json``) becomes HTML that draws
  it with the plotly.js the book serves from ``_static/``;
- a note under the title links the *student* notebook, the one to work in.

Pure functions on nbformat-4 dicts, so the tests need no Sphinx.
"""
from __future__ import annotations

import html
import json
import re

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PLOTLY = "application/vnd.plotly.v1+json"
PLOTLY_DIV = "plotly-graph-div"  # the class plotly gives the figure's div: pages with one load plotly.js


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def without_markers(source: str) -> str:
    """``source`` without its solution-marker lines (the code between them stays).

    >>> without_markers("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION\\n")
    'def f():\\n    return 1\\n'
    """
    return "".join(line for line in source.splitlines(keepends=True) if line.strip() not in (BEGIN, END))


def _plain(widget_html: str) -> str:
    """tqdm's widget text (HTML-escaped, figure spaces for alignment) as plain text."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget_html)).replace("\u2007", " ").replace("\xa0", " ")


def progress_text(model_id: str, state: dict) -> str | None:
    """The text bar a stored tqdm widget ended as, ``None`` if ``model_id`` is not a tqdm bar.

    tqdm's notebook bar is an HBox of three children: HTML (description and
    percentage), a FloatProgress, and HTML (counts, times and rate).
    """
    box = state.get(model_id, {})
    children = [c.removeprefix("IPY_MODEL_") for c in box.get("state", {}).get("children", [])]
    if box.get("model_name") != "HBoxModel" or len(children) != 3:
        return None
    left, bar, right = (state.get(c, {}) for c in children)
    if bar.get("model_name") not in ("FloatProgressModel", "IntProgressModel"):
        return None
    value, total = bar["state"].get("value", 0), bar["state"].get("max", 0) or 1
    filled = max(0, min(10, int(10 * value / total)))
    return f"{_plain(left['state'].get('value', ''))}|{'█' * filled}{' ' * (10 - filled)}|{_plain(right['state'].get('value', ''))}"


def plotly_html(figure: dict, div_id: str) -> str:
    """HTML that draws a plotly figure with the page's plotly.js (none embedded, none from a CDN)."""
    import plotly.io

    config = {"responsive": True, "displaylogo": False, **figure.get("config", {})}
    figure = {k: v for k, v in figure.items() if k != "config"}
    return plotly.io.to_html(figure, include_plotlyjs=False, full_html=False, div_id=div_id, config=config,
                             validate=False, default_width="100%")


def _output_for_the_book(output: dict, widgets: dict, div_id: str) -> dict:
    data = output.get("data")
    if output.get("output_type") not in ("display_data", "execute_result") or not data:
        return output
    if WIDGET_VIEW in data:
        text = progress_text(data[WIDGET_VIEW].get("model_id", ""), widgets)
        plain = text if text is not None else _text(data.get("text/plain", ""))
        return {"output_type": "display_data", "metadata": {}, "data": {"text/plain": plain}}
    if PLOTLY in data:
        return {"output_type": "display_data", "metadata": {},
                "data": {"text/html": plotly_html(data[PLOTLY], div_id)}}
    return output


def student_note(student_path: str, colab_url: str) -> str:
    """The note under a notebook page's title: where the student version is, and how to open it."""
    return (
        ":::{admonition} Work in the student notebook\n"
        ":class: tip\n"
        "This page is the solved notebook. To do the exercises yourself, open the student version, "
        "with the exercises as stubs and a set-up cell for Colab: "
        f"[open it in Colab]({colab_url}) or "
        f"{{download}}`download {student_path} </{student_path}>`.\n"
        ":::\n"
    )


def for_the_book(nb: dict, docname: str, student_path: str, colab_url: str) -> dict:
    """The notebook as the book shows it (see the module docstring); ``nb`` is left unchanged."""
    nb = json.loads(json.dumps(nb))
    widgets = nb.get("metadata", {}).pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    slug = re.sub(r"[^a-z0-9]+", "-", docname.lower()).strip("-")
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = _text(cell.get("source", ""))
        if BEGIN in source:
            cell["source"] = without_markers(source)
        cell["outputs"] = [_output_for_the_book(out, widgets, f"{slug}-{index}-{k}")
                           for k, out in enumerate(cell.get("outputs", []))]
    cells = nb.setdefault("cells", [])
    first = _text(cells[0].get("source", "")).lstrip() if cells and cells[0].get("cell_type") == "markdown" else ""
    at = 0
    if first.startswith("# "):  # the note goes right under the title: the title's cell is cut in two
        title, _, rest = first.partition("\n")
        cells[0]["source"] = title + "\n"
        if rest.strip():
            after = {"cell_type": "markdown", "id": "after-the-title", "metadata": {}, "source": rest}
            if cells[0].get("attachments"):  # images pasted into the text below the title
                after["attachments"] = cells[0]["attachments"]
            cells.insert(1, after)
        at = 1
    cells.insert(at, {"cell_type": "markdown", "id": "student-notebook-note", "metadata": {},
                      "source": student_note(student_path, colab_url)})
    return nb
