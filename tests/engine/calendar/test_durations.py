"""Durations read as working time: what a diagram's SLA or a catalog's limit means."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest

from engine.calendar import OfficeHours, WorkingCalendar

H = timedelta(hours=1)


@pytest.mark.parametrize(("text", "expected"), [
    ("P1D", 8 * H),
    ("P1W", 5 * 8 * H),
    ("P2W", 10 * 8 * H),
    ("PT4H", 4 * H),
    ("PT90M", 1.5 * H),
    ("PT30S", timedelta(seconds=30)),
    ("P1DT2H30M", 10.5 * H),
    ("P1.5D", 12 * H),
    ("P0,5D", 4 * H),
    ("p3d", 24 * H),
    (" P3D ", 24 * H),
    ("P0.1D", timedelta(minutes=48)),
])
def test_a_duration_counts_working_days_of_the_office_hours(text, expected):
    assert WorkingCalendar().parse_duration(text) == expected


def test_a_week_is_the_working_days_between_weekends_and_a_day_its_office_hours():
    six_days = WorkingCalendar(weekend=frozenset({6}))
    assert six_days.parse_duration("P1W") == 6 * 8 * H
    mornings = WorkingCalendar(OfficeHours(periods=((time(7, 30), time(11, 30)),)))
    assert mornings.parse_duration("P1D") == 4 * H
    assert mornings.parse_duration("P1W") == 5 * 4 * H
    calendar = WorkingCalendar()
    assert calendar.parse_duration("P2D") is calendar.parse_duration("P2D")  # read once


@pytest.mark.parametrize(("text", "message"), [
    ("P1M", "uses years or months, which have no fixed length in working time; "
            "use days (D), weeks (W) or hours (TnH)"),
    ("P1Y2D", "uses years or months"),
    ("3 ngày", "is not an ISO-8601 duration such as P3D, PT4H or P1DT2H30M"),
    ("PT", "is not an ISO-8601 duration"),
    ("P", "has no amount; write e.g. P1D or PT4H"),
    (3, "is not an ISO-8601 duration"),
])
def test_what_is_not_a_working_duration_is_refused_with_the_reason(text, message):
    with pytest.raises(ValueError, match="^" + re.escape(f"duration {text!r} {message}")):
        WorkingCalendar().parse_duration(text)
