"""The period report's counts of some units, by procedure, field of work and unit: what
the dashboard adds up its own ways (docs/report.md, "How the dashboard adds up").

Two ways to the same figures. In Vietnam's days (the usual case) they are summed from
the day counts the runtime keeps (engine/storage/daily_tables.py) for the dossiers that
were resolved or are still open, and read from the dossier table for the few that ended
otherwise (withdrawn, refused, stopped) and for those waiting for the citizen at the
period's end; a year of a city is summed from about as many rows as it has unit-days.
In any other zone they are counted from the dossier table alone (`counting_columns`).
Tests hold the two equal."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.reporting.finished import FinishedRule
from engine.reporting.period import (
    ReportRow,
    _make,
    add_rows,
    counted_in,
    counting_columns,
    period_bounds,
    row_from,
)
from engine.storage import Apology, Dossier, DossierDay, Pause
from engine.vocabulary import DEFAULT_TZ, FinishKind

Counts = tuple[ReportRow, int, int]  # the form's row, supplemented, apologised
Key = tuple[str, str, str]  # procedure, field of work, unit
PROCEDURE = func.coalesce(Dossier.procedure_code, Dossier.process_key)
# Ended, and not as resolved: not in the day counts.
ENDED_OTHERWISE = and_(Dossier.finished_at.is_not(None), or_(
    Dossier.finish_kind.is_(None), Dossier.finish_kind.in_(
        (FinishKind.WITHDRAWN, FinishKind.REFUSED, FinishKind.STOPPED))))


def grouped_counts(session: Session, units: tuple[str, ...], start: date, end: date,
                   rule: FinishedRule, tz: str = DEFAULT_TZ) -> list[tuple[Key, Counts]]:
    """(procedure, field of work, unit) -> counts of every combination with dossiers in
    the report of `units` for local dates start..end."""
    lo, hi = period_bounds(start, end, tz)
    rows: dict[Key, list[ReportRow]] = defaultdict(list)
    extras: dict[Key, tuple[int, int]] = {}
    if tz == DEFAULT_TZ:
        for key, row, requests in _summed(session, units, start, end, hi):
            rows[key].append(row)
            extras[key] = requests
    else:
        extras = _extras(session, units, lo, hi)
    for key, row in _scanned(session, units, lo, hi, rule,
                             (ENDED_OTHERWISE,) if tz == DEFAULT_TZ else ()):
        rows[key].append(row)
    found = []
    for key, parts in rows.items():
        row = add_rows(key[1], parts)
        supplemented, apologised = extras.get(key, (0, 0))
        if row.received_total or row.withdrawn or row.refused or row.stopped:
            found.append((key, (row, supplemented, apologised)))
    return found


def _between(column: Any, start: date, end: date) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((DossierDay.day.between(start, end), column),
                                       else_=0)), 0)


def _summed(session: Session, units: tuple[str, ...], start: date, end: date,
            hi: datetime) -> list[tuple[Key, ReportRow, tuple[int, int]]]:
    """The rows of the dossiers resolved or still open, from the day counts: those
    received before the period and not resolved before it were carried over; those
    received by its end and not resolved by then are in progress, overdue when their
    deadline passed by then (unless they wait for the citizen at the end)."""
    d = DossierDay
    received = d.received_online + d.received_in_person
    resolved = d.resolved_early + d.resolved_on_time + d.resolved_late
    query = (select(d.procedure, d.field_of_work, d.unit,
                    func.sum(case((d.day < start, received - resolved), else_=0)
                             ).label("carried"),
                    _between(d.received_online, start, end).label("online"),
                    _between(d.received_in_person, start, end).label("in_person"),
                    _between(d.resolved_early, start, end).label("early"),
                    _between(d.resolved_on_time, start, end).label("on_time"),
                    _between(d.resolved_late, start, end).label("late"),
                    func.sum(received - resolved).label("open"),
                    func.sum(d.deadline_from - d.deadline_until).label("overdue"),
                    _between(d.supplement_requests, start, end).label("requests"),
                    _between(d.apologies, start, end).label("apologies"))
             .where(d.unit.in_(units), d.day <= end)
             .group_by(d.procedure, d.field_of_work, d.unit))
    waiting = _waiting_overdue(session, units, hi)
    found = []
    for r in session.execute(query):
        key = (r.procedure, r.field_of_work, r.unit)
        overdue = int(r.overdue) - waiting.get(key, 0)
        found.append((key, _make(
            r.field_of_work, carried_over=int(r.carried), received_online=int(r.online),
            received_in_person=int(r.in_person), resolved_early=int(r.early),
            resolved_on_time=int(r.on_time), resolved_late=int(r.late),
            in_progress_within=int(r.open) - overdue, in_progress_overdue=overdue,
            withdrawn=0, refused=0, stopped=0), (int(r.requests), int(r.apologies))))
    return found


def _waiting_overdue(session: Session, units: tuple[str, ...], hi: datetime
                     ) -> dict[Key, int]:
    """Dossiers of the day counts in progress at `hi` past their deadline but waiting
    for the citizen then: within the time limit after all (the clock stands still)."""
    deadline = func.coalesce(Dossier.original_appointment_at, Dossier.appointment_at)
    waiting = select(Pause.dossier_id).where(
        Pause.started_at < hi, or_(Pause.ended_at.is_(None), Pause.ended_at >= hi))
    query = (select(PROCEDURE, Dossier.field_of_work, Dossier.unit, func.count())
             .where(Dossier.id.in_(waiting), Dossier.unit.in_(units),
                    Dossier.received_at < hi, deadline < hi,
                    or_(Dossier.finished_at.is_(None),
                        and_(Dossier.finish_kind == FinishKind.RESOLVED,
                             Dossier.finished_at >= hi)))
             .group_by(PROCEDURE, Dossier.field_of_work, Dossier.unit))
    return {(p or "", f or "", u): int(n) for p, f, u, n in session.execute(query)}


def _scanned(session: Session, units: tuple[str, ...], lo: datetime, hi: datetime,
             rule: FinishedRule, only: tuple[ColumnElement[bool], ...]
             ) -> list[tuple[Key, ReportRow]]:
    """The form's rows counted from the dossier table (those matching `only`)."""
    query = (select(PROCEDURE.label("procedure"), Dossier.field_of_work, Dossier.unit,
                    *counting_columns(rule, lo, hi))
             .select_from(Dossier).where(*counted_in(units, lo, hi), *only)
             .group_by(PROCEDURE, Dossier.field_of_work, Dossier.unit))
    return [((r.procedure or "", r.field_of_work or "", r.unit), row_from("", r._mapping))
            for r in session.execute(query)]


def _extras(session: Session, units: tuple[str, ...], lo: datetime, hi: datetime
            ) -> dict[Key, tuple[int, int]]:
    """Supplement requests and apologies of the units' dossiers made in the period,
    counted from their tables (the day counts keep the same two counts)."""
    found: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for index, (table, of, at) in enumerate(((Pause, Pause.dossier_id, Pause.started_at),
                                             (Apology, Apology.dossier_id, Apology.at))):
        query = (select(PROCEDURE, Dossier.field_of_work, Dossier.unit, func.count())
                 .select_from(table).join(Dossier, Dossier.id == of)
                 .where(Dossier.unit.in_(units), at >= lo, at < hi)
                 .group_by(PROCEDURE, Dossier.field_of_work, Dossier.unit))
        for p, f, u, n in session.execute(query):
            found[p or "", f or "", u][index] = int(n)
    return {key: (a, b) for key, (a, b) in found.items()}
