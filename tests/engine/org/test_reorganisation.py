"""Reorganisations: lines recorded once, predecessors carried by one successor, people
moving with their unit, and nothing half-applied when a line is wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine.errors import InvalidAction
from engine.org import (
    add_unit,
    add_user,
    answers_for,
    descendants,
    find_user,
    get_unit,
    list_events,
    predecessors_of,
    read_map,
    reorganise,
    successors_of,
)
from engine.simulation import DEMO_MAP, seed_demo_units
from engine.storage import UnitSuccession
from engine.vocabulary import SecurityEventKind

AT = datetime(2026, 1, 1, tzinfo=UTC)
BASIS = "Nghị quyết 9999/NQ-UBTVQH15 (thử)"


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_the_demo_records_phuc_loi_with_its_predecessors(units):
    lines = predecessors_of(units, "PHUCLOI")
    assert {(line.predecessor, line.carried_over) for line in lines} == {
        ("LB-PHUCLOI", True), ("LB-PHUCDONG", True), ("LB-VIETHUNG", False),
        ("LB-GIANGBIEN", False), ("LB-THACHBAN", False), ("GL-COBI", False)}
    assert {line.effective_on for line in lines} == {date(2025, 7, 1)}
    assert all("1656/NQ-UBTVQH15" in line.basis for line in lines)
    assert {line.successor for line in successors_of(units, "LB-VIETHUNG")} == {
        "PHUCLOI", "VIETHUNG"}


def test_seeding_twice_records_nothing_twice(units):
    before = units.scalars(select(UnitSuccession.id)).all()
    assert seed_demo_units(units, password="test-password") == (0, 0)
    assert units.scalars(select(UnitSuccession.id)).all() == before


def test_a_merger_ends_the_old_units_starts_the_new_and_moves_people(units):
    add_unit(units, code="OLD-A", name="Xã A", kind="ward", parent="HANOI")
    add_unit(units, code="OLD-B", name="Xã B", kind="ward", parent="HANOI")
    add_unit(units, code="NEW-AB", name="Xã AB", kind="ward", parent="HANOI")
    add_user(units, username="tiepnhan.a", full_name="Người A", unit="OLD-A",
             password_hash="x", roles=("reception",), departments=())
    done = reorganise(units, on=date(2026, 1, 1), successor="NEW-AB",
                      predecessors=[("OLD-A", True), ("OLD-B", False)], basis=BASIS, at=AT)
    assert done.moved_users == ("tiepnhan.a",)
    assert find_user(units, "tiepnhan.a").unit_code == "NEW-AB"
    moves = list_events(units, kind=SecurityEventKind.USER_MOVED, username="tiepnhan.a")
    assert [e.detail for e in moves.events] == [f"OLD-A → NEW-AB ({BASIS})"]
    assert answers_for(units, "NEW-AB") == ["NEW-AB", "OLD-A"]
    assert get_unit(units, "OLD-A").valid_to == date(2025, 12, 31)
    assert get_unit(units, "OLD-B").valid_to == date(2025, 12, 31)
    assert get_unit(units, "NEW-AB").valid_from == date(2026, 1, 1)
    assert set(descendants(units, "NEW-AB")) == {"NEW-AB", "OLD-A"}


@pytest.mark.parametrize(("lines", "message"), [
    ([("VIETHUNG", False), ("VIETHUNG", True)], "named twice"),
    ([], "1 to 200 predecessors"),
    ([("NOPE", True)], "unit NOPE does not exist"),
])
def test_a_wrong_reorganisation_changes_nothing(units, lines, message):
    add_unit(units, code="NEW-X", name="Phường X", kind="ward", parent="HANOI")
    before = units.scalars(select(UnitSuccession.id)).all()
    with pytest.raises(Exception, match=message):
        reorganise(units, on=date(2026, 1, 1), successor="NEW-X", predecessors=lines,
                   basis=BASIS, at=AT)
    assert units.scalars(select(UnitSuccession.id)).all() == before
    assert get_unit(units, "VIETHUNG").valid_to is None
    assert get_unit(units, "NEW-X").valid_from is None


def test_a_predecessor_is_carried_over_by_one_successor(units):
    add_unit(units, code="NEW-Z", name="Phường Z", kind="ward", parent="HANOI")
    with pytest.raises(InvalidAction, match="already carried over by PHUCLOI"):
        reorganise(units, on=date(2025, 7, 1), successor="NEW-Z",
                   predecessors=[("LB-PHUCLOI", True)], basis=BASIS, at=AT)
    reorganise(units, on=date(2025, 7, 1), successor="NEW-Z",
               predecessors=[("LB-PHUCLOI", False)], basis=BASIS, at=AT)
    with pytest.raises(InvalidAction, match="LB-PHUCLOI → NEW-Z is already recorded"):
        reorganise(units, on=date(2025, 7, 1), successor="NEW-Z",
                   predecessors=[("LB-PHUCLOI", False)], basis=BASIS, at=AT)


def test_a_predecessor_that_ended_on_another_day_or_a_missing_basis_is_refused(units):
    add_unit(units, code="NEW-Y", name="Phường Y", kind="ward", parent="HANOI")
    with pytest.raises(InvalidAction, match="cannot end on 31/12/2025"):
        reorganise(units, on=date(2026, 1, 1), successor="NEW-Y",
                   predecessors=[("LB-PHUCLOI", False)], basis=BASIS, at=AT)
    with pytest.raises(InvalidAction, match="needs its basis"):
        reorganise(units, on=date(2026, 1, 1), successor="NEW-Y",
                   predecessors=[("VIETHUNG", False)], basis=" ", at=AT)


def test_the_map_file_names_every_problem_at_once():
    bad = b'[[unit]]\ncode = "A"\nkind = 3\n[[service]]\nagency = "X"\n[[nope]]\n'
    with pytest.raises(InvalidAction) as problems:
        read_map(bad, "bad.toml")
    text = str(problems.value)
    for expected in ("unknown section [[nope]]", "[[unit]] 1: name is missing",
                     "[[unit]] 1: kind must be text", "[[service]] 1: unit is missing"):
        assert expected in text
    with pytest.raises(InvalidAction, match="not a TOML file"):
        read_map(b"[[unit]\n", "broken.toml")
    assert read_map(DEMO_MAP.read_bytes(), "demo").reorganisations
