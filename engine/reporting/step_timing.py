"""The step-timing audit of a procedure (docs/audit.md): per step, how long it took in
working hours (the unit's calendar, pauses for the citizen left out), against its SLA,
how much of it was waiting before someone took it, and how long the handovers between
departments took; per step, its late dossiers and its slowest 5%.

Read from the live task records (no export): a step completed a moment ago counts.
Bounded by the period (at most a year), the units and the procedure; the rows are
loaded with one query (and the dossiers' pauses with a second) and timed in Python."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.calendar import DEFAULT_TZ, WorkingCalendar
from engine.errors import InvalidAction, NotFound
from engine.reporting.period import period_bounds
from engine.storage import DefinitionVersion, Dossier, Pause, TaskRecord
from engine.vocabulary import Outcome, TaskStatus

MAX_PERIOD_DAYS = 366
LISTED = 200  # late dossiers and outliers listed per step, slowest first
HOUR = 3600.0

Calendars = Callable[[str], WorkingCalendar]


@dataclass(frozen=True)
class StepFigures:
    """One step's timing over the period, in working hours (None: no rows to say)."""

    process_id: str
    spec_id: str
    name: str
    department: str
    sla: str | None
    sla_hours: float | None
    count: int
    median_hours: float | None
    p90_hours: float | None
    late: int
    late_share: float | None  # 0..1
    wait_median_hours: float | None  # ready -> first taken (claimed, or completed)
    work_median_hours: float | None  # first taken -> completed
    handovers: int
    handover_median_hours: float | None  # previous step's completion -> taken here

    @property
    def p90_over_sla(self) -> float | None:
        if self.p90_hours is None or not self.sla_hours:
            return None
        return self.p90_hours / self.sla_hours


@dataclass(frozen=True)
class HandoverEdge:
    """Dossiers handed from one department to the next step: how long they lay between."""

    from_department: str
    to_department: str
    process_id: str
    spec_id: str
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class ProcessDiagram:
    """The BPMN XML a step's process is drawn in (the procedure's, or one it calls)."""

    process_id: str
    key: str
    version: int
    xml: str


@dataclass(frozen=True)
class StepAudit:
    process_key: str
    name: str
    version: int | None  # None: every version
    versions: tuple[int, ...]  # the deployed versions, newest first
    start: date
    end: date
    dossiers: int
    steps: tuple[StepFigures, ...]
    edges: tuple[HandoverEdge, ...]  # slowest median first
    diagrams: tuple[ProcessDiagram, ...]


@dataclass(frozen=True)
class StepRun:
    """One completed run of a step in one dossier."""

    dossier_code: str
    unit: str
    held_by: str | None
    ready_at: datetime
    taken_at: datetime | None
    completed_at: datetime
    due_at: datetime | None
    outcome: Outcome | None
    hours: float
    wait_hours: float
    work_hours: float


@dataclass(frozen=True)
class StepDetail:
    step: StepFigures
    late: tuple[StepRun, ...]  # slowest first
    outlier_hours: float | None  # the slowest 5% took at least this long
    outliers: tuple[StepRun, ...]  # slowest first


@dataclass(frozen=True)
class _Row:
    run: StepRun
    process_id: str
    spec_id: str
    name: str
    department: str
    sla: str | None
    handed_from: str | None
    handover_hours: float | None


def audit_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's instants as the report's (period_bounds), after refusing a reversed
    period or one over a year (InvalidAction)."""
    if end < start:
        raise InvalidAction(f"the period ends ({end}) before it starts ({start})",
                            code="period_reversed", start=start, end=end)
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidAction(f"the period is over {MAX_PERIOD_DAYS} days: audit a year at "
                            "most", code="period_too_long", days=MAX_PERIOD_DAYS)
    return period_bounds(start, end, DEFAULT_TZ)


def procedure_versions(session: Session, process_key: str) -> list[DefinitionVersion]:
    """The deployed versions of a procedure diagram, newest first (NotFound if none)."""
    rows = list(session.scalars(select(DefinitionVersion).where(
        DefinitionVersion.key == process_key).order_by(DefinitionVersion.version.desc())))
    if not rows:
        raise NotFound(f"no procedure {process_key!r}", code="unknown_procedure",
                       key=process_key)
    return rows


def _hours(cal: WorkingCalendar, a: datetime | None, b: datetime | None,
           paused: Sequence[tuple[datetime, datetime]]) -> float:
    if a is None or b is None:
        return 0.0
    return cal.between(a, b, paused).total_seconds() / HOUR


def _p(values: Sequence[float], n: int, k: int) -> float | None:
    """The k-th of n quantiles (inclusive method: within the data's range)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=n, method="inclusive")[k - 1]


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _rows(session: Session, process_key: str, version_ids: Sequence[int],
          units: Iterable[str], start: date, end: date, calendars: Calendars) -> list[_Row]:
    lo, hi = audit_bounds(start, end)
    before = aliased(TaskRecord)
    # The step before a handover: the last completion in the dossier (or in the linked
    # dossier whose message made it ready) at or before this step became ready.
    previous = (select(func.max(before.completed_at))
                .where(before.dossier_id == func.coalesce(TaskRecord.source_dossier_id,
                                                          TaskRecord.dossier_id),
                       before.completed_at <= TaskRecord.ready_at)
                .correlate(TaskRecord).scalar_subquery())
    scope = and_(Dossier.process_key == process_key, Dossier.unit.in_(list(units)),
                 Dossier.definition_id.in_(list(version_ids)),
                 TaskRecord.status == TaskStatus.COMPLETED,
                 TaskRecord.completed_at >= lo, TaskRecord.completed_at < hi)
    found = session.execute(
        select(TaskRecord, Dossier.code, Dossier.unit, previous)
        .join(Dossier, Dossier.id == TaskRecord.dossier_id).where(scope)).all()
    if not found:
        return []
    pauses: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    ids = select(TaskRecord.dossier_id).join(Dossier, Dossier.id == TaskRecord.dossier_id
                                             ).where(scope)
    for pause in session.scalars(select(Pause).where(
            Pause.dossier_id.in_(ids), Pause.started_at < hi,
            or_(Pause.ended_at.is_(None), Pause.ended_at > lo - timedelta(days=MAX_PERIOD_DAYS)))):
        pauses[pause.dossier_id].append((pause.started_at, pause.ended_at or hi))
    cache: dict[str, WorkingCalendar] = {}
    rows = []
    for task, code, unit, handed_at in found:
        done = task.completed_at
        if done is None:  # the query takes completed rows only
            continue
        cal = cache.get(unit) or cache.setdefault(unit, calendars(unit))
        paused = pauses.get(task.dossier_id, [])
        taken = task.claimed_at or done
        received = task.received_at or taken
        handover = (_hours(cal, min(handed_at, received), received, paused)
                    if task.handover and task.handed_from and handed_at else None)
        rows.append(_Row(
            run=StepRun(
                dossier_code=code, unit=unit, held_by=task.claimed_by or task.completed_by,
                ready_at=task.ready_at, taken_at=taken, completed_at=done,
                due_at=task.due_at, outcome=task.outcome,
                hours=_hours(cal, task.ready_at, done, paused),
                wait_hours=_hours(cal, task.ready_at, taken, paused),
                work_hours=_hours(cal, taken, done, paused)),
            process_id=task.process_id, spec_id=task.spec_id, name=task.name,
            department=task.department, sla=task.sla, handed_from=task.handed_from,
            handover_hours=handover))
    return rows


def _figures(rows: Sequence[_Row], calendars: Calendars, unit: str) -> StepFigures:
    first = max(rows, key=lambda r: r.run.completed_at)  # the newest names the step
    hours = sorted(r.run.hours for r in rows)
    late = sum(1 for r in rows if r.run.outcome == Outcome.LATE)
    handovers = [r.handover_hours for r in rows if r.handover_hours is not None]
    sla_hours = None
    if first.sla:
        try:
            sla_hours = calendars(unit).parse_duration(first.sla).total_seconds() / HOUR
        except ValueError:
            sla_hours = None
    return StepFigures(
        process_id=first.process_id, spec_id=first.spec_id, name=first.name,
        department=first.department, sla=first.sla, sla_hours=sla_hours, count=len(rows),
        median_hours=_median(hours), p90_hours=_p(hours, 10, 9), late=late,
        late_share=late / len(rows),
        wait_median_hours=_median([r.run.wait_hours for r in rows]),
        work_median_hours=_median([r.run.work_hours for r in rows]),
        handovers=len(handovers), handover_median_hours=_median(handovers))


def _version_ids(session: Session, process_key: str, version: int | None,
                 all_versions: bool) -> tuple[list[DefinitionVersion], list[DefinitionVersion]]:
    """(every version, the chosen ones): the newest unless `version` or all."""
    versions = procedure_versions(session, process_key)
    if all_versions:
        return versions, versions
    if version is None:
        return versions, versions[:1]
    chosen = [v for v in versions if v.version == version]
    if not chosen:
        raise NotFound(f"no version {version} of {process_key!r}", code="unknown_version",
                       key=process_key, version=version)
    return versions, chosen


def _diagrams(session: Session, top: DefinitionVersion) -> list[ProcessDiagram]:
    """The version's diagram and those of the processes it calls (a step of a called
    process is drawn there)."""
    seen: dict[int, DefinitionVersion] = {top.id: top}
    todo = list(top.dependencies)
    while todo and len(seen) < 20:
        dep = session.get(DefinitionVersion, todo.pop(0))
        if dep is not None and dep.id not in seen:
            seen[dep.id] = dep
            todo.extend(dep.dependencies)
    return [ProcessDiagram(process_id=v.key, key=v.key, version=v.version,
                           xml=v.xml.decode("utf-8")) for v in seen.values()]


def step_audit(session: Session, process_key: str, *, units: Iterable[str], start: date,
               end: date, calendars: Calendars, version: int | None = None,
               all_versions: bool = False) -> StepAudit:
    """Each step's timing for the procedure's dossiers of `units` whose steps were
    completed from `start` to `end` (days in Vietnam, both included). `calendars(unit)`
    gives a unit's working calendar. The newest version unless `version` is given or
    `all_versions`; NotFound for an unknown procedure or version, InvalidAction for a
    bad period."""
    units = list(units)
    versions, chosen = _version_ids(session, process_key, version, all_versions)
    rows = _rows(session, process_key, [v.id for v in chosen], units, start, end, calendars)
    by_step: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    by_edge: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for row in rows:
        by_step[row.process_id, row.spec_id].append(row)
        if row.handover_hours is not None and row.handed_from:
            by_edge[row.handed_from, row.department, row.process_id, row.spec_id].append(
                row.handover_hours)
    unit = units[0] if units else ""
    steps = sorted((_figures(group, calendars, group[0].run.unit or unit)
                    for group in by_step.values()),
                   key=lambda s: (s.process_id != process_key, s.process_id,
                                  min(r.run.ready_at for r in by_step[s.process_id, s.spec_id])))
    edges = sorted((HandoverEdge(a, b, p, s, len(h), _median(h), _p(sorted(h), 10, 9))
                    for (a, b, p, s), h in by_edge.items()),
                   key=lambda e: -(e.median_hours or 0))
    return StepAudit(
        process_key=process_key, name=chosen[0].name,
        version=None if all_versions else chosen[0].version,
        versions=tuple(v.version for v in versions), start=start, end=end,
        dossiers=len({r.run.dossier_code for r in rows}), steps=tuple(steps),
        edges=tuple(edges), diagrams=tuple(_diagrams(session, chosen[0])))


def step_detail(session: Session, process_key: str, spec_id: str, *, units: Iterable[str],
                start: date, end: date, calendars: Calendars, version: int | None = None,
                all_versions: bool = False) -> StepDetail:
    """One step's late runs and its slowest 5% (at most LISTED each, slowest first);
    NotFound if the step has no completed run in the period."""
    units = list(units)
    _, chosen = _version_ids(session, process_key, version, all_versions)
    rows = [r for r in _rows(session, process_key, [v.id for v in chosen], units, start,
                             end, calendars) if r.spec_id == spec_id]
    if not rows:
        raise NotFound(f"no completed step {spec_id!r} in the period", code="unknown_step",
                       step=spec_id)
    slowest = sorted((r.run for r in rows), key=lambda run: -run.hours)
    threshold = _p(sorted(run.hours for run in slowest), 20, 19)
    outliers = tuple(run for run in slowest if threshold is None or run.hours >= threshold)
    return StepDetail(
        step=_figures(rows, calendars, rows[0].run.unit),
        late=tuple(run for run in slowest if run.outcome == Outcome.LATE)[:LISTED],
        outlier_hours=threshold, outliers=outliers[:LISTED])


@dataclass(frozen=True)
class AuditedProcedure:
    process_key: str
    name: str
    newest_version: int
    dossiers: int  # of the units, every version, ever


def audited_procedures(session: Session, units: Iterable[str]) -> list[AuditedProcedure]:
    """The procedures the units have dossiers of, by name (for the audit's list)."""
    counts = dict(session.execute(
        select(Dossier.process_key, func.count()).where(Dossier.unit.in_(list(units)))
        .group_by(Dossier.process_key)).all())
    if not counts:
        return []
    newest: dict[str, DefinitionVersion] = {}
    for row in session.scalars(select(DefinitionVersion).where(
            DefinitionVersion.key.in_(list(counts)))):
        if row.key not in newest or row.version > newest[row.key].version:
            newest[row.key] = row
    return sorted((AuditedProcedure(key, row.name, row.version, counts[key])
                   for key, row in newest.items()), key=lambda p: p.name)
