"""The unit hierarchy: what a unit sees below it, who signs above it."""

from __future__ import annotations

import pytest

from engine.errors import InvalidAction, NotFound
from engine.org import add_unit, ancestors, descendants, get_unit, serving_units
from engine.simulation import seed_demo_units


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_a_district_sees_its_wards_and_their_agencies_but_not_another_district(units):
    below = descendants(units, "LONGBIEN")
    assert {"LONGBIEN", "PHUCLOI", "VIETHUNG", "CA-PHUCLOI", "BHXH-LONGBIEN"} <= set(below)
    assert "TRAUQUY" not in below and "GIALAM" not in below
    assert descendants(units, "PHUCLOI") == ["PHUCLOI"]


def test_ancestors_run_from_the_unit_to_the_city(units):
    assert ancestors(units, "PHUCLOI") == ["PHUCLOI", "LONGBIEN", "HANOI"]


def test_unknown_units_and_kinds_are_refused_by_name(units):
    with pytest.raises(NotFound, match="unit NOPE does not exist") as missing:
        descendants(units, "NOPE")
    assert missing.value.code == "unit_not_found"
    with pytest.raises(InvalidAction, match="unit kind 'village'"):
        add_unit(units, code="X", name="X", kind="village", parent="HANOI")
    with pytest.raises(NotFound, match="department nowhere"):
        add_unit(units, code="X", name="X", kind="ward", parent="HANOI",
                 departments=["nowhere"])
    with pytest.raises(InvalidAction, match="already exists"):
        add_unit(units, code="PHUCLOI", name="X", kind="ward")


def test_a_new_unit_is_found_with_its_departments(units):
    add_unit(units, code="NEWWARD", name="Phường Mới", kind="ward", parent="LONGBIEN",
             departments=["reception", "civil_status"], address="Số 1")
    unit = get_unit(units, "NEWWARD")
    assert (unit.name, unit.parent_code, unit.departments, unit.address) == (
        "Phường Mới", "LONGBIEN", ("reception", "civil_status"), "Số 1")
    assert "NEWWARD" in descendants(units, "HANOI")


def test_agencies_serve_the_wards_of_the_unit_they_hang_under(units):
    """An agency serves a unit when its parent is that unit or one above it: Long Biên's
    police posts and BHXH serve both its wards, none of Gia Lâm's."""
    assert serving_units(units, "PHUCLOI", "police") == ("CA-PHUCLOI", "CA-VIETHUNG")
    assert serving_units(units, "PHUCLOI", "social_insurance") == ("BHXH-LONGBIEN",)
    assert serving_units(units, "TRAUQUY", "police") == ("CA-TRAUQUY",)
    assert serving_units(units, "TRAUQUY", "social_insurance") == ("BHXH-GIALAM",)
    # the nearest first: a post under the ward itself, then the district's, then the city's
    add_unit(units, code="CA-HANOI", name="Công an thành phố", kind="police", parent="HANOI")
    add_unit(units, code="CA-PL-2", name="Công an khu vực", kind="police", parent="PHUCLOI")
    assert serving_units(units, "PHUCLOI", "police") == (
        "CA-PL-2", "CA-PHUCLOI", "CA-VIETHUNG", "CA-HANOI")
    with pytest.raises(NotFound):
        serving_units(units, "NOPE", "police")
