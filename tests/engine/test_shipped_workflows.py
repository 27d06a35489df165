"""Every shipped diagram passes the checks a designer's upload must pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar
from engine.deadlines import limit_parser
from engine.definitions import inspect_definition
from engine.reference import DEFAULT_DEPARTMENTS
from engine.specs import build_specs, check_references
from tests.conftest import WORKFLOWS

SHIPPED = sorted(WORKFLOWS.glob("*.bpmn"))
SPELLINGS = {code: code for code in DEFAULT_DEPARTMENTS} | {
    name: code for code, name in DEFAULT_DEPARTMENTS.items()}


def test_there_are_shipped_workflows():
    assert SHIPPED


def inspect(path: Path):
    return inspect_definition(path.read_bytes(), source=path.name, departments=SPELLINGS,
                              sla_parser=limit_parser(WorkingCalendar()))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workflow_is_valid(path: Path):
    info = inspect(path)
    # an agency's linked part may only call its core (its tasks are the core's)
    assert info.user_tasks or info.called_elements
    assert all(t.department and t.sla for t in info.user_tasks)
    assert info.properties.get("time_limit")
    others = [p.read_bytes() for p in SHIPPED if p != path]
    build_specs(path.read_bytes(), others, info.key)  # called processes of other files


def test_shipped_workflows_resolve_each_other():
    infos = [inspect(path) for path in SHIPPED]
    check_references(infos)
