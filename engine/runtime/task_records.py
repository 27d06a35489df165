"""Task records: one row each time a user task becomes ready, with its department, SLA
and due time, and the handover into it (a row of the control slip)."""

from __future__ import annotations

from uuid import uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.calendar import deadline
from engine.runtime.context import Run
from engine.runtime.events import record_event
from engine.storage import TaskRecord, queue_row
from engine.vocabulary import TaskStatus


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


def record_ready_tasks(run: Run, before_ids: set[str], done_id: str | None = None) -> None:
    """Task records for the user tasks the run made ready (a handover when the dossier
    comes from another department, the applicant or a linked dossier); cancel the
    records of ready tasks the run took away (an interrupting event, a step sent back)
    other than `done_id`, the task the command completed."""
    session, dossier, step = run.session, run.dossier, run.step
    ready = ready_user_tasks(run.workflow)
    gone = before_ids - ready.keys() - {done_id}
    if gone:  # cancelled by an interrupting event, or a step sent back
        for row in session.scalars(select(TaskRecord).where(
                TaskRecord.dossier_id == dossier.id, TaskRecord.task_id.in_(gone),
                TaskRecord.status == TaskStatus.READY)):
            if row.status != TaskStatus.READY:  # completed by this very command
                continue
            row.status = TaskStatus.CANCELLED
            record_event(session, dossier, step.at, "task_cancelled", step.actor,
                         task=row.spec_id)
    for spiff_id, task in ready.items():
        if spiff_id in before_ids:
            continue
        info = run.loaded.tasks.get((task.workflow.spec.name, task.task_spec.name))
        department = info.department if info and info.department else "unknown"
        sla = info.sla if info else None
        due = deadline(run.calendar, step.at, sla) if sla else None
        queue_row(
            session, TaskRecord, id=str(uuid4()), task_id=spiff_id, dossier_id=dossier.id,
            spec_id=task.task_spec.name, process_id=task.workflow.spec.name,
            name=(info.name if info else None) or task.task_spec.bpmn_name
            or task.task_spec.name,
            department=department, status=TaskStatus.READY, sla=sla, ready_at=step.at,
            due_at=due, handover=step.from_department != department,
            handed_from=step.from_department, handed_by=step.actor,
            source_dossier_id=step.source_dossier_id, unit=dossier.unit,
            dossier_definition_id=dossier.definition_id, version=1)
        record_event(session, dossier, step.at, "task_ready", step.actor,
                     task=task.task_spec.name, department=department)
