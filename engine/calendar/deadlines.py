"""Deadlines in working time: statutory limits and SLAs (an ISO duration or "same_day")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from engine.calendar.working_calendar import WorkingCalendar

SAME_DAY = "same_day"  # a limit meaning: the closing time of the day counting starts


def deadline(cal: WorkingCalendar, start: datetime, limit: str) -> datetime:
    """`start` plus a limit in working time: an ISO duration or "same_day"."""
    if limit == SAME_DAY:
        return cal.end_of_day(cal.next_working_instant(start))
    return cal.add(start, cal.parse_duration(limit))


def limit_parser(cal: WorkingCalendar) -> Callable[[str], object]:
    """What deploy checks `sla`/`time_limit` values with."""

    def parse(text: str) -> object:
        return text if text == SAME_DAY else cal.parse_duration(text)

    return parse
