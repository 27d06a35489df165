"""Checking procedure diagrams against our conventions (engine/definitions.py)."""

from __future__ import annotations

import json
import pickle

import pytest

from engine.definitions import (
    DefinitionError,
    FieldSpec,
    Problem,
    UserTaskInfo,
    inspect_definition,
)
from engine.diagram_info import ShownSpec, info_from_json, info_to_json
from tests.engine.diagrams import (
    DEPARTMENTS,
    HEAD,
    inspect,
    load,
    procedure,
    props,
    refusal,
    sla_parser,
)

# --- the valid procedures ---------------------------------------------------


def test_valid_procedure_is_described() -> None:
    info = inspect(load("def_birth_registration.bpmn"))
    assert info.key == "birth_registration"
    assert info.name == "Đăng ký khai sinh"
    assert info.process_ids == ("birth_registration",)
    assert info.called_elements == ()
    assert info.messages_thrown == ("birth_registered",)
    assert info.messages_caught == ()
    assert info.start_messages == ()
    assert dict(info.properties) == {
        "time_limit": "P1D",
        "cutoff": "15:00",
        "department": "Tư pháp - Hộ tịch",
    }
    assert [(t.id, t.lane, t.department, t.sla) for t in info.user_tasks] == [
        ("receive_dossier", "Một cửa", "reception", "PT4H"),
        ("register_birth", "Tư pháp - Hộ tịch", "civil_status", "P1D"),
        ("return_result", "Một cửa", "reception", "PT2H"),
    ]
    receive = info.user_tasks[0]
    assert receive == UserTaskInfo(
        id="receive_dossier",
        name="Tiếp nhận hồ sơ",
        process_id="birth_registration",
        lane="Một cửa",
        department="reception",
        sla="PT4H",
        fields=(
            FieldSpec("child_name", "string", True, "Họ tên trẻ"),
            FieldSpec("birth_date", "date", True, "Ngày sinh"),
            FieldSpec("gender", "choice", True, "Giới tính", ("nam", "nữ")),
            FieldSpec("copies", "integer", False, "Số bản sao"),
        ),
    )
    assert info.user_tasks[1].fields == (
        FieldSpec("approved", "boolean", True, "Đồng ý đăng ký"),
        FieldSpec("note", "text", False, "Ghi chú"),
    )
    assert hash(info) == hash(inspect(load("def_birth_registration.bpmn")))


def test_call_activity_to_another_file_is_listed() -> None:
    info = inspect(load("def_linked_procedure.bpmn"))
    assert info.key == "linked_birth_residence_card"
    assert info.called_elements == ("birth_registration",)
    assert [(t.id, t.department) for t in info.user_tasks] == [
        ("register_residence", "police"),
        ("issue_health_card", "social_insurance"),
        ("return_results", "reception"),
    ]
    assert info.properties["time_limit"] == "P3D"


def test_message_start_and_lane_department_property() -> None:
    info = inspect(load("def_health_card.bpmn"))
    assert info.start_messages == ("birth_registered",)
    assert info.messages_caught == ("birth_registered",)
    # The lane is named "Bảo hiểm xã hội"; its department property says BHXH.
    (task,) = info.user_tasks
    assert (task.lane, task.department) == ("Bảo hiểm xã hội", "social_insurance")


# --- departments ------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["Một cửa", "một CỬA", "Mot cua", "  Một   cửa ", "reception", "RECEPTION"],
)
def test_lane_names_match_exactly_then_by_case_then_without_diacritics(spelling: str) -> None:
    (task,) = inspect(procedure(lane_name=spelling)).user_tasks
    assert task.department == "reception"


def test_dash_and_diacritics_variants_match() -> None:
    (task,) = inspect(procedure(lane_name="Tu phap – Ho tich")).user_tasks
    assert task.department == "civil_status"
    (task,) = inspect(procedure(lane_name="CÔNG AN")).user_tasks
    assert task.department == "police"


def test_task_in_an_embedded_subprocess_takes_its_lane_and_spec_name() -> None:
    sub = (
        '<bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/>'
        f'<bpmn:userTask id="inner">{props(sla="PT1H")}</bpmn:userTask><bpmn:endEvent id="se"/>'
        '<bpmn:sequenceFlow id="s1" sourceRef="ss" targetRef="inner"/>'
        '<bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="se"/></bpmn:subProcess>'
    )
    data = procedure(extra=sub).replace(
        b"<bpmn:flowNodeRef>end</bpmn:flowNodeRef>",
        b"<bpmn:flowNodeRef>end</bpmn:flowNodeRef><bpmn:flowNodeRef>sub</bpmn:flowNodeRef>",
    )
    info = inspect(data)
    assert [(t.id, t.process_id, t.lane, t.department) for t in info.user_tasks] == [
        ("task", "proc", "Một cửa", "reception"),
        ("inner", "sub", "Một cửa", "reception"),
    ]


def test_task_department_property_wins_over_the_lane() -> None:
    info = inspect(procedure(lane_name="Cán bộ", task_ext=props(department="Công an")))
    assert [(t.lane, t.department) for t in info.user_tasks] == [("Cán bộ", "police")]


def test_lane_department_property_wins_over_the_lane_name() -> None:
    info = inspect(procedure(lane_name="Cán bộ", lane_ext=props(department="bhxh")))
    assert info.user_tasks[0].department == "social_insurance"


def test_unknown_department_in_properties_is_reported() -> None:
    error = refusal(procedure(task_ext=props(department="Thuỷ lợi")))
    assert error.problems == (Problem("task", "department 'Thuỷ lợi' is not a known department"),)
    error = refusal(procedure(lane_name="Cán bộ", lane_ext=props(department="Kho bạc")))
    assert error.problems == (
        Problem("Lane_1", "department 'Kho bạc' of lane 'Cán bộ' is not a known department"),
    )


def test_ambiguous_spelling_is_not_guessed() -> None:
    # "Cong an" and "Công an" both read "cong an" without diacritics.
    departments = {**DEPARTMENTS, "Cong an": "traffic_police"}
    with pytest.raises(DefinitionError, match="lane 'Cõng An' is not a known department"):
        inspect_definition(
            procedure(lane_name="Cõng An"),
            source="t",
            departments=departments,
            sla_parser=sla_parser,
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
    ],
)
def test_bad_field_declarations_are_problems(name: str, value: str, message: str) -> None:
    error = refusal(procedure(task_ext=props(**{f"field_{name}": value})))
    assert error.problems[0].element_id == "task"
    assert message in error.problems[0].message


# --- the other rules ----------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    error = refusal(
        procedure(
            lane_name="Phòng Kho",
            task_ext=props(sla="P1Y", field_a="type=bad"),
            process_ext=props(time_limit="P1M", cutoff="25:00", department="Kho"),
        )
    )
    assert {(p.element_id, p.message.split(" ")[0]) for p in error.problems} == {
        ("proc", "time_limit"),
        ("proc", "cutoff"),
        ("proc", "department"),
        ("task", "sla"),
        ("task", "field"),
        ("Lane_1", "lane"),
    }
    assert str(error).count("; ") == 5


@pytest.mark.parametrize(
    ("extra", "element_id", "message"),
    [
        (
            '<bpmn:exclusiveGateway id="gw" default="g1"/>'
            '<bpmn:sequenceFlow id="g1" sourceRef="gw" targetRef="end"/>'
            '<bpmn:sequenceFlow id="g2" sourceRef="gw" targetRef="end"/>'
            '<bpmn:sequenceFlow id="g3" sourceRef="gw" targetRef="end">'
            "<bpmn:conditionExpression>ok</bpmn:conditionExpression></bpmn:sequenceFlow>",
            "g2",
            "flow leaving gateway 'gw' has no condition and is not its default",
        ),
        (
            '<bpmn:exclusiveGateway id="gw" default="nowhere"/>',
            "gw",
            "default flow 'nowhere' does not leave this gateway",
        ),
        (
            '<bpmn:sequenceFlow id="g1" sourceRef="task" targetRef="end">'
            "<bpmn:conditionExpression>approved ==</bpmn:conditionExpression></bpmn:sequenceFlow>",
            "g1",
            "condition is not a valid expression: invalid syntax",
        ),
        (
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="t"/>'
            "</bpmn:intermediateCatchEvent>",
            "wait",
            "timer has no timeDate, timeDuration or timeCycle expression",
        ),
        (
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="t">'
            "<bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:intermediateCatchEvent>",
            "wait",
            'timer expression PT2H is evaluated as Python: quote it, as "PT2H"',
        ),
        (
            '<bpmn:callActivity id="call"/>',
            "call",
            "call activity has no calledElement",
        ),
        (
            '<bpmn:intermediateThrowEvent id="send"><bpmn:messageEventDefinition id="m"/>'
            "</bpmn:intermediateThrowEvent>",
            "send",
            "intermediateThrowEvent has no messageRef",
        ),
        ('<bpmn:receiveTask id="recv"/>', "recv", "receiveTask has no messageRef"),
        (
            '<bpmn:scriptTask id="calc"><bpmn:script>x = (</bpmn:script></bpmn:scriptTask>',
            "calc",
            "script is not valid Python",
        ),
        (
            f'<bpmn:serviceTask id="svc">{props(sla="P1Y")}</bpmn:serviceTask>',
            "svc",
            "sla 'P1Y' is not a working-time duration",
        ),
        (
            f'<bpmn:manualTask id="man">{props(field_a="type=text")}</bpmn:manualTask>',
            "man",
            "field declarations are only read on user tasks",
        ),
    ],
)
def test_structural_rules(extra: str, element_id: str, message: str) -> None:
    error = refusal(procedure(extra=extra))
    assert (element_id, message) in {
        (p.element_id, p.message[: len(message)]) for p in error.problems
    }


def test_property_without_value_or_twice_is_a_problem() -> None:
    twice = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        '<spiffworkflow:property name="sla" value="P1D"/>'
        '<spiffworkflow:property name="sla" value="P2D"/>'
        '<spiffworkflow:property name="department"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )
    error = refusal(procedure(task_ext=twice))
    assert error.problems == (
        Problem("task", "property 'sla' is declared twice"),
        Problem("task", "a spiffworkflow:property needs both a name and a value"),
    )


def test_what_spiffworkflow_refuses_is_refused_too() -> None:
    # A task with two outgoing flows passes our rules but not SpiffWorkflow's parser.
    extra = '<bpmn:sequenceFlow id="f3" sourceRef="task" targetRef="end"/>'
    error = refusal(procedure(extra=extra))
    assert error.problems == (
        Problem(
            "task",
            "SpiffWorkflow cannot load this diagram: "
            "Multiple outgoing flows are not supported for tasks of type",
        ),
    )


def test_main_process_is_the_one_not_called_from_the_file() -> None:
    helper = (
        '<bpmn:process id="helper" isExecutable="true"><bpmn:startEvent id="hs"/></bpmn:process>'
    )
    call = (
        '<bpmn:callActivity id="call" calledElement="helper"/>'
        '<bpmn:callActivity id="call2" calledElement="elsewhere"/>'
    )
    info = inspect(procedure(before=helper, extra=call))
    assert info.key == "proc"
    assert info.process_ids == ("helper", "proc")
    assert info.called_elements == ("elsewhere",)


def test_a_file_without_executable_process_is_refused() -> None:
    data = (HEAD + '<bpmn:process id="doc" isExecutable="false"/></bpmn:definitions>').encode()
    error = refusal(data)
    assert str(error) == 'test: the file has no executable process (isExecutable="true")'


# --- the error type -----------------------------------------------------------


def test_definition_error_is_one_line_and_round_trips() -> None:
    error = DefinitionError(
        "upload", [Problem("task_1", "first\nproblem"), Problem(None, "file-level")]
    )
    assert str(error) == "upload: task_1: first problem; file-level"
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.source, copy.problems) == (error.source, error.problems)


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
