"""Keeping the day counts (daily_tables.py) true in the transaction that changes what
they count.

Each dossier and task record counts +1 in a few (key, day, column) cells, worked out
from its own columns by `dossier_cells` and `task_cells`. Whenever a row is written,
the cells of its old values are taken away and those of its new values added, as one
row of differences in the same transaction: by the journal's few-statement writes
(journal.py calls `changed_cells`) and, for rows the ORM flushes, by a flush hook. A
rolled-back savepoint takes its differences with it. `rebuild_day_counts` writes the
tables afresh from the dossiers and task records (a migration, or rows written by
hand); `compact_day_counts` merges each key's rows into one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, func, insert, inspect, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from engine.storage.daily_tables import DossierDay, TaskDay
from engine.storage.models import Base, Dossier, TaskRecord
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
                "outcome")
DOSSIER_KEY = ("unit", "procedure", "field_of_work", "day")
TASK_KEY = ("unit", "department", "day")
KEYS: dict[type[Base], tuple[str, ...]] = {DossierDay: DOSSIER_KEY, TaskDay: TASK_KEY}

Cell = tuple[type[Base], tuple[Any, ...], str]  # table, key (day last), column


def local_day(at: datetime) -> date:
    """The day in Vietnam an instant falls on: the days every count is kept by."""
    return at.astimezone(ZONE).date()


def dossier_cells(v: Mapping[str, Any]) -> list[Cell]:
    """The cells a dossier with these column values counts in. A dossier that ended
    otherwise than resolved counts in none (reports read those from the dossiers)."""
    received, finished = v.get("received_at"), v.get("finished_at")
    if received is None or (finished is not None and v.get("finish_kind") != FinishKind.RESOLVED):
        return []
    procedure = v.get("procedure_code") or v.get("process_key") or ""
    key = (v["unit"], procedure, v.get("field_of_work") or "")
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
    return cells


def task_cells(v: Mapping[str, Any], unit: str) -> list[Cell]:
    """The cells a task record of a dossier of `unit` counts in; none if it was
    cancelled without being completed."""
    ready, completed, due = v.get("ready_at"), v.get("completed_at"), v.get("due_at")
    if ready is None or (v.get("status") == TaskStatus.CANCELLED and completed is None):
        return []
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
    return cells


def _cells(session: Session, model: type[Base], values: Mapping[str, Any] | None
           ) -> list[Cell]:
    if values is None:
        return []
    if model is Dossier:
        return dossier_cells(values)
    with session.no_autoflush:
        dossier = session.get(Dossier, values["dossier_id"])
    return task_cells(values, dossier.unit) if dossier is not None else []


def changed_cells(session: Session, model: type[Base], old: Mapping[str, Any] | None,
                  new: Mapping[str, Any] | None) -> list[tuple[type[Base], dict[str, Any]]]:
    """The rows of differences (table, values) a change of one dossier or task record
    from `old` to `new` column values (None: it did not exist / no longer exists) makes;
    none for other tables or a change that moves no count."""
    if model not in (Dossier, TaskRecord):
        return []
    delta: Counter[Cell] = Counter(_cells(session, model, new))
    delta.subtract(_cells(session, model, old))
    return _rows(delta)


def _rows(delta: Mapping[Cell, int]) -> list[tuple[type[Base], dict[str, Any]]]:
    rows: dict[tuple[type[Base], tuple[Any, ...]], dict[str, Any]] = {}
    for (table, key, column), n in sorted(delta.items(), key=lambda item: repr(item[0])):
        if n:
            row = rows.setdefault((table, key), _empty(table, key))
            row[column] = n
    return [(table, row) for (table, _), row in rows.items()]


def _empty(table: type[Base], key: tuple[Any, ...]) -> dict[str, Any]:
    """A row of `key` with every count 0 (executemany takes rows of one shape)."""
    counts = {c.key: 0 for c in inspect(table).column_attrs
              if c.key not in KEYS[table] and c.key != "id"}
    return {**dict(zip(KEYS[table], key, strict=True)), **counts}


def counted_values(obj: Base, old: bool = False) -> dict[str, Any] | None:
    """The counted column values of a dossier or task record now, or as the database
    holds them (`old`: before the changes not written yet); None for other objects."""
    model = type(obj)
    if model not in (Dossier, TaskRecord):
        return None
    state = inspect(obj)
    found = {}
    for name in _columns(model):
        history = state.attrs[name].history
        if old and history.deleted:
            found[name] = history.deleted[0]
        elif old and history.added and not history.unchanged:
            found[name] = None  # was None (set listeners load any other old value)
        else:
            value = state.dict.get(name, NO_VALUE)
            found[name] = getattr(obj, name) if value is NO_VALUE else value
    return found


def _columns(model: type[Base]) -> tuple[str, ...]:
    return DOSSIER_COLUMNS if model is Dossier else TASK_COLUMNS


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Count the dossiers and task records the ORM is about to write."""
    rows: list[tuple[type[Base], dict[str, Any]]] = []
    for obj in [*session.new, *session.dirty, *session.deleted]:
        model = type(obj)
        if model not in (Dossier, TaskRecord):
            continue
        old = None if inspect(obj).pending else counted_values(obj, old=True)
        new = None if obj in session.deleted else counted_values(obj)
        rows += changed_cells(session, model, old, new)
    write_rows(session, rows)


def write_rows(session: Session, rows: list[tuple[type[Base], dict[str, Any]]]) -> None:
    """Insert rows of differences now, one statement per table."""
    connection = session.connection()
    for table in (DossierDay, TaskDay):
        batch = [values for t, values in rows if t is table]
        if batch:
            connection.execute(insert(table), batch)


def _keep_old_value(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


event.listen(Session, "before_flush", _before_flush)
# A counted column set on an expired object loads its old value first, so the
# difference it makes is known (the ORM would otherwise overwrite it unseen).
for _model in (Dossier, TaskRecord):
    for _name in _columns(_model):
        event.listen(getattr(_model, _name), "set", _keep_old_value, active_history=True)


def rebuild_day_counts(session: Session, batch: int = 20_000) -> int:
    """Write the day counts afresh from every dossier and task record (one row per
    key); how many rows."""
    session.flush()
    session.execute(delete(DossierDay))
    session.execute(delete(TaskDay))
    total: Counter[Cell] = Counter()
    columns = [getattr(Dossier, name) for name in DOSSIER_COLUMNS]
    for row in session.execute(select(*columns).execution_options(yield_per=batch)):
        total.update(dossier_cells(dict(row._mapping)))
    for row in session.execute(
            select(*(getattr(TaskRecord, name) for name in TASK_COLUMNS), Dossier.unit)
            .join(Dossier, Dossier.id == TaskRecord.dossier_id)
            .execution_options(yield_per=batch)):
        total.update(task_cells(dict(row._mapping), row.unit))
    rows = _rows(total)
    _write_in_batches(session, rows, batch)
    return len(rows)


def _write_in_batches(session: Session, rows: list[tuple[type[Base], dict[str, Any]]],
                      batch: int) -> None:
    for start in range(0, len(rows), batch):
        write_rows(session, rows[start:start + batch])


def compact_day_counts(session: Session) -> int:
    """Merge the rows of each key that has more than one into a single row (zero rows
    dropped); how many rows were merged. Safe beside writers: a row inserted meanwhile
    is left for the next time."""
    merged = 0
    for table, key_names in KEYS.items():
        keys = [getattr(table, name) for name in key_names]
        counts = [c for c in inspect(table).column_attrs
                  if c.key not in key_names and c.key != "id"]
        crowded = select(*keys).group_by(*keys).having(func.count() > 1)
        taken = session.execute(delete(table).where(tuple_(*keys).in_(crowded))
                                .returning(*keys, *(getattr(table, c.key) for c in counts)))
        total: Counter[Cell] = Counter()
        for row in taken:
            merged += 1
            key = tuple(row[: len(key_names)])
            for c, value in zip(counts, row[len(key_names):], strict=True):
                total[(table, key, c.key)] += value
        _write_in_batches(session, _rows(total), 20_000)
    return merged
