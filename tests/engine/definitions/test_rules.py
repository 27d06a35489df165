"""Checking procedure diagrams against our conventions (engine/definitions/rules.py)."""

from __future__ import annotations

import pickle

import pytest

from engine.definitions import (
    DefinitionError,
    FieldSpec,
    Problem,
    UserTaskInfo,
)
from tests.engine.definitions.diagrams import (
    HEAD,
    inspect,
    load,
    procedure,
    props,
    refusal,
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
