"""Stored bytes per finished dossier of bench/engine.py, three ways (bench/README.md):
the state's text, every column written as text, and what the database keeps for the
rows (records and pages, from SQLite's dbstat or PostgreSQL's sizes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, LargeBinary, Text, cast, func, select

from engine.storage import Dossier, Event, TaskRecord

# Tables holding a dossier's rows in the bench diagram (no messages or subscriptions).
DOSSIER_TABLES = (Dossier, TaskRecord, Event)


def _text_bytes(column: Any, dialect: str) -> Any:
    """Bytes of a value written as text (UTF-8); 0 for NULL."""
    as_text = cast(column, Text)
    if dialect == "postgresql":
        return func.coalesce(func.octet_length(as_text), 0)
    return func.coalesce(func.length(cast(as_text, LargeBinary)), 0)  # SQLite 3.40: no octet_length


@dataclass
class Storage:
    """Bytes per finished dossier, three ways (see README)."""

    state: float  # UTF-8 length of dossier.state
    as_text: float  # every column of the dossier's rows written as text
    records: float  # what the database stores for those rows (SQLite record / PG datum)
    on_disk: float  # pages of those tables and their indexes
    rows: dict[str, float]  # rows per dossier, by table


def measure_storage(db: Engine) -> Storage:
    dialect = db.dialect.name
    with db.connect() as conn:
        finished = conn.scalar(select(func.count()).where(Dossier.status == "completed"))
        if not finished:
            raise RuntimeError("no finished dossiers to measure")
        state = conn.scalar(select(func.sum(_text_bytes(Dossier.state, dialect))))
        as_text, rows = 0, {}
        for model in DOSSIER_TABLES:
            table = model.__table__
            total = sum((_text_bytes(c, dialect) for c in table.columns), start=0)
            as_text += conn.scalar(select(func.sum(total)).select_from(table)) or 0
            rows[table.name] = conn.scalar(select(func.count()).select_from(table)) / finished
        names = [m.__table__.name for m in DOSSIER_TABLES]
        if dialect == "sqlite":
            records = on_disk = 0
            for name in names:
                tables = "SELECT name FROM sqlite_schema WHERE tbl_name = ?"
                records += conn.exec_driver_sql(
                    "SELECT sum(payload) FROM dbstat WHERE name = ?", (name,)).scalar() or 0
                on_disk += conn.exec_driver_sql(
                    f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({tables})",  # noqa: S608
                    (name,)).scalar() or 0
        else:
            records = on_disk = 0
            for name in names:  # fixed names from our own models
                records += conn.exec_driver_sql(
                    f"SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM {name} t"  # noqa: S608
                ).scalar()
                on_disk += conn.exec_driver_sql(
                    "SELECT pg_total_relation_size(%(t)s::regclass)", {"t": name}).scalar()
    return Storage(state / finished, as_text / finished, records / finished,
                   on_disk / finished, rows)
