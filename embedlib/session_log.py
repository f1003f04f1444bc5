"""Read a shop's session log, a CSV export with one row per viewed item.

:func:`load_session_log` turns a ``user, session, timestamp, item`` log into
the sessions the Sequences chapter trains on (the same shape
:func:`embedlib.marketplace.make_marketplace` generates), and
:func:`user_vectors` turns a user's sessions into one vector. Every problem in
the file is an error that names the file and the line, counted as a text
editor counts them (blank lines included), and says what to do.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
>>> _ = path.write_text("user,session,timestamp,item\\nu1,s1,20,mug\\n\\nu1,s1,10,kettle\\n")
>>> load_session_log(path).sessions
[['kettle', 'mug']]
"""
from __future__ import annotations

import codecs
import csv
import io
import math
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Hashable, Sequence

import numpy as np

if TYPE_CHECKING:
    from .vectors import Embeddings

__all__ = ["SessionLog", "load_session_log", "user_vectors"]

_OTHER_DELIMITERS = {";": "';'", "\t": "'\\t' (tab)", "|": "'|'", ",": "','"}


@dataclass
class SessionLog:
    """Sessions read from a log: ``sessions[i]`` (item ids in time order) by ``users[i]``, id ``session_ids[i]``."""

    sessions: list[list[str]]
    users: list[str]
    session_ids: list[str]

    def __len__(self) -> int:
        return len(self.sessions)


def _parse_time(value: str, where: str, column: str) -> float:
    """Seconds (any number that orders the views) or an ISO 8601 time; anything else is an error."""
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if math.isfinite(number):
            return number
        raise ValueError(f"{where}: {column} {value!r} is not a time; give a number (such as Unix seconds) "
                         "or an ISO 8601 time (such as 2026-03-01T12:30:00)")
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{where}: {column} {value!r} is neither a number nor an ISO 8601 time "
                         "(such as 2026-03-01T12:30:00)") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp()


def _read_text(path: str | os.PathLike, encoding: str) -> str:
    name = os.fspath(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"encoding={encoding!r} is not an encoding Python knows; try 'utf-8', 'cp1252' or "
                         "'latin-1'") from None
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            advice = "it starts with a UTF-16 byte-order mark: pass encoding='utf-16'"
        else:
            advice = ("exports from Excel on Windows are often cp1252: pass encoding='cp1252' "
                      "(or encoding='latin-1', which reads any bytes)")
        raise ValueError(f"{name!r} is not {encoding} text (line {line} has the byte(s) "
                         f"{err.object[err.start:err.end]!r}); {advice}") from None


def _delimiter_hint(header_line: str, delimiter: str, wanted: list[str]) -> str | None:
    """If the header splits into the wanted columns on another delimiter, say so."""
    for other, shown in _OTHER_DELIMITERS.items():
        if other != delimiter and other in header_line:
            names = [n.strip() for n in next(csv.reader([header_line], delimiter=other))]
            if all(w in names for w in wanted):
                return f"its columns are separated by {shown}, not {_OTHER_DELIMITERS.get(delimiter, repr(delimiter))}: " \
                       f"pass delimiter={other!r}"
    return None


def load_session_log(
    path: str | os.PathLike,
    *,
    user: str = "user",
    session: str = "session",
    timestamp: str = "timestamp",
    item: str = "item",
    min_length: int = 1,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
) -> SessionLog:
    """Read a ``user, session, timestamp, item`` CSV log (one row per view) into sessions.

    Rows may come in any order: views are grouped by (user, session) and
    sorted by time (ties keep the file's order). Sessions come user by user
    (users in the order they first appear in the file), each user's in the
    order of their first view. Timestamps are numbers (such as Unix
    seconds) or ISO 8601 times (without a zone: UTC). The column names can
    be changed with the keyword arguments, for exports that call them
    differently; spaces around the names in the header are ignored. Blank
    lines are skipped. Sessions with fewer than ``min_length`` views are
    dropped. ``delimiter`` separates the columns (``";"`` for many European
    exports) and ``encoding`` is the file's text encoding (UTF-8, with or
    without a byte-order mark, by default).

    Returns a :class:`SessionLog`. Raises ``FileNotFoundError`` for a missing
    file, and ``ValueError`` naming the file, and the line where there is
    one, for: text that is not in ``encoding`` (saying which to try), a
    missing column (with a hint when another delimiter would find it), a
    row with too few or too many fields, an empty value, and a timestamp
    that is not a time (text, ``nan``, ``inf``).
    """
    name = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no session log at {name!r}")
    wanted = {"user": user, "session": session, "timestamp": timestamp, "item": item}
    reader = csv.reader(io.StringIO(_read_text(path, encoding), newline=""), delimiter=delimiter)
    rows = []  # (first line of the row in the file, fields)
    end_of_previous = 0
    for fields in reader:
        if any(f.strip() for f in fields):
            rows.append((end_of_previous + 1, fields))
        end_of_previous = reader.line_num
    if not rows:
        raise ValueError(f"{name!r} is empty; expected a header row with columns {', '.join(wanted.values())}")
    header_line, raw_header = rows[0]
    header = [h.strip() for h in raw_header]
    missing = [column for column in wanted.values() if column not in header]
    if missing:
        hint = _delimiter_hint(delimiter.join(raw_header), delimiter, list(wanted.values()))
        raise ValueError(f"{name!r} has no column(s) {', '.join(map(repr, missing))}; its header (line {header_line}) "
                         f"is {', '.join(header)}. " + (f"It looks like {hint}" if hint else
                         "Pass the names your export uses, e.g. "
                         "load_session_log(path, user=..., session=..., timestamp=..., item=...)"))
    for column in wanted.values():
        if header.count(column) > 1:
            raise ValueError(f"{name!r}: the header (line {header_line}) has the column {column!r} twice; "
                             "rename one of them")
    position = {key: header.index(column) for key, column in wanted.items()}
    groups: dict[tuple[str, str], list[tuple[float, int, str]]] = {}
    first_row: dict[str, int] = {}
    for n, (line, fields) in enumerate(rows[1:]):
        where = f"{name!r}, line {line}"
        if len(fields) < len(header):
            raise ValueError(f"{where} has {len(fields)} fields but the header has {len(header)}; fill in the "
                             f"missing values (or check that every column is separated by {delimiter!r})")
        if any(f.strip() for f in fields[len(header):]):
            raise ValueError(f"{where} has {len(fields)} fields but the header has {len(header)}; a value that "
                             f"contains {delimiter!r} must be quoted, e.g. \"phone{delimiter} case\"")
        values = {key: fields[i].strip() for key, i in position.items()}
        empty = [wanted[key] for key, value in values.items() if not value]
        if empty:
            raise ValueError(f"{where}: empty {', '.join(empty)}; fill it in or delete the row")
        t = _parse_time(values["timestamp"], where, timestamp)
        groups.setdefault((values["user"], values["session"]), []).append((t, n, values["item"]))
        first_row.setdefault(values["user"], n)
    if not groups:
        raise ValueError(f"{name!r} has a header but no rows")
    ordered = sorted(groups.items(), key=lambda kv: (first_row[kv[0][0]], min(v[:2] for v in kv[1])))
    log = SessionLog([], [], [])
    for (u, s), views in ordered:
        if len(views) < min_length:
            continue
        log.sessions.append([it for _, _, it in sorted(views)])
        log.users.append(u)
        log.session_ids.append(s)
    return log


def user_vectors(emb: Embeddings, sessions: Sequence[Sequence], session_user: Sequence[Hashable],
                 users: Sequence[Hashable]) -> np.ndarray:
    """One vector per user: the mean of their sessions' vectors, each session counting once.

    A session's vector is ``emb.mean_vector(session)``, the mean of its
    items' unit vectors (items without a vector skipped). A user's vector
    is the mean of the vectors of their sessions that have at least one
    known item, so a long session weighs no more than a short one; a user
    without any gets zeros.

    Parameters
    ----------
    emb : the item :class:`~embedlib.vectors.Embeddings`.
    sessions : lists of item ids; ``session_user[i]`` is the user of ``sessions[i]``.
    users : the users, in the order of the rows returned.

    Returns a float32 array of shape ``(len(users), emb.dim)``. Raises
    ``ValueError`` when ``sessions`` and ``session_user`` differ in length
    or a session's user is not in ``users``.

    >>> from embedlib.vectors import Embeddings
    >>> emb = Embeddings(["a", "b"], [[2.0, 0.0], [0.0, 1.0]])
    >>> user_vectors(emb, [["a", "a", "a"], ["b"]], ["u", "u"], ["u", "v"]).tolist()
    [[0.5, 0.5], [0.0, 0.0]]
    """
    if len(sessions) != len(session_user):
        raise ValueError(f"sessions and session_user must have the same length, got {len(sessions)} and "
                         f"{len(session_user)}")
    row = {user: r for r, user in enumerate(users)}
    total = np.zeros((len(users), emb.dim), dtype=np.float64)
    count = np.zeros(len(users))
    for session, user in zip(sessions, session_user):
        if user not in row:
            raise ValueError(f"session of user {user!r}, who is not in users")
        if any(item in emb for item in session):
            total[row[user]] += emb.mean_vector(session)
            count[row[user]] += 1
    return (total / np.maximum(count, 1)[:, None]).astype(np.float32)
