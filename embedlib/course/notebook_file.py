"""Read a submitted file into a notebook, or say exactly what is wrong with it.

Submissions come from many editors and many Jupyters: a byte-order mark in
front (Windows editors), UTF-16 text (Notepad), the old nbformat 3 (cells
inside ``worksheets``), cells without ``outputs`` or ``metadata`` (hand-made
or converted notebooks). Everything that can be read without guessing is
read and upgraded to nbformat 4; everything else raises :class:`BadNotebook`
with a message that names what is wrong and what the student can do.

>>> read_notebook(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}').cells
[]
"""
from __future__ import annotations

import codecs
import json
import re
import warnings

__all__ = ["BadNotebook", "read_notebook", "find_notebook_id"]

_ID_CALL = re.compile(r"""exercises\(\s*["']([^"']+)["']\s*\)""")
_RESAVE = "open it in Jupyter and save it again (File > Save), then resubmit"


class BadNotebook(ValueError):
    """The file cannot be graded; the message says why and what to do."""


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise BadNotebook(f"not a notebook: the file starts like UTF-16 text but is not; {_RESAVE}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadNotebook(
            f"not a notebook: the file is not UTF-8 text (byte {err.start} is {raw[err.start:err.start + 1]!r}); "
            f"is it a notebook at all? If so, {_RESAVE}"
        ) from None


def _parse_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno}, column {err.colno}: {err.msg}"
        end = len(text.rstrip())
        truncated = err.pos >= end or (err.msg.startswith("Unterminated string") and '"' not in text[err.pos + 1:end])
        if truncated:
            raise BadNotebook(f"not valid JSON: the file ends too early ({where}); was the notebook saved completely?") from None
        raise BadNotebook(f"not valid JSON ({where}); the file was changed outside Jupyter or is not a notebook") from None


def _a(thing) -> str:
    name = type(thing).__name__
    return ("an " if name[0] in "aeiou" else "a ") + name


def _check_shape(data) -> int:
    """The notebook's major nbformat version, or :class:`BadNotebook`."""
    if not isinstance(data, dict):
        raise BadNotebook(f"not a Jupyter notebook: valid JSON but {_a(data)} with no 'cells' (a notebook is an object with 'cells')")
    version = data.get("nbformat")
    if "cells" not in data and "worksheets" not in data:
        hint = f" (it says nbformat {version})" if version is not None else ""
        raise BadNotebook(
            f"not a Jupyter notebook: valid JSON but no 'cells' (nbformat 4) and no 'worksheets' (nbformat 3){hint}"
        )
    if version is None:
        version = 4 if "cells" in data else 3
    if not isinstance(version, int) or isinstance(version, bool):
        raise BadNotebook(f"not a valid Jupyter notebook: 'nbformat' is {version!r}, not a version number")
    if version > 4:
        raise BadNotebook(f"saved as nbformat {version}, newer than this grader reads (4); update embedlib's tools")
    if version < 3:
        raise BadNotebook(f"saved as nbformat {version}, too old to grade (3 and 4 are read); {_RESAVE}")
    data.setdefault("nbformat", version)
    data.setdefault("nbformat_minor", 0)
    data.setdefault("metadata", {})
    return version


_CELL_TYPES = ("code", "markdown", "raw")


def _repair_cells(data: dict, version: int) -> None:
    """Fill in what a hand-made notebook often lacks, and name a cell nbformat would reject."""
    if version == 3:
        sheets = data.get("worksheets")
        cells = [c for ws in sheets if isinstance(ws, dict) for c in ws.get("cells", [])] if isinstance(sheets, list) else []
        types = _CELL_TYPES + ("heading",)
    else:
        cells = data["cells"] if isinstance(data.get("cells"), list) else []
        types = _CELL_TYPES
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise BadNotebook(f"not a valid Jupyter notebook: cell {index} is {_a(cell)}, not a cell; {_RESAVE}")
        if cell.get("cell_type") not in types:
            raise BadNotebook(
                f"not a valid Jupyter notebook: cell {index} has cell_type {cell.get('cell_type')!r} "
                f"(expected one of {', '.join(types)}); {_RESAVE}"
            )
        cell.setdefault("metadata", {})
        text = "input" if version == 3 and cell["cell_type"] == "code" else "source"
        if isinstance(cell.get(text), list):
            cell[text] = "".join(str(s) for s in cell[text])
        cell.setdefault(text, "")
        if cell["cell_type"] == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count" if version == 4 else "prompt_number", None)


def _where(err) -> str:
    path = list(getattr(err, "absolute_path", None) or getattr(err, "path", None) or [])
    if len(path) >= 2 and path[0] == "cells" and isinstance(path[1], int):
        rest = "/".join(str(p) for p in path[2:])
        return f" (cell {path[1]}{', ' + rest if rest else ''})"
    return f" (at {'/'.join(str(p) for p in path)})" if path else ""


def read_notebook(raw: bytes):
    """Bytes of a submitted file -> an nbformat 4 notebook, or :class:`BadNotebook`."""
    import nbformat
    from nbformat.validator import normalize

    if not raw.strip():
        raise BadNotebook("empty file (0 bytes of content); was the notebook saved before it was submitted?")
    data = _parse_json(_decode(raw))
    version = _check_shape(data)
    _repair_cells(data, version)
    try:
        with warnings.catch_warnings():  # nbformat warns about missing cell ids; normalize() adds them
            warnings.simplefilter("ignore")
            nb = nbformat.from_dict(data)
            if version == 3:
                nb = nbformat.convert(nb, 4)
            nb = nbformat.from_dict(normalize(nb)[1])
            nbformat.validate(nb)
    except Exception as err:  # nbformat raises several kinds
        message = getattr(err, "message", None) or (str(err).splitlines() or [type(err).__name__])[0]
        raise BadNotebook(f"not a valid Jupyter notebook: {message}{_where(err)}; {_RESAVE}") from None
    return nb


def find_notebook_id(nb, known) -> str | None:
    """The course notebook this is: from embedlib metadata, else the ``exercises("...")`` call."""
    meta = nb.get("metadata", {}).get("embedlib", {})
    if isinstance(meta, dict) and meta.get("notebook_id") in known:
        return meta["notebook_id"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            m = _ID_CALL.search(cell.source)
            if m:
                return m.group(1)
    return None
