"""The Government's announced swaps of working days, shipped as data
(data/vn_announcements.toml) and loaded into the override table for every unit.

An announcement wins over the `holidays` package because it goes into the override
table, which the calendar reads before the statutory days. An override already in the
table for every unit is never replaced by a load: the same kind is kept as it is, the
other kind is reported as a conflict (someone set that day by hand; removing it and
loading again takes the file's). docs/working-time.md describes the rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.overrides import KINDS, OverrideView
from engine.errors import InvalidAction
from engine.storage import CalendarOverride

# The shipped file; read only when a caller asks (nothing is read at import time).
SHIPPED_ANNOUNCEMENTS = Path(__file__).parent / "data" / "vn_announcements.toml"
UNVERIFIED_MARK = " [chưa kiểm chứng]"
_REQUIRED = {"date": date, "kind": str, "note": str, "source": str}
_OPTIONAL = {"url": str, "remark": str, "unverified": bool}
_NOTE_LENGTH = 200  # calendar_override.note


@dataclass(frozen=True)
class Announcement:
    """One announced day: an extra day off or a make-up working day, with its source."""

    day: date
    kind: str  # "off" or "working"
    note: str
    source: str  # the announcing text's number and date
    url: str = ""
    unverified: bool = False
    remark: str = ""

    @property
    def override_note(self) -> str:
        """The note stored in the override table: what it is and which text says so."""
        return f"{self.note} ({self.source}){UNVERIFIED_MARK if self.unverified else ''}"


@dataclass(frozen=True)
class LoadConflict:
    """A file entry whose day the table already sets, for every unit, to the other kind."""

    entry: Announcement
    table: OverrideView


@dataclass(frozen=True)
class LoadResult:
    added: tuple[Announcement, ...]
    kept: tuple[Announcement, ...]  # the table already said the same
    conflicts: tuple[LoadConflict, ...]  # left as the table says


def _problems(entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return ["is not a table"]
    problems = [f"unknown key {key!r}" for key in entry
                if key not in _REQUIRED and key not in _OPTIONAL]
    for key, kind in (_REQUIRED | _OPTIONAL).items():
        if key not in entry:
            if key in _REQUIRED:
                problems.append(f"{key} is missing")
            continue
        value = entry[key]
        if kind is date and (not isinstance(value, date) or isinstance(value, datetime)):
            problems.append(f"{key} must be a date such as 2026-01-02 (without quotes)")
        elif kind is not date and not isinstance(value, kind):
            problems.append(f"{key} must be {'true or false' if kind is bool else 'text'}")
        elif kind is str and key in _REQUIRED and not value.strip():
            problems.append(f"{key} is empty")
    if not problems and entry["kind"] not in KINDS:
        problems.append(f"kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
    return problems


def read_announcements(raw: bytes, source: str = "announcements") -> list[Announcement]:
    """Parse and check a whole announcements file (a list of `[[day]]` tables, see the
    shipped one), sorted by day. InvalidAction naming each wrong entry if any is
    wrong, so that nothing of a bad file is loaded."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidAction(f"{source}: not a valid TOML file: {exc}") from None
    problems = [f"unknown key {key!r} (entries are [[day]] tables)" for key in data
                if key != "day"]
    entries = data.get("day", [])
    if not isinstance(entries, list):
        problems.append("day must be a list of [[day]] tables")
        entries = []
    result: list[Announcement] = []
    seen: set[date] = set()
    for i, entry in enumerate(entries):
        name = f"day[{i}]"
        if isinstance(entry, dict) and isinstance(entry.get("date"), date):
            name += f" ({entry['date']:%Y-%m-%d})"
        wrong = _problems(entry)
        if not wrong:
            item = Announcement(
                entry["date"], entry["kind"], entry["note"].strip(), entry["source"].strip(),
                entry.get("url", ""), entry.get("unverified", False),
                entry.get("remark", "").strip())
            if item.day in seen:
                wrong.append("the same date is listed twice")
            elif len(item.override_note) > _NOTE_LENGTH:
                wrong.append(f"note and source together must fit in {_NOTE_LENGTH} "
                             f"characters, got {len(item.override_note)}")
            seen.add(item.day)
            result.append(item)
        problems += [f"{name}: {problem}" for problem in wrong]
    if problems:
        raise InvalidAction(f"{source} refused, nothing loaded: {'; '.join(problems)}")
    return sorted(result, key=lambda a: a.day)


def load_announcements(session: Session, announcements: Iterable[Announcement], *,
                       year: int | None = None) -> LoadResult:
    """Put the announced days (of `year`, or all) into the override table for every
    unit. A day without an every-unit override is added; one with the same kind is kept
    as it is; one with the other kind is left alone and reported. Loading twice changes
    nothing. Adds and flushes; the caller owns the transaction."""
    wanted = [a for a in announcements if year is None or a.day.year == year]
    rows = {r.day: r for r in session.scalars(select(CalendarOverride).where(
        CalendarOverride.unit == "", CalendarOverride.day.in_([a.day for a in wanted])))}
    added: list[Announcement] = []
    kept: list[Announcement] = []
    conflicts: list[LoadConflict] = []
    for entry in wanted:
        row = rows.get(entry.day)
        if row is None:
            session.add(CalendarOverride(unit="", day=entry.day, kind=entry.kind,
                                         note=entry.override_note))
            added.append(entry)
        elif row.kind == entry.kind:
            kept.append(entry)
        else:
            conflicts.append(LoadConflict(entry, OverrideView(row.day, row.kind, row.unit,
                                                          row.note)))
    session.flush()
    return LoadResult(tuple(added), tuple(kept), tuple(conflicts))
