"""The runtime's commands: receive a dossier, claim, unclaim, complete and send back its
tasks. Each takes the caller's session and the process's Runtime, runs in the caller's
transaction and hands back a frozen record.

Bad data (InvalidData), a refused script (ScriptFailed) or a wrong state (InvalidAction)
leave the session untouched; after Conflict, a database error or a message refused for
its unit (InvalidData from delivery) the caller must roll back, as always. A message
whose receiving dossier is busy is not a Conflict of the command: it stays pending for
the worker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidAction, NotFound
from engine.runtime.context import Step
from engine.runtime.delivery import deliver
from engine.runtime.events import record_event
from engine.runtime.finishing import finish, resolve
from engine.runtime.forms import check_submission, dossier_agencies
from engine.runtime.lookups import task_and_dossier
from engine.runtime.receiving import receive
from engine.runtime.refs import DossierRef, TaskRef
from engine.runtime.runtime import Runtime
from engine.runtime.step_minutes import store_minutes
from engine.storage import Dossier, TaskRecord, atomic, conflicts
from engine.vocabulary import (
    WORKABLE_STATUSES,
    Channel,
    DossierStatus,
    FinishKind,
    Milestone,
    TaskStatus,
)


@atomic
def start(
    session: Session,
    runtime: Runtime,
    key: str,
    *,
    unit: str,
    applicant: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    channel: str = Channel.IN_PERSON,
    actor: str | None = None,
    at: datetime | None = None,
    documents: Sequence[str] = (),
    verification: bool = False,
) -> DossierRef:
    """Receive a dossier of procedure `key` (process key or national catalog code) and
    run it to its first wait; the messages it throws are delivered (docs/lifecycle.md).
    `data` seeds the workflow's variables. A refused receipt leaves the session as it was,
    the day's number included."""
    step = Step(at=runtime.now(at), actor=actor)
    dossier = receive(session, runtime, key, step, unit=unit, applicant=applicant, data=data,
                      channel=channel, documents=documents, verification=verification).dossier
    _deliver(session, runtime, step)
    return DossierRef.of(dossier)


def _deliver(session: Session, runtime: Runtime, step: Step) -> None:
    """Deliver the step's messages now; if a receiving dossier is being changed by
    someone else (Conflict), they stay pending and the worker delivers them on its next
    tick: the person's step is saved all the same, never refused for another's work."""
    if not step.messages:
        return
    try:
        with session.begin_nested():
            deliver(session, runtime, step)
    except Conflict:
        return


def _open_task(session: Session, runtime: Runtime, task_id: str,
               row: TaskRecord | None = None) -> TaskRecord:
    """The task's row, if it is still ready; NotFound, Conflict (someone completed it)
    or InvalidAction otherwise."""
    row = row or session.get(TaskRecord, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", code="task_not_found", task=task_id)
    if row.status == TaskStatus.COMPLETED:
        done = row.completed_at.astimezone(ZoneInfo(runtime.hours.tz)) if row.completed_at \
            else None
        raise Conflict(
            f"task {task_id} was already completed by {row.completed_by}"
            f" at {done:%d/%m/%Y %H:%M}",
            code="task_already_completed", task=row.name, user=row.completed_by,
            at=row.completed_at)
    if row.status != TaskStatus.READY:
        raise InvalidAction(f"task {task_id} is {row.status}", code="task_not_open",
                            task=row.name, status=row.status)
    return row


def _not_claimed_by_other(row: TaskRecord, user: str) -> None:
    if row.claimed_by and row.claimed_by != user:
        raise InvalidAction(f"task {row.id} is claimed by {row.claimed_by}",
                            code="task_claimed", task=row.name, user=row.claimed_by)


def _receive_handover(row: TaskRecord, user: str, at: datetime) -> None:
    """The first person to take a task receives the handover into it."""
    if row.received_by is None:
        row.received_by, row.received_at = user, at


def _claim_change(session: Session, runtime: Runtime, task_id: str, user: str,
                  at: datetime | None, claiming: bool) -> TaskRef:
    """Claim a ready task, or give it back to the department's queue."""
    now = runtime.now(at)
    row = _open_task(session, runtime, task_id)
    if claiming:
        if row.claimed_by and row.claimed_by != user:
            raise InvalidAction(f"task {task_id} is already claimed by {row.claimed_by}",
                                code="task_claimed", task=row.name, user=row.claimed_by)
        row.claimed_by, row.claimed_at = user, now
        _receive_handover(row, user, now)
    else:
        if row.claimed_by is None:
            raise InvalidAction(f"task {task_id} is not claimed", code="task_not_claimed",
                                task=row.name)
        if row.claimed_by != user:
            raise InvalidAction(f"task {task_id} is claimed by {row.claimed_by}, not {user}",
                                code="task_claimed", task=row.name, user=row.claimed_by)
        row.claimed_by, row.claimed_at = None, None
    dossier = session.get_one(Dossier, row.dossier_id)
    record_event(session, dossier, now, "task_claimed" if claiming else "task_unclaimed",
                 user, task=row.spec_id)
    with conflicts("the task", "task_changed"):
        session.flush()
    return TaskRef.of(row, dossier.code)


@atomic
def claim(session: Session, runtime: Runtime, task_id: str, *, user: str,
          at: datetime | None = None) -> TaskRef:
    """Take a ready task; the handover into it is received by `user` now."""
    return _claim_change(session, runtime, task_id, user, at, claiming=True)


@atomic
def unclaim(session: Session, runtime: Runtime, task_id: str, *, user: str,
            at: datetime | None = None) -> TaskRef:
    """Give a task `user` claimed back to the department's queue."""
    return _claim_change(session, runtime, task_id, user, at, claiming=False)


def _workable(dossier: Dossier) -> None:
    if dossier.status not in WORKABLE_STATUSES:
        raise InvalidAction(f"dossier {dossier.code} is {dossier.status}; "
                            "its tasks cannot be completed now", code="dossier_not_open",
                            dossier=dossier.code, status=dossier.status)


def complete(session: Session, runtime: Runtime, task_id: str, *, user: str,
             data: Mapping[str, Any] | None = None, at: datetime | None = None) -> TaskRef:
    """Complete a task with data checked against its fields, then run on to the next
    waits and deliver the messages thrown."""
    now = runtime.now(at)
    found = task_and_dossier(session, task_id)
    row = _open_task(session, runtime, task_id, found[0] if found else None)
    _not_claimed_by_other(row, user)
    dossier: Dossier = found[1] if found else session.get_one(Dossier, row.dossier_id)
    step = Step(at=now, actor=user, from_department=row.department)
    run = runtime.open(session, dossier, step)
    task = run.workflow.get_task_from_id(UUID(row.task_id))
    if task is None or task.state != TaskState.READY:
        raise InvalidAction(f"task {task_id} is not ready in dossier {dossier.code}",
                            code="task_not_ready", task=row.name, dossier=dossier.code)
    info = run.loaded.tasks.get((row.process_id, row.spec_id))
    cleaned = check_submission(info.fields if info else (), data or {}, current=task.data,
                               agencies=dossier_agencies(
                                   session, dossier.unit,
                                   now.astimezone(ZoneInfo(runtime.hours.tz)).date()))
    _workable(dossier)
    milestone = info.milestone if info else None

    def complete_task(_: BpmnWorkflow) -> None:
        task.data.update(cleaned)
        task.run()

    def record_completion() -> None:
        """The task's own rows, written only once the workflow ran without error."""
        row.status = TaskStatus.COMPLETED
        row.completed_by, row.completed_at = user, now
        if row.claimed_by is None:
            row.claimed_by, row.claimed_at = user, now
        row.outcome = run.calendar.outcome(row.due_at, now) if row.due_at else None
        _receive_handover(row, user, now)
        store_minutes(session, run.calendar, row)
        record_event(session, dossier, now, "task_completed", user, task=row.spec_id,
                     fields=sorted(cleaned), outcome=row.outcome)
        if milestone == Milestone.REFUSED:
            reason = cleaned.get("refusal_reason") or task.data.get("refusal_reason")
            finish(run, FinishKind.REFUSED, str(reason or row.name))
        elif milestone in (Milestone.RESOLVED, Milestone.RETURNED):
            resolve(run)
        if milestone == Milestone.RETURNED:
            dossier.returned_at = now
            dossier.status = DossierStatus.RETURNED
            record_event(session, dossier, now, "returned", user)

    runtime.advance(run, before=complete_task, after_run=record_completion,
                    done_id=row.task_id)
    _deliver(session, runtime, step)
    return TaskRef.of(row, dossier.code)


def send_back(session: Session, runtime: Runtime, task_id: str, *, user: str, reason: str,
              at: datetime | None = None) -> TaskRef:
    """Send a ready task back to the step completed before it (to be done again), with
    the reason; the record handed back is the re-opened step."""
    now = runtime.now(at)
    row = _open_task(session, runtime, task_id)
    _not_claimed_by_other(row, user)
    if not reason.strip():
        raise InvalidAction("give the reason the step is sent back",
                            code="reason_required", action="send_back")
    dossier = session.get_one(Dossier, row.dossier_id)
    if dossier.status not in WORKABLE_STATUSES:
        raise InvalidAction(f"dossier {dossier.code} is {dossier.status}",
                            code="dossier_not_open", dossier=dossier.code,
                            status=dossier.status)
    previous = session.scalar(
        select(TaskRecord).where(TaskRecord.dossier_id == dossier.id,
                                 TaskRecord.status == TaskStatus.COMPLETED)
        .order_by(TaskRecord.completed_at.desc(), TaskRecord.ready_at.desc()).limit(1))
    if previous is None or previous.task_id == row.task_id:
        raise InvalidAction(f"task {task_id} is the first step: there is nothing to "
                            "send it back to", code="first_step", task=row.name)
    run = runtime.open(session, dossier, Step(at=now, actor=user,
                                              from_department=row.department))

    def reset(workflow: BpmnWorkflow) -> None:
        workflow.reset_from_task_id(UUID(previous.task_id))

    def note() -> None:
        record_event(session, dossier, now, "sent_back", user, task=row.spec_id,
                     to=previous.spec_id, reason=reason.strip())

    runtime.advance(run, before=reset, after_run=note)
    reopened = session.scalar(select(TaskRecord).where(
        TaskRecord.dossier_id == dossier.id, TaskRecord.task_id == previous.task_id,
        TaskRecord.status == TaskStatus.READY))
    if reopened is None:
        raise InvalidAction(f"step {previous.name} could not be re-opened",
                            code="step_not_reopened", task=previous.name)
    return TaskRef.of(reopened, dossier.code)
