"""Deadlines in working time: statutory limits and SLAs (an ISO duration or "same_day").

A procedure's limit is counted by one of two rules (`Counting`, docs/working-time.md):
`working_hours`, N x the daily office hours added to the counting start (the default),
or `civil_code`, the Civil Code's reading of a limit in days (arts. 147-148).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from engine.calendar.working_calendar import WorkingCalendar
from engine.vocabulary import Counting

SAME_DAY = "same_day"  # a limit meaning: the closing time of the day counting starts
# A limit in whole days or weeks, nothing smaller: the only kind the Civil Code rule changes.
_WHOLE_DAYS = re.compile(r"P(?:\d+W)?(?:\d+D)?", re.IGNORECASE)


def deadline(cal: WorkingCalendar, start: datetime, limit: str) -> datetime:
    """`start` plus a limit in working time: an ISO duration or "same_day"."""
    if limit == SAME_DAY:
        return cal.end_of_day(cal.next_working_instant(start))
    return cal.add(start, cal.parse_duration(limit))


def civil_code_days(cal: WorkingCalendar, limit: str) -> int | None:
    """The number of working days of `limit` if the Civil Code rule reads it as days (a
    whole number of days or weeks, more than zero: P3D, P1W, P1W2D), else None (hours,
    fractions, "same_day", zero)."""
    text = limit.strip()
    if text == SAME_DAY or not _WHOLE_DAYS.fullmatch(text) or text.upper() == "P":
        return None
    days, rest = divmod(cal.parse_duration(text), cal.daily)
    return days if days > 0 and not rest else None


def civil_code_deadline(cal: WorkingCalendar, received: datetime, limit: str) -> datetime | None:
    """The Civil Code's reading of a limit in days (arts. 147-148, Law 91/2015/QH13): the
    day of receipt is not counted, counting begins the next day, and the limit ends at
    the close of office hours of the Nth working day after the day of receipt (a last
    day that is not a working day moves to the next working day's close, art. 148.5,
    which counting only working days already does). None when `limit` is not in whole
    days (`civil_code_days`): those keep the working-hours rule."""
    days = civil_code_days(cal, limit)
    if days is None:
        return None
    return cal.close_after(received.astimezone(cal.zone).date(), days)


def statutory_deadline(cal: WorkingCalendar, received: datetime, counting_from: datetime,
                       limit: str, counting: Counting = Counting.WORKING_HOURS) -> datetime:
    """A dossier's appointment: `limit` read by the procedure's counting rule. Under
    `civil_code`, a limit in whole days ends at the close of the Nth working day after
    the day of receipt; a limit in hours, fractions of a day or "same_day" is counted
    as under `working_hours`, from the counting start (art. 147.1: a limit in hours
    starts at the moment set)."""
    if counting == Counting.CIVIL_CODE:
        due = civil_code_deadline(cal, received, limit)
        if due is not None:
            return due
    return deadline(cal, counting_from, limit)


def limit_parser(cal: WorkingCalendar) -> Callable[[str], object]:
    """What deploy checks `sla`/`time_limit` values with."""

    def parse(text: str) -> object:
        return text if text == SAME_DAY else cal.parse_duration(text)

    return parse
