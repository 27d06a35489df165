"""Dossier codes: the unit, the day of receipt and that day's sequence number.

The number is read before the workflow runs (the code is part of the dossier's data)
and taken after it ran, with a compare-and-set, so two desks receiving at the same
moment can never give out the same code: the later one gets Conflict and tries again.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.storage import DossierSequence, is_locked

_SEQUENCE: Table = DossierSequence.__table__  # type: ignore[assignment]
_DAY = (_SEQUENCE.c.unit == bindparam("of_unit")) & (_SEQUENCE.c.day == bindparam("of_day"))
_LAST = select(_SEQUENCE.c.last).where(_DAY)
_FIRST = insert(_SEQUENCE)
_NEXT = update(_SEQUENCE).where(_DAY, _SEQUENCE.c.last == bindparam("seen")).values(
    last=bindparam("number"))  # bind names differ from the columns: update() needs that


def next_number(session: Session, unit: str, day: date) -> int:
    """The number the unit's next dossier of `day` gets (nothing is written)."""
    last = session.connection().execute(_LAST, {"of_unit": unit, "of_day": day}).scalar()
    return (last or 0) + 1


def take_number(session: Session, unit: str, day: date, number: int) -> None:
    """Record `number` (from next_number) as given; Conflict if another command gave it
    first (the caller must roll back)."""
    connection = session.connection()
    try:
        if number == 1:
            connection.execute(_FIRST, {"unit": unit, "day": day, "last": 1})
            return
        taken = connection.execute(_NEXT, {"of_unit": unit, "of_day": day,
                                           "seen": number - 1, "number": number})
    except IntegrityError:  # PostgreSQL: the other desk inserted the day's first number
        raise Conflict(_RACE, code="code_taken") from None
    except OperationalError as exc:  # SQLite: the other desk wrote since this one read
        if not is_locked(exc):
            raise
        raise Conflict(_RACE, code="code_taken") from None
    if taken.rowcount != 1:
        raise Conflict(_RACE, code="code_taken")


_RACE = "another dossier was received at the same moment; try again"
