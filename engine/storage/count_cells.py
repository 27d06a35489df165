"""What each dossier and task record counts in the day and month counts
(daily_tables.py): the (table, key, column) cells and the amount it adds to each,
worked out from its own column values alone (day_counts.py keeps the tables with them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage.daily_tables import NO_MONTH, DossierDay, HandoverMonth, StepMonth, TaskDay
from engine.storage.models import Base
from engine.storage.org_tables import Unit
from engine.vocabulary import (
    DEFAULT_TZ,
    MAX_SUPPLEMENTS_ON_TIME,
    Channel,
    FinishKind,
    Outcome,
    TaskStatus,
)

ZONE = ZoneInfo(DEFAULT_TZ)
DOSSIER_COLUMNS = ("unit", "procedure_code", "process_key", "field_of_work", "channel",
                   "received_at", "finished_at", "finish_kind", "outcome", "supplement_count",
                   "original_appointment_at", "appointment_at")
TASK_COLUMNS = ("dossier_id", "department", "status", "ready_at", "completed_at", "due_at",
                "outcome", "unit", "dossier_definition_id", "process_id", "spec_id",
                "working_minutes", "waiting_minutes", "previous_completed_at",
                "handover_minutes", "handed_from")
DOSSIER_KEY = ("unit", "procedure", "field_of_work", "day")
TASK_KEY = ("unit", "department", "day")
STEP_KEY = ("root", "definition_id", "process_id", "spec_id", "month", "minutes",
            "previous_month")
HANDOVER_KEY = ("root", "definition_id", "process_id", "spec_id", "month", "handed_from",
                "department", "minutes")
KEYS: dict[type[Base], tuple[str, ...]] = {
    DossierDay: DOSSIER_KEY, TaskDay: TASK_KEY, StepMonth: STEP_KEY,
    HandoverMonth: HANDOVER_KEY}

Cell = tuple[type[Base], tuple[Any, ...], str]  # table, key, column


def local_day(at: datetime) -> date:
    """The day in Vietnam an instant falls on: the days every count is kept by."""
    return at.astimezone(ZONE).date()


def local_month(at: datetime) -> date:
    """The first day of the month in Vietnam an instant falls in."""
    return local_day(at).replace(day=1)


def dossier_key(v: Mapping[str, Any]) -> tuple[str, str, str]:
    """A dossier's unit, procedure (code, else process key) and field of work."""
    procedure = v.get("procedure_code") or v.get("process_key") or ""
    return v["unit"], procedure, v.get("field_of_work") or ""


def event_cells(dossier: Mapping[str, Any], at: datetime | None, column: str
                ) -> Counter[Cell]:
    """A supplement request or an apology of the dossier, on its day."""
    if at is None:
        return Counter()
    return Counter({(DossierDay, (*dossier_key(dossier), local_day(at)), column): 1})


def dossier_cells(v: Mapping[str, Any]) -> Counter[Cell]:
    """The cells a dossier with these column values counts in. A dossier that ended
    otherwise than resolved counts in none (reports read those from the dossiers)."""
    received, finished = v.get("received_at"), v.get("finished_at")
    if received is None or (finished is not None and v.get("finish_kind") != FinishKind.RESOLVED):
        return Counter()
    key = dossier_key(v)
    channel = "received_online" if v.get("channel") == Channel.ONLINE else "received_in_person"
    cells: list[Cell] = [(DossierDay, (*key, local_day(received)), channel)]
    deadline = v.get("original_appointment_at") or v.get("appointment_at")
    if finished is not None:
        many = (v.get("supplement_count") or 0) > MAX_SUPPLEMENTS_ON_TIME
        kind = ("resolved_late" if v.get("outcome") == Outcome.LATE or many else
                "resolved_early" if v.get("outcome") == Outcome.EARLY else "resolved_on_time")
        cells.append((DossierDay, (*key, local_day(finished)), kind))
    if deadline is not None:
        cells.append((DossierDay, (*key, local_day(max(received, deadline))), "deadline_from"))
        if finished is not None:
            cells.append((DossierDay, (*key, local_day(max(finished, deadline))),
                          "deadline_until"))
    return Counter(cells)


def task_cells(v: Mapping[str, Any], unit: str, root: str) -> Counter[Cell]:
    """The cells a task record of a dossier of `unit` (under the top unit `root`) counts
    in; none if it was cancelled without being completed."""
    ready, completed, due = v.get("ready_at"), v.get("completed_at"), v.get("due_at")
    if ready is None or (v.get("status") == TaskStatus.CANCELLED and completed is None):
        return Counter()
    key = (unit, v["department"])
    cells: list[Cell] = [(TaskDay, (*key, local_day(ready)), "started")]
    if completed is not None:
        cells.append((TaskDay, (*key, local_day(completed)), "ended"))
        if v.get("status") == TaskStatus.COMPLETED:
            cells.append((TaskDay, (*key, local_day(completed)), "done"))
            if v.get("outcome") == Outcome.LATE:
                cells.append((TaskDay, (*key, local_day(completed)), "done_late"))
    if due is not None:
        cells.append((TaskDay, (*key, local_day(max(ready, due))), "due_from"))
        if completed is not None:
            cells.append((TaskDay, (*key, local_day(max(completed, due))), "due_until"))
    counted = Counter(cells)
    if completed is not None and v.get("status") == TaskStatus.COMPLETED:
        counted.update(_month_cells(v, completed, root))
    return counted


def _month_cells(v: Mapping[str, Any], completed: datetime, root: str) -> Counter[Cell]:
    """A completed step's place in the step audit's monthly histograms."""
    minutes, version = v.get("working_minutes"), v.get("dossier_definition_id")
    if minutes is None or version is None:
        return Counter()
    month, before = local_month(completed), v.get("previous_completed_at")
    step = (root, version, v.get("process_id") or "", v.get("spec_id") or "", month)
    key = (*step, minutes, local_month(before) if before is not None else NO_MONTH)
    counted: Counter[Cell] = Counter({(StepMonth, key, "runs"): 1,
                       (StepMonth, key, "waiting"): v.get("waiting_minutes") or 0})
    if v.get("outcome") == Outcome.LATE:
        counted[(StepMonth, key, "late")] = 1
    if v.get("handover_minutes") is not None:
        edge = (*step, v.get("handed_from") or "", v.get("department") or "",
                v["handover_minutes"])
        counted[(HandoverMonth, edge, "runs")] = 1
    return counted


def unit_root(session: Session, code: str) -> str:
    """The top unit above `code` (itself if it has no parent)."""
    seen = {code}
    with session.no_autoflush:
        unit = session.get(Unit, code)
        while unit is not None and unit.parent_code and unit.parent_code not in seen:
            seen.add(unit.parent_code)
            code, unit = unit.parent_code, session.get(Unit, unit.parent_code)
    return code


def unit_roots(session: Session) -> dict[str, str]:
    """Every unit's top unit."""
    parents: dict[str, str | None] = {
        code: parent for code, parent in session.execute(select(Unit.code, Unit.parent_code))}
    roots = {}
    for code in parents:
        top, seen = code, {code}
        while parents.get(top) and parents[top] not in seen:
            top = parents[top] or top
            seen.add(top)
        roots[code] = top
    return roots


