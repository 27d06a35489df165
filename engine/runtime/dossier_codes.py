"""Dossier codes: the unit, the day of receipt and that day's sequence number.

The number is taken in one statement before the workflow runs (the code is part of the
dossier's data): an upsert that adds one to the unit's counter for the day and returns
it. On PostgreSQL the counter's row stays locked until the receipt commits, so desks
receiving at the same moment take their numbers one after the other instead of being
refused; a receipt that fails rolls its number back with it, so the day has no gaps.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.storage import DossierSequence, is_locked

_SEQUENCE: Table = DossierSequence.__table__  # type: ignore[assignment]


def take_number(session: Session, unit: str, day: date) -> int:
    """The unit's next number of `day`, taken: the counter is one higher in this
    transaction. On SQLite, a desk whose transaction read before another desk wrote is
    refused (Conflict, code `code_taken`); the caller rolls back and the person tries
    again."""
    connection = session.connection()
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(_SEQUENCE).values(unit=unit, day=day, last=1).on_conflict_do_update(
        index_elements=[_SEQUENCE.c.unit, _SEQUENCE.c.day],
        set_={"last": _SEQUENCE.c.last + 1}).returning(_SEQUENCE.c.last)
    try:
        return int(connection.execute(statement).scalar_one())
    except OperationalError as exc:  # SQLite: another desk wrote since this one read
        if not is_locked(exc):
            raise
        raise Conflict("another dossier was received at the same moment; try again",
                       code="code_taken") from None
