"""Tests for engine.calendar.deadlines: the two counting rules of a statutory limit."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import (
    DEFAULT_TZ,
    WorkingCalendar,
    civil_code_days,
    civil_code_deadline,
    deadline,
    statutory_deadline,
)
from engine.vocabulary import Counting

VN = ZoneInfo(DEFAULT_TZ)
CAL = WorkingCalendar()
CUTOFF = time(15)
CIVIL = Counting.CIVIL_CODE


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def appointment(received: datetime, limit: str, counting: Counting = Counting.WORKING_HOURS,
                cutoff: time | None = CUTOFF) -> datetime:
    return statutory_deadline(CAL, received, CAL.counting_start(received, cutoff), limit,
                              counting)


def test_received_tuesday_10_00_with_three_days():
    tuesday = vn(2026, 3, 10, 10)
    assert appointment(tuesday, "P3D") == vn(2026, 3, 13, 10)  # Friday 10:00
    assert appointment(tuesday, "P3D", CIVIL) == vn(2026, 3, 13, 17)  # Friday 17:00


def test_civil_code_does_not_count_the_day_of_receipt_even_before_opening():
    # At 07:00 today's rule starts at 08:00 and ends Thursday 17:00; the Civil Code
    # leaves Tuesday out whatever the hour.
    assert appointment(vn(2026, 3, 10, 7), "P3D") == vn(2026, 3, 12, 17)
    assert appointment(vn(2026, 3, 10, 7), "P3D", CIVIL) == vn(2026, 3, 13, 17)


def test_after_the_cutoff_both_rules_end_the_same():
    received = vn(2026, 3, 10, 16)  # counting starts Wednesday 08:00
    assert appointment(received, "P3D") == appointment(received, "P3D", CIVIL) \
        == vn(2026, 3, 13, 17)


def test_civil_code_skips_days_off_and_ends_on_a_working_day():
    # Received Wednesday 29/04/2026: 30/4, 1/5 and the weekend are off.
    assert appointment(vn(2026, 4, 29, 10), "P1D", CIVIL) == vn(2026, 5, 4, 17)
    # Received on a Saturday (online): Monday is the first day counted.
    assert appointment(vn(2026, 3, 7, 10), "P2D", CIVIL) == vn(2026, 3, 10, 17)


def test_a_week_is_five_working_days_under_both():
    assert appointment(vn(2026, 3, 10, 10), "P1W", CIVIL) == vn(2026, 3, 17, 17)
    assert appointment(vn(2026, 3, 10, 10), "P1W") == vn(2026, 3, 17, 10)


@pytest.mark.parametrize("limit", ["PT4H", "PT8H", "P1.5D", "P0,5D", "P1DT4H", "same_day",
                                   "P0D"])
def test_limits_not_in_whole_days_keep_the_working_hours_rule(limit):
    received = vn(2026, 3, 10, 10)
    assert civil_code_days(CAL, limit) is None
    assert civil_code_deadline(CAL, received, limit) is None
    assert appointment(received, limit, CIVIL) == appointment(received, limit)


@pytest.mark.parametrize(("limit", "days"), [("P1D", 1), ("P3D", 3), ("p10d", 10),
                                             ("P1W", 5), ("P1W2D", 7)])
def test_whole_day_limits_count_their_working_days(limit, days):
    assert civil_code_days(CAL, limit) == days


def test_close_after_needs_a_day_to_count():
    with pytest.raises(ValueError, match="from 1"):
        CAL.close_after(vn(2026, 3, 10).date(), 0)


# -- properties ---------------------------------------------------------------

instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30),
                        timezones=st.just(VN))
whole_days = st.integers(min_value=1, max_value=40)
cutoffs = st.sampled_from([None, CUTOFF])
fast = settings(max_examples=300, deadline=None, database=None)


@fast
@given(received=instants, days=whole_days, cutoff=cutoffs)
def test_civil_code_ends_at_the_close_of_the_nth_working_day_after_receipt(
        received: datetime, days: int, cutoff: time | None) -> None:
    due = appointment(received, f"P{days}D", CIVIL, cutoff)
    assert CAL.is_working_day(due.date())
    assert due == CAL.end_of_day(due)  # a closing time
    first = received.date() + timedelta(days=1)
    counted = sum(CAL.is_working_day(first + timedelta(days=i))
                  for i in range((due.date() - first).days + 1))
    assert counted == days


@fast
@given(received=instants, days=whole_days, cutoff=cutoffs)
def test_civil_code_is_never_earlier_and_at_most_a_working_day_later(
        received: datetime, days: int, cutoff: time | None) -> None:
    today = appointment(received, f"P{days}D", Counting.WORKING_HOURS, cutoff)
    civil = appointment(received, f"P{days}D", CIVIL, cutoff)
    assert today <= civil
    assert CAL.between(today, civil) <= CAL.daily


@fast
@given(received=instants, days=whole_days)
def test_working_hours_rule_is_deadline_from_the_counting_start(
        received: datetime, days: int) -> None:
    start = CAL.counting_start(received, CUTOFF)
    assert appointment(received, f"P{days}D") == deadline(CAL, start, f"P{days}D")
