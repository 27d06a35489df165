"""Every shipped diagram passes the checks a designer's upload must pass."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from engine.calendar import WorkingCalendar, limit_parser
from engine.definitions import build_specs, inspect_definition
from engine.definitions.specs import check_references
from engine.org import DEFAULT_DEPARTMENTS
from tests.conftest import WORKFLOWS

SHIPPED = sorted(WORKFLOWS.glob("*.bpmn"))
SPELLINGS = {code: code for code in DEFAULT_DEPARTMENTS} | {
    name: code for code, name in DEFAULT_DEPARTMENTS.items()}


def test_there_are_shipped_workflows():
    assert SHIPPED


def inspect(path: Path):
    return inspect_definition(path.read_bytes(), source=path.name, departments=SPELLINGS,
                              limit_parser=limit_parser(WorkingCalendar()))


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


# -- catalog entries agree with their diagrams ----------------------------------------------

CATALOG = sorted(WORKFLOWS.glob("*.toml"))


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.name)
def test_catalog_entry_matches_its_diagram(path):
    entry = tomllib.loads(path.read_text(encoding="utf-8"))
    diagram = WORKFLOWS / f"{entry['process']}.bpmn"
    assert path.stem == entry["process"] and diagram.exists()
    info = inspect_definition(diagram.read_bytes(), source=diagram.name,
                              departments=SPELLINGS, limit_parser=limit_parser(WorkingCalendar()))
    assert info.key == entry["process"]
    for key in ("time_limit", "verification_time_limit", "cutoff", "field_of_work"):
        assert entry.get(key) == info.properties.get(key), key
    assert entry["documents"] and all(d["name"] and d["copies"] >= 1 for d in entry["documents"])


def test_every_citizen_facing_procedure_has_a_catalog_entry():
    assert {p.stem for p in CATALOG} == {
        "birth_registration", "birth_residence_health_card", "permanent_residence",
        "child_health_card", "certified_copy", "marriage_registration"}
