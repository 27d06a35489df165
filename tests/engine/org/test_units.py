"""The unit map: what a unit answers for below it and before it, who signs above it,
which agencies serve it, and the days each unit existed."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidAction, NotFound
from engine.org import (
    add_unit,
    ancestors,
    default_agency,
    descendants,
    get_unit,
    list_units,
    require_in_force,
    serve,
    serving_units,
)
from engine.simulation import seed_demo_units

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_an_old_district_sees_its_wards_and_their_police_but_not_another_district(units):
    below = descendants(units, "LONGBIEN")
    assert {"LONGBIEN", "LB-PHUCLOI", "LB-VIETHUNG", "LB-CA-PHUCLOI"} <= set(below)
    assert "GL-TRAUQUY" not in below and "GIALAM" not in below
    assert "PHUCLOI" not in below  # the new ward is not the district's
    assert descendants(units, "LB-PHUCLOI") == ["LB-PHUCLOI"]


def test_a_new_ward_answers_for_the_units_it_carried_over_not_those_it_took_parts_of(units):
    mine = set(descendants(units, "PHUCLOI"))
    assert mine == {"PHUCLOI", "LB-PHUCLOI", "LB-PHUCDONG"}
    assert set(descendants(units, "PHUCLOI", predecessors=False)) == {"PHUCLOI"}
    # the commune police carry the old post's files; the city sees both maps
    assert set(descendants(units, "CA-PHUCLOI")) == {"CA-PHUCLOI", "LB-CA-PHUCLOI"}
    assert {"PHUCLOI", "LB-PHUCLOI", "LONGBIEN", "CA-PHUCLOI"} <= set(
        descendants(units, "HANOI"))


def test_ancestors_run_from_the_unit_to_the_city(units):
    assert ancestors(units, "PHUCLOI") == ["PHUCLOI", "HANOI"]
    assert ancestors(units, "LB-PHUCLOI") == ["LB-PHUCLOI", "LONGBIEN", "HANOI"]
    assert ancestors(units, "CA-PHUCLOI") == ["CA-PHUCLOI", "CA-HANOI", "HANOI"]


def test_units_have_a_level_and_the_days_they_existed(units):
    new, old = get_unit(units, "PHUCLOI"), get_unit(units, "LB-PHUCLOI")
    assert (new.level, new.parent_code, new.valid_from, new.valid_to) == (
        "commune", "HANOI", AFTER, None)
    assert (old.level, old.parent_code, old.valid_to) == ("commune", "LONGBIEN", BEFORE)
    assert get_unit(units, "HANOI").level == "province"
    assert get_unit(units, "LONGBIEN").level == "district"
    assert not new.in_force(BEFORE) and new.in_force(AFTER)
    assert old.in_force(BEFORE) and not old.in_force(AFTER)
    on_the_day = {u.code for u in list_units(units, on=AFTER)}
    assert "PHUCLOI" in on_the_day and "LONGBIEN" not in on_the_day
    assert "LONGBIEN" in {u.code for u in list_units(units, on=BEFORE)}


def test_a_unit_that_is_gone_or_not_yet_there_is_refused_by_date(units):
    with pytest.raises(InvalidAction, match="did not exist on 01/07/2025") as gone:
        require_in_force(units, "LB-PHUCLOI", AFTER)
    assert gone.value.code == "unit_not_in_force"
    with pytest.raises(InvalidAction, match="did not exist on 30/06/2025"):
        require_in_force(units, "PHUCLOI", BEFORE)
    assert require_in_force(units, "HANOI", BEFORE).code == "HANOI"


def test_unknown_units_kinds_levels_and_spans_are_refused_by_name(units):
    with pytest.raises(NotFound, match="unit NOPE does not exist") as missing:
        descendants(units, "NOPE")
    assert missing.value.code == "unit_not_found"
    with pytest.raises(InvalidAction, match="unit kind 'village'"):
        add_unit(units, code="X", name="X", kind="village", parent="HANOI")
    with pytest.raises(InvalidAction, match="unit level 'hamlet'"):
        add_unit(units, code="X", name="X", kind="ward", parent="HANOI", level="hamlet")
    with pytest.raises(InvalidAction, match="cannot end"):
        add_unit(units, code="X", name="X", kind="ward", parent="HANOI",
                 valid_from=AFTER, valid_to=BEFORE)
    with pytest.raises(NotFound, match="department nowhere"):
        add_unit(units, code="X", name="X", kind="ward", parent="HANOI",
                 departments=["nowhere"])
    with pytest.raises(InvalidAction, match="already exists"):
        add_unit(units, code="PHUCLOI", name="X", kind="ward")


def test_a_new_unit_is_found_with_its_departments(units):
    add_unit(units, code="NEWWARD", name="Phường Mới", kind="ward", parent="HANOI",
             departments=["reception", "civil_status"], address="Số 1")
    unit = get_unit(units, "NEWWARD")
    assert (unit.name, unit.parent_code, unit.departments, unit.address, unit.level) == (
        "Phường Mới", "HANOI", ("reception", "civil_status"), "Số 1", "commune")
    assert "NEWWARD" in descendants(units, "HANOI")


def test_agencies_serve_the_communes_they_are_configured_for_default_first(units):
    assert serving_units(units, "PHUCLOI", "police", AFTER) == ("CA-PHUCLOI",)
    assert serving_units(units, "PHUCLOI", "social_insurance", AFTER) == ("BHXH-LONGBIEN",)
    assert serving_units(units, "XAGIALAM", "social_insurance", AFTER) == ("BHXH-GIALAM",)
    assert serving_units(units, "LB-PHUCLOI", "police", BEFORE) == ("LB-CA-PHUCLOI",)
    # an agency that is gone serves nobody any more
    assert serving_units(units, "LB-VIETHUNG", "police", BEFORE) == ("LB-CA-VIETHUNG",)
    assert "LB-CA-VIETHUNG" not in serving_units(units, "LB-VIETHUNG", "police", AFTER)
    # a second police unit serving the ward: the default stays first and stays the default
    add_unit(units, code="CA-KV2", name="Công an khu vực 2", kind="police",
             parent="CA-HANOI")
    serve(units, agency="CA-KV2", served="PHUCLOI")
    assert serving_units(units, "PHUCLOI", "police", AFTER) == ("CA-PHUCLOI", "CA-KV2")
    assert default_agency(units, "PHUCLOI", "police", AFTER) == "CA-PHUCLOI"
    serve(units, agency="CA-KV2", served="PHUCLOI", default=True)
    assert serving_units(units, "PHUCLOI", "police", AFTER) == ("CA-KV2", "CA-PHUCLOI")
    assert default_agency(units, "PHUCLOI", "police", AFTER) == "CA-KV2"
    with pytest.raises(NotFound):
        serving_units(units, "NOPE", "police")


def test_only_agencies_serve_and_only_communes_and_above_are_served(units):
    with pytest.raises(InvalidAction, match="only police, social_insurance units serve"):
        serve(units, agency="VIETHUNG", served="PHUCLOI")
    with pytest.raises(InvalidAction, match="is an agency"):
        serve(units, agency="CA-PHUCLOI", served="BHXH-LONGBIEN")


def test_a_unit_that_is_gone_is_served_as_the_unit_that_carried_it_over(units):
    """A dossier the old ward received on 30 June sends its parts, after 1 July, to the
    new ward's agencies; a unit carried over by nobody is served by nobody."""
    assert serving_units(units, "LB-PHUCLOI", "police", AFTER) == ("CA-PHUCLOI",)
    assert default_agency(units, "LB-PHUCLOI", "police", AFTER) == "CA-PHUCLOI"
    assert serving_units(units, "LB-THACHBAN", "police", AFTER) == ()
