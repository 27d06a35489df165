"""Diagrams together: references between deployed files, and runnable SpiffWorkflow
specs built from checked files (engine/specs.py)."""

from __future__ import annotations

import dataclasses

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.definitions import DefinitionError, Problem, build_specs
from engine.definitions.specs import check_references
from tests.engine.definitions.diagrams import inspect, load, procedure

# --- references between files -------------------------------------------------


def test_check_references() -> None:
    birth = inspect(load("def_birth_registration.bpmn"))
    linked = inspect(load("def_linked_procedure.bpmn"))
    card = inspect(load("def_health_card.bpmn"))

    check_references([birth, card])
    check_references([linked], known=[birth, card])
    check_references([linked, birth, card])

    with pytest.raises(DefinitionError) as caught:
        check_references([linked])
    assert str(caught.value) == (
        "deploy: linked_birth_residence_card: "
        "calls process 'birth_registration', which is not deployed"
    )
    with pytest.raises(DefinitionError) as caught:
        check_references([linked, birth])
    assert caught.value.problems == (
        Problem(
            "birth_registration", "throws message 'birth_registered', which no procedure catches"
        ),
    )


def test_check_references_refuses_a_process_id_in_two_files() -> None:
    birth = inspect(load("def_birth_registration.bpmn"))
    other = dataclasses.replace(inspect(procedure(process_id="birth_registration")), key="another")
    with pytest.raises(DefinitionError, match="defined by both 'birth_registration' and 'another'"):
        check_references([birth, other], known=[inspect(load("def_health_card.bpmn"))])


# --- building runnable specs --------------------------------------------------


def ready(workflow: BpmnWorkflow) -> list[tuple[str, str | None]]:
    tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
    return [(t.task_spec.bpmn_id, t.task_spec.lane) for t in tasks]


def test_build_specs_gives_a_runnable_workflow() -> None:
    spec, subprocesses = build_specs(load("def_birth_registration.bpmn"), [], "birth_registration")
    workflow = BpmnWorkflow(spec, subprocesses)
    workflow.do_engine_steps()
    assert ready(workflow) == [("receive_dossier", "Một cửa")]

    (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert task.task_spec.extensions["properties"]["sla"] == "PT4H"
    task.data.update(dossier_code="W01-250101-0001", child_name="An")
    task.run()
    workflow.do_engine_steps()
    assert ready(workflow) == [("register_birth", "Tư pháp - Hộ tịch")]
    (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data.update(approved=True)
    task.run()
    workflow.do_engine_steps()
    assert ready(workflow) == [("return_result", "Một cửa")]
    (event,) = workflow.get_events()
    assert event.event_definition.name == "birth_registered"
    assert event.payload == {"dossier_code": "W01-250101-0001", "child_name": "An"}


def test_build_specs_resolves_call_activities_across_files() -> None:
    birth = load("def_birth_registration.bpmn")
    spec, subprocesses = build_specs(
        load("def_linked_procedure.bpmn"), [birth], "linked_birth_residence_card"
    )
    assert set(subprocesses) == {"birth_registration"}
    workflow = BpmnWorkflow(spec, subprocesses)
    workflow.do_engine_steps()
    assert ready(workflow) == [("receive_dossier", "Một cửa")]


def test_build_specs_errors_are_definition_errors() -> None:
    linked = load("def_linked_procedure.bpmn")
    with pytest.raises(DefinitionError, match="The process 'birth_registration' was not found"):
        build_specs(linked, [], "linked_birth_residence_card")
    with pytest.raises(DefinitionError, match="^others\\[0\\]: DOCTYPE"):
        build_specs(linked, [load("def_external_entity.bpmn")], "linked_birth_residence_card")
