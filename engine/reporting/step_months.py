"""The step audit's histograms, read the cheap way where it can be.

The month counts (engine/storage/daily_tables.py StepMonth, HandoverMonth) hold each
step's runs by top unit (a province), local month and working minutes, written when a
step completes. Where the audited units hold every unit under a top unit (a city's audit)
the whole months of the period come from them: a year of a city is some tens of
thousands of rows instead of 1.7 million task records. The months cut by the period's
ends, and units of a top unit not audited in full (a ward, a district), are read from
the task records (step_histograms.py). The two add up to what the task records alone
give; tests hold them equal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.reporting.period import next_month, period_bounds
from engine.reporting.step_histograms import (
    Edge,
    Scope,
    StepTotals,
    handover_histograms,
    step_totals,
)
from engine.storage import (
    HandoverMonth,
    StepMonth,
    TaskRecord,
    local_day,
    local_month,
    unit_roots,
)
from engine.vocabulary import DEFAULT_TZ, TaskStatus

Histograms = dict[Edge, list[tuple[int, int]]]


@dataclass(frozen=True)
class Split:
    """The audited records as whole months of whole top units, and the rest."""

    roots: tuple[str, ...]
    units: tuple[str, ...]  # the audited units under those roots
    first: date  # the first whole month
    after: date  # the month after the last whole one
    rest: tuple[Scope, ...]  # read from the task records


def _midnight(day: date) -> datetime:
    return period_bounds(day, day, DEFAULT_TZ)[0]


def split(session: Session, scope: Scope) -> Split:
    """Which of the scope's records the month counts hold."""
    lo_day, hi_day = local_day(scope.lo), local_day(scope.hi)  # hi: the day after the end
    first = lo_day if lo_day.day == 1 else next_month(lo_day)
    after = hi_day.replace(day=1)
    audited = set(scope.units)
    members: dict[str, set[str]] = defaultdict(set)
    for unit, root in unit_roots(session).items():
        members[root].add(unit)
    roots = tuple(sorted(r for r, units in members.items() if units <= audited)
                  ) if first < after else ()
    whole = {unit for root in roots for unit in members[root]}
    since = scope.since or scope.lo
    rest = [replace(scope, units=[u for u in scope.units if u not in whole], since=since)]
    inside = [u for u in scope.units if u in whole]
    if roots:
        rest += [replace(scope, units=inside, hi=_midnight(first), since=since),
                 replace(scope, units=inside, lo=_midnight(after), since=since)]
    return Split(roots, tuple(inside), first, after, tuple(
        part for part in rest if part.units and part.lo < part.hi))


def audit_totals(session: Session, scope: Scope
                 ) -> tuple[dict[tuple[str, str], StepTotals], Histograms]:
    """Each step's totals and each handover edge's histogram over the scope."""
    parts = split(session, scope)
    steps: dict[tuple[str, str], StepTotals] = defaultdict(StepTotals)
    edges: Histograms = defaultdict(list)
    if parts.roots:
        _add_months(session, scope, parts, steps, edges)
    for rest in parts.rest:
        for key, totals in step_totals(session, rest).items():
            _add(steps[key], totals)
        for edge, histogram in handover_histograms(session, rest).items():
            edges[edge] += histogram
    return dict(steps), dict(edges)


def _add(into: StepTotals, more: StepTotals) -> None:
    into.count += more.count
    into.late += more.late
    into.waiting += more.waiting
    into.working += more.working
    into.first_runs += more.first_runs
    into.minutes += more.minutes


def _add_months(session: Session, scope: Scope, parts: Split,
                steps: dict[tuple[str, str], StepTotals], edges: Histograms) -> None:
    since = scope.since or scope.lo
    since_month = local_month(since)
    m = StepMonth
    where = [m.root.in_(parts.roots), m.definition_id.in_(list(scope.version_ids)),
             m.month >= parts.first, m.month < parts.after]
    if scope.spec_id is not None:
        where.append(m.spec_id == scope.spec_id)
    first_runs = func.sum(case((m.previous_month < since_month, m.runs), else_=0))
    for p, s, minutes, runs, late, waiting, firsts in session.execute(
            select(m.process_id, m.spec_id, m.minutes, func.sum(m.runs), func.sum(m.late),
                   func.sum(m.waiting), first_runs)
            .where(*where).group_by(m.process_id, m.spec_id, m.minutes)):
        if not runs:
            continue
        step = steps[p, s]
        step.count += int(runs)
        step.late += int(late)
        step.waiting += int(waiting)
        step.working += int(minutes) * int(runs)
        step.first_runs += int(firsts)
        step.minutes.append((int(minutes), int(runs)))
    if since > _midnight(since_month):  # the period starts inside a month
        latest = session.scalar(select(func.max(m.month)).where(
            *where, m.previous_month == since_month))
        if latest is not None:
            for key, runs in _first_in_period(session, scope, parts, since, since_month,
                                              latest).items():
                steps[key].first_runs += runs
    h = HandoverMonth
    where = [h.root.in_(parts.roots), h.definition_id.in_(list(scope.version_ids)),
             h.month >= parts.first, h.month < parts.after]
    if scope.spec_id is not None:
        where.append(h.spec_id == scope.spec_id)
    for a, b, p, s, minutes, runs in session.execute(
            select(h.handed_from, h.department, h.process_id, h.spec_id, h.minutes,
                   func.sum(h.runs)).where(*where)
            .group_by(h.handed_from, h.department, h.process_id, h.spec_id, h.minutes)):
        if runs:
            edges[a, b, p, s].append((int(minutes), int(runs)))


def _first_in_period(session: Session, scope: Scope, parts: Split, since: datetime,
                     since_month: date, latest: date) -> dict[tuple[str, str], int]:
    """Runs of the whole months whose dossier's step before was completed in the
    period's first month but before the period: their dossier's first in the period,
    which the month counts cannot tell (they keep the month of the step before)."""
    t = TaskRecord
    end = next_month(latest)  # up to the end of its month
    found = session.execute(
        select(t.process_id, t.spec_id, func.count())
        .where(t.dossier_definition_id.in_(list(scope.version_ids)),
               t.unit.in_(list(parts.units)), t.status == TaskStatus.COMPLETED,
               t.completed_at >= _midnight(parts.first), t.completed_at < _midnight(end),
               and_(t.previous_completed_at >= _midnight(since_month),
                    t.previous_completed_at < since),
               *([t.spec_id == scope.spec_id] if scope.spec_id is not None else []))
        .group_by(t.process_id, t.spec_id))
    return {(p, s): int(n) for p, s, n in found}
