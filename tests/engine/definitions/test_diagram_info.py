"""Declarations read from a diagram: the fields a task asks for and the data its page
shows (engine/definitions/diagram_info.py), and the description stored as JSON."""

from __future__ import annotations

import json

import pytest

from engine.definitions import (
    FieldSpec,
    ShownSpec,
)
from engine.definitions.diagram_info import info_from_json, info_to_json
from tests.engine.definitions.diagrams import (
    inspect,
    procedure,
    props,
    refusal,
)

# --- fields -----------------------------------------------------------------


def test_field_defaults() -> None:
    (task,) = inspect(procedure(task_ext=props(field_note="required", field_x=""))).user_tasks
    assert task.fields == (
        FieldSpec("note", "string", True, "note"),
        FieldSpec("x", "string", False, "x"),
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("birth_date", "type=day", "field 'birth_date': unknown type 'day' (use string, text,"),
        ("gender", "type=choice", "field 'gender': type=choice needs choices=a|b|c"),
        ("gender", "type=string; choices=a|b", "choices are only for type=choice"),
        ("gender", "type=choice; choices=a||b", "choices has an empty item"),
        ("gender", "type=choice; choices=a|a", "choices has a duplicate item"),
        ("note", "type=text; colour=red", "unknown setting 'colour'"),
        ("note", "type=text; type=string", "'type' is given twice"),
        ("note", "required=maybe", "required is a flag"),
        ("note", "label=", "label is empty"),
        ("2nd", "type=text", "field '2nd': a field name uses letters, digits and _"),
        ("họ_tên", "type=text", "a field name uses letters"),
        ("police_unit", "type=unit", "type=unit needs kind= one of ward, police, "
         "social_insurance, district, city"),
        ("police_unit", "type=unit; kind=army", "type=unit needs kind="),
        ("police_unit", "type=string; kind=police", "kind is only for type=unit"),
        ("police_unit", "type=string; default=CA-X", "nothing in a diagram does"),
        ("police_unit", "type=unit; kind=police; default=CA-{unit}",
         "default= names a unit; nothing in a diagram does"),
    ],
)
def test_bad_field_declarations_are_problems(name: str, value: str, message: str) -> None:
    error = refusal(procedure(task_ext=props(**{f"field_{name}": value})))
    assert error.problems[0].element_id == "task"
    assert message in error.problems[0].message


def test_unit_fields_name_their_kind_and_round_trip() -> None:
    info = inspect(procedure(task_ext=props(
        field_police_unit="type=unit; kind=police; label=Công an",
        field_insurance_unit="type=unit; kind=social_insurance")))
    assert info.user_tasks[0].fields == (
        FieldSpec("police_unit", "unit", False, "Công an", unit_kind="police"),
        FieldSpec("insurance_unit", "unit", False, "insurance_unit",
                  unit_kind="social_insurance"),
    )
    assert info_from_json(json.loads(json.dumps(info_to_json(info)))) == info
    # a description stored when diagrams still named a default unit reads without it
    stored = info_to_json(info)
    stored["user_tasks"][0]["fields"][0]["default"] = "CA-{unit}"
    assert info_from_json(json.loads(json.dumps(stored))) == info


def test_a_process_level_must_be_a_kind_of_unit() -> None:
    assert inspect(procedure(process_ext=props(level="police"))).properties["level"] == "police"
    error = refusal(procedure(process_ext=props(level="army")))
    assert [(p.element_id, p.message) for p in error.problems] == [
        ("proc", "level 'army' is not one of ward, police, social_insurance, district, city")]


# --- data shown on task pages (show:) -------------------------------------------


def shows(**declared: str) -> str:
    """props() for show declarations; `__` in a keyword stands for a dot."""
    return props(**{f"show:{k.replace('__', '.')}": v for k, v in declared.items()})


def test_show_declarations_on_the_process_and_the_task_round_trip() -> None:
    info = inspect(procedure(
        process_ext=shows(request__child_name="label=Họ và tên trẻ"),
        task_ext=shows(birth_date="type=date; label=Ngày sinh",
                       verified="label=Đã xác minh; type=boolean;"),
    ))
    assert info.shown == {"proc": (ShownSpec("request.child_name", "Họ và tên trẻ"),)}
    assert info.user_tasks[0].shown == (ShownSpec("birth_date", "Ngày sinh", "date"),
                                        ShownSpec("verified", "Đã xác minh", "boolean"))
    assert info_from_json(json.loads(json.dumps(info_to_json(info)))) == info


def test_descriptions_stored_before_show_declarations_still_read() -> None:
    stored = info_to_json(inspect(procedure(task_ext=props(field_note="type=text"))))
    del stored["shown"]
    for task in stored["user_tasks"]:
        del task["shown"]
    info = info_from_json(stored)
    assert info.shown == {} and info.user_tasks[0].shown == ()
    assert info.user_tasks[0].fields == (FieldSpec("note", "text", False, "note"),)


@pytest.mark.parametrize(
    ("on", "name", "value", "message"),
    [
        ("task", "child_name", "type=string", "show 'child_name': needs a label"),
        ("task", "birth_date", "type=day; label=Ngày sinh",
         "show 'birth_date': unknown type 'day' (use string, text, integer, number, "
         "boolean, date, datetime)"),
        ("task", "gender", "type=choice; label=Giới tính", "unknown type 'choice'"),
        ("task", "note", "label=Ghi chú; colour=red", "unknown setting 'colour' (use type, "
         "label)"),
        ("task", "note", "label=A; label=B", "'label' is given twice"),
        ("task", "note", "=Ghi chú", "has no setting name"),
        ("proc", "request..child_name", "label=Họ tên", "show 'request..child_name': a shown "
         "name is a variable or variable.item"),
        ("proc", "request.2nd", "label=Thứ hai", "a shown name is a variable"),
        ("proc", "họ_tên", "label=Họ tên", "a shown name is a variable"),
        ("proc", "a.b.c.d.e.f", "label=Sâu", "a shown name is a variable"),
    ],
)
def test_bad_show_declarations_are_refused_naming_the_element(
    on: str, name: str, value: str, message: str
) -> None:
    declared = props(**{f"show:{name}": value})
    data = procedure(task_ext=declared) if on == "task" else procedure(process_ext=declared)
    error = refusal(data)
    assert [p.element_id for p in error.problems] == [on]
    assert message in error.problems[0].message
    assert str(error).startswith(f"test: {on}: show '{name}': ")


@pytest.mark.parametrize("element", [
    '<bpmn:manualTask id="other">{}</bpmn:manualTask>',
    '<bpmn:subProcess id="other">{}</bpmn:subProcess>',
])
def test_show_declarations_elsewhere_are_refused(element: str) -> None:
    error = refusal(procedure(extra=element.format(shows(note="label=Ghi chú"))))
    assert [(p.element_id, p.message) for p in error.problems] == [
        ("other", "show declarations are only read on user tasks and processes")]
