"""The data a task page shows read-only: the values its diagram declares with `show:`
properties (docs/diagram-conventions.md), read from the ready task's data in the
dossier's workflow state.

Only the declared names are read, never the whole data: it holds other people's data
too (the applicant, the other parent, a message's whole payload).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.definitions import LoadedDefinition, ShownSpec
from engine.runtime.state import load_state


@dataclass(frozen=True)
class ShownValue:
    """A value of the dossier's data shown read-only on a task page, as its diagram
    declares (`show:` properties): the declared name and label, the value as stored and
    as written for the officer (`text`: dates dd/mm/yyyy, yes/no as Có/Không)."""

    name: str
    label: str
    type: str
    value: str | int | float | bool
    text: str


def shown_values(loaded: LoadedDefinition, state: str, task_id: str, process_id: str,
                 spec_id: str) -> tuple[ShownValue, ...]:
    """The declared values of one ready task (`task_id`: the workflow task id), in the
    order declared: those of the processes it runs in, outermost first (the procedure's
    own process, then the processes it called), then the task's own. A later declaration
    of the same name replaces the label. Names without a value, or whose value is a list
    or a mapping, are left out."""
    info = loaded.tasks.get((process_id, spec_id))
    own = info.shown if info else ()
    if not own and not loaded.shown:
        return ()  # nothing declared: the state is not even read
    workflow = load_state(state, loaded.spec, loaded.subprocess_specs)
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        return ()
    values = (_value(spec, task.data) for spec in _declarations(task, loaded.shown, own))
    return tuple(v for v in values if v is not None)


def _declarations(task: Task, by_process: Mapping[str, tuple[ShownSpec, ...]],
                  own: Iterable[ShownSpec]) -> Iterable[ShownSpec]:
    chain: list[str] = []
    running: Any = task.workflow  # a BpmnWorkflow or a BpmnSubWorkflow
    while running is not None:  # the task's (sub)workflow, then each one that called it
        chain.append(running.spec.name)
        running = running.parent_workflow
    found: dict[str, ShownSpec] = {}
    for process_id in reversed(chain):
        for spec in by_process.get(process_id, ()):
            found[spec.name] = spec
    for spec in own:
        found[spec.name] = spec
    return found.values()


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    """`request.child_name` -> data["request"]["child_name"]; None if any part is missing.
    Only mapping items are followed, never attributes."""
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _value(spec: ShownSpec, data: Mapping[str, Any]) -> ShownValue | None:
    value = _lookup(data, spec.name)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    if not isinstance(value, str | int | float | bool):
        return None  # missing, None, or a list/mapping: declare its items instead
    if isinstance(value, str) and not value.strip():
        return None
    return ShownValue(name=spec.name, label=spec.label, type=spec.type, value=value,
                      text=display_text(spec.type, value))


def display_text(kind: str, value: str | int | float | bool) -> str:
    """A value as an officer reads it: a date dd/mm/yyyy, a date and time dd/mm/yyyy HH:MM,
    yes/no as Có/Không; anything else as written."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if kind in ("date", "datetime") and isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            return value
        return when.strftime("%d/%m/%Y" if kind == "date" else "%d/%m/%Y %H:%M")
    return str(value)
