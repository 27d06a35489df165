"""Two parts of the dashboard besides the form's figures: each department's steps in the
period, and the trend of dossiers received and resolved by week or month.

In Vietnam's days both are summed from the day counts (engine/storage/daily_tables.py);
in another zone they are counted from the task records and dossiers. Tests hold the two
equal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.reporting.day_sums import ENDED_OTHERWISE
from engine.reporting.period import (
    _count,
    next_month,
    percentage,
    period_bounds,
    vietnamese_sort_key,
)
from engine.storage import Department, Dossier, DossierDay, TaskDay, TaskRecord
from engine.vocabulary import (
    DEFAULT_TZ,
    MAX_SUPPLEMENTS_ON_TIME,
    FinishKind,
    Outcome,
    TaskStatus,
)

WEEKLY_UP_TO = timedelta(days=92)  # a quarter or less: weekly bars, else monthly


@dataclass(frozen=True)
class DepartmentLoad:
    """A department's steps (task records) of the unit's dossiers in the period."""

    department: str
    name: str
    completed: int
    completed_late: int
    open_within: int  # not done at the period's end, due date not passed
    open_overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return percentage(self.completed - self.completed_late, self.completed)


@dataclass(frozen=True)
class TrendPoint:
    """A week or month of the period (clipped to it): dossiers newly received, and
    dossiers that got their result (finished as resolved), late ones among them."""

    start: date
    end: date
    received: int
    resolved: int
    resolved_late: int


def department_loads(session: Session, units: tuple[str, ...], start: date, end: date,
                     tz: str = DEFAULT_TZ) -> tuple[DepartmentLoad, ...]:
    """Each department's steps completed (late among them) in the period and open at
    its end (within or past their due time), in dictionary order of its name."""
    rows = (_summed_loads(session, units, start, end) if tz == DEFAULT_TZ
            else _scanned_loads(session, units, *period_bounds(start, end, tz)))
    loads = [DepartmentLoad(code, name or code, int(done), int(late),
                            int(open_) - int(overdue), int(overdue))
             for code, name, done, late, open_, overdue in rows]
    return tuple(sorted((d for d in loads if d.completed or d.open_within or d.open_overdue),
                        key=lambda d: vietnamese_sort_key(d.name)))


def _summed_loads(session: Session, units: tuple[str, ...], start: date, end: date
                  ) -> list[Any]:
    """Open at the end: became ready by then less completed by then; overdue: due and
    ready by then, less completed and due by then (daily_tables.TaskDay)."""
    t = TaskDay

    def within(column: Any) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((t.day >= start, column), else_=0)), 0)

    return list(session.execute(
        select(t.department, Department.name, within(t.done), within(t.done_late),
               func.sum(t.started - t.ended), func.sum(t.due_from - t.due_until))
        .outerjoin(Department, Department.code == t.department)
        .where(t.unit.in_(units), t.day <= end)
        .group_by(t.department, Department.name)))


def _scanned_loads(session: Session, units: tuple[str, ...], lo: datetime, hi: datetime
                   ) -> list[Any]:
    t = TaskRecord
    done = and_(t.status == TaskStatus.COMPLETED, t.completed_at >= lo, t.completed_at < hi)
    open_at_end = and_(t.ready_at < hi, or_(t.completed_at.is_(None), t.completed_at >= hi),
                       or_(t.status != TaskStatus.CANCELLED, t.completed_at.is_not(None)))
    return list(session.execute(
        select(t.department, Department.name, _count(done),
               _count(and_(done, t.outcome == Outcome.LATE)), _count(open_at_end),
               _count(and_(open_at_end, t.due_at.is_not(None), t.due_at < hi)))
        .join(Dossier, Dossier.id == t.dossier_id)
        .outerjoin(Department, Department.code == t.department)
        .where(Dossier.unit.in_(units), t.ready_at < hi,
               or_(t.completed_at.is_(None), t.completed_at >= lo))
        .group_by(t.department, Department.name)))


def buckets(start: date, end: date) -> tuple[str, list[tuple[date, date]]]:
    """("week", Monday-to-Sunday weeks) for a quarter or less, else ("month", months),
    clipped to start..end."""
    weekly = end - start <= WEEKLY_UP_TO
    found, first = [], start
    while first <= end:
        if weekly:
            last = first + timedelta(days=6 - first.weekday())
        else:
            last = next_month(first) - timedelta(days=1)
        last = min(last, end)
        found.append((first, last))
        first = last + timedelta(days=1)
    return ("week" if weekly else "month"), found


def trend(session: Session, units: tuple[str, ...], start: date, end: date,
          tz: str = DEFAULT_TZ) -> tuple[str, tuple[TrendPoint, ...]]:
    """Dossiers received, resolved and resolved late in each week or month."""
    trend_by, spans = buckets(start, end)
    if tz == DEFAULT_TZ:
        received, resolved = _summed_trend(session, units, spans)
    else:
        received, resolved = _scanned_trend(session, units, spans, tz)
    return trend_by, tuple(
        TrendPoint(first, last, int(received.get(i, 0)), *resolved.get(i, (0, 0)))
        for i, (first, last) in enumerate(spans))


def _bucket(column: Any, edges: list[Any]) -> ColumnElement[Any]:
    """The index of the bucket `column` falls in, given each bucket's exclusive end."""
    if len(edges) == 1:  # a CASE needs a WHEN
        return literal(0)
    return case(*((column < edge, i) for i, edge in enumerate(edges[:-1])),
                else_=len(edges) - 1)


def _summed_trend(session: Session, units: tuple[str, ...], spans: list[tuple[date, date]]
                  ) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    d, (start, end) = DossierDay, (spans[0][0], spans[-1][1])
    edges = [last + timedelta(days=1) for _, last in spans]
    bucket = _bucket(d.day, edges).label("b")
    received: dict[int, int] = {}
    resolved: dict[int, tuple[int, int]] = {}
    for b, got, done, late in session.execute(
            select(bucket, func.sum(d.received_online + d.received_in_person),
                   func.sum(d.resolved_early + d.resolved_on_time + d.resolved_late),
                   func.sum(d.resolved_late))
            .where(d.unit.in_(units), d.day.between(start, end)).group_by(bucket)):
        received[b], resolved[b] = int(got), (int(done), int(late))
    lo, hi = period_bounds(start, end, DEFAULT_TZ)  # the dossiers the day counts leave out
    moments = [period_bounds(first, last, DEFAULT_TZ)[1] for first, last in spans]
    for b, got in session.execute(
            select(_bucket(Dossier.received_at, moments).label("b"), func.count())
            .where(ENDED_OTHERWISE, Dossier.unit.in_(units), Dossier.finished_at >= lo,
                   Dossier.received_at >= lo, Dossier.received_at < hi).group_by("b")):
        received[b] = received.get(b, 0) + int(got)
    return received, resolved


def _scanned_trend(session: Session, units: tuple[str, ...], spans: list[tuple[date, date]],
                   tz: str) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    edges = [period_bounds(first, last, tz)[1] for first, last in spans]
    lo, hi = period_bounds(spans[0][0], spans[-1][1], tz)
    received: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
        select(_bucket(Dossier.received_at, edges).label("b"), func.count())
        .where(Dossier.unit.in_(units), Dossier.received_at >= lo, Dossier.received_at < hi)
        .group_by("b")).all())
    late = or_(Dossier.outcome == Outcome.LATE,
               Dossier.supplement_count > MAX_SUPPLEMENTS_ON_TIME)
    resolved = {r.b: (int(r.n), int(r.late)) for r in session.execute(
        select(_bucket(Dossier.finished_at, edges).label("b"), func.count().label("n"),
               _count(late).label("late"))
        .where(Dossier.unit.in_(units), Dossier.finish_kind == FinishKind.RESOLVED,
               Dossier.finished_at >= lo, Dossier.finished_at < hi)
        .group_by("b"))}
    return received, resolved
