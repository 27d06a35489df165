"""The runtime: what one process keeps to run dossiers (the clock, parsed specs, live
workflows, unit calendars, script limits, the dossier code format), and the work every
command does: load a dossier's workflow, run it, write what changed.

Every method takes the caller's Session, adds and flushes, never commits: the caller's
transaction holds the workflow state, task rows, handovers, events and messages of one
command together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from engine.calendar import Clock, FixedClock, OfficeHours, UnitCalendars, WorkingCalendar
from engine.definitions import SpecCache
from engine.errors import InvalidAction, ScriptFailed
from engine.runtime.context import Run, Step
from engine.runtime.events import record_event
from engine.runtime.finishing import resolve
from engine.runtime.messaging import collect_messages, sync_subscriptions
from engine.runtime.sandbox import make_script_engine
from engine.runtime.spiff_clock import engine_time, next_timer
from engine.runtime.state import dump_state, load_state
from engine.runtime.task_records import ready_ids, record_ready_tasks
from engine.runtime.workflow_cache import WorkflowCache
from engine.storage import Dossier, TaskRecord, conflicts, write_changes, write_queued
from engine.vocabulary import WORKABLE_STATUSES, DossierStatus

CODE_FORMAT = "{unit}-{date:%y%m%d}-{seq:04d}"


def quiet_spiff_logs() -> None:
    """Spiff's task logger attaches whole task data (citizens' data) at level 0, and
    logs every task state change at INFO: noise beside the dossier's event log, and a
    log record per change costs a few per cent of a command. Warnings still pass."""
    for name in ("spiff", "spiff.task", "spiff.workflow"):
        if logging.getLogger(name).level < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)


class Runtime:
    """What a process keeps to run dossiers; one per process, shared across sessions."""

    def __init__(
        self,
        clock: Clock,
        *,
        hours: OfficeHours | None = None,
        specs: SpecCache | None = None,
        script_time_limit: float = 1.0,
        code_format: str = CODE_FORMAT,
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

    # -- calendars and time ------------------------------------------------------------
    def calendar(self, session: Session, unit: str) -> WorkingCalendar:
        """The unit's working calendar (statutory holidays and the override table)."""
        return self.calendars.get(session, unit)

    def forget_calendars(self) -> None:
        """Drop cached calendars after the override table changed."""
        self.calendars.forget()

    def now(self, at: datetime | None) -> datetime:
        """`at`, or the clock's now; InvalidAction for an instant without a zone."""
        if at is not None and at.tzinfo is None:
            raise InvalidAction("times must carry a timezone (e.g. 2026-02-13T15:30+07:00)",
                                code="time_without_zone")
        return at or self.clock.now()

    def script_engine(self, cal: WorkingCalendar, at: datetime) -> Any:
        """The sandboxed script engine of a run at `at`, with `working_deadline(duration)`
        (now plus working time, for timeDate timers)."""

        def working_deadline(duration: str) -> str:
            """Now plus a working-time duration, for timeDate timers."""
            return cal.add(at, cal.parse_duration(duration)).isoformat()

        return make_script_engine(
            {"working_deadline": working_deadline}, time_limit=self.script_time_limit
        )

    # -- loading, running, saving --------------------------------------------------------
    def open(self, session: Session, dossier: Dossier, step: Step) -> Run:
        """The dossier's workflow, ready to run at the step's instant: the live one this
        process saved if the row still holds its state, else rebuilt from the row."""
        loaded = self.specs.get(session, dossier.definition_id)
        cal = self.calendar(session, dossier.unit)
        wf = self.workflows.take(dossier.id, dossier.state)
        if wf is None:
            wf = load_state(dossier.state, loaded.spec, loaded.subprocess_specs)
        wf.script_engine = self.script_engine(cal, step.at)
        return Run(session, dossier, wf, loaded, cal, step)

    def advance(
        self,
        run: Run,
        before: Callable[[BpmnWorkflow], None] | None = None,
        after_run: Callable[[], None] | None = None,
        done_id: str | None = None,
    ) -> None:
        """Run engine steps, then write task rows, handovers, messages, subscriptions and
        the state. `before` runs first inside the same clock/error context; `after_run`
        once the workflow ran, before the rows are written; `done_id` is the task the
        command completed. Nothing is written to the session before the workflow has run
        without error."""
        # Every READY user task already has an open task row: comparing the workflow
        # before and after tells which rows to add or cancel without a query.
        before_ids = ready_ids(run.workflow)
        self.run_workflow(run.workflow, run.step.at, before)
        if after_run is not None:
            with run.session.no_autoflush:
                after_run()
        self.record(run, before_ids, done_id)

    def run_workflow(self, wf: BpmnWorkflow, at: datetime,
                     before: Callable[[BpmnWorkflow], None] | None = None) -> None:
        """Run the workflow at `at` (touches no database row); a failing or refused
        script becomes ScriptFailed naming the element."""
        try:
            with engine_time(FixedClock(at)):
                if before is not None:
                    before(wf)
                wf.do_engine_steps()
        except SpiffWorkflowException as exc:
            reason = _spiff_error(exc)
            raise ScriptFailed(reason, code="script_failed", reason=reason) from None

    def record(self, run: Run, before_ids: set[str], done_id: str | None = None,
               state: str | None = None) -> None:
        """Write what the run changed: task rows, handovers, messages, subscriptions,
        the completion, and the state (`state` when the caller already dumped it)."""
        session, dossier, step = run.session, run.dossier, run.step
        with session.no_autoflush:  # one write in save(): inserts go out in batches
            record_ready_tasks(run, before_ids, done_id)
            collect_messages(run)
            if run.loaded.uses_messages:
                sync_subscriptions(session, dossier, run.workflow)
            if run.workflow.completed and dossier.completed_at is None:
                dossier.completed_at = step.at
                if dossier.finish_kind is None:
                    resolve(run)
                if dossier.status in WORKABLE_STATUSES:
                    dossier.status = DossierStatus.RETURNED if dossier.returned_at \
                        else DossierStatus.COMPLETED
                record_event(session, dossier, step.at, "completed", step.actor)
        self.save(run, state)

    def save(self, run: Run, state: str | None = None) -> None:
        """Store the state (`state` when the caller already dumped it) and every row the
        command changed; a concurrent change of the same dossier becomes Conflict."""
        session, dossier, wf = run.session, run.dossier, run.workflow
        state = dump_state(wf) if state is None else state
        if state != dossier.state:
            dossier.state = state
        timer = next_timer(wf)
        if timer != dossier.next_timer_at:
            dossier.next_timer_at = timer
        code = dossier.code  # after a failed write the row cannot be read any more
        with conflicts(f"dossier {code}", dossier=code):
            for row in [o for o in session.dirty if isinstance(o, TaskRecord)]:
                write_changes(session, row)
            write_changes(session, dossier)
            write_queued(session)
            if session.new or session.dirty or session.deleted:
                session.flush()  # whatever else the command changed (pauses, sequences)
        self.workflows.put(dossier.id, state, wf)


def _spiff_error(exc: SpiffWorkflowException) -> str:
    """A one-line reason naming the diagram element, without task data."""
    task = getattr(exc, "task", None)
    where = f"{task.task_spec.name}: " if task is not None else ""
    cause = getattr(exc, "error", None) or exc.__cause__
    text = str(cause) if cause is not None else str(exc).splitlines()[0]
    return f"{where}{text.splitlines()[0] if text else type(exc).__name__}"
