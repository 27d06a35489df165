"""What a task's form accepts: each field type's values in their stored form, and each
refusal with the code and values the pages translate."""

from __future__ import annotations

import pytest

from engine.definitions import FieldSpec
from engine.errors import FieldProblem, InvalidData
from engine.runtime.forms import Agencies, check_agencies, check_submission


def field(kind: str, required: bool = False, choices: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec("f", kind, required, "Ô", choices)


@pytest.mark.parametrize(("kind", "given", "stored"), [
    ("string", "  Bé Na  ", "Bé Na"),
    ("text", "dòng một\ndòng hai ", "dòng một\ndòng hai"),
    ("integer", 7, 7),
    ("integer", 0, 0),
    ("integer", " 15 ", 15),
    ("integer", "-3", -3),
    ("number", 2, 2.0),
    ("number", "2.5", 2.5),
    ("number", 0.0, 0.0),
    ("boolean", True, True),
    ("boolean", False, False),
    ("boolean", " Có ", True),
    ("boolean", "yes", True),
    ("boolean", "1", True),
    ("boolean", "on", True),
    ("boolean", "true", True),
    ("boolean", "không", False),
    ("boolean", "OFF", False),
    ("boolean", "0", False),
    ("boolean", "no", False),
    ("boolean", "false", False),
    ("date", "2026-03-01", "2026-03-01"),
    ("datetime", "2026-03-01T09:30:00+07:00", "2026-03-01T09:30:00+07:00"),
    ("datetime", "2026-03-01 09:30", "2026-03-01T09:30:00"),
])
def test_each_type_keeps_its_value_in_stored_form(kind, given, stored):
    cleaned = check_submission([field(kind)], {"f": given})
    assert cleaned == {"f": stored}
    assert type(cleaned["f"]) is type(stored)


def test_a_choice_must_be_one_of_its_choices():
    options = ("approve", "refuse")
    assert check_submission([field("choice", choices=options)], {"f": "refuse"}) == {
        "f": "refuse"}
    with pytest.raises(InvalidData) as refused:
        check_submission([field("choice", choices=options)], {"f": "Approve"})
    assert refused.value.problems == {"f": FieldProblem(
        "not_a_choice", "must be one of approve, refuse", {"choices": options})}


@pytest.mark.parametrize(("kind", "given", "code", "message"), [
    ("string", 5, "not_text", "must be text"),
    ("text", ["a"], "not_text", "must be text"),
    ("integer", True, "not_whole_number", "must be a whole number"),
    ("integer", 2.5, "not_whole_number", "must be a whole number"),
    ("integer", "2.5", "not_whole_number", "must be a whole number"),
    ("integer", "--2", "not_whole_number", "must be a whole number"),
    ("integer", "²", "not_whole_number", "must be a whole number"),
    ("integer", "1-2", "not_whole_number", "must be a whole number"),
    ("integer", "9" * 5000, "not_whole_number", "must be a whole number"),
    ("number", False, "not_number", "must be a number"),
    ("number", "hai", "not_number", "must be a number"),
    ("number", [1], "not_number", "must be a number"),
    ("number", "nan", "not_number", "must be a number"),
    ("number", "-inf", "not_number", "must be a number"),
    ("number", 10 ** 400, "not_number", "must be a number"),
    ("boolean", "maybe", "not_boolean", "must be true or false"),
    ("boolean", 1, "not_boolean", "must be true or false"),
    ("date", "01/03/2026", "not_date", "must be a date (YYYY-MM-DD)"),
    ("datetime", "hôm qua", "not_datetime", "must be a date and time (ISO 8601)"),
])
def test_a_wrong_value_is_refused_with_its_code(kind, given, code, message):
    with pytest.raises(InvalidData) as refused:
        check_submission([field(kind)], {"f": given})
    assert refused.value.problems == {"f": FieldProblem(code, message, {})}
    assert refused.value.fields == {"f": message}
    assert (refused.value.code, str(refused.value)) == ("invalid_data", f"f: {message}")


def test_an_unknown_type_names_itself():
    with pytest.raises(InvalidData) as refused:
        check_submission([field("colour")], {"f": "red"})
    assert refused.value.problems == {"f": FieldProblem(
        "unknown_type", "has an unknown type 'colour'", {"type": "colour"})}


def test_every_problem_is_reported_at_once_and_nothing_undeclared_gets_in():
    fields = [FieldSpec("name", "string", True, "Họ tên"),
              FieldSpec("age", "integer", True, "Tuổi"),
              FieldSpec("note", "text", False, "Ghi chú")]
    with pytest.raises(InvalidData) as refused:
        check_submission(fields, {"name": "  ", "age": "many", "status": "resolved"})
    assert {name: p.code for name, p in refused.value.problems.items()} == {
        "status": "not_a_field", "name": "required", "age": "not_whole_number"}
    assert refused.value.fields["status"] == "is not a field of this task"
    assert refused.value.fields["name"] == "is required"


def test_blank_optional_fields_are_left_out():
    fields = [FieldSpec("note", "text", False, "Ghi chú"),
              FieldSpec("count", "integer", False, "Số")]
    assert check_submission(fields, {"note": "   ", "count": None}) == {}
    assert check_submission(fields, {}) == {}


# --- type=unit: a unit serving the dossier's --------------------------------------

SERVING = {"police": ("CA-PHUCLOI", "CA-VIETHUNG"), "social_insurance": ("BHXH-LONGBIEN",),
           "district": ()}
# the ward's configuration: its police default is CA-PHUCLOI; one BHXH serves it
PHUCLOI = Agencies("PHUCLOI", lambda kind: SERVING.get(kind, ()),
                   lambda kind: "CA-PHUCLOI" if kind == "police" else None)
NO_DEFAULT = Agencies("PHUCLOI", PHUCLOI.serving, lambda kind: None)


def unit_field(kind: str = "police", required: bool = False) -> FieldSpec:
    return FieldSpec("agency", "unit", required, "Cơ quan", unit_kind=kind)


@pytest.mark.parametrize(("spec", "given", "current", "stored"), [
    (unit_field(), " CA-VIETHUNG ", None, "CA-VIETHUNG"),
    (unit_field(), None, None, "CA-PHUCLOI"),  # the unit's default
    (unit_field(), "", "CA-VIETHUNG", "CA-VIETHUNG"),  # given before
    (unit_field("social_insurance"), None, None, "BHXH-LONGBIEN"),  # the only one serving
])
def test_a_unit_field_takes_a_serving_unit(spec, given, current, stored) -> None:
    data = {} if given is None else {"agency": given}
    current_data = {} if current is None else {"agency": current}
    assert check_submission([spec], data, agencies=PHUCLOI, current=current_data) == {
        "agency": stored}


@pytest.mark.parametrize(("spec", "given", "current", "code"), [
    (unit_field(), "NOPE-UNIT", None, "not_a_serving_unit"),
    (unit_field(), "CA-XAGIALAM", None, "not_a_serving_unit"),
    (unit_field(), "BHXH-LONGBIEN", None, "not_a_serving_unit"),
    (unit_field(), ["CA-PHUCLOI"], None, "not_text"),
    (unit_field(), None, "CA-XAGIALAM", "not_a_serving_unit"),  # given before, checked again
    (unit_field(), None, None, "choose_a_unit"),  # two serve, no default
    (unit_field("district"), None, None, "choose_a_unit"),  # none serves
    (unit_field(required=True), "", None, "required"),
])
def test_a_unit_field_refuses_other_units(spec, given, current, code) -> None:
    data = {} if given is None else {"agency": given}
    current_data = {} if current is None else {"agency": current}
    with pytest.raises(InvalidData) as error:
        check_submission([spec], data, agencies=NO_DEFAULT, current=current_data)
    assert error.value.problems["agency"].code == code


def test_a_refused_unit_names_the_units_that_serve() -> None:
    with pytest.raises(InvalidData) as error:
        check_submission([unit_field()], {"agency": "CA-XAGIALAM"}, agencies=PHUCLOI)
    assert error.value.problems["agency"] == FieldProblem(
        "not_a_serving_unit", "must be a police unit serving PHUCLOI: CA-PHUCLOI, CA-VIETHUNG",
        {"kind": "police", "unit": "PHUCLOI", "choices": ("CA-PHUCLOI", "CA-VIETHUNG")})


def test_a_unit_field_cannot_be_checked_without_the_organisation() -> None:
    with pytest.raises(InvalidData) as error:
        check_submission([unit_field()], {"agency": "CA-PHUCLOI"})
    assert error.value.problems["agency"].code == "no_agencies"


def test_units_given_with_a_dossier_are_checked_by_the_same_rule() -> None:
    fields = [unit_field(), FieldSpec("note", "string", False, "Ghi chú")]
    check_agencies(fields, {"agency": "CA-VIETHUNG", "note": "x"}, PHUCLOI)
    check_agencies(fields, {"other": "NOPE"}, PHUCLOI)  # not a unit field: not this check's
    with pytest.raises(InvalidData) as error:
        check_agencies(fields, {"agency": "NOPE-UNIT"}, PHUCLOI)
    assert list(error.value.problems) == ["agency"]


@pytest.mark.parametrize(("kind", "given", "code", "message"), [
    ("string", "x" * 2001, "too_long", "must be at most 2000 characters"),
    ("text", "x" * 20001, "too_long", "must be at most 20000 characters"),
    ("string", "a\x00b", "bad_characters", "must not contain control characters"),
    ("text", "a\ud800b", "bad_characters", "must not contain control characters"),
    ("integer", 2**53, "out_of_range", "must be between -9007199254740991 and "
                                       "9007199254740991"),
    ("integer", -(10**30), "out_of_range", "must be between -9007199254740991 and "
                                           "9007199254740991"),
    ("number", 1e300, "out_of_range", "must be between -9007199254740991 and "
                                      "9007199254740991"),
    ("date", "9999-12-31", "out_of_range", "must be between 1900-01-01 and 2100-12-31"),
    ("date", "0001-01-01", "out_of_range", "must be between 1900-01-01 and 2100-12-31"),
    ("datetime", "9999-12-31T23:00:00+07:00", "out_of_range",
     "must be between 1900-01-01 and 2100-12-31"),
])
def test_values_beyond_the_bounds_are_refused_with_their_code(kind, given, code, message):
    with pytest.raises(InvalidData) as refused:
        check_submission([field(kind)], {"f": given})
    problem = refused.value.problems["f"]
    assert (problem.code, problem.message) == (code, message)


def test_values_at_the_bounds_are_kept():
    assert check_submission([field("integer")], {"f": 2**53 - 1}) == {"f": 2**53 - 1}
    assert check_submission([field("string")], {"f": "x" * 2000}) == {"f": "x" * 2000}
    assert check_submission([field("date")], {"f": "1900-01-01"}) == {"f": "1900-01-01"}
    assert check_submission([field("text")], {"f": "a\tb\nc"}) == {"f": "a\tb\nc"}
