"""What every command writes about a dossier: the command's context (Step), the event
log, and the dossier leaving processing (resolved, refused, withdrawn, stopped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.calendar import WorkingCalendar
from engine.deadlines import deadline
from engine.models import Dossier, Event, TaskRecord
from engine.repository import LoadedDefinition


def record_event(
    session: Session, dossier: Dossier, at: datetime, kind: str, actor: str | None, **detail: Any
) -> None:
    """Append to the dossier's event log. `detail` must hold ids and names, no citizen data."""
    journal.append(session, Event, dossier_id=dossier.id, at=at, kind=kind, actor=actor,
                   detail=detail)


@dataclass
class Step:
    """One command's context: its instant, its actor and where the dossier came from."""

    at: datetime
    actor: str | None
    from_department: str | None = None
    source_dossier_id: int | None = None
    messages: list[int] = field(default_factory=list)


def resolve(session: Session, dossier: Dossier, cal: WorkingCalendar, step: Step) -> None:
    """The result is ready: the dossier leaves processing, timed against its appointment.
    More than one supplement request counts as late in the national indicators."""
    if dossier.finish_kind is not None:
        return
    dossier.resolved_at = dossier.finished_at = step.at
    dossier.finish_kind = "resolved"
    dossier.status = "resolved"
    due = dossier.original_appointment_at or dossier.appointment_at  # apologies don't count
    if due is not None:
        dossier.outcome = cal.outcome(due, step.at)
    if dossier.supplement_count >= 2:
        dossier.outcome = "late"
    record_event(session, dossier, step.at, "resolved", step.actor, outcome=dossier.outcome)


def finish(session: Session, dossier: Dossier, step: Step, kind: str, reason: str) -> None:
    """The dossier leaves processing unresolved: refused, withdrawn or stopped."""
    dossier.finished_at = step.at
    dossier.finish_kind = kind
    dossier.finish_reason = reason
    dossier.status = kind
    record_event(session, dossier, step.at, kind, step.actor)


def ready_user_tasks(wf: BpmnWorkflow) -> dict[str, Task]:
    """The workflow's ready user tasks by id, subprocesses included. Reads each
    workflow's flat task table: walking the task tree (`get_tasks`) costs several
    times more, and this runs twice per command."""
    found = {}
    for workflow in (wf, *wf.subprocesses.values()):
        for task in workflow.tasks.values():
            if task.state == TaskState.READY and task.task_spec.manual:
                found[str(task.id)] = task
    return found


def ready_ids(wf: BpmnWorkflow) -> set[str]:
    """Ids of the workflow's ready user tasks (each has an open task record)."""
    return set(ready_user_tasks(wf))


def record_ready_tasks(
    session: Session,
    dossier: Dossier,
    wf: BpmnWorkflow,
    loaded: LoadedDefinition,
    cal: WorkingCalendar,
    step: Step,
    before_ids: set[str],
    done_id: str | None = None,
) -> None:
    """Task records for the user tasks the run made ready (a handover when the dossier
    comes from another department, the applicant or a linked dossier); cancel the
    records of ready tasks the run took away (an interrupting event, a step sent back)
    other than `done_id`, the task the command completed."""
    ready = ready_user_tasks(wf)
    gone = before_ids - ready.keys() - {done_id}
    if gone:  # cancelled by an interrupting event, or a step sent back
        for row in session.scalars(select(TaskRecord).where(
                TaskRecord.dossier_id == dossier.id, TaskRecord.task_id.in_(gone),
                TaskRecord.status == "ready")):
            if row.status != "ready":  # completed by this very command
                continue
            row.status = "cancelled"
            record_event(session, dossier, step.at, "task_cancelled", step.actor,
                         task=row.spec_id)
    for spiff_id, task in ready.items():
        if spiff_id in before_ids:
            continue
        info = loaded.tasks.get((task.workflow.spec.name, task.task_spec.name))
        department = info.department if info and info.department else "unknown"
        sla = info.sla if info else None
        due = deadline(cal, step.at, sla) if sla else None
        journal.append(
            session, TaskRecord, id=str(uuid4()), task_id=spiff_id, dossier_id=dossier.id,
            spec_id=task.task_spec.name, process_id=task.workflow.spec.name,
            name=(info.name if info else None) or task.task_spec.bpmn_name
            or task.task_spec.name,
            department=department, status="ready", sla=sla, ready_at=step.at, due_at=due,
            handover=step.from_department != department, handed_from=step.from_department,
            handed_by=step.actor, source_dossier_id=step.source_dossier_id, version=1)
        record_event(session, dossier, step.at, "task_ready", step.actor,
                     task=task.task_spec.name, department=department)
