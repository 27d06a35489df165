"""Writing a command's rows with few statements.

Append-only rows (events, new task records) are never changed by the command
that creates them, so they skip the ORM's unit of work: they are buffered on the
session and inserted with one executemany per table just before the session's next
flush or commit, in the same transaction. Versioned rows (dossier, task record) that a
command changed are written with one UPDATE each that checks their version. Each
write of a dossier or task record also queues the day counts' differences it makes
(day_counts.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, Update, bindparam, event, insert, inspect, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError

from engine.storage.day_counts import changed_cells, rewritten_cells
from engine.storage.models import Base

_ROWS = "lienthong.journal"


def queue_row(session: Session, model: type[Base], **values: Any) -> None:
    """Queue one row of `model` for insertion with the session's next flush."""
    queued = session.info.setdefault(_ROWS, [])
    queued.append((model, values))
    queued += changed_cells(session, model, None, values)


def write_queued(session: Session) -> None:
    """Insert the queued rows now (in queue order by table: parents before children)."""
    rows: list[tuple[type[Base], dict[str, Any]]] = session.info.pop(_ROWS, [])
    if not rows:
        return
    tables: dict[type[Base], list[dict[str, Any]]] = {}
    for model, values in rows:
        tables.setdefault(model, []).append(values)
    connection = session.connection()
    for model, batch in tables.items():
        connection.execute(_insert_statement(model), batch)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    write_queued(session)


def _discard(session: Session, _previous: Any) -> None:
    session.info.pop(_ROWS, None)


# Every session, once: a queue that is empty costs these hooks one dict lookup.
event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "before_commit", write_queued)
event.listen(Session, "after_soft_rollback", _discard)


def insert_now(session: Session, obj: Base) -> None:
    """Insert a new object with one INSERT and add it to the session as persistent and
    clean, as a flush would, without the flush's bookkeeping. Columns left unset get
    their scalar default or NULL; a versioned row starts at version 1."""
    state = inspect(obj)
    values = {key: state.dict[key] if key in state.dict else default
              for key, default, generated in _insert_defaults(type(obj))
              if key in state.dict or not generated}
    result = session.connection().execute(_insert_statement(type(obj)), values)
    session.info.setdefault(_ROWS, []).extend(changed_cells(session, type(obj), None, values))
    keys = result.inserted_primary_key or ()
    for column, key in zip(state.mapper.primary_key, keys, strict=True):
        values[state.mapper.get_property_by_column(column).key] = key
    for key, value in values.items():
        state.dict[key] = value
    make_transient_to_detached(obj)
    session.add(obj)


def write_changes(session: Session, obj: Base) -> None:
    """Write a persistent, versioned object's changed columns with one UPDATE that checks
    and bumps its `version`; StaleDataError if someone else changed the row first.

    The ORM would do the same in its flush, with a good deal more bookkeeping; the
    statement is built once per table and set of columns, and the object is left clean
    and current, as after a flush (the models have no relationships, so its column
    values are all there is to write).
    """
    state = inspect(obj)
    if not state.persistent or not state.modified:
        return
    columns = _column_keys(type(obj))
    changes = {key: state.dict[key] for key in state.committed_state if key in columns}
    if changes:
        session.info.setdefault(_ROWS, []).extend(rewritten_cells(session, obj))
        current = obj.version  # type: ignore[attr-defined]
        statement = _update_statement(type(obj), frozenset(changes))
        params = dict(changes, _version=current, _next_version=current + 1)
        params.update(zip(_PK_PARAMS, state.identity or (), strict=False))
        result = session.connection().execute(statement, params)
        if result.rowcount != 1:
            raise StaleDataError(f"{type(obj).__name__} row was changed by someone else")
        state.dict["version"] = current + 1
    # Private but stable since SQLAlchemy 1.4: what a flush does to the objects it wrote.
    # Without it the session keeps listing the object as dirty and the next flush walks it.
    state._commit_all(state.dict, session.identity_map)


@cache
def _insert_statement(model: type[Base]) -> Insert:
    return insert(cast(Table, model.__table__))


@cache
def _insert_defaults(model: type[Base]) -> tuple[tuple[str, Any, bool], ...]:
    """(attribute, value when unset, is a primary key the database generates when
    unset) of each column: the scalar default or NULL, version 1 for versioned rows."""
    found = []
    for attr in inspect(model).column_attrs:
        column = attr.columns[0]
        default = column.default.arg if column.default is not None \
            and column.default.is_scalar else None
        found.append((attr.key, 1 if attr.key == "version" else default, column.primary_key))
    return tuple(found)


@cache
def _column_keys(model: type[Base]) -> frozenset[str]:
    return frozenset(attr.key for attr in inspect(model).column_attrs)


_PK_PARAMS = ("_pk0", "_pk1")


@cache
def _update_statement(model: type[Base], columns: frozenset[str]) -> Update:
    table = cast(Table, model.__table__)
    keys = list(table.primary_key.columns)
    where = [col == bindparam(name) for col, name in zip(keys, _PK_PARAMS, strict=False)]
    values: dict[str, Any] = {name: bindparam(name) for name in sorted(columns)}
    values["version"] = bindparam("_next_version")
    return update(table).where(*where, table.c.version == bindparam("_version")).values(values)
