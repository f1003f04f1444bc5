"""Export for the TensorBoard Embedding Projector (``Embeddings.to_projector``).

The Projector reads two tab-separated files and a config:

- ``tensors.tsv``: one row of numbers per point;
- ``metadata.tsv``: one label per line or, when there are several columns,
  a header line and then one row per point. TensorBoard's parser splits the
  file on ``\\n`` and each line on ``\\t``, skips lines that are blank, reads
  an empty cell as a missing value, and has no way to escape a tab or a
  line break inside a cell;
- ``projector_config.pbtxt``: a protocol-buffer text message.

So every text field is checked before anything is written: a key, a
metadata value or a column name with a tab or a line break (any of the
characters :meth:`str.splitlines` splits on) is refused rather than
silently changed, as is a blank key or column name (its line or column
would be skipped) and a column named like the key column; the tensor name
is escaped as a protocol-buffer string (and may not end with ``:0``,
which TensorBoard strips). Non-finite vectors are refused
(the Projector would read ``nan`` as a label). Files are written whole or
not at all (:func:`embedlib._files.write_text_atomic`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ._files import write_text_atomic

KEY_COLUMN = "key"
_BREAKS = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\v": "a line break (\\v)",
           "\f": "a form feed", "\x1c": "a separator (\\x1c)", "\x1d": "a separator (\\x1d)",
           "\x1e": "a separator (\\x1e)", "\x85": "a line break (\\x85)", "\u2028": "a line separator (U+2028)",
           "\u2029": "a paragraph separator (U+2029)"}
_FIX = ("metadata.tsv has no way to escape tabs or line breaks inside a cell; replace them (e.g. with spaces: "
        "' '.join(text.split())) before exporting")


def _check_cell(text: str, what: str, blank_ok: bool) -> str:
    for char, name in _BREAKS.items():
        if char in text:
            raise ValueError(f"{what} {text!r} contains {name}: {_FIX}")
    if not blank_ok and not text.replace("\ufeff", "").strip():
        raise ValueError(f"{what} {text!r} is blank: the Projector skips blank lines and columns, so the "
                         "labels would no longer match the vectors; give it a visible name")
    return text


def pbtxt_string(text: str) -> str:
    """``text`` as a quoted protocol-buffer text-format string (C escapes; other characters as they are)."""
    escaped = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = []
    for char in text:
        if char in escaped:
            out.append(escaped[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_projector(keys: list, vectors: np.ndarray, folder, metadata: Mapping[Any, Any] | None,
                    name: str) -> Path:
    """Check everything, then write the three files into ``folder``; see ``Embeddings.to_projector``."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-blank str (the tensor's name in the Projector), got {name!r}")
    if name.endswith(":0"):  # TensorBoard strips a trailing ":0" (TensorFlow's output suffix) from names
        raise ValueError(f"name {name!r} ends with ':0', which TensorBoard strips from tensor names; drop the suffix")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a dict of column name -> one value per key, got {type(metadata).__name__}")
    bad = np.argwhere(~np.isfinite(vectors))
    if len(bad):
        row, col = bad[0]
        raise ValueError(f"the vector of key {keys[row]!r} (row {row}) has {vectors[row, col]} in column {col}, and "
                         f"{len(np.unique(bad[:, 0]))} row(s) in all are not finite: the Projector reads only "
                         "finite numbers. Drop or fix those rows first (np.isfinite(vectors).all(axis=1))")
    columns = {KEY_COLUMN: [_check_cell(str(k), f"the key at row {i},", blank_ok=False) for i, k in enumerate(keys)]}
    for column, values in (metadata or {}).items():
        label = _check_cell(str(column), "metadata column name", blank_ok=False)
        if label in columns:
            clash = "the key column (the keys are written first)" if label == KEY_COLUMN else "another column"
            raise ValueError(f"metadata column {column!r} has the same name as {clash}; rename it")
        if isinstance(values, (str, bytes)):
            raise TypeError(f"metadata[{column!r}] must be a list with one value per key, got one str ({values[:40]!r})")
        values = list(values)
        if len(values) != len(keys):
            raise ValueError(f"metadata column {column!r} has {len(values)} values for {len(keys)} keys")
        columns[label] = [_check_cell(str(v), f"metadata[{column!r}][{i}] (key {keys[i]!r}):", blank_ok=True)
                          for i, v in enumerate(values)]
    lines = ["\t".join(columns)] if len(columns) > 1 else []
    lines += ["\t".join(row) for row in zip(*columns.values())]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n, d = vectors.shape
    write_text_atomic(folder / "tensors.tsv", "".join("\t".join(f"{x:.6g}" for x in row) + "\n" for row in vectors))
    write_text_atomic(folder / "metadata.tsv", "".join(line + "\n" for line in lines))
    write_text_atomic(
        folder / "projector_config.pbtxt",
        "embeddings {\n"
        f"  tensor_name: {pbtxt_string(name)}\n"
        '  tensor_path: "tensors.tsv"\n'
        '  metadata_path: "metadata.tsv"\n'
        f"  tensor_shape: {n}\n"
        f"  tensor_shape: {d}\n"
        "}\n",
    )
    return folder
