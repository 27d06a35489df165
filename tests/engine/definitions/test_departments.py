"""Lanes and properties name departments as people write them
(engine/definitions/departments.py)."""

from __future__ import annotations

import pytest

from engine.definitions import (
    DefinitionError,
    Problem,
    inspect_definition,
)
from tests.engine.definitions.diagrams import (
    DEPARTMENTS,
    inspect,
    limit_parser,
    procedure,
    props,
    refusal,
)

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
            limit_parser=limit_parser,
        )
