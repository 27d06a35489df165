"""Workload of a unit's people (docs/staff-guide.md): the open steps per department and
per person, oldest first; steps completed and the average handling time per person and
week; and a leader or supervisor giving a step to a colleague (audited in the dossier's
log as `task_reassigned`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org import ancestors, answers_for, find_user
from engine.runtime import Runtime, TaskRef, record_event
from engine.storage import DefinitionVersion, Dossier, TaskRecord, atomic, conflicts
from engine.vocabulary import DossierStatus, TaskStatus

MAX_WEEKS = 26
MAX_OPEN = 500  # open steps listed at most (the counts cover them all)
OPEN = (DossierStatus.RUNNING, DossierStatus.WAITING_SUPPLEMENT)
OVERSEERS = ("leader", "supervisor", "admin")


@dataclass(frozen=True)
class OpenTask:
    """An open step: the task record id, its dossier, procedure, department, holder."""

    id: str
    dossier_code: str
    unit: str
    procedure: str
    name: str
    department: str
    holder: str | None
    ready_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class Load:
    """Open steps of a department, or of one person in it (`holder` None: not claimed)."""

    department: str
    holder: str | None
    count: int
    oldest_ready_at: datetime


@dataclass(frozen=True)
class WeekFigures:
    """Steps one person completed in one ISO week and their average handling time in
    working hours (claimed, or ready when completed without a claim, to completed)."""

    person: str
    week: str  # 2026-W11
    completed: int
    average_hours: float


@dataclass(frozen=True)
class Workload:
    tasks: tuple[OpenTask, ...]  # oldest first, at most MAX_OPEN
    by_department: tuple[Load, ...]
    by_person: tuple[Load, ...]
    weeks: tuple[WeekFigures, ...]


def open_tasks(session: Session, units: Sequence[str]) -> list[OpenTask]:
    """The open steps of the open dossiers of `units`, oldest first."""
    return [OpenTask(*row) for row in session.execute(
        select(TaskRecord.id, Dossier.code, Dossier.unit, DefinitionVersion.name,
               TaskRecord.name, TaskRecord.department, TaskRecord.claimed_by,
               TaskRecord.ready_at, TaskRecord.due_at)
        .join(Dossier, Dossier.id == TaskRecord.dossier_id)
        .join(DefinitionVersion, DefinitionVersion.id == Dossier.definition_id)
        .where(Dossier.unit.in_(list(units)), Dossier.status.in_(OPEN),
               TaskRecord.status == TaskStatus.READY)
        .order_by(TaskRecord.ready_at, TaskRecord.id))]


def _loads(tasks: Sequence[OpenTask], by_person: bool) -> tuple[Load, ...]:
    groups: dict[tuple[str, str | None], list[OpenTask]] = {}
    for task in tasks:
        groups.setdefault((task.department, task.holder if by_person else None), []).append(task)
    loads = [Load(dept, holder, len(group), min(t.ready_at for t in group))
             for (dept, holder), group in groups.items()]
    return tuple(sorted(loads, key=lambda x: (x.oldest_ready_at, x.department, x.holder or "")))


def workload_of(session: Session, runtime: Runtime, units: Sequence[str], now: datetime,
             weeks: int = 4) -> Workload:
    """The open steps of `units` and the last `weeks` weeks' figures per person."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidAction(f"weeks is 1 to {MAX_WEEKS}", code="bad_weeks", max=MAX_WEEKS)
    tasks = open_tasks(session, units)
    since = now - timedelta(weeks=weeks)
    spans: dict[tuple[str, str], list[timedelta]] = {}
    zone = ZoneInfo(runtime.hours.tz)
    for person, start, claimed, done, unit in session.execute(
            select(TaskRecord.completed_by, TaskRecord.ready_at, TaskRecord.claimed_at,
                   TaskRecord.completed_at, Dossier.unit)
            .join(Dossier, Dossier.id == TaskRecord.dossier_id)
            .where(Dossier.unit.in_(list(units)), TaskRecord.status == TaskStatus.COMPLETED,
                   TaskRecord.completed_at >= since, TaskRecord.completed_by.is_not(None))):
        if person is None or done is None:
            continue
        year, week, _ = done.astimezone(zone).isocalendar()
        # completing an unclaimed step claims it then: counted from ready
        begun = claimed if claimed is not None and claimed < done else start
        took = runtime.calendar(session, unit).between(begun, done)
        spans.setdefault((person, f"{year}-W{week:02d}"), []).append(took)
    figures = tuple(WeekFigures(person, week, len(group), round(
        sum(group, timedelta()).total_seconds() / 3600 / len(group), 2))
        for (person, week), group in sorted(spans.items()))
    return Workload(tuple(tasks[:MAX_OPEN]), _loads(tasks, False), _loads(tasks, True),
                    figures)


@atomic
def reassign(session: Session, runtime: Runtime, task_id: str, *, by: str, to: str,
             at: datetime | None = None) -> TaskRef:
    """Give an open step (claimed or not) to `to`, a colleague who works its department
    for its unit; `by` is a leader or supervisor of that unit (or of a unit above). The
    dossier's log keeps who gave it, from whom, to whom."""
    now = runtime.now(at)
    row = session.get(TaskRecord, task_id)
    if row is None:
        raise InvalidAction(f"there is no task {task_id}", code="task_not_found",
                            task=task_id)
    dossier = session.get_one(Dossier, row.dossier_id)
    if row.status != TaskStatus.READY or dossier.status not in OPEN:
        raise InvalidAction(f"task {row.name} of dossier {dossier.code} is {row.status}; "
                            "only an open step is given to someone", code="task_not_open",
                            task=row.name, dossier=dossier.code, status=row.status.value)
    overseer = find_user(session, by)
    if not set(OVERSEERS) & set(overseer.roles) or not set(
            answers_for(session, overseer.unit_code)) & set(ancestors(session, dossier.unit)):
        raise InvalidAction(f"{by} does not lead or supervise {dossier.unit}",
                            code="not_an_overseer", user=by, unit=dossier.unit)
    colleague = find_user(session, to)
    if row.department not in colleague.departments or dossier.unit not in answers_for(
            session, colleague.unit_code):
        raise InvalidAction(f"{to} does not work {row.department} for {dossier.unit}",
                            code="not_a_colleague", user=to, department=row.department,
                            unit=dossier.unit)
    if row.claimed_by == to:
        raise InvalidAction(f"{to} already holds task {row.name}", code="task_claimed",
                            task=row.name, user=to)
    before = row.claimed_by
    row.claimed_by, row.claimed_at = to, now
    if row.received_by is None:
        row.received_by, row.received_at = to, now
    record_event(session, dossier, now, "task_reassigned", by, task=row.spec_id,
                 previous=before, to=to)
    with conflicts("the task", "task_changed"):
        session.flush()
    return TaskRef.of(row, dossier.code)
