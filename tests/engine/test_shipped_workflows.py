"""Every shipped diagram passes the checks a designer's upload must pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.definitions import build_specs, inspect_definition
from engine.reference import DEFAULT_DEPARTMENTS
from engine.runtime import limit_parser
from tests.conftest import WORKFLOWS

SHIPPED = sorted(WORKFLOWS.glob("*.bpmn"))
SPELLINGS = {code: code for code in DEFAULT_DEPARTMENTS} | {
    name: code for code, name in DEFAULT_DEPARTMENTS.items()}


def test_there_are_shipped_workflows():
    assert SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workflow_is_valid(path: Path):
    info = inspect_definition(path.read_bytes(), source=path.name, departments=SPELLINGS,
                              sla_parser=limit_parser(WorkingCalendar()))
    assert info.user_tasks and all(t.department and t.sla for t in info.user_tasks)
    assert info.properties.get("time_limit")
    build_specs(path.read_bytes(), [], info.key)
