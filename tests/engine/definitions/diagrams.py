"""Helpers for the diagram tests: the departments, a simple SLA parser, fixture files
and a small procedure written in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.definitions import DefinitionError, DefinitionInfo, inspect_definition

DATA = Path(__file__).resolve().parents[2] / "data"
ENGINE = Path(__file__).resolve().parents[3] / "engine"

DEPARTMENTS = {
    "reception": "reception",
    "Một cửa": "reception",
    "civil_status": "civil_status",
    "Tư pháp - Hộ tịch": "civil_status",
    "police": "police",
    "Công an": "police",
    "social_insurance": "social_insurance",
    "BHXH": "social_insurance",
}

_SLA = re.compile(r"P(\d+(\.\d+)?D)?(T(\d+H)?(\d+M)?)?")


def limit_parser(text: str) -> str:
    match = _SLA.fullmatch(text)
    if match is None or not (match.group(1) or match.group(4) or match.group(5)):
        raise ValueError("use days and hours, e.g. P1D or PT4H")
    return text


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def inspect(data: bytes, source: str = "test") -> DefinitionInfo:
    return inspect_definition(data, source=source, departments=DEPARTMENTS,
                              limit_parser=limit_parser)


def refusal(data: bytes, source: str = "test") -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        inspect(data, source)
    error = caught.value
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    assert text.startswith(f"{source}: ")
    return error


HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="Definitions_1" targetNamespace="https://lienthong.example/bpmn">\n'
)


def props(**values: str) -> str:
    """spiffworkflow:properties in an extensionElements block; `field_x` names become `field:x`."""
    items = "".join(
        f'<spiffworkflow:property name="{k.replace("field_", "field:", 1)}" value="{v}"/>'
        for k, v in values.items()
    )
    return (
        f"<bpmn:extensionElements><spiffworkflow:properties>{items}"
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def procedure(
    *,
    task_ext: str = "",
    lane_name: str = "Một cửa",
    lane_ext: str = "",
    process_ext: str = "",
    extra: str = "",
    before: str = "",
    process_id: str = "proc",
) -> bytes:
    """start -> user task `task` -> end, in one lane, plus `extra` flow elements."""
    return (
        HEAD
        + before
        + f'<bpmn:process id="{process_id}" name="Thủ tục" isExecutable="true">{process_ext}'
        + f'<bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="{lane_name}">{lane_ext}'
        + "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>task</bpmn:flowNodeRef>"
        + "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        + '<bpmn:startEvent id="start"/>'
        + f'<bpmn:userTask id="task" name="Việc">{task_ext}</bpmn:userTask>'
        + '<bpmn:endEvent id="end"/>'
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>'
        + '<bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end"/>'
        + extra
        + "</bpmn:process></bpmn:definitions>"
    ).encode()


