"""The step-timing audit of a procedure (docs/audit.md): per step, how long it took in
working hours (the unit's calendar, pauses for the citizen left out), against its SLA,
how much of it was waiting before someone took it, and how long the handovers between
departments took; per step, its late dossiers and its slowest 5%.

Read from the live task records (no export): a step completed a moment ago counts.
Each run's working, waiting and handover minutes were counted when it completed
(engine/runtime/step_minutes.py); the database groups them by step and minutes
(step_histograms.py) and the quantiles are taken from those histograms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar import DEFAULT_TZ, WorkingCalendar
from engine.errors import InvalidAction, NotFound
from engine.reporting.period import period_bounds
from engine.reporting.step_histograms import (
    Scope,
    StepName,
    StepTotals,
    listed_runs,
    median,
    merged,
    quantile,
    step_names,
)
from engine.reporting.step_months import audit_totals
from engine.storage import DefinitionVersion, Dossier, TaskRecord
from engine.vocabulary import Outcome

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
    wait_mean_hours: float | None  # ready -> first taken (claimed, or completed), mean
    work_mean_hours: float | None  # first taken -> completed, mean
    wait_share: float | None  # 0..1: the step's working time spent waiting to be taken
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


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else minutes / 60


def _figures(key: tuple[str, str], totals: StepTotals, named: StepName | None,
             handovers: Sequence[tuple[int, int]], sla_hours: Callable[[str], float | None]
             ) -> StepFigures:
    process_id, spec_id = key
    named = named or StepName(spec_id, "unknown", None, None)
    count = totals.count
    return StepFigures(
        process_id=process_id, spec_id=spec_id, name=named.name,
        department=named.department, sla=named.sla,
        sla_hours=sla_hours(named.sla) if named.sla else None, count=count,
        median_hours=_hours(median(totals.minutes)),
        p90_hours=_hours(quantile(totals.minutes, 10, 9)), late=totals.late,
        late_share=totals.late / count if count else None,
        wait_mean_hours=totals.waiting / count / 60 if count else None,
        work_mean_hours=(totals.working - totals.waiting) / count / 60 if count else None,
        wait_share=totals.waiting / totals.working if totals.working else None,
        handovers=sum(runs for _, runs in handovers),
        handover_median_hours=_hours(median(handovers)))


def _first_ready(named: StepName | None) -> datetime | None:
    return named.first_ready if named is not None else None


def _sla_hours(calendars: Calendars, units: Sequence[str]) -> Callable[[str], float | None]:
    """An SLA text in working hours, by the first unit's calendar (None if unreadable)."""
    cache: dict[str, float | None] = {}

    def hours(sla: str) -> float | None:
        if sla not in cache:
            try:
                cal = calendars(units[0] if units else "")
                cache[sla] = cal.parse_duration(sla).total_seconds() / HOUR
            except ValueError:
                cache[sla] = None
        return cache[sla]
    return hours


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


def _scope(version_ids: Sequence[int], units: Sequence[str], start: date, end: date,
           spec_id: str | None = None) -> Scope:
    lo, hi = audit_bounds(start, end)
    return Scope(version_ids=version_ids, units=units, lo=lo, hi=hi, spec_id=spec_id)


def step_audit(session: Session, process_key: str, *, units: Iterable[str], start: date,
               end: date, calendars: Calendars, version: int | None = None,
               all_versions: bool = False) -> StepAudit:
    """Each step's timing for the procedure's dossiers of `units` whose steps were
    completed from `start` to `end` (days in Vietnam, both included). `calendars(unit)`
    gives a unit's working calendar (for the SLAs in hours; the runs' minutes were
    counted when they completed). The newest version unless `version` is given or
    `all_versions`; NotFound for an unknown procedure or version, InvalidAction for a
    bad period."""
    units = list(units)
    versions, chosen = _version_ids(session, process_key, version, all_versions)
    scope = _scope([v.id for v in chosen], units, start, end)
    totals, by_edge = audit_totals(session, scope)
    names = step_names(session, scope, totals)
    by_step: dict[tuple[str, str], list[Sequence[tuple[int, int]]]] = defaultdict(list)
    for (_, _, p, s), histogram in by_edge.items():
        by_step[p, s].append(histogram)
    sla_hours = _sla_hours(calendars, units)
    far = datetime.max.replace(tzinfo=UTC)
    steps = sorted((_figures(key, t, names.get(key), merged(by_step.get(key, ())), sla_hours)
                    for key, t in totals.items()),
                   key=lambda s: (s.process_id != process_key, s.process_id,
                                  _first_ready(names.get((s.process_id, s.spec_id))) or far))
    edges = sorted((HandoverEdge(a, b, p, s, sum(c for _, c in h), _hours(median(h)),
                                 _hours(quantile(h, 10, 9)))
                    for (a, b, p, s), h in by_edge.items()),
                   key=lambda e: -(e.median_hours or 0))
    return StepAudit(
        process_key=process_key, name=chosen[0].name,
        version=None if all_versions else chosen[0].version,
        versions=tuple(v.version for v in versions), start=start, end=end,
        dossiers=sum(t.first_runs for t in totals.values()), steps=tuple(steps),
        edges=tuple(edges), diagrams=tuple(_diagrams(session, chosen[0])))


def _run(task: TaskRecord, code: str) -> StepRun:
    done = task.completed_at or task.ready_at  # listed runs are completed ones
    working, waiting = task.working_minutes or 0, task.waiting_minutes or 0
    return StepRun(
        dossier_code=code, unit=task.unit or "", held_by=task.claimed_by or task.completed_by,
        ready_at=task.ready_at, taken_at=task.claimed_at or done, completed_at=done,
        due_at=task.due_at, outcome=task.outcome, hours=working / 60,
        wait_hours=waiting / 60, work_hours=(working - waiting) / 60)


def step_detail(session: Session, process_key: str, spec_id: str, *, units: Iterable[str],
                start: date, end: date, calendars: Calendars, version: int | None = None,
                all_versions: bool = False) -> StepDetail:
    """One step's late runs and its slowest 5% (at most LISTED each, slowest first);
    NotFound if the step has no completed run in the period."""
    units = list(units)
    _, chosen = _version_ids(session, process_key, version, all_versions)
    scope = _scope([v.id for v in chosen], units, start, end, spec_id)
    totals, by_edge = audit_totals(session, scope)
    if not totals:
        raise NotFound(f"no completed step {spec_id!r} in the period", code="unknown_step",
                       step=spec_id)
    # a spec id is one step (a called process's steps are named apart from the caller's)
    key, step = max(totals.items(), key=lambda kv: kv[1].count)
    if len(totals) > 1:
        step = StepTotals(count=sum(t.count for t in totals.values()),
                          late=sum(t.late for t in totals.values()),
                          waiting=sum(t.waiting for t in totals.values()),
                          working=sum(t.working for t in totals.values()),
                          minutes=merged(t.minutes for t in totals.values()))
    names = step_names(session, scope, [key])
    handovers = merged(by_edge.values())
    threshold = quantile(step.minutes, 20, 19)
    late = [_run(t, c) for t, c in listed_runs(session, scope, late=True, limit=LISTED)]
    slowest = [_run(t, c) for t, c in listed_runs(session, scope, at_least=threshold,
                                                  limit=LISTED)]
    return StepDetail(
        step=_figures(key, step, names.get(key), handovers, _sla_hours(calendars, units)),
        late=tuple(late), outlier_hours=_hours(threshold), outliers=tuple(slowest))


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
