"""Keeping the day and month counts (daily_tables.py) true in the transaction that
changes what they count.

Each dossier, task record, supplement request (pause) and apology counts in a few
(table, key, column) cells, worked out from its own columns (count_cells.py). Whenever
a row is written, the cells of its old values are taken away and those of its new
values added, as one row of differences in the same transaction: by the journal's
few-statement writes (journal.py calls `changed_cells`) and, for rows the ORM flushes,
by a flush hook. A rolled-back savepoint takes its differences with it.
`rebuild_day_counts` writes the tables afresh from the dossiers and task records (a
migration, or rows written by hand); `compact_day_counts` merges each key's rows into
one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from engine.storage.count_cells import (
    DOSSIER_COLUMNS,
    KEYS,
    TASK_COLUMNS,
    Cell,
    dossier_cells,
    event_cells,
    task_cells,
    unit_root,
    unit_roots,
)
from engine.storage.models import Apology, Base, Dossier, Pause, TaskRecord

# The other rows a dossier's day counts follow: (columns read, the instant, the column)
EVENTS: dict[type[Base], tuple[tuple[str, ...], str, str]] = {
    Pause: (("dossier_id", "started_at"), "started_at", "supplement_requests"),
    Apology: (("dossier_id", "at"), "at", "apologies"),
}
COUNTED: tuple[type[Base], ...] = (Dossier, TaskRecord, *EVENTS)
KEY_COLUMNS = ("unit", "procedure_code", "process_key", "field_of_work")


def _cells(session: Session, model: type[Base], values: Mapping[str, Any] | None
           ) -> Counter[Cell]:
    if values is None:
        return Counter()
    if model is Dossier:
        return dossier_cells(values)
    if model in EVENTS:
        _, at, column = EVENTS[model]
        with session.no_autoflush:
            owner = session.get(Dossier, values["dossier_id"])
        if owner is None:
            return Counter()
        return event_cells({name: getattr(owner, name) for name in KEY_COLUMNS},
                           values.get(at), column)
    unit = values.get("unit")
    if not unit:
        with session.no_autoflush:
            dossier = session.get(Dossier, values["dossier_id"])
        if dossier is None:
            return Counter()
        unit = dossier.unit
    return task_cells(values, unit, unit_root(session, unit))


def changed_cells(session: Session, model: type[Base], old: Mapping[str, Any] | None,
                  new: Mapping[str, Any] | None) -> list[tuple[type[Base], dict[str, Any]]]:
    """The rows of differences (table, values) a change of one dossier or task record
    from `old` to `new` column values (None: it did not exist / no longer exists) makes;
    none for other tables or a change that moves no count."""
    if model not in COUNTED:
        return []
    delta = _cells(session, model, new)
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
    if model not in COUNTED:
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


def rewritten_cells(session: Session, obj: Base) -> list[tuple[type[Base], dict[str, Any]]]:
    """The rows of differences of a persistent object about to be written with its
    changes; none (and nothing read) when no counted column changed, as when a step
    only moves the workflow's state."""
    model = type(obj)
    if model not in COUNTED or not set(inspect(obj).committed_state) & set(_columns(model)):
        return []
    return changed_cells(session, model, counted_values(obj, old=True), counted_values(obj))


def _columns(model: type[Base]) -> tuple[str, ...]:
    if model in EVENTS:
        return EVENTS[model][0]
    return DOSSIER_COLUMNS if model is Dossier else TASK_COLUMNS


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Count the dossiers and task records the ORM is about to write."""
    rows: list[tuple[type[Base], dict[str, Any]]] = []
    for obj in [*session.new, *session.dirty, *session.deleted]:
        model = type(obj)
        if model not in COUNTED:
            continue
        if obj in session.dirty:
            rows += rewritten_cells(session, obj)
            continue
        old = None if inspect(obj).pending else counted_values(obj, old=True)
        new = None if obj in session.deleted else counted_values(obj)
        rows += changed_cells(session, model, old, new)
    write_rows(session, rows)


def write_rows(session: Session, rows: list[tuple[type[Base], dict[str, Any]]]) -> None:
    """Insert rows of differences now, one statement per table."""
    connection = session.connection()
    for table in KEYS:
        batch = [values for t, values in rows if t is table]
        if batch:
            connection.execute(insert(table), batch)


def _keep_old_value(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


event.listen(Session, "before_flush", _before_flush)
# A counted column set on an expired object loads its old value first, so the
# difference it makes is known (the ORM would otherwise overwrite it unseen).
for _model in COUNTED:
    for _name in _columns(_model):
        event.listen(getattr(_model, _name), "set", _keep_old_value, active_history=True)


def rebuild_day_counts(session: Session, batch: int = 20_000) -> int:
    """Write the day counts afresh from every dossier and task record (one row per
    key); how many rows."""
    session.flush()
    for table in KEYS:
        session.execute(delete(table))
    roots = unit_roots(session)
    total: Counter[Cell] = Counter()
    for row in session.execute(select(*(getattr(Dossier, name) for name in DOSSIER_COLUMNS))
                               .execution_options(yield_per=batch)):
        total.update(dossier_cells(dict(row._mapping)))
    for row in session.execute(
            select(*(getattr(TaskRecord, name) for name in TASK_COLUMNS),
                   Dossier.unit.label("unit_1"))
            .join(Dossier, Dossier.id == TaskRecord.dossier_id)
            .execution_options(yield_per=batch)):
        total.update(task_cells(dict(row._mapping), row.unit_1, roots.get(row.unit_1,
                                                                          row.unit_1)))
    keys = [getattr(Dossier, name) for name in KEY_COLUMNS]
    for model, (read, at, column) in EVENTS.items():
        owner = getattr(model, read[0])  # its dossier_id
        for row in session.execute(select(getattr(model, at).label("at"), *keys)
                                   .join(Dossier, Dossier.id == owner)
                                   .execution_options(yield_per=batch)):
            total.update(event_cells(dict(row._mapping), row.at, column))
    return write_counts(session, total, batch)


def write_counts(session: Session, total: Mapping[Cell, int], batch: int = 20_000) -> int:
    """Insert counts (one row a key); how many rows (a bulk load that counted its rows
    itself with `dossier_cells` and `task_cells` writes them so)."""
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
