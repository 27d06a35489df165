"""The step-timing audit's queries: the database groups the period's completed task
records by step and stored working minutes (and the handovers by edge and minutes), so
a year of a city comes back as a few thousand (value, count) rows; the quantiles are
taken from those histograms exactly as `statistics.quantiles(..., method="inclusive")`
takes them from the expanded values."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.storage import Dossier, TaskRecord
from engine.vocabulary import Outcome, TaskStatus

Histogram = Sequence[tuple[int, int]]  # (minutes, runs), any order


def quantile(histogram: Histogram, n: int, k: int) -> float | None:
    """The k-th of n quantiles of the values the histogram counts, inclusive method
    (statistics.quantiles(values, n=n, method="inclusive")[k - 1]; one value gives
    itself, none gives None), without expanding them."""
    pairs = sorted((v, c) for v, c in histogram if c > 0)
    if not pairs:
        return None
    values = [v for v, _ in pairs]
    ends = list(accumulate(c for _, c in pairs))  # ends[i]: values up to pairs[i]
    total = ends[-1]
    if total == 1:
        return float(values[0])

    def nth(index: int) -> int:  # the index-th (0-based) expanded value
        return values[bisect.bisect_right(ends, index)]

    j, delta = divmod(k * (total - 1), n)
    if delta == 0:
        return float(nth(j))
    return (nth(j) * (n - delta) + nth(j + 1) * delta) / n


def median(histogram: Histogram) -> float | None:
    """statistics.median of the counted values (the inclusive 2-quantile is the same)."""
    return quantile(histogram, 2, 1)


@dataclass
class StepTotals:
    """One step's sums over the period, and its histogram of working minutes."""

    count: int = 0
    late: int = 0
    waiting: int = 0  # minutes, summed
    working: int = 0  # minutes, summed
    first_runs: int = 0  # runs that were their dossier's first completion in the period
    minutes: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Which records the audit reads: completed in [lo, hi) of these versions and units;
    a run is its dossier's first in the audited period when the dossier's step before
    was completed before `since` (the period's start, lo unless a part of it)."""

    version_ids: Sequence[int]
    units: Sequence[str]
    lo: datetime
    hi: datetime
    spec_id: str | None = None
    since: datetime | None = None

    def where(self) -> ColumnElement[bool]:
        found = and_(TaskRecord.dossier_definition_id.in_(list(self.version_ids)),
                     TaskRecord.unit.in_(list(self.units)),
                     TaskRecord.status == TaskStatus.COMPLETED,
                     TaskRecord.completed_at >= self.lo, TaskRecord.completed_at < self.hi)
        if self.spec_id is not None:
            found = and_(found, TaskRecord.spec_id == self.spec_id)
        return found


def step_totals(session: Session, scope: Scope) -> dict[tuple[str, str], StepTotals]:
    """Per (process_id, spec_id): one query grouped by step and working minutes."""
    minutes = func.coalesce(TaskRecord.working_minutes, 0)
    late = func.sum(case((TaskRecord.outcome == Outcome.LATE, 1), else_=0))
    first = func.sum(case((or_(TaskRecord.previous_completed_at.is_(None),
                               TaskRecord.previous_completed_at < (scope.since or scope.lo)),
                           1), else_=0))
    steps: dict[tuple[str, str], StepTotals] = defaultdict(StepTotals)
    for process_id, spec_id, value, runs, lates, firsts, waited in session.execute(
            select(TaskRecord.process_id, TaskRecord.spec_id, minutes, func.count(), late,
                   first, func.coalesce(func.sum(TaskRecord.waiting_minutes), 0))
            .where(scope.where())
            .group_by(TaskRecord.process_id, TaskRecord.spec_id, minutes)):
        step = steps[process_id, spec_id]
        step.count += runs
        step.late += lates or 0
        step.first_runs += firsts or 0
        step.waiting += waited or 0
        step.working += value * runs
        step.minutes.append((value, runs))
    return dict(steps)


@dataclass(frozen=True)
class StepName:
    name: str
    department: str
    sla: str | None
    first_ready: datetime | None  # when the period's first completed run became ready


def step_names(session: Session, scope: Scope,
               steps: Iterable[tuple[str, str]]) -> dict[tuple[str, str], StepName]:
    """Each step as its newest run in the scope names it (name, department, SLA), and
    when its first run of the scope became ready (to put the steps in order): two short
    queries a step, on the step and completion index."""
    found: dict[tuple[str, str], StepName] = {}
    for process_id, spec_id in steps:
        runs = (select(TaskRecord.name, TaskRecord.department, TaskRecord.sla,
                       TaskRecord.ready_at)
                .where(scope.where(), TaskRecord.process_id == process_id,
                       TaskRecord.spec_id == spec_id).limit(1))
        newest = session.execute(runs.order_by(TaskRecord.completed_at.desc(),
                                               TaskRecord.id)).first()
        first = session.execute(runs.order_by(TaskRecord.completed_at, TaskRecord.id)).first()
        if newest is not None:
            found[process_id, spec_id] = StepName(newest.name, newest.department, newest.sla,
                                                  first.ready_at if first else None)
    return found


Edge = tuple[str, str, str, str]  # handed_from, department, process_id, spec_id


def handover_histograms(session: Session, scope: Scope) -> dict[Edge, list[tuple[int, int]]]:
    """Per edge, the histogram of handover minutes (one grouped query over the partial
    index of handovers)."""
    edges: dict[Edge, list[tuple[int, int]]] = defaultdict(list)
    for handed_from, department, process_id, spec_id, value, runs in session.execute(
            select(TaskRecord.handed_from, TaskRecord.department, TaskRecord.process_id,
                   TaskRecord.spec_id, TaskRecord.handover_minutes, func.count())
            .where(scope.where(), TaskRecord.handover_minutes.is_not(None))
            .group_by(TaskRecord.handed_from, TaskRecord.department, TaskRecord.process_id,
                      TaskRecord.spec_id, TaskRecord.handover_minutes)):
        edges[handed_from or "", department, process_id, spec_id].append((value or 0, runs))
    return dict(edges)


def listed_runs(session: Session, scope: Scope, *, late: bool = False,
                at_least: float | None = None, limit: int = 200
                ) -> list[tuple[TaskRecord, str]]:
    """The step's runs (scope.spec_id) that were late, or took `at_least` working
    minutes, slowest first, with their dossier's code: the database sorts and cuts."""
    where: list[ColumnElement[bool]] = [scope.where()]
    if late:
        where.append(TaskRecord.outcome == Outcome.LATE)
    if at_least is not None:
        where.append(TaskRecord.working_minutes >= at_least)
    return [(task, code) for task, code in session.execute(
        select(TaskRecord, Dossier.code).join(Dossier, Dossier.id == TaskRecord.dossier_id)
        .where(*where).order_by(TaskRecord.working_minutes.desc(),
                                TaskRecord.completed_at.desc(), TaskRecord.id)
        .limit(limit))]


def merged(histograms: Iterable[Histogram]) -> list[tuple[int, int]]:
    """Histograms added together."""
    total: dict[int, int] = defaultdict(int)
    for histogram in histograms:
        for value, runs in histogram:
            total[value] += runs
    return sorted(total.items())
