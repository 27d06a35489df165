"""Append-only rows (events, new task records, handovers) written in bulk.

These rows are never changed by the command that creates them, so they skip the ORM's
unit of work: they are buffered on the session and inserted with one executemany per
table just before the session's next flush or commit, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from engine.models import Base

_ROWS = "lienthong.journal"
_HOOKED = "lienthong.journal.hooked"


def append(session: Session, model: type[Base], **values: Any) -> None:
    """Queue one row of `model` for insertion with the session's next flush."""
    rows = session.info.setdefault(_ROWS, [])
    if not session.info.get(_HOOKED):
        event.listen(session, "before_flush", _before_flush)
        event.listen(session, "before_commit", write)
        event.listen(session, "after_soft_rollback", _discard)
        session.info[_HOOKED] = True
    rows.append((model, values))


def write(session: Session) -> None:
    """Insert the queued rows now (in queue order by table: parents before children)."""
    rows: list[tuple[type[Base], dict[str, Any]]] = session.info.pop(_ROWS, [])
    if not rows:
        return
    tables: dict[type[Base], list[dict[str, Any]]] = {}
    for model, values in rows:
        tables.setdefault(model, []).append(values)
    connection = session.connection()
    for model, batch in tables.items():
        connection.execute(insert(model.__table__), batch)  # type: ignore[arg-type]


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    write(session)


def _discard(session: Session, _previous: Any) -> None:
    session.info.pop(_ROWS, None)
