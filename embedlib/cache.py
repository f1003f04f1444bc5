"""A small on-disk cache for arrays that are slow to compute (rendered images, CNN features).

Files live in one folder: ``$EMBEDLIB_CACHE`` if set, else
``$XDG_CACHE_HOME/embedlib``, else ``~/.cache/embedlib``. Each entry is one
``.npz`` file named by the caller's key. Writes go to a temporary file in the
same folder that is then renamed over the target (``os.replace``, atomic on
POSIX and Windows), so a crash or Ctrl-C never leaves a half-written entry
behind; an unreadable entry is recomputed. If the folder cannot be written
(a read-only home, say) the value is computed and returned all the same.

Example
-------
>>> import numpy as np, tempfile
>>> folder = tempfile.mkdtemp()
>>> calls = []
>>> def compute():
...     calls.append(1)
...     return {"x": np.arange(3)}
>>> cached_arrays("demo-v1", compute, folder=folder)["x"].tolist()
[0, 1, 2]
>>> cached_arrays("demo-v1", compute, folder=folder)["x"].tolist(), len(calls)
([0, 1, 2], 1)
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

__all__ = ["cache_folder", "cached_arrays", "digest"]

_KEY = re.compile(r"^[A-Za-z0-9._-]+$")


def cache_folder(folder: str | os.PathLike | None = None) -> Path:
    """The cache folder: ``folder`` if given, else ``$EMBEDLIB_CACHE``, ``$XDG_CACHE_HOME/embedlib``
    or ``~/.cache/embedlib``. Not created here."""
    if folder is not None:
        return Path(folder).expanduser()
    if os.environ.get("EMBEDLIB_CACHE"):
        return Path(os.environ["EMBEDLIB_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(base).expanduser() / "embedlib"


def digest(*parts) -> str:
    """A short hex digest of strings, numbers and numpy arrays (their dtype, shape and bytes)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def cached_arrays(key: str, compute: Callable[[], dict[str, np.ndarray]], *,
                  folder: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The arrays stored under ``key``, computing and storing them with ``compute()`` if absent.

    ``key`` is a file name stem (letters, digits, ``.``, ``_``, ``-``): put a
    version and a :func:`digest` of the inputs in it, so that changed inputs
    get a new entry. ``compute`` returns a dict of numpy arrays. Raises
    ``ValueError`` for a key that is not a plain file name.
    """
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"key must be a plain file name (letters, digits, '.', '_', '-'), got {key!r}")
    path = cache_folder(folder) / f"{key}.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as stored:
                return {name: stored[name] for name in stored.files}
        except (OSError, ValueError, EOFError):
            pass  # unreadable (an old or foreign file): compute it again
    arrays = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as err:
        warnings.warn(f"could not write the cache entry {path} ({err}); set EMBEDLIB_CACHE to a writable "
                      "folder to keep results between runs", stacklevel=2)
    return arrays
