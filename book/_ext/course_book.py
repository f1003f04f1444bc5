"""The course's Sphinx extension: what Jupyter Book does not do for this book on its own.

- Notebook pages show the master notebooks of ``solutions/`` (with outputs), but
  every way *out* of a page leads to the student notebook in ``notebooks/``:
  the launch buttons (Colab, Binder), the download button, and a note under
  the title (see :mod:`book_notebooks`, which also hides the solution markers,
  turns stored progress-bar widgets into text and draws plotly figures).
- Nothing comes from a CDN: pages with a plotly figure load the plotly.js of
  the installed ``plotly`` package from ``_static/`` (MathJax comes from
  ``sphinx-mathjax-offline``, see ``_config.yml``).
- Sphinx 7.4 writes an inline script twice when an extension adds it after the
  builder starts (sphinx-thebe's ``const THEBE_JS_URL``, sphinx-togglebutton's
  selector): the second copy is a ``SyntaxError`` in every page's console. Each
  page keeps one copy.
- The reference list is labelled the way citations read: "[Firth, 1957]",
  "[Mikolov et al., 2013a]".
"""
from __future__ import annotations

import json
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import book_notebooks
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle

SOLUTIONS, NOTEBOOKS = "solutions/", "notebooks/"


def _repository(app) -> tuple[str, str, str]:
    """(https://github.com/OWNER/NAME, branch, path of the book in the repository), from _config.yml's
    ``repository`` (Jupyter Book hands it to the theme)."""
    options = app.config.html_theme_options
    path = options.get("path_to_docs", "").strip("/")
    return options.get("repository_url", "").rstrip("/"), options.get("repository_branch", "main"), path + "/" if path else ""


def student_path(docname: str) -> str | None:
    """``notebooks/<id>.ipynb`` for the page of ``solutions/<id>.ipynb``, else ``None``."""
    return NOTEBOOKS + docname.removeprefix(SOLUTIONS) + ".ipynb" if docname.startswith(SOLUTIONS) else None


def colab_url(app, path: str) -> str:
    url, branch, in_repo = _repository(app)
    colab = app.config.html_theme_options.get("launch_buttons", {}).get("colab_url", "https://colab.research.google.com")
    return f"{colab.rstrip('/')}/github/{url.split('github.com/')[-1]}/blob/{branch}/{in_repo}{path}"


def _notebook_for_the_book(app, docname: str, source: list[str]) -> None:
    """``source-read``: the book's view of a master notebook (see book_notebooks)."""
    path = student_path(docname)
    if path is None or not app.env.doc2path(docname).endswith(".ipynb"):
        return
    nb = json.loads(source[0])
    source[0] = json.dumps(book_notebooks.for_the_book(nb, docname, path, colab_url(app, path)))


def _student_download(app, path: str) -> str | None:
    """Where the build put the student notebook that the page's note offers ({download} role)."""
    entry = app.env.dlfiles.get(path)
    return f"_downloads/{entry[1]}" if entry else None


def _buttons_to_student_notebook(app, pagename: str, context: dict) -> None:
    """Launch and download buttons of a notebook page open its student notebook."""
    path = student_path(pagename)
    if path is None:
        return
    master = path.replace(NOTEBOOKS, SOLUTIONS, 1)
    download = _student_download(app, path)
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if group.get("label") == "launch-buttons" and "url" in button:
                button["url"] = button["url"].replace(master, path)
            elif button.get("label") in ("download-source-button", "download-notebook-button") and download:
                button["url"] = context["pathto"](download, 1)
                button["tooltip"] = "Download the student notebook"


def _one_copy_of_each_script(context: dict) -> None:
    seen, scripts = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def _page(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``, after the theme has made its buttons."""
    _buttons_to_student_notebook(app, pagename, context)
    if book_notebooks.PLOTLY_DIV in context.get("body", ""):
        app.add_js_file("plotly.min.js")  # for this page only
    _one_copy_of_each_script(context)


def _serve_plotly_js(app) -> None:
    if app.builder.format != "html":
        return
    import plotly

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", static / "plotly.min.js")


class AuthorYearLabels(BaseLabelStyle):
    """Labels as the in-text citations read: "Firth, 1957", "Levy and Goldberg, 2014",
    "Mikolov et al., 2013a" (a letter after the year where two labels would be the same)."""

    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        repeated, seen = Counter(labels), Counter()
        for label in labels:
            seen[label] += 1
            yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1] if repeated[label] > 1 else label

    @staticmethod
    def format_label(entry) -> str:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(n.render_as("text") for n in p.rich_prelast_names + p.rich_last_names) for p in people]
        who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
               else f"{names[0]} et al." if names else entry.fields.get("title", entry.key))
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearOrder(BaseSortingStyle):
    """Alphabetical by label, accents aside ("Řehůřek" among the R), then by title."""

    def sorting_key(self, entry):
        label = unicodedata.normalize("NFKD", AuthorYearLabels.format_label(entry))
        return "".join(c for c in label if not unicodedata.combining(c)).casefold(), entry.fields.get("title", "")


class AuthorYearStyle(UnsrtStyle):
    default_label_style = "authoryear"
    default_sorting_style = "authoryear"


def register_styles() -> None:
    """Make ``bibtex_default_style: authoryear`` known to pybtex."""
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
    register_plugin("pybtex.style.sorting", "authoryear", AuthorYearOrder)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def setup(app):
    register_styles()
    app.connect("source-read", _notebook_for_the_book)
    app.connect("builder-inited", _serve_plotly_js)
    app.connect("html-page-context", _page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
