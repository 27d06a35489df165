"""The shipped announcements of swapped working days: each entry, loaded into the
override table, makes its day off or working as the announcement says, whatever the
`holidays` package says; loading is idempotent, leaves days set by hand alone, and a bad
file loads nothing."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from engine.calendar import (
    SHIPPED_ANNOUNCEMENTS,
    OfficeHours,
    UnitCalendars,
    WorkingCalendar,
    list_overrides,
    load_announcements,
    read_announcements,
    set_override,
)
from engine.errors import InvalidAction

SHIPPED = read_announcements(SHIPPED_ANNOUNCEMENTS.read_bytes(), "shipped")


def calendars(session, unit: str = "PHUCLOI") -> WorkingCalendar:
    return UnitCalendars(OfficeHours(), ttl=0).get(session, unit)


def entry_file(*entries: str) -> bytes:
    return "\n".join(f"[[day]]\n{e}\n" for e in entries).encode()


GOOD = 'date = 2026-03-06\nkind = "off"\nnote = "Nghỉ"\nsource = "Thông báo 1"'
OTHER = GOOD.replace("2026-03-06", "2026-03-05")  # a good entry before the bad one


@pytest.mark.parametrize("entry", SHIPPED, ids=lambda a: f"{a.day}-{a.kind}")
def test_each_shipped_day_is_as_announced_after_loading(session, entry):
    load_announcements(session, SHIPPED)
    assert calendars(session).is_working_day(entry.day) == (entry.kind == "working")
    assert entry.source and entry.url.startswith("https://")
    assert (entry.remark != "") == entry.unverified  # an unverified day says what is known


def test_the_shipped_file_covers_2025_and_2026_in_order():
    raw = tomllib.loads(SHIPPED_ANNOUNCEMENTS.read_text("utf-8"))["day"]
    assert [d["date"] for d in raw] == sorted(d["date"] for d in raw)
    assert {a.day.year for a in SHIPPED} == {2025, 2026}
    # every swap pairs a day off with a make-up working day of the same year
    for year in (2025, 2026):
        kinds = [a.kind for a in SHIPPED if a.day.year == year]
        assert kinds.count("off") == kinds.count("working")


def test_the_announcements_where_the_package_disagrees_win(session):
    """The package (pinned) does not know the New Year 2026 swap: without the override
    table Friday 02/01/2026 is a working day and Saturday 10/01 is not."""
    plain = WorkingCalendar()
    assert plain.is_working_day(date(2026, 1, 2)) and not plain.is_working_day(
        date(2026, 1, 10))
    load_announcements(session, SHIPPED)
    loaded = calendars(session)
    assert not loaded.is_working_day(date(2026, 1, 2))
    assert loaded.is_working_day(date(2026, 1, 10))


def test_loading_twice_changes_nothing(session):
    first = load_announcements(session, SHIPPED)
    assert len(first.added) == len(SHIPPED) and not first.kept and not first.conflicts
    before = list_overrides(session)
    again = load_announcements(session, SHIPPED)
    assert not again.added and len(again.kept) == len(SHIPPED) and not again.conflicts
    assert list_overrides(session) == before
    assert before[0].note.endswith("[chưa kiểm chứng]") == SHIPPED[0].unverified


def test_a_year_alone(session):
    result = load_announcements(session, SHIPPED, year=2026)
    assert {a.day.year for a in result.added} == {2026}
    assert {o.day.year for o in list_overrides(session)} == {2026}
    assert not load_announcements(session, SHIPPED, year=2031).added


def test_a_day_set_by_hand_to_the_other_kind_is_reported_and_kept(session):
    set_override(session, date(2026, 1, 10), "off", note="Bão")  # a Saturday, by hand
    set_override(session, date(2026, 1, 2), "off", note="Đã đặt tay")  # the same kind
    result = load_announcements(session, SHIPPED, year=2026)
    (conflict,) = result.conflicts
    assert (conflict.entry.day, conflict.entry.kind) == (date(2026, 1, 10), "working")
    assert (conflict.table.kind, conflict.table.note) == ("off", "Bão")
    assert [a.day for a in result.kept] == [date(2026, 1, 2)]
    notes = {o.day: o.note for o in list_overrides(session)}
    assert notes[date(2026, 1, 10)] == "Bão" and notes[date(2026, 1, 2)] == "Đã đặt tay"
    assert not calendars(session).is_working_day(date(2026, 1, 10))


def test_a_units_own_override_wins_over_an_announcement_for_every_unit(session):
    from engine.simulation import seed_demo_units

    seed_demo_units(session, password="test-password")
    set_override(session, date(2026, 1, 2), "working", unit="PHUCLOI", note="Trực")
    load_announcements(session, SHIPPED)
    assert calendars(session, "PHUCLOI").is_working_day(date(2026, 1, 2))
    assert not calendars(session, "VIETHUNG").is_working_day(date(2026, 1, 2))


@pytest.mark.parametrize(("text", "problem"), [
    (entry_file(GOOD, GOOD), "day[2] (2026-03-06): the same date is listed twice"),
    (entry_file(GOOD.replace('"off"', '"holiday"')),
     "day[1] (2026-03-06): kind 'holiday' is not one of off, working"),
    (entry_file(GOOD.replace("2026-03-06", '"2026-03-06"')),
     "day[1]: date must be a date such as 2026-01-02 (without quotes)"),
    (entry_file(GOOD.replace('source = "Thông báo 1"', 'source = " "')),
     "day[1] (2026-03-06): source is empty"),
    (entry_file(GOOD.replace('note = "Nghỉ"', "")), "day[1] (2026-03-06): note is missing"),
    (entry_file(GOOD + "\nverified = true"), "day[1] (2026-03-06): unknown key 'verified'"),
    (entry_file(GOOD + "\nunverified = 1"), "unverified must be true or false"),
    (entry_file(GOOD.replace("Nghỉ", "x" * 190)), "must fit in 200 characters"),
    (b"[[day]\n", "not a valid TOML file"),
    (b'[year]\nx = 1\n', "unknown key 'year' (entries are [[day]] tables)"),
])
def test_a_bad_file_is_refused_naming_the_entry_and_loads_nothing(session, text, problem):
    with pytest.raises(InvalidAction, match="refused, nothing loaded|not a valid") as caught:
        load_announcements(session, read_announcements(entry_file(OTHER) + text, "bad.toml"))
    assert problem in str(caught.value) and str(caught.value).startswith("bad.toml")
    assert list_overrides(session) == []
