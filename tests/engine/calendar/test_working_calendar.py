"""Tests for engine.calendar: working days, office hours and deadlines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import DEFAULT_TZ, OfficeHours, WorkingCalendar

VN = ZoneInfo(DEFAULT_TZ)
UTC = ZoneInfo("UTC")
CAL = WorkingCalendar()
CUTOFF = time(15)


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


# -- properties ---------------------------------------------------------------

# 2025-2027 spans Tết, the April/May and September holidays and the package's
# swapped days, so the properties cross real holidays.
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([VN, UTC]),
)
# Whole minutes up to 40 working days, plus sub-second amounts for the edges.
durations = st.builds(
    timedelta, minutes=st.integers(min_value=0, max_value=60 * 8 * 40)
) | st.builds(timedelta, microseconds=st.integers(min_value=0, max_value=10**6))
# No example database: a test run should not write into the source tree.
fast = settings(max_examples=200, deadline=None, database=None)


@fast
@given(start=instants, duration=durations)
def test_between_start_and_add_result_is_the_added_duration(
    start: datetime, duration: timedelta
) -> None:
    assert CAL.between(start, CAL.add(start, duration)) == duration


@fast
@given(start=instants, duration=durations)
def test_add_always_lands_in_working_time(start: datetime, duration: timedelta) -> None:
    due = CAL.add(start, duration)
    assert CAL.is_working_time(due) or (duration == timedelta(0) and due == start)
    assert due >= start
    assert due.tzinfo == VN


@fast
@given(a=instants, b=instants, duration=durations)
def test_add_is_monotonic_in_start(a: datetime, b: datetime, duration: timedelta) -> None:
    early, late = sorted((a, b))
    assert CAL.add(early, duration) <= CAL.add(late, duration)


@fast
@given(start=instants, d1=durations, d2=durations)
def test_add_is_monotonic_in_duration(start: datetime, d1: timedelta, d2: timedelta) -> None:
    short, long = sorted((d1, d2))
    assert CAL.add(start, short) <= CAL.add(start, long)


@fast
@given(points=st.lists(instants, min_size=3, max_size=3))
def test_between_is_additive_over_a_split_point(points: list[datetime]) -> None:
    a, m, b = sorted(points)
    assert CAL.between(a, b) == CAL.between(a, m) + CAL.between(m, b)


@fast
@given(a=instants, b=instants, pauses=st.lists(st.tuples(instants, instants), max_size=4))
def test_pauses_only_ever_remove_working_time(
    a: datetime, b: datetime, pauses: list[tuple[datetime, datetime]]
) -> None:
    start, end = sorted((a, b))
    assert timedelta(0) <= CAL.between(start, end, pauses) <= CAL.between(start, end)


# -- statutory holidays of 2026 -------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        *(date(2026, 2, d) for d in range(16, 21)),  # Tết, Mon 16 - Fri 20 Feb
        date(2026, 4, 27),  # Giỗ Tổ (Sun 26/4) observed on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),  # the day adjacent to National Day
        date(2026, 9, 2),
        date(2026, 8, 31),  # swapped with Saturday 22/8 (holidays package)
    ],
)
def test_statutory_holidays_of_2026_are_days_off(day: date) -> None:
    # The holidays package (0.109) lists all of these itself, so no override
    # is needed; a day it lacked would be supplied through days_off.
    assert not CAL.is_working_day(day)


def test_make_up_saturday_known_to_the_holidays_package_is_a_working_day() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 29))


# -- worked examples ----------------------------------------------------------


def test_dossier_received_before_tet_after_cutoff_counts_from_monday_after_tet() -> None:
    start = CAL.counting_start(vn(2026, 2, 13, 15, 30), CUTOFF)
    assert start == vn(2026, 2, 23, 8)
    assert CAL.add(start, CAL.parse_duration("P3D")) == vn(2026, 2, 25, 17)


def test_counting_start_reads_the_cutoff_in_local_time() -> None:
    received = datetime(2026, 2, 13, 8, 30, tzinfo=UTC)  # 15:30 in Hà Nội
    assert CAL.counting_start(received, CUTOFF) == vn(2026, 2, 23, 8)


def test_one_day_limit_skips_30_april_and_1_may() -> None:
    assert CAL.add(vn(2026, 4, 29, 10), CAL.parse_duration("P1D")) == vn(2026, 5, 4, 10)


def test_same_working_day_limit_ends_at_closing_before_30_april() -> None:
    assert CAL.add(vn(2026, 4, 29, 8), CAL.parse_duration("P1D")) == vn(2026, 4, 29, 17)
    assert CAL.end_of_day(vn(2026, 4, 29, 8)) == vn(2026, 4, 29, 17)


def test_one_day_limit_skips_national_day_and_the_swapped_monday() -> None:
    # Fri 28/8, then Sat-Sun, Mon 31/8 (swapped), Tue 1/9, Wed 2/9 off.
    assert CAL.add(vn(2026, 8, 28, 10), CAL.parse_duration("P1D")) == vn(2026, 9, 3, 10)


def test_receipt_on_national_day_counts_from_the_next_opening() -> None:
    assert CAL.counting_start(vn(2026, 9, 2, 9), CUTOFF) == vn(2026, 9, 3, 8)


def test_friday_receipt_after_cutoff_counts_from_monday_opening() -> None:
    start = CAL.counting_start(vn(2026, 3, 6, 15, 30), CUTOFF)
    assert start == vn(2026, 3, 9, 8)
    assert CAL.add(start, CAL.parse_duration("P2D")) == vn(2026, 3, 10, 17)


def test_friday_receipt_without_cutoff_counts_from_receipt() -> None:
    start = CAL.counting_start(vn(2026, 3, 6, 15, 30))
    assert start == vn(2026, 3, 6, 15, 30)
    assert CAL.add(start, CAL.parse_duration("P1D")) == vn(2026, 3, 9, 15, 30)


def test_receipt_at_the_cutoff_itself_still_counts_that_day() -> None:
    assert CAL.counting_start(vn(2026, 3, 6, 15), CUTOFF) == vn(2026, 3, 6, 15)


def test_receipt_outside_office_hours_counts_from_the_next_working_day_opening() -> None:
    assert CAL.counting_start(vn(2026, 3, 6, 7)) == vn(2026, 3, 6, 8)  # before opening
    assert CAL.counting_start(vn(2026, 3, 6, 12, 30)) == vn(2026, 3, 9, 8)  # lunch
    assert CAL.counting_start(vn(2026, 3, 6, 22)) == vn(2026, 3, 9, 8)  # online at night
    assert CAL.counting_start(vn(2026, 3, 7, 10)) == vn(2026, 3, 9, 8)  # Saturday


def test_make_up_saturday_in_the_override_table_is_worked() -> None:
    cal = WorkingCalendar(working_days=[date(2026, 3, 7)])
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add(vn(2026, 3, 6, 10), cal.parse_duration("P1D")) == vn(2026, 3, 7, 10)


def test_make_up_day_in_the_override_table_beats_a_holiday() -> None:
    cal = WorkingCalendar(working_days=[date(2026, 4, 30)])
    assert cal.is_working_day(date(2026, 4, 30))
    assert cal.add(vn(2026, 4, 29, 10), cal.parse_duration("P1D")) == vn(2026, 4, 30, 10)


def test_extra_day_off_in_the_override_table_is_skipped() -> None:
    cal = WorkingCalendar(days_off=[date(2026, 3, 9)])
    assert not cal.is_working_day(date(2026, 3, 9))
    assert cal.add(vn(2026, 3, 6, 10), cal.parse_duration("P1D")) == vn(2026, 3, 10, 10)


def test_a_day_both_off_and_working_is_rejected() -> None:
    with pytest.raises(ValueError, match="2026-03-09"):
        WorkingCalendar(days_off=[date(2026, 3, 9)], working_days=[date(2026, 3, 9)])


def test_twenty_day_limit_crosses_weekends_only() -> None:
    assert CAL.add(vn(2026, 3, 2, 10), CAL.parse_duration("P20D")) == vn(2026, 3, 30, 10)


# -- periods and boundaries -----------------------------------------------------


def test_period_ends_are_working_time_and_lunch_is_not() -> None:
    assert CAL.is_working_time(vn(2026, 3, 2, 8))
    assert CAL.is_working_time(vn(2026, 3, 2, 12))
    assert not CAL.is_working_time(vn(2026, 3, 2, 12, 30))
    assert CAL.is_working_time(vn(2026, 3, 2, 17))
    assert not CAL.is_working_time(vn(2026, 3, 2, 17, 1))
    assert not CAL.is_working_time(vn(2026, 3, 7, 10))  # Saturday


def test_next_working_instant_moves_off_period_ends() -> None:
    assert CAL.next_working_instant(vn(2026, 3, 2, 10)) == vn(2026, 3, 2, 10)
    assert CAL.next_working_instant(vn(2026, 3, 2, 12)) == vn(2026, 3, 2, 13)
    assert CAL.next_working_instant(vn(2026, 3, 6, 17)) == vn(2026, 3, 9, 8)


def test_add_that_completes_at_a_period_end_stays_there() -> None:
    assert CAL.add(vn(2026, 3, 2, 8), timedelta(hours=4)) == vn(2026, 3, 2, 12)
    assert CAL.add(vn(2026, 3, 2, 8), timedelta(hours=16)) == vn(2026, 3, 3, 17)
    assert CAL.add(vn(2026, 3, 2, 11), timedelta(hours=2)) == vn(2026, 3, 2, 14)


def test_adding_nothing_leaves_a_deadline_where_it_is() -> None:
    assert CAL.add(vn(2026, 3, 2, 12), timedelta(0)) == vn(2026, 3, 2, 12)  # at lunch
    assert CAL.add(vn(2026, 3, 3, 17), timedelta(0)) == vn(2026, 3, 3, 17)  # at closing
    assert CAL.add(vn(2026, 3, 7, 9), timedelta(0)) == vn(2026, 3, 7, 9)  # a Saturday


@fast
@given(start=instants)
def test_adding_zero_to_any_instant_leaves_it_where_it_is(start: datetime) -> None:
    due = CAL.add(start, timedelta(0))
    assert due == start and due.tzinfo == VN


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add(vn(2026, 3, 2, 10), timedelta(hours=-1))


def test_end_of_day_on_a_rest_day_is_the_next_working_days_closing() -> None:
    assert CAL.end_of_day(vn(2026, 3, 2, 9)) == vn(2026, 3, 2, 17)
    assert CAL.end_of_day(vn(2026, 2, 14, 9)) == vn(2026, 2, 23, 17)


def test_custom_office_hours_set_the_length_of_a_day() -> None:
    cal = WorkingCalendar(OfficeHours(periods=((time(7, 30), time(11, 30)),)))
    assert cal.hours.daily == timedelta(hours=4)
    assert cal.parse_duration("P1D") == timedelta(hours=4)
    assert cal.add(vn(2026, 3, 2, 9, 30), cal.parse_duration("P1D")) == vn(2026, 3, 3, 9, 30)


def test_overlapping_office_periods_are_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        OfficeHours(periods=((time(8), time(12)), (time(11), time(17))))


def test_calendar_in_another_zone_answers_in_that_zone_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkingCalendar(OfficeHours(tz="Europe/Berlin"))
    # Clocks go forward on Sunday 29/3/2026; office hours stay wall-clock hours.
    due = cal.add(datetime(2026, 3, 27, 10, tzinfo=berlin), timedelta(hours=8))
    assert due == datetime(2026, 3, 30, 10, tzinfo=berlin)
    assert due.tzinfo == berlin
    assert due.utcoffset() == timedelta(hours=2)
    assert cal.between(datetime(2026, 3, 27, 10, tzinfo=berlin), due) == timedelta(hours=8)


# -- between and pauses ---------------------------------------------------------


def test_between_counts_only_office_hours() -> None:
    assert CAL.between(vn(2026, 3, 2, 8), vn(2026, 3, 6, 17)) == timedelta(hours=40)
    assert CAL.between(vn(2026, 3, 6, 16), vn(2026, 3, 9, 9)) == timedelta(hours=2)


def test_between_of_an_empty_or_reversed_span_is_zero() -> None:
    assert CAL.between(vn(2026, 3, 2, 10), vn(2026, 3, 2, 10)) == timedelta(0)
    assert CAL.between(vn(2026, 3, 3, 10), vn(2026, 3, 2, 10)) == timedelta(0)


def test_paused_time_waiting_for_the_citizen_is_not_counted() -> None:
    start, end = vn(2026, 3, 2, 8), vn(2026, 3, 6, 17)
    paused = [
        (vn(2026, 3, 3, 10), vn(2026, 3, 4, 10)),  # 8 working hours
        (vn(2026, 3, 4, 9), vn(2026, 3, 4, 11)),  # overlaps: only 1 more hour
    ]
    assert CAL.between(start, end, paused) == timedelta(hours=40 - 9)


def test_pause_sticking_out_of_the_span_is_clipped() -> None:
    paused = [(vn(2026, 3, 1, 0), vn(2026, 3, 2, 10))]
    assert CAL.between(vn(2026, 3, 2, 8), vn(2026, 3, 2, 17), paused) == timedelta(hours=6)


# -- outcome ----------------------------------------------------------------------


def test_finished_on_an_earlier_day_is_early() -> None:
    assert CAL.outcome(vn(2026, 2, 25, 17), vn(2026, 2, 24, 16)) == "early"


def test_finished_on_the_due_day_by_the_due_instant_is_on_time() -> None:
    assert CAL.outcome(vn(2026, 2, 25, 17), vn(2026, 2, 25, 9)) == "on_time"
    assert CAL.outcome(vn(2026, 2, 25, 17), vn(2026, 2, 25, 17)) == "on_time"


def test_finished_after_the_due_instant_is_late() -> None:
    assert CAL.outcome(vn(2026, 2, 25, 17), vn(2026, 2, 25, 17, 1)) == "late"
    assert CAL.outcome(vn(2026, 2, 25, 17), vn(2026, 2, 26, 8)) == "late"


def test_outcome_compares_local_dates() -> None:
    # 23:30 UTC on the 24th is already the 25th in Hà Nội: the due day.
    done = datetime(2026, 2, 24, 23, 30, tzinfo=UTC)
    assert CAL.outcome(vn(2026, 2, 25, 17), done) == "on_time"


# -- parse_duration -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("P1D", 8),
        ("PT4H", 4),
        ("P1DT2H30M", 10.5),
        ("P1.5D", 12),
        ("P0,5D", 4),
        ("P1W", 40),
        ("PT90M", 1.5),
        ("PT1800S", 0.5),
    ],
)
def test_durations_are_read_in_working_time(text: str, hours: float) -> None:
    assert CAL.parse_duration(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["P1Y", "P2M", "P1Y2M3D"])
def test_years_and_months_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=rf"{text}.*years or months"):
        CAL.parse_duration(text)


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "3D", "P-1D", "P1D2", "ba ngày"])
def test_text_that_is_not_a_duration_is_rejected_naming_it(text: str) -> None:
    with pytest.raises(ValueError, match=f"'{text}'"):
        CAL.parse_duration(text)


# -- inputs -------------------------------------------------------------------------


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 3, 2, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add(naive, timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.between(vn(2026, 3, 2, 8), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.counting_start(naive, CUTOFF)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.is_working_time(naive)


@pytest.mark.parametrize(("name", "call"), [
    ("start", lambda naive, aware: CAL.between(naive, aware)),
    ("end", lambda naive, aware: CAL.between(aware, naive)),
    ("pause start", lambda naive, aware: CAL.between(aware, aware + timedelta(days=1),
                                                     [(naive, aware)])),
    ("pause end", lambda naive, aware: CAL.between(aware, aware + timedelta(days=1),
                                                   [(aware, naive)])),
    ("due", lambda naive, aware: CAL.outcome(naive, aware)),
    ("done", lambda naive, aware: CAL.outcome(aware, naive)),
])
def test_a_time_without_its_zone_is_refused_by_name(name, call) -> None:
    """A naive time would be read in the server's zone: refused, naming the argument."""
    with pytest.raises(ValueError, match=f"^{name} must be timezone-aware, got naive "):
        call(datetime(2026, 3, 2, 9), vn(2026, 3, 2, 9))


def test_three_office_periods_a_day_are_counted_in_order() -> None:
    """A unit open 8–10, 11–13 and 14–16: six working hours a day."""
    cal = WorkingCalendar(OfficeHours(periods=((time(8), time(10)), (time(11), time(13)),
                                               (time(14), time(16)))))
    monday = vn(2026, 3, 2, 8)
    assert cal.add(monday, timedelta(hours=5)) == vn(2026, 3, 2, 15)
    assert cal.between(monday, vn(2026, 3, 2, 15)) == timedelta(hours=5)
    assert cal.add(monday, cal.parse_duration("P1D")) == vn(2026, 3, 2, 16)


@pytest.mark.parametrize("weekend", [frozenset({7}), frozenset({-1})])
def test_a_weekend_day_outside_monday_to_sunday_is_refused(weekend) -> None:
    with pytest.raises(ValueError, match="weekday numbers 0 \\(Monday\\) to 6 \\(Sunday\\)"):
        WorkingCalendar(weekend=weekend)
