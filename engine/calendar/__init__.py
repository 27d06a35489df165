"""Working time: the one clock, office hours and Vietnam's statutory holidays, each
unit's calendar with its override table (announced days off and make-up working days;
the Government's announced swaps are shipped as data and loaded into it), and deadlines
in working time (statutory limits and SLAs). docs/working-time.md explains the
conventions."""

from engine.calendar.announcements import (
    SHIPPED_ANNOUNCEMENTS,
    Announcement,
    LoadConflict,
    LoadResult,
    load_announcements,
    read_announcements,
)
from engine.calendar.clock import Clock, FixedClock, SystemClock
from engine.calendar.deadlines import (
    SAME_DAY,
    civil_code_days,
    civil_code_deadline,
    deadline,
    limit_parser,
    statutory_deadline,
)
from engine.calendar.office_hours import DEFAULT_TZ, OfficeHours
from engine.calendar.overrides import (
    CALENDAR_TTL,
    KINDS,
    OverrideView,
    UnitCalendars,
    list_overrides,
    remove_override,
    set_override,
)
from engine.calendar.working_calendar import WorkingCalendar

__all__ = [
    "Announcement", "CALENDAR_TTL", "Clock", "DEFAULT_TZ", "FixedClock", "KINDS",
    "LoadConflict", "LoadResult", "OfficeHours", "OverrideView", "SAME_DAY",
    "SHIPPED_ANNOUNCEMENTS", "SystemClock", "UnitCalendars", "WorkingCalendar",
    "civil_code_days", "civil_code_deadline", "deadline",
    "limit_parser", "list_overrides", "load_announcements", "read_announcements",
    "remove_override", "set_override", "statutory_deadline",
]
