"""The override table: announced days off and make-up working days, for every unit or
one, and the calendars built from it."""

from __future__ import annotations

from datetime import date

import pytest

from engine.calendar import (
    OfficeHours,
    OverrideView,
    UnitCalendars,
    list_overrides,
    remove_override,
    set_override,
)
from engine.errors import InvalidAction
from engine.simulation import seed_demo_units


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_an_override_for_one_unit_or_all_changes_their_calendars(units):
    calendars = UnitCalendars(OfficeHours(), ttl=0)  # read the table every time
    friday, saturday = date(2026, 3, 6), date(2026, 3, 7)
    assert calendars.get(units, "PHUCLOI").is_working_day(friday)
    set_override(units, friday, "off", note="Thông báo 1")
    set_override(units, saturday, "working", unit="PHUCLOI", note="Làm bù")
    phucloi, viethung = calendars.get(units, "PHUCLOI"), calendars.get(units, "VIETHUNG")
    assert not phucloi.is_working_day(friday) and not viethung.is_working_day(friday)
    assert phucloi.is_working_day(saturday) and not viethung.is_working_day(saturday)
    assert [(o.day, o.kind, o.unit) for o in list_overrides(units)] == [
        (friday, "off", ""), (saturday, "working", "PHUCLOI")]
    set_override(units, friday, "working", note="Huỷ nghỉ")  # replaces, not adds
    assert len(list_overrides(units)) == 2
    assert remove_override(units, saturday, unit="PHUCLOI")
    assert not remove_override(units, saturday, unit="PHUCLOI")
    assert not calendars.get(units, "PHUCLOI").is_working_day(saturday)


def test_a_calendar_is_reused_until_it_is_forgotten(units):
    calendars = UnitCalendars(OfficeHours())
    first = calendars.get(units, "PHUCLOI")
    set_override(units, date(2026, 3, 6), "off")
    assert calendars.get(units, "PHUCLOI") is first  # within its time to live
    calendars.forget()
    assert not calendars.get(units, "PHUCLOI").is_working_day(date(2026, 3, 6))


def test_bad_overrides_are_refused(units):
    with pytest.raises(InvalidAction, match="'holiday' is not one of off, working"):
        set_override(units, date(2026, 3, 6), "holiday")
    with pytest.raises(InvalidAction, match="unit NOPE does not exist"):
        set_override(units, date(2026, 3, 6), "off", unit="NOPE")


def test_overrides_of_one_day_for_different_units_are_kept_apart(units):
    friday = date(2026, 3, 6)
    assert set_override(units, friday, "off", unit="VIETHUNG", note=" Bão ") == OverrideView(
        friday, "off", "VIETHUNG", "Bão")
    set_override(units, friday, "off", note="Thông báo 1")
    set_override(units, friday, "working", unit="PHUCLOI")
    set_override(units, friday, "off", unit="PHUCLOI", note="Mất điện")  # replaces its own
    assert [(o.unit, o.kind, o.note) for o in list_overrides(units)] == [
        ("", "off", "Thông báo 1"), ("PHUCLOI", "off", "Mất điện"), ("VIETHUNG", "off", "Bão")]
    assert remove_override(units, friday, unit="PHUCLOI")
    assert [o.unit for o in list_overrides(units)] == ["", "VIETHUNG"]
    assert remove_override(units, friday)
    assert [o.unit for o in list_overrides(units)] == ["VIETHUNG"]
