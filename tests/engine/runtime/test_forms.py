"""What a task's form accepts: each field type's values in their stored form, and each
refusal with the code and values the pages translate."""

from __future__ import annotations

import pytest

from engine.definitions import FieldSpec
from engine.errors import FieldProblem, InvalidData
from engine.runtime.forms import check_submission


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
