"""Database fixtures: every database test runs on SQLite and, when
LIENTHONG_TEST_DATABASE_URL is set (CI sets it), on that PostgreSQL too. Each database
starts with the departments and the demo map of units (no users): dossiers are received
only by units of the organisation."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from engine.calendar import FixedClock, limit_parser
from engine.definitions import deploy_files as deploy_paths
from engine.definitions import read_paths
from engine.errors import EngineError
from engine.org import seed_departments
from engine.runtime import Runtime
from engine.simulation import seed_demo_map
from engine.storage import Base, make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
WORKFLOWS = ROOT / "workflows"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PG_URL = os.environ.get("LIENTHONG_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def vn(text_: str) -> datetime:
    """'2026-02-13 15:30' in Vietnam time."""
    return datetime.fromisoformat(text_).replace(tzinfo=VN)


def _admin(url: str, *statements: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _reset(engine: Engine) -> None:
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@contextmanager
def empty_database(backend: str, folder: Path, name: str) -> Iterator[Engine]:
    """An empty database of its own: a SQLite file in `folder`, or a PostgreSQL schema
    `name` plus this run's process id (so parallel runs on one server do not collide)."""
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'{name}.db'}"
    else:
        assert PG_URL is not None
        schema = f"{name}_{os.getpid()}"
        _admin(PG_URL, f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
        separator = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        if schema is not None and PG_URL is not None:
            _admin(PG_URL, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(scope="session", params=BACKENDS)
def db_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Engine]:
    """A migrated database; PostgreSQL must be reachable when its URL is given."""
    with empty_database(request.param, tmp_path_factory.mktemp("db"), "lienthong_test"
                        ) as engine:
        _reset(engine)
        upgrade(engine)
        with Session(engine) as session, session.begin():
            seed_departments(session)
            seed_demo_map(session)
        yield engine


def savepoints(session: Session) -> Callable[[], AbstractContextManager[Session]]:
    """A `transaction` for commands that open several (the tick) inside the test's own
    session: each is a savepoint, rolled back if its block fails."""

    @contextmanager
    def transaction() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    return transaction


@contextmanager
def refused(error_type: type[EngineError], code: str, match: str | None = None, /,
            **params: object) -> Iterator[None]:
    """The block must raise `error_type` with this code and exactly these params (the
    pages build their text from the two: a wrong one tells the user a wrong sentence),
    and a message that matches `match`."""
    with pytest.raises(error_type, match=match) as error:
        yield
    assert (error.value.code, error.value.params) == (code, params)
    assert str(error.value) not in ("", "None")


def wipe(engine: Engine) -> None:
    """Empty every table (rows a test really committed) and put the departments back."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with Session(engine) as session, session.begin():
        seed_departments(session)
        seed_demo_map(session)


@pytest.fixture
def committed(db_engine: Engine) -> Iterator[Engine]:
    """The test database for tests whose rows are really committed; emptied afterwards."""
    yield db_engine
    wipe(db_engine)


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test."""
    with db_engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint",
                     expire_on_commit=False) as sess:
            yield sess
        outer.rollback()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(vn("2026-03-02 08:00"))


@pytest.fixture
def runtime(clock: FixedClock) -> Runtime:
    return Runtime(clock, script_time_limit=1.0)


def deploy_files(session: Session, runtime: Runtime, *paths: Path, user: str = "designer"):
    """Deploy diagrams, then catalog entries, as `lienthong deploy` does; returns what
    deploying the diagrams did."""
    diagrams, _ = deploy_paths(session, read_paths(list(paths)), user=user,
                               at=runtime.clock.now(),
                               limit_parser=limit_parser(runtime.calendar(session, "PHUCLOI")))
    return diagrams


@pytest.fixture
def shipped(session: Session, runtime: Runtime):
    """The shipped workflows, deployed."""
    return deploy_files(session, runtime, WORKFLOWS)
