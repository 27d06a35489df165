"""The editable override table of the working calendar: announced extra days off and
make-up working days (the statutory holidays come from the `holidays` package), and
each unit's calendar built from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from time import monotonic

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.office_hours import OfficeHours
from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import InvalidAction
from engine.storage import CalendarOverride, Unit

KINDS = ("off", "working")
CALENDAR_TTL = 300.0  # seconds a unit's calendar is reused before the overrides are re-read


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


class UnitCalendars:
    """Each unit's working calendar: statutory holidays plus the override table (the
    unit's own overrides before those for every unit), read again every `ttl` seconds
    so that another process's edits reach this one."""

    def __init__(self, hours: OfficeHours, ttl: float = CALENDAR_TTL) -> None:
        self.hours = hours
        self.ttl = ttl
        self._built: dict[str, tuple[float, WorkingCalendar]] = {}

    def get(self, session: Session, unit: str) -> WorkingCalendar:
        cached = self._built.get(unit)
        if cached is not None and monotonic() - cached[0] < self.ttl:
            return cached[1]
        rows = session.scalars(
            select(CalendarOverride).where(CalendarOverride.unit.in_(["", unit]))
        ).all()
        # The unit's own override of a day wins over the one for every unit (a ward
        # open on a day announced off for all), so rows for every unit come first.
        kinds = {r.day: r.kind for r in sorted(rows, key=lambda r: r.unit != "")}
        cal = WorkingCalendar(
            self.hours,
            days_off=[day for day, kind in kinds.items() if kind == "off"],
            working_days=[day for day, kind in kinds.items() if kind == "working"],
        )
        self._built[unit] = (monotonic(), cal)
        return cal

    def forget(self) -> None:
        """Drop every built calendar (after this process changed the override table)."""
        self._built.clear()
