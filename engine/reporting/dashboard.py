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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar import DEFAULT_TZ
from engine.errors import InvalidAction
from engine.org import get_unit, list_units
from engine.reporting.day_sums import Counts, Key, grouped_counts
from engine.reporting.finished import DEFAULT_RULE, FinishedRule
from engine.reporting.loads import DepartmentLoad, TrendPoint, department_loads, trend
from engine.reporting.period import (
    TOTAL_LABEL,
    ReportRow,
    add_rows,
    counted_in,
    percentage,
    period_bounds,
    vietnamese_sort_key,
)
from engine.reporting.unit_scope import DEFAULT_MAP, MapRule, UnitScope, report_scope
from engine.storage import DefinitionVersion, Dossier, ProcedureVersion, UnitSuccession

UNCLASSIFIED = "(chưa phân loại)"
LONGEST_PERIOD = timedelta(days=366)
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
    supplemented: int  # supplement requests made during the period
    apologised: int  # apologies signed during the period
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


def _by(groups: list[tuple[Key, Counts]], index: int) -> dict[str, list[Counts]]:
    parts: dict[str, list[Counts]] = {}
    for key, counts in groups:
        parts.setdefault(key[index], []).append(counts)
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
    groups = grouped_counts(session, scope.units, start, end, finished_as, tz)
    return ProcedureFigures(start, end, tuple(scope.units),
                            _figures("", TOTAL_LABEL, [group[1] for group in groups]),
                            _procedures(session, _by(groups, 0)))


def build_dashboard(session: Session, *, unit: str, start: date, end: date, tz: str = DEFAULT_TZ,
              finished_as: FinishedRule = DEFAULT_RULE, unit_map: MapRule = DEFAULT_MAP
              ) -> Dashboard:
    """The dashboard of `unit` and every unit under it for local dates start..end (at
    most a year). NotFound for an unknown unit, InvalidAction for a bad period."""
    check_period(start, end)
    home = get_unit(session, unit)
    scope = report_scope(session, unit, start, end, unit_map)
    units = scope.units
    groups = grouped_counts(session, units, start, end, finished_as, tz)
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
    total = _figures("", TOTAL_LABEL, [group[1] for group in groups])
    trend_by, points = trend(session, units, start, end, tz)
    return Dashboard(home.code, home.name, start, end, finished_as, scope, total,
                     procedures, tuple(fields), tuple(children),
                     department_loads(session, units, start, end, tz), trend_by, points)


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
