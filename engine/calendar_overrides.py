"""The editable override table of the working calendar: announced extra days off and
make-up working days (the statutory holidays come from the `holidays` package)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.models import CalendarOverride, Unit

KINDS = ("off", "working")


@dataclass(frozen=True)
class OverrideView:
    day: date
    kind: str
    unit: str  # "" for every unit
    note: str


def set_override(session: Session, day: date, kind: str, *, unit: str = "",
                 note: str = "") -> OverrideView:
    """Make `day` a day off or a working day (for one unit, or every unit with "");
    replaces an earlier override of the same day and unit."""
    if kind not in KINDS:
        raise InvalidAction(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if unit and session.get(Unit, unit) is None:
        raise InvalidAction(f"unit {unit} does not exist")
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.unit == unit,
                                                        CalendarOverride.day == day))
    if row is None:
        row = CalendarOverride(unit=unit, day=day)
        session.add(row)
    row.kind, row.note = kind, note.strip()
    session.flush()
    return OverrideView(day, kind, unit, row.note)


def remove_override(session: Session, day: date, *, unit: str = "") -> bool:
    """Drop the override of `day` (the statutory calendar applies again)."""
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.unit == unit,
                                                        CalendarOverride.day == day))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def list_overrides(session: Session) -> list[OverrideView]:
    return [OverrideView(r.day, r.kind, r.unit, r.note) for r in session.scalars(
        select(CalendarOverride).order_by(CalendarOverride.day, CalendarOverride.unit))]
