"""A unit's office hours: its daily working periods on the local wall clock, and the
statutory days off of Vietnam (from the `holidays` package)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache

import holidays

from engine.vocabulary import DEFAULT_TZ

ZERO = timedelta(0)


def time_of_day(t: time) -> timedelta:
    """Time of day as an offset from midnight."""
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


@lru_cache(maxsize=64)
def statutory_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Vietnam's statutory days off in `year`, and its announced make-up working days.

    Cached across calendars: units share the national holidays, and the lunar
    computation is the costly part of building a year.
    """
    table = holidays.country_holidays("VN", years=year)
    off = frozenset(d for d in table if d.year == year)
    # The package also records announced make-up Saturdays (e.g. 22/8/2026,
    # swapped for Monday 31/8); taking its swapped day off without its
    # make-up day would lose a working day.
    made_up = frozenset(d for d in table.weekend_workdays if d.year == year)
    return off, made_up


@dataclass(frozen=True)
class OfficeHours:
    """A unit's daily office periods (local wall-clock times) and its time zone."""

    periods: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        # Validated here so a bad unit configuration fails when loaded, not
        # when the first deadline is computed. The zone is checked by
        # WorkingCalendar: looking it up here would read tzdata at import
        # time through the default argument.
        if not self.periods:
            raise ValueError("office hours need at least one period")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("office hours are local wall-clock times; drop the tzinfo")
            if not start < end:
                raise ValueError(f"office period {start}-{end} must end after it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("office periods must be in order and must not overlap")
            previous_end = end

    @property
    def daily(self) -> timedelta:
        """Working time in one full working day (8 hours by default)."""
        return sum((time_of_day(end) - time_of_day(start) for start, end in self.periods), ZERO)
