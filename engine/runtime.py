"""Running dossiers: start, claim, complete, advance, with task timing and handovers.

Every public method takes the caller's Session, adds and flushes, never commits: the
caller's transaction holds the workflow state, task rows, handovers, events and messages
of one command together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine import journal
from engine.calendar import OfficeHours, WorkingCalendar
from engine.calendar_overrides import UnitCalendars
from engine.catalog import procedure_in_force
from engine.clock import Clock, FixedClock, engine_time
from engine.conflicts import atomic, conflicts
from engine.deadlines import deadline, next_timer
from engine.dossier_codes import next_number, take_number
from engine.errors import Conflict, InvalidAction, NotFound, ScriptFailed
from engine.forms import check_submission
from engine.models import (
    Dossier,
    TaskRecord,
)
from engine.records import (
    Step,
    finish,
    ready_ids,
    record_event,
    record_ready_tasks,
    resolve,
)
from engine.repository import LoadedDefinition, SpecCache, latest_version_id
from engine.sandbox import make_script_engine
from engine.state import dump_state, load_state
from engine.workflow_cache import WorkflowCache

CHANNELS = ("in_person", "online", "post")
# A task and its dossier in one query, built once (every completion runs it).
_TASK_AND_DOSSIER = select(TaskRecord, Dossier).join(
    Dossier, Dossier.id == TaskRecord.dossier_id).where(TaskRecord.id == bindparam("task_id"))


def quiet_spiff_logs() -> None:
    """Spiff's task logger attaches whole task data (citizens' data) at level 0, and
    logs every task state change at INFO: noise beside the dossier's event log, and a
    log record per change costs a few per cent of a command. Warnings still pass."""
    for name in ("spiff", "spiff.task", "spiff.workflow"):
        if logging.getLogger(name).level < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)


class Runtime:
    """The engine's entry point for running dossiers; one per process, shared across sessions."""

    def __init__(
        self,
        clock: Clock,
        *,
        hours: OfficeHours | None = None,
        specs: SpecCache | None = None,
        script_time_limit: float = 1.0,
        code_format: str = "{unit}-{date:%y%m%d}-{seq:04d}",
        workflows: WorkflowCache | None = None,
    ) -> None:
        self.clock = clock
        self.workflows = WorkflowCache() if workflows is None else workflows
        self.hours = hours or OfficeHours()
        self.specs = specs or SpecCache()
        self.script_time_limit = script_time_limit
        self.code_format = code_format
        self.calendars = UnitCalendars(self.hours)
        quiet_spiff_logs()

    # -- calendars ---------------------------------------------------------------
    def calendar(self, session: Session, unit: str) -> WorkingCalendar:
        """The unit's working calendar (statutory holidays and the override table)."""
        return self.calendars.get(session, unit)

    def forget_calendars(self) -> None:
        """Drop cached calendars after the override table changed."""
        self.calendars.forget()

    # -- loading and saving --------------------------------------------------------
    def now(self, at: datetime | None) -> datetime:
        if at is not None and at.tzinfo is None:
            raise InvalidAction("times must carry a timezone (e.g. 2026-02-13T15:30+07:00)",
                                code="time_without_zone")
        return at or self.clock.now()

    def _script_engine(self, cal: WorkingCalendar, at: datetime) -> Any:
        def working_deadline(duration: str) -> str:
            """Now plus a working-time duration, for timeDate timers."""
            return cal.add(at, cal.parse_duration(duration)).isoformat()

        return make_script_engine(
            {"working_deadline": working_deadline}, time_limit=self.script_time_limit
        )

    def load(self, session: Session, dossier: Dossier, at: datetime) -> tuple[
        BpmnWorkflow, LoadedDefinition, WorkingCalendar
    ]:
        loaded = self.specs.get(session, dossier.definition_id)
        cal = self.calendar(session, dossier.unit)
        wf = self.workflows.take(dossier.id, dossier.state)
        if wf is None:
            wf = load_state(dossier.state, loaded.spec, loaded.subprocess_specs)
        wf.script_engine = self._script_engine(cal, at)
        return wf, loaded, cal

    @contextmanager
    def _running(self, at: datetime) -> Iterator[None]:
        """Run workflow code at `at`, turning script failures into ScriptFailed."""
        try:
            with engine_time(FixedClock(at)):
                yield
        except SpiffWorkflowException as exc:
            reason = _spiff_error(exc)
            raise ScriptFailed(reason, code="script_failed", reason=reason) from None

    def save(self, session: Session, dossier: Dossier, wf: BpmnWorkflow,
             state: str | None = None) -> None:
        """Store the state (`state` when the caller already dumped it); a concurrent
        change of the same dossier becomes Conflict."""
        state = dump_state(wf) if state is None else state
        if state != dossier.state:
            dossier.state = state
        timer = next_timer(wf)
        if timer != dossier.next_timer_at:
            dossier.next_timer_at = timer
        code = dossier.code  # after a failed flush the row cannot be read any more
        with conflicts(f"dossier {code}", dossier=code):
            for row in [o for o in session.dirty if isinstance(o, TaskRecord)]:
                journal.write_changes(session, row)
            journal.write_changes(session, dossier)
            journal.write(session)
            if session.new or session.dirty or session.deleted:
                session.flush()  # whatever else the command changed (pauses, sequences)
        self.workflows.put(dossier.id, state, wf)

    # -- starting --------------------------------------------------------------------
    def start(
        self,
        session: Session,
        key: str,
        *,
        unit: str,
        applicant: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        channel: str = "in_person",
        actor: str | None = None,
        at: datetime | None = None,
        step: Step | None = None,
        documents: Sequence[str] = (),
        verification: bool = False,
    ) -> Dossier:
        """Receive a dossier of procedure `key` (process key or national catalog code)
        on the newest diagram version, and run it to its first wait.

        The catalog entry in force at receipt gives the statutory limit (the
        verification limit when `verification`), the cut-off hour and the field of
        work; a diagram without a catalog entry uses its process properties. The
        appointment is the limit in working time from the counting start.
        """
        now = self.now(at)
        if channel not in CHANNELS:
            raise InvalidAction(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}",
                                code="unknown_channel", channel=channel)
        cal = self.calendar(session, unit)
        received_day = now.astimezone(ZoneInfo(self.hours.tz)).date()
        entry = procedure_in_force(session, key, received_day)
        key = entry.process_key if entry else key
        version_id = latest_version_id(session, key)
        if version_id is None:
            raise NotFound(f"no procedure {key!r} is deployed", code="procedure_not_deployed",
                           procedure=key)
        loaded = self.specs.get(session, version_id)
        props = loaded.info.properties
        rules = {
            "time_limit": entry.time_limit if entry else props.get("time_limit"),
            "verification_time_limit": (entry.verification_time_limit if entry
                                        else props.get("verification_time_limit")),
            "cutoff": entry.cutoff if entry else props.get("cutoff"),
            "field_of_work": entry.field_of_work if entry else props.get("field_of_work", ""),
        }
        cutoff = time.fromisoformat(rules["cutoff"]) if rules["cutoff"] else None
        counting_from = cal.counting_start(now, cutoff)
        limit = (rules["verification_time_limit"] if verification else None) \
            or rules["time_limit"]
        appointment = deadline(cal, counting_from, limit) if limit else None
        number = next_number(session, unit, received_day)
        code = self.code_format.format(unit=unit, date=received_day, seq=number)
        wf = BpmnWorkflow(loaded.spec, loaded.subprocess_specs)
        wf.script_engine = self._script_engine(cal, now)
        seed = dict(data or {}) | {
            "dossier_code": code, "unit": unit, "applicant": dict(applicant or {}),
            "verification": verification}
        for first in wf.get_tasks(state=TaskState.READY):  # the start task: data flows on
            first.data.update(seed)
        top_level = step is None
        step = step or Step(at=now, actor=actor)
        before_ids = ready_ids(wf)
        self._run(wf, step.at)  # nothing is written before the workflow ran
        state = dump_state(wf)
        take_number(session, unit, received_day, number)
        dossier = Dossier(
            code=code, definition_id=version_id, process_key=key, unit=unit, channel=channel,
            status="running", applicant=dict(applicant or {}), received_at=now,
            counting_from=counting_from, appointment_at=appointment,
            original_appointment_at=appointment, completed_at=None,
            next_timer_at=next_timer(wf), state=state, started_by_message_id=None,
            procedure_version_id=entry.id if entry else None,
            procedure_code=entry.code if entry else None,
            field_of_work=rules["field_of_work"] or "", documents=list(documents),
            verification=verification, supplement_count=0, apologized=False,
        )
        journal.insert_now(session, dossier)
        record_event(session, dossier, now, "received", actor, process=key,
                     version=loaded.version, channel=channel,
                     procedure=entry.code if entry else None, verification=verification)
        self._record(session, dossier, wf, loaded, cal, step, before_ids, state=state)
        if top_level and step.messages:
            from engine.messaging import deliver

            with session.begin_nested():
                deliver(session, self, step)
        return dossier

    # -- the work of every command -------------------------------------------------
    def advance(
        self,
        session: Session,
        dossier: Dossier,
        wf: BpmnWorkflow,
        loaded: LoadedDefinition,
        cal: WorkingCalendar,
        step: Step,
        before: Callable[[BpmnWorkflow], None] | None = None,
        after_run: Callable[[], None] | None = None,
        done_id: str | None = None,
    ) -> None:
        """Run engine steps, then write task rows, handovers, messages, subscriptions and
        the state. `before` runs first inside the same clock/error context; `after_run`
        once the workflow ran, before the rows are written. Nothing is written to the
        session before the workflow has run without error."""
        # Every READY user task already has an open task row: comparing the workflow
        # before and after tells which rows to add or cancel without a query.
        before_ids = ready_ids(wf)
        self._run(wf, step.at, before)
        if after_run is not None:
            with session.no_autoflush:
                after_run()
        self._record(session, dossier, wf, loaded, cal, step, before_ids, done_id)

    def _run(self, wf: BpmnWorkflow, at: datetime,
             before: Callable[[BpmnWorkflow], None] | None = None) -> None:
        """Run the workflow at `at` (touches no database row)."""
        with self._running(at):
            if before is not None:
                before(wf)
            wf.do_engine_steps()

    def _record(self, session: Session, dossier: Dossier, wf: BpmnWorkflow,
                loaded: LoadedDefinition, cal: WorkingCalendar, step: Step,
                before_ids: set[str], done_id: str | None = None,
                state: str | None = None) -> None:
        """Write what the run changed: task rows, handovers, messages, subscriptions,
        the completion, and the state. `done_id` is the task the command completed
        (its record is already written); `state` the state, when already dumped."""
        from engine.messaging import collect_messages, sync_subscriptions

        with session.no_autoflush:  # one flush, in save(): inserts go out in batches
            record_ready_tasks(session, dossier, wf, loaded, cal, step, before_ids, done_id)
            collect_messages(session, dossier, wf, step)
            if loaded.uses_messages:
                sync_subscriptions(session, dossier, wf)
            if wf.completed and dossier.completed_at is None:
                dossier.completed_at = step.at
                if dossier.finish_kind is None:
                    resolve(session, dossier, cal, step)
                if dossier.status in ("running", "resolved"):
                    dossier.status = "returned" if dossier.returned_at else "completed"
                record_event(session, dossier, step.at, "completed", step.actor)
        self.save(session, dossier, wf, state)

    # -- task commands ---------------------------------------------------------------
    def _open_task(self, session: Session, task_id: str, row: TaskRecord | None = None
                   ) -> TaskRecord:
        row = row or session.get(TaskRecord, task_id)
        if row is None:
            raise NotFound(f"task {task_id} does not exist", code="task_not_found", task=task_id)
        if row.status == "completed":
            done = row.completed_at.astimezone(ZoneInfo(self.hours.tz)) if row.completed_at \
                else None
            raise Conflict(
                f"task {task_id} was already completed by {row.completed_by}"
                f" at {done:%d/%m/%Y %H:%M}",
                code="task_already_completed", task=row.name, user=row.completed_by,
                at=row.completed_at)
        if row.status != "ready":
            raise InvalidAction(f"task {task_id} is {row.status}", code="task_not_open",
                                task=row.name, status=row.status)
        return row

    @atomic
    def claim(self, session: Session, task_id: str, *, user: str, at: datetime | None = None
              ) -> TaskRecord:
        """Take a ready task; the handover into it is received by `user` now."""
        now = self.now(at)
        row = self._open_task(session, task_id)
        if row.claimed_by and row.claimed_by != user:
            raise InvalidAction(f"task {task_id} is already claimed by {row.claimed_by}",
                                code="task_claimed", task=row.name, user=row.claimed_by)
        row.claimed_by, row.claimed_at = user, now
        self._receive(row, user, now)
        dossier = session.get_one(Dossier, row.dossier_id)
        record_event(session, dossier, now, "task_claimed", user, task=row.spec_id)
        self._flush_task(session)
        return row

    @atomic
    def unclaim(self, session: Session, task_id: str, *, user: str, at: datetime | None = None
                ) -> TaskRecord:
        """Give a claimed task back to the department's queue."""
        now = self.now(at)
        row = self._open_task(session, task_id)
        if row.claimed_by is None:
            raise InvalidAction(f"task {task_id} is not claimed", code="task_not_claimed",
                                task=row.name)
        if row.claimed_by != user:
            raise InvalidAction(f"task {task_id} is claimed by {row.claimed_by}, not {user}",
                                code="task_claimed", task=row.name, user=row.claimed_by)
        row.claimed_by, row.claimed_at = None, None
        dossier = session.get_one(Dossier, row.dossier_id)
        record_event(session, dossier, now, "task_unclaimed", user, task=row.spec_id)
        self._flush_task(session)
        return row

    def complete(
        self,
        session: Session,
        task_id: str,
        *,
        user: str,
        data: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> TaskRecord:
        """Complete a task with data checked against its fields, then run on to the next
        waits. Bad data (InvalidData), a refused script (ScriptFailed) or a wrong state
        (InvalidAction) leave the session untouched; after Conflict or a database error
        the caller must roll back, as always."""
        now = self.now(at)
        found = session.execute(_TASK_AND_DOSSIER, {"task_id": task_id}).first()
        row = self._open_task(session, task_id, found[0] if found else None)
        if row.claimed_by and row.claimed_by != user:
            raise InvalidAction(f"task {task_id} is claimed by {row.claimed_by}",
                                code="task_claimed", task=row.name, user=row.claimed_by)
        dossier: Dossier = found[1] if found else session.get_one(Dossier, row.dossier_id)
        wf, loaded, cal = self.load(session, dossier, now)
        task = wf.get_task_from_id(UUID(row.task_id))
        if task is None or task.state != TaskState.READY:
            raise InvalidAction(f"task {task_id} is not ready in dossier {dossier.code}",
                                code="task_not_ready", task=row.name, dossier=dossier.code)
        info = loaded.tasks.get((row.process_id, row.spec_id))
        cleaned = check_submission(info.fields if info else (), data or {})

        def run(_: BpmnWorkflow) -> None:
            task.data.update(cleaned)
            task.run()

        if dossier.status not in ("running", "resolved"):
            raise InvalidAction(f"dossier {dossier.code} is {dossier.status}; "
                                "its tasks cannot be completed now", code="dossier_not_open",
                                dossier=dossier.code, status=dossier.status)
        step = Step(at=now, actor=user, from_department=row.department)
        milestone = info.milestone if info else None

        def record_completion() -> None:
            """The task's own rows, written only once the workflow ran without error."""
            row.status = "completed"
            row.completed_by, row.completed_at = user, now
            if row.claimed_by is None:
                row.claimed_by, row.claimed_at = user, now
            row.outcome = cal.outcome(row.due_at, now) if row.due_at else None
            self._receive(row, user, now)
            record_event(session, dossier, now, "task_completed", user, task=row.spec_id,
                         fields=sorted(cleaned), outcome=row.outcome)
            if milestone == "refused":
                reason = cleaned.get("refusal_reason") or task.data.get("refusal_reason")
                finish(session, dossier, step, "refused", str(reason or row.name))
            elif milestone in ("resolved", "returned"):
                resolve(session, dossier, cal, step)
            if milestone == "returned":
                dossier.returned_at = now
                dossier.status = "returned"
                record_event(session, dossier, now, "returned", user)

        self.advance(session, dossier, wf, loaded, cal, step, before=run,
                     after_run=record_completion, done_id=row.task_id)
        if step.messages:
            from engine.messaging import deliver

            with session.begin_nested():
                deliver(session, self, step)
        return row

    def send_back(self, session: Session, task_id: str, *, user: str, reason: str,
                  at: datetime | None = None) -> TaskRecord:
        """Send a ready task back to the step completed before it (to be done again),
        with the reason; the returned record is the re-opened step."""
        now = self.now(at)
        row = self._open_task(session, task_id)
        if row.claimed_by and row.claimed_by != user:
            raise InvalidAction(f"task {task_id} is claimed by {row.claimed_by}",
                                code="task_claimed", task=row.name, user=row.claimed_by)
        if not reason.strip():
            raise InvalidAction("give the reason the step is sent back",
                                code="reason_required", action="send_back")
        dossier = session.get_one(Dossier, row.dossier_id)
        if dossier.status not in ("running", "resolved"):
            raise InvalidAction(f"dossier {dossier.code} is {dossier.status}",
                                code="dossier_not_open", dossier=dossier.code,
                                status=dossier.status)
        previous = session.scalar(
            select(TaskRecord).where(TaskRecord.dossier_id == dossier.id,
                                     TaskRecord.status == "completed")
            .order_by(TaskRecord.completed_at.desc(), TaskRecord.ready_at.desc()).limit(1))
        if previous is None or previous.task_id == row.task_id:
            raise InvalidAction(f"task {task_id} is the first step: there is nothing to "
                                "send it back to", code="first_step", task=row.name)
        wf, loaded, cal = self.load(session, dossier, now)
        step = Step(at=now, actor=user, from_department=row.department)

        def reset(workflow: BpmnWorkflow) -> None:
            workflow.reset_from_task_id(UUID(previous.task_id))

        def note() -> None:
            record_event(session, dossier, now, "sent_back", user, task=row.spec_id,
                         to=previous.spec_id, reason=reason.strip())

        self.advance(session, dossier, wf, loaded, cal, step, before=reset, after_run=note)
        reopened = session.scalar(select(TaskRecord).where(
            TaskRecord.dossier_id == dossier.id, TaskRecord.task_id == previous.task_id,
            TaskRecord.status == "ready"))
        if reopened is None:
            raise InvalidAction(f"step {previous.name} could not be re-opened",
                                code="step_not_reopened", task=previous.name)
        return reopened

    @staticmethod
    def _receive(row: TaskRecord, user: str, at: datetime) -> None:
        """The first person to take a task receives the handover into it."""
        if row.received_by is None:
            row.received_by, row.received_at = user, at

    @staticmethod
    def _flush_task(session: Session) -> None:
        with conflicts("the task", "task_changed"):
            session.flush()


def _spiff_error(exc: SpiffWorkflowException) -> str:
    """A one-line reason naming the diagram element, without task data."""
    task = getattr(exc, "task", None)
    where = f"{task.task_spec.name}: " if task is not None else ""
    cause = getattr(exc, "error", None) or exc.__cause__
    text = str(cause) if cause is not None else str(exc).splitlines()[0]
    return f"{where}{text.splitlines()[0] if text else type(exc).__name__}"
