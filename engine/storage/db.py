"""Database connections and schema upgrades (Alembic), for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
WAL_CHECKPOINT_PAGES = 4000
BEGIN_WRITING = "lienthong_begin_writing"  # an execution option, read by the SQLite begin


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys. JSON columns
    are written by orjson (faster; Vietnamese text stays UTF-8 instead of \\u escapes).
    Error messages leave out the statement's parameters: they are citizens' data."""
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", orjson.loads)
    kwargs.setdefault("hide_parameters", True)  # errors never print submitted values
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _custom_plans(dbapi_connection: Any, _record: Any) -> None:
            # psycopg prepares a statement after its fifth run, and the server then may
            # switch to a generic plan, blind to the values: a city's dashboard and step
            # audit (IN lists of 150 units, one procedure's versions) took 10 s and more
            # a request that way instead of well under one. Plan each run for its values.
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION plan_cache_mode = force_custom_plan")
            dbapi_connection.autocommit = autocommit

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy
            # emit BEGIN itself (the recipe in SQLAlchemy's SQLite dialect docs).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Copy the log back into the database every 4,000 pages (16 MB) instead of
            # 1,000: a page written many times in between is copied once, and fewer
            # commits pay for a checkpoint (p99 of a completion: 5 ms -> 2 ms).
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Straight to the driver: this runs before every transaction's first statement.
            immediate = connection.get_execution_options().get(BEGIN_WRITING)
            connection.connection.driver_connection.execute(
                "BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def begin_writing(session: Session) -> None:
    """Call first in a transaction that reads, then writes what it read, under concurrent
    requests. SQLite's deferred BEGIN lets such a transaction fail ("database is locked")
    when another connection commits between its read and its write; BEGIN IMMEDIATE
    takes the write lock at once, waiting up to the busy timeout for it. PostgreSQL
    needs nothing (its row locks and READ COMMITTED do the same). In a savepoint the
    outer transaction has begun already and decides."""
    if not session.in_nested_transaction():
        session.connection(execution_options={BEGIN_WRITING: True})


def is_locked(exc: OperationalError) -> bool:
    """SQLite's "database is locked": another connection holds, or has just changed,
    what this transaction wants to write (a conflict, not a fault)."""
    return "locked" in str(exc)


def make_sessionmaker(engine: Engine) -> sessionmaker[Any]:
    """Sessions that keep loaded rows usable after commit (views are built after it)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    command.upgrade(alembic_config(engine), "head")
