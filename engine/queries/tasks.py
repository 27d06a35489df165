"""Read models of tasks: department inboxes, one task with its form and shown data."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.calendar import DEFAULT_TZ
from engine.definitions import FieldSpec, SpecCache
from engine.errors import Hidden, NotFound
from engine.org import serving_units
from engine.queries.views import TaskView
from engine.runtime import ShownValue, shown_values, task_and_dossier
from engine.storage import Dossier, TaskRecord
from engine.vocabulary import TaskStatus


def _with_agencies(session: Session, fields: tuple[FieldSpec, ...], unit: str, on: date
                   ) -> tuple[FieldSpec, ...]:
    """The fields, a type=unit field with the units serving `unit` on day `on` as its
    choices (its default first)."""
    if not any(f.type == "unit" for f in fields):
        return fields
    try:
        return tuple(replace(f, choices=serving_units(session, unit, f.unit_kind, on))
                     if f.type == "unit" else f for f in fields)
    except NotFound:  # a unit outside the organisation: nothing serves it
        return fields


def task_view(row: TaskRecord, code: str, specs: SpecCache | None = None,
              session: Session | None = None, definition_id: int | None = None,
              unit: str = "", shown: tuple[ShownValue, ...] = ()) -> TaskView:
    fields: tuple[FieldSpec, ...] = ()
    if specs is not None and session is not None and definition_id is not None:
        info = specs.get(session, definition_id).tasks.get((row.process_id, row.spec_id))
        ready_day = row.ready_at.astimezone(ZoneInfo(DEFAULT_TZ)).date()
        fields = _with_agencies(session, info.fields, unit, ready_day) if info else ()
    return TaskView(
        id=row.id, dossier_code=code, name=row.name, spec_id=row.spec_id,
        department=row.department, status=row.status, sla=row.sla, ready_at=row.ready_at,
        due_at=row.due_at, claimed_by=row.claimed_by, claimed_at=row.claimed_at,
        completed_by=row.completed_by, completed_at=row.completed_at, outcome=row.outcome,
        fields=fields, unit=unit, received_by=row.received_by, received_at=row.received_at,
        shown=shown,
    )


def list_tasks(
    session: Session, *, department: str | None = None, unit: str | None = None,
    status: str = TaskStatus.READY, dossier: str | None = None,
) -> list[TaskView]:
    """Tasks in a state (ready by default), soonest due first; optionally only those of
    one department, unit or dossier (by code)."""
    query = (
        select(TaskRecord, Dossier.code, Dossier.unit)
        .join(Dossier, Dossier.id == TaskRecord.dossier_id)
        .where(TaskRecord.status == status)
    )
    if department:
        query = query.where(TaskRecord.department == department)
    if unit:
        query = query.where(Dossier.unit == unit)
    if dossier:
        query = query.where(Dossier.code == dossier)
    query = query.order_by(TaskRecord.due_at.is_(None), TaskRecord.due_at, TaskRecord.ready_at)
    return [task_view(row, code, unit=unit) for row, code, unit in session.execute(query)]


_TASKS, _DOSSIERS = TaskRecord.__table__.c, Dossier.__table__.c
# A Core statement built once: clients call this before every completion.
_READY_TASK_IDS = (
    select(_TASKS.id).join_from(TaskRecord.__table__, Dossier.__table__,
                                _DOSSIERS.id == _TASKS.dossier_id)
    .where(_DOSSIERS.code == bindparam("code"), _TASKS.status == TaskStatus.READY)
    .order_by(_TASKS.ready_at, _TASKS.id))


def ready_task_ids(session: Session, code: str) -> list[str]:
    """Ids of a dossier's ready tasks, oldest first (one light query)."""
    return list(session.connection().execute(_READY_TASK_IDS, {"code": code}).scalars())


def get_task(session: Session, specs: SpecCache, task_id: str,
             units: Collection[str] | None = None) -> TaskView:
    """One task with the fields its form declares (a type=unit field offering the units
    serving the dossier's unit as its choices) and, while it is ready, the values of
    the dossier's data its diagram shows on it (`show:`; only those names are read).
    With `units` (those the reader sees), a task of another unit's dossier is NotFound
    exactly as an unknown id."""
    found = task_and_dossier(session, task_id)
    if found is None or (units is not None and found[1].unit not in units):
        unknown = NotFound if found is None else Hidden
        raise unknown(f"task {task_id} does not exist", code="task_not_found", task=task_id)
    row, dossier = found
    shown: tuple[ShownValue, ...] = ()
    if row.status == TaskStatus.READY and dossier.state:
        shown = shown_values(specs.get(session, dossier.definition_id), dossier.state,
                             row.task_id, row.process_id, row.spec_id)
    return task_view(row, dossier.code, specs, session, dossier.definition_id, dossier.unit,
                     shown)


def resolve_task_id(session: Session, text: str) -> str:
    """A full task id from a unique prefix (at least 6 characters) or the id itself."""
    text = text.strip().lower()
    if session.get(TaskRecord, text) is not None:
        return text
    if len(text) < 6:
        raise NotFound(f"task {text} does not exist (give at least 6 characters of its id)",
                       code="task_id_too_short", task=text)
    ids = session.scalars(
        select(TaskRecord.id).where(TaskRecord.id.startswith(text, autoescape=True)).limit(2)
    ).all()
    if not ids:
        raise NotFound(f"task {text} does not exist", code="task_not_found", task=text)
    if len(ids) > 1:
        raise NotFound(f"task id {text} is ambiguous; give more characters",
                       code="task_id_ambiguous", task=text)
    return ids[0]


def dossier_code_of_task(session: Session, task_id: str) -> str:
    row = session.get(TaskRecord, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", code="task_not_found", task=task_id)
    return session.get_one(Dossier, row.dossier_id).code
