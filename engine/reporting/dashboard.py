"""The supervisor's dashboard: the period report's figures for a unit and everything
under it, broken down by procedure, field of work, child unit and department, with a
trend by week or month, and the dossiers behind a row.

Every form figure comes from the period report's own aggregate columns
(period.counting_columns), grouped another way, so a dashboard's total equals form
II.06a's total for the same unit, period, rule and map. A few grouped queries, no loop
over dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.calendar import DEFAULT_TZ
from engine.errors import InvalidAction
from engine.org import get_unit, list_units
from engine.reporting.finished import DEFAULT_RULE, FinishedRule
from engine.reporting.period import (
    TOTAL_LABEL,
    ReportRow,
    _count,
    add_rows,
    counted_in,
    counting_columns,
    percentage,
    period_bounds,
    row_from,
    vietnamese_sort_key,
)
from engine.reporting.unit_scope import DEFAULT_MAP, MapRule, UnitScope, report_scope
from engine.runtime import MAX_SUPPLEMENTS_ON_TIME
from engine.storage import (
    Apology,
    DefinitionVersion,
    Department,
    Dossier,
    Pause,
    ProcedureVersion,
    TaskRecord,
    UnitSuccession,
)
from engine.vocabulary import FinishKind, Outcome, TaskStatus

UNCLASSIFIED = "(chưa phân loại)"
LONGEST_PERIOD = timedelta(days=366)
WEEKLY_UP_TO = timedelta(days=92)  # a quarter or less: weekly bars, else monthly
LIST_LIMIT = 500


class Preset(StrEnum):
    """The periods a supervisor picks with one click, up to today."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


def preset_period(preset: Preset, today: date) -> tuple[date, date]:
    """This month, quarter, half-year or year, from its first day to `today` (figures
    are counted as things stand at the period's end, so it never ends in the future)."""
    first_month = {Preset.MONTH: today.month,
                   Preset.QUARTER: (today.month - 1) // 3 * 3 + 1,
                   Preset.HALF: 1 if today.month <= 6 else 7,
                   Preset.YEAR: 1}[preset]
    return today.replace(month=first_month, day=1), today


@dataclass(frozen=True)
class Figures:
    """One row of the dashboard: `key` (a procedure code, field of work, unit or '' for
    the total) with the form's figures and two counts the form lacks."""

    key: str
    label: str
    row: ReportRow
    supplemented: int  # dossiers asked to supplement during the period
    apologised: int  # dossiers apologised for during the period
    link: bool = True  # a level down exists (not the unit's own dossiers)
    process_key: str = ""  # a procedure row's diagram: its steps' timing is a level down

    @property
    def received_new(self) -> int:
        return self.row.received_online + self.row.received_in_person

    @property
    def online_share(self) -> float | None:
        """Online ÷ newly received (carried-over dossiers have no channel in the form)."""
        return percentage(self.row.received_online, self.received_new)


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


@dataclass(frozen=True)
class Dashboard:
    unit: str
    unit_name: str
    start: date
    end: date
    finished_as: FinishedRule
    scope: UnitScope
    total: Figures
    by_procedure: tuple[Figures, ...]
    by_field: tuple[Figures, ...]
    by_unit: tuple[Figures, ...]
    by_department: tuple[DepartmentLoad, ...]
    trend_by: str  # "week" or "month"
    trend: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class DossierLine:
    """A dossier behind a dashboard row."""

    code: str
    unit: str
    procedure: str
    field_of_work: str
    received_at: datetime
    appointment_at: datetime | None
    finished_at: datetime | None
    finish_kind: str | None
    outcome: str | None
    status: str


def check_period(start: date, end: date) -> None:
    """InvalidAction unless start..end is a period the dashboard shows (at most a year)."""
    if start > end:
        raise InvalidAction(f"the period starts ({start:%d/%m/%Y}) after it ends "
                            f"({end:%d/%m/%Y})")
    if end - start > LONGEST_PERIOD:
        raise InvalidAction("the period is longer than a year")


def _extra_columns(lo: datetime, hi: datetime) -> list[ColumnElement[Any]]:
    asked = select(Pause.dossier_id).where(Pause.started_at >= lo, Pause.started_at < hi)
    sorry = select(Apology.dossier_id).where(Apology.at >= lo, Apology.at < hi)
    return [_count(Dossier.id.in_(asked)).label("supplemented"),
            _count(Dossier.id.in_(sorry)).label("apologised")]


Counts = tuple[ReportRow, int, int]  # the form's row, supplemented, apologised


def _grouped(session: Session, units: tuple[str, ...], lo: datetime, hi: datetime,
             rule: FinishedRule) -> list[tuple[str, str, str, Counts]]:
    """(procedure, field of work, unit, counts) of every combination that has dossiers:
    one scan, which each breakdown then adds up its own way."""
    procedure = func.coalesce(Dossier.procedure_code, Dossier.process_key)
    query = (select(procedure.label("procedure"), Dossier.field_of_work, Dossier.unit,
                    *counting_columns(rule, lo, hi), *_extra_columns(lo, hi))
             .select_from(Dossier).where(*counted_in(units, lo, hi))
             .group_by(procedure, Dossier.field_of_work, Dossier.unit))
    return [(r.procedure or "", r.field_of_work or "", r.unit,
             (row_from("", r._mapping), int(r.supplemented), int(r.apologised)))
            for r in session.execute(query)]


def _by(groups: list[tuple[str, str, str, Counts]], index: int) -> dict[str, list[Counts]]:
    parts: dict[str, list[Counts]] = {}
    for procedure, field, unit, counts in groups:
        parts.setdefault((procedure, field, unit)[index], []).append(counts)
    return parts


def _figures(key: str, label: str, parts: list[Counts],
             link: bool = True) -> Figures:
    return Figures(key, label, add_rows(label, [p[0] for p in parts]),
                   sum(p[1] for p in parts), sum(p[2] for p in parts), link)


def _process_keys(session: Session, keys: list[str]) -> dict[str, str]:
    """Each procedure row's diagram (its process key): the key itself, or the catalog
    entry's for a national procedure code."""
    found = {key: key for key in session.scalars(
        select(DefinitionVersion.key).where(DefinitionVersion.key.in_(keys)))}
    found.update((code, key) for code, key in session.execute(
        select(ProcedureVersion.code, ProcedureVersion.process_key)
        .where(ProcedureVersion.code.in_(keys))))
    return found


def _procedure_names(session: Session, keys: list[str]) -> dict[str, str]:
    names = {key: name for key, name in session.execute(
        select(DefinitionVersion.key, DefinitionVersion.name)
        .where(DefinitionVersion.key.in_(keys)).order_by(DefinitionVersion.version))}
    names.update(session.execute(
        select(ProcedureVersion.code, ProcedureVersion.name)
        .where(ProcedureVersion.code.in_(keys)).order_by(ProcedureVersion.version)).all())
    return names


def child_units(session: Session, unit: str, start: date, end: date, rule: MapRule
                ) -> dict[str, tuple[str, str]]:
    """Each unit counted under `unit` -> (child code, child name) of the child it is
    counted with: the units directly below `unit` (as today: those in force at the
    period's end, with what they carried over; as then: those of the period)."""
    every = list_units(session)
    below: dict[str | None, list[str]] = {}
    for u in every:
        below.setdefault(u.parent_code, []).append(u.code)
    if rule == MapRule.AS_TODAY:  # a successor answers for what it carried over
        for old, new in session.execute(
                select(UnitSuccession.predecessor_code, UnitSuccession.successor_code)
                .where(UnitSuccession.carried_over.is_(True))):
            below.setdefault(new, []).append(old)
    children = [u for u in every if u.parent_code == unit and (
        u.in_force(end) if rule == MapRule.AS_TODAY
        else (u.valid_from is None or u.valid_from <= end)
        and (u.valid_to is None or u.valid_to >= start))]
    owner: dict[str, tuple[str, str]] = {}
    for child in children:
        todo = [child.code]
        while todo:
            code = todo.pop()
            if code not in owner:
                owner[code] = (child.code, child.name)
                todo.extend(below.get(code, []))
    return owner


def _procedures(session: Session, by_procedure: dict[str, list[Counts]]
                ) -> tuple[Figures, ...]:
    """The rows by procedure, named and linked to their diagrams, in dictionary order."""
    names = _procedure_names(session, list(by_procedure))
    diagrams = _process_keys(session, list(by_procedure))
    return tuple(sorted((replace(_figures(k, names.get(k, k or UNCLASSIFIED), v),
                                 process_key=diagrams.get(k, ""))
                         for k, v in by_procedure.items()),
                        key=lambda f: vietnamese_sort_key(f.label)))


@dataclass(frozen=True)
class ProcedureFigures:
    """The dashboard's total and rows by procedure alone (what the indicators need)."""

    start: date
    end: date
    units: tuple[str, ...]
    total: Figures
    by_procedure: tuple[Figures, ...]


def procedure_figures(session: Session, *, unit: str, start: date, end: date,
                      tz: str = DEFAULT_TZ, finished_as: FinishedRule = DEFAULT_RULE,
                      unit_map: MapRule = DEFAULT_MAP) -> ProcedureFigures:
    """The figures of `unit` by procedure, counted as the dashboard counts them, without
    its other breakdowns and trend (one grouped query)."""
    check_period(start, end)
    scope = report_scope(session, unit, start, end, unit_map)
    lo, hi = period_bounds(start, end, tz)
    groups = _grouped(session, scope.units, lo, hi, finished_as)
    return ProcedureFigures(start, end, tuple(scope.units),
                            _figures("", TOTAL_LABEL, [group[3] for group in groups]),
                            _procedures(session, _by(groups, 0)))


def build_dashboard(session: Session, *, unit: str, start: date, end: date, tz: str = DEFAULT_TZ,
              finished_as: FinishedRule = DEFAULT_RULE, unit_map: MapRule = DEFAULT_MAP
              ) -> Dashboard:
    """The dashboard of `unit` and every unit under it for local dates start..end (at
    most a year). NotFound for an unknown unit, InvalidAction for a bad period."""
    check_period(start, end)
    home = get_unit(session, unit)
    scope = report_scope(session, unit, start, end, unit_map)
    units, (lo, hi) = scope.units, period_bounds(start, end, tz)

    groups = _grouped(session, units, lo, hi, finished_as)
    by_field, by_unit = _by(groups, 1), _by(groups, 2)
    procedures = _procedures(session, _by(groups, 0))
    fields = sorted((_figures(k, k or UNCLASSIFIED, v) for k, v in by_field.items()),
                    key=lambda f: vietnamese_sort_key(f.label))
    owner = child_units(session, unit, start, end, unit_map)
    under: dict[tuple[str, str], list[Counts]] = {}
    for code, parts in by_unit.items():
        under.setdefault(owner.get(code, (home.code, home.name)), []).extend(parts)
    children = sorted((_figures(code, name, parts, link=code != home.code)
                       for (code, name), parts in under.items()),
                      key=lambda f: (not f.link, vietnamese_sort_key(f.label)))
    total = _figures("", TOTAL_LABEL, [group[3] for group in groups])
    trend_by, trend = _trend(session, units, start, end, tz)
    return Dashboard(home.code, home.name, start, end, finished_as, scope, total,
                     procedures, tuple(fields), tuple(children),
                     _departments(session, units, lo, hi), trend_by, trend)


def _departments(session: Session, units: tuple[str, ...], lo: datetime, hi: datetime
                 ) -> tuple[DepartmentLoad, ...]:
    t = TaskRecord
    done = and_(t.status == TaskStatus.COMPLETED, t.completed_at >= lo, t.completed_at < hi)
    open_at_end = and_(t.ready_at < hi, or_(t.completed_at.is_(None), t.completed_at >= hi),
                       or_(t.status != TaskStatus.CANCELLED, t.completed_at.is_not(None)))
    overdue = and_(t.due_at.is_not(None), t.due_at < hi)
    query = (select(t.department, Department.name,
                    _count(done).label("done"),
                    _count(and_(done, t.outcome == Outcome.LATE)).label("late"),
                    _count(and_(open_at_end, or_(t.due_at.is_(None), t.due_at >= hi))
                           ).label("within"),
                    _count(and_(open_at_end, overdue)).label("overdue"))
             .join(Dossier, Dossier.id == t.dossier_id)
             .outerjoin(Department, Department.code == t.department)
             .where(Dossier.unit.in_(units), t.ready_at < hi,
                    or_(t.completed_at.is_(None), t.completed_at >= lo))
             .group_by(t.department, Department.name))
    loads = [DepartmentLoad(r.department, r.name or r.department, int(r.done), int(r.late),
                            int(r.within), int(r.overdue)) for r in session.execute(query)]
    return tuple(sorted((d for d in loads if d.completed or d.open_within or d.open_overdue),
                        key=lambda d: vietnamese_sort_key(d.name)))


def _buckets(start: date, end: date) -> tuple[str, list[tuple[date, date]]]:
    weekly = end - start <= WEEKLY_UP_TO
    buckets, first = [], start
    while first <= end:
        if weekly:  # calendar weeks, Monday to Sunday
            last = first + timedelta(days=6 - first.weekday())
        else:
            following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            last = following - timedelta(days=1)
        last = min(last, end)
        buckets.append((first, last))
        first = last + timedelta(days=1)
    return ("week" if weekly else "month"), buckets


def _trend(session: Session, units: tuple[str, ...], start: date, end: date, tz: str
           ) -> tuple[str, tuple[TrendPoint, ...]]:
    trend_by, buckets = _buckets(start, end)
    edges = [period_bounds(first, last, tz)[1] for first, last in buckets]
    lo, hi = period_bounds(start, end, tz)

    def bucket(column: Any) -> ColumnElement[Any]:
        return case(*((column < edge, i) for i, edge in enumerate(edges[:-1])),
                    else_=len(edges) - 1)

    received: dict[int, int] = dict(session.execute(
        select(bucket(Dossier.received_at).label("b"), func.count())
        .where(Dossier.unit.in_(units), Dossier.received_at >= lo, Dossier.received_at < hi)
        .group_by("b")).all())
    late = or_(Dossier.outcome == Outcome.LATE,
               Dossier.supplement_count > MAX_SUPPLEMENTS_ON_TIME)
    resolved = {r.b: (int(r.n), int(r.late)) for r in session.execute(
        select(bucket(Dossier.finished_at).label("b"), func.count().label("n"),
               _count(late).label("late"))
        .where(Dossier.unit.in_(units), Dossier.finish_kind == FinishKind.RESOLVED,
               Dossier.finished_at >= lo, Dossier.finished_at < hi)
        .group_by("b"))}
    return trend_by, tuple(
        TrendPoint(first, last, int(received.get(i, 0)), *resolved.get(i, (0, 0)))
        for i, (first, last) in enumerate(buckets))


def dossier_lines(session: Session, *, unit: str, start: date, end: date,
                  tz: str = DEFAULT_TZ, unit_map: MapRule = DEFAULT_MAP,
                  procedure: str | None = None, field_of_work: str | None = None,
                  child: str | None = None, limit: int = LIST_LIMIT
                  ) -> tuple[tuple[DossierLine, ...], int]:
    """The dossiers a dashboard row of `unit` counts (the period report's dossiers, of
    one procedure, field of work or child unit), newest first, at most `limit`; and how
    many there are."""
    check_period(start, end)
    units = report_scope(session, unit, start, end, unit_map).units
    if child is not None:
        owner = child_units(session, unit, start, end, unit_map)
        units = tuple(code for code in units if owner.get(code, (unit,))[0] == child)
    lo, hi = period_bounds(start, end, tz)
    where = list(counted_in(units, lo, hi))
    if procedure is not None:
        where.append(func.coalesce(Dossier.procedure_code, Dossier.process_key) == procedure)
    if field_of_work is not None:
        where.append(Dossier.field_of_work == field_of_work)
    count = session.scalar(select(func.count()).select_from(Dossier).where(*where)) or 0
    rows = session.execute(
        select(Dossier.code, Dossier.unit, func.coalesce(Dossier.procedure_code,
                                                         Dossier.process_key),
               Dossier.field_of_work, Dossier.received_at, Dossier.appointment_at,
               Dossier.finished_at, Dossier.finish_kind, Dossier.outcome, Dossier.status)
        .where(*where).order_by(Dossier.received_at.desc(), Dossier.id.desc())
        .limit(limit))
    return tuple(DossierLine(code, u, proc or "", field or "", received, appointment,
                             finished, kind and str(kind), outcome and str(outcome),
                             str(status))
                 for code, u, proc, field, received, appointment, finished, kind, outcome,
                 status in rows), count
