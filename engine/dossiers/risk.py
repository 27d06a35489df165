"""Risk before lateness (docs/lifecycle.md, Escalation): for each open dossier, the
working time left to its appointment against the working time its remaining steps are
expected to take.

The expected time of a step is the median, in working hours, of how long the same step
of the same procedure (process key and task id) took from ready to completed over the
last `HISTORY_DAYS` days (at most `SAMPLE` of the latest records), or its SLA when it
has fewer than `MIN_SAMPLES` such records. The remaining steps are the step (or steps)
open now, counted for what is left of their expected time, and every user task of the
diagram the dossier has not reached yet, except those that mark a refusal. On a diagram
with branches this counts the steps of every branch still ahead: an upper bound, chosen
so that a dossier is flagged early rather than late.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.runtime import Runtime
from engine.storage import DefinitionVersion, Dossier, TaskRecord
from engine.vocabulary import DossierStatus, Milestone, TaskStatus

HISTORY_DAYS = 180
SAMPLE = 200  # latest completed records per step read for its median
MIN_SAMPLES = 3  # fewer: the step's SLA stands for it
ZERO = timedelta(0)


class RiskState(StrEnum):
    """Where an open dossier stands against its appointment."""

    LATE = "late"  # the appointment has passed
    AT_RISK = "at_risk"  # its remaining steps are expected to take longer than the time left
    ON_TRACK = "on_track"


@dataclass(frozen=True)
class OpenStep:
    """A step open now: its task record, name, department and who holds it (None: not
    claimed yet)."""

    task_record_id: str
    name: str
    department: str
    holder: str | None
    ready_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class DossierRisk:
    """One open dossier against its appointment; hours are working hours (negative
    `hours_left`: late by that much)."""

    dossier_id: int
    code: str
    unit: str
    procedure: str
    appointment_at: datetime
    hours_left: float
    expected_hours: float
    state: RiskState
    steps: tuple[OpenStep, ...]

    @property
    def step(self) -> str:
        return ", ".join(s.name for s in self.steps)

    @property
    def holder(self) -> str:
        return ", ".join(s.holder for s in self.steps if s.holder)


SORTS = {
    "left": lambda r: (r.hours_left, r.code),
    "procedure": lambda r: (r.procedure, r.hours_left, r.code),
    "step": lambda r: (r.step, r.hours_left, r.code),
    "holder": lambda r: (r.holder == "", r.holder, r.hours_left, r.code),
}


def _hours(value: timedelta) -> float:
    return round(value.total_seconds() / 3600, 2)


class StepTimes:
    """Expected working time of the steps of procedures, read once per step and kept for
    the life of this object (one assessment)."""

    def __init__(self, session: Session, runtime: Runtime, now: datetime) -> None:
        self.session, self.runtime, self.now = session, runtime, now
        self.known: dict[tuple[str, str], timedelta | None] = {}

    def median(self, process_key: str, spec_id: str) -> timedelta | None:
        """The median working time of the step's completed records, None with too few."""
        key = (process_key, spec_id)
        if key not in self.known:
            rows = self.session.execute(
                select(TaskRecord.ready_at, TaskRecord.completed_at, Dossier.unit)
                .join(Dossier, Dossier.id == TaskRecord.dossier_id)
                .where(Dossier.process_key == process_key, TaskRecord.spec_id == spec_id,
                       TaskRecord.status == TaskStatus.COMPLETED,
                       TaskRecord.completed_at >= self.now - timedelta(days=HISTORY_DAYS))
                .order_by(TaskRecord.completed_at.desc()).limit(SAMPLE)).all()
            spans = [self.runtime.calendar(self.session, unit).between(ready, done)
                     for ready, done, unit in rows if done is not None]
            self.known[key] = timedelta(seconds=median(
                s.total_seconds() for s in spans)) if len(spans) >= MIN_SAMPLES else None
        return self.known[key]

    def expected(self, cal: WorkingCalendar, process_key: str, spec_id: str,
                 sla: str | None) -> timedelta:
        found = self.median(process_key, spec_id)
        if found is not None:
            return found
        if sla:
            try:
                return cal.parse_duration(sla)
            except ValueError:  # "same_day": no fixed length; counted as nothing
                return ZERO
        return ZERO


def assess(session: Session, runtime: Runtime, units: Sequence[str] | None, now: datetime,
           *where: ColumnElement[bool], everything: bool = False, sort: str = "left"
           ) -> list[DossierRisk]:
    """The running dossiers of `units` (None: of every unit) with an appointment and
    meeting `where`, each against it: late, at risk, or (with `everything`) on track
    too; sorted by `sort` (a key of SORTS)."""
    times = StepTimes(session, runtime, now)
    dossiers = session.execute(
        select(Dossier.id, Dossier.code, Dossier.unit, Dossier.process_key,
               Dossier.appointment_at, DefinitionVersion.name, DefinitionVersion.info)
        .join(DefinitionVersion, DefinitionVersion.id == Dossier.definition_id)
        .where(Dossier.status == DossierStatus.RUNNING, Dossier.appointment_at.is_not(None),
               *(() if units is None else (Dossier.unit.in_(list(units)),)), *where)).all()
    records: dict[int, list[TaskRecord]] = {}
    for chunk in _chunks([row.id for row in dossiers], 500):
        for record in session.scalars(select(TaskRecord).where(
                TaskRecord.dossier_id.in_(chunk))):
            records.setdefault(record.dossier_id, []).append(record)
    found = []
    for row in dossiers:
        risk = _assess_one(session, runtime, times, row, records.get(row.id, []), now)
        if everything or risk.state != RiskState.ON_TRACK:
            found.append(risk)
    found.sort(key=SORTS[sort])
    return found


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _assess_one(session: Session, runtime: Runtime, times: StepTimes, row: Any,
                records: list[TaskRecord], now: datetime) -> DossierRisk:
    cal = runtime.calendar(session, row.unit)
    appointment: datetime = row.appointment_at
    left = cal.between(now, appointment) if now < appointment \
        else -cal.between(appointment, now)
    reached = {r.spec_id for r in records}
    open_records = sorted((r for r in records if r.status == TaskStatus.READY),
                          key=lambda r: r.ready_at)
    expected = ZERO
    for record in open_records:
        step = times.expected(cal, row.process_key, record.spec_id, record.sla)
        expected += max(ZERO, step - cal.between(record.ready_at, now))
    for task in (row.info or {}).get("user_tasks", []):
        if task.get("id") in reached or task.get("milestone") == Milestone.REFUSED:
            continue
        expected += times.expected(cal, row.process_key, task["id"], task.get("sla"))
    if now >= appointment:
        state = RiskState.LATE
    elif expected > left:
        state = RiskState.AT_RISK
    else:
        state = RiskState.ON_TRACK
    steps = tuple(OpenStep(r.id, r.name, r.department, r.claimed_by, r.ready_at, r.due_at)
                  for r in open_records)
    return DossierRisk(row.id, row.code, row.unit, row.name, appointment, _hours(left),
                       _hours(expected), state, steps)
