"""A transaction that reads, then writes what it read, while another connection writes:
on SQLite a deferred BEGIN fails it ("database is locked"); begin_writing takes the
write lock first, so the other writer waits instead."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from engine.storage import Department, begin_writing, make_engine, make_sessionmaker, upgrade


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        session.add(Department(code="d", name="0"))
    yield factory
    engine.dispose()


def read_then_write(factory, between, *, writing: bool) -> str:
    """Read the department's name, let `between` run, then write name + 1."""
    with factory.begin() as session:
        if writing:
            begin_writing(session)
        name = session.scalar(select(Department.name))
        between()
        session.execute(update(Department).values(name=str(int(name) + 1)))
    with factory() as session:
        return session.scalar(select(Department.name))


def other_writer(factory) -> threading.Thread:
    def write() -> None:
        with factory.begin() as session:
            session.execute(update(Department).values(name="100"))

    return threading.Thread(target=write)


def test_a_deferred_transaction_fails_when_another_writes_between(sessions):
    def between() -> None:
        other = other_writer(sessions)
        other.start()
        other.join()  # committed while ours had read

    with pytest.raises(OperationalError, match="locked"):
        read_then_write(sessions, between, writing=False)


def test_begin_writing_makes_the_other_writer_wait(sessions):
    started = []

    def between() -> None:
        other = other_writer(sessions)
        other.start()
        started.append(other)  # it waits for our lock; joined after we commit

    assert read_then_write(sessions, between, writing=True) == "1"
    started[0].join()
    with sessions() as session:
        assert session.scalar(select(Department.name)) == "100"  # it ran after ours
