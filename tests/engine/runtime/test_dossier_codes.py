"""The day's dossier numbers: taken in one statement, one after another per unit and
day, never twice, with no gap when a receipt fails; desks receiving at the same moment
all get their own number (PostgreSQL: the counter's row makes them wait their turn).
Uses real commits (not the rolled-back test session)."""

from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict, InvalidData
from engine.runtime import Runtime, start
from engine.runtime.dossier_codes import take_number
from engine.simulation import seed_demo_units
from engine.storage import make_sessionmaker
from tests.conftest import WORKFLOWS, deploy_files, vn

AT = vn("2026-03-06 09:00")
DAY = AT.date()


def test_numbers_follow_one_another_per_unit_and_day(committed):
    sessions = make_sessionmaker(committed)
    with sessions.begin() as session:
        assert [take_number(session, "PHUCLOI", DAY) for _ in range(3)] == [1, 2, 3]
        assert take_number(session, "VIETHUNG", DAY) == 1  # each unit counts on its own
        assert take_number(session, "PHUCLOI", DAY.replace(day=9)) == 1  # and each day
    with sessions.begin() as session:
        assert take_number(session, "PHUCLOI", DAY) == 4


def test_a_refused_receipt_gives_its_number_back(committed, clock):
    sessions = make_sessionmaker(committed)
    runtime = Runtime(clock)
    with sessions.begin() as session:
        seed_demo_units(session)
        deploy_files(session, runtime, WORKFLOWS)
        first = start(session, runtime, "birth_registration", unit="PHUCLOI", at=AT).code
        with pytest.raises(InvalidData):  # a police unit that serves no one: refused
            start(session, runtime, "birth_residence_health_card", unit="PHUCLOI", at=AT,
                  data={"police_unit": "NOPE-UNIT"})
        second = start(session, runtime, "birth_registration", unit="PHUCLOI", at=AT).code
    assert (first[-4:], second[-4:]) == ("0001", "0002")


def test_desks_receiving_at_the_same_moment_all_get_their_own_number(committed, clock):
    """PostgreSQL: all 20 receive, numbered 1 to 20. SQLite (one writer at a time, a
    deferred BEGIN): a desk may still be refused, to try again (issue 10 makes it wait),
    but no number is given twice and none is skipped."""
    sessions = make_sessionmaker(committed)
    runtime = Runtime(clock)
    with sessions.begin() as session:
        deploy_files(session, runtime, WORKFLOWS)
    desks, codes, failures = 20, [], []
    ready = threading.Barrier(desks)

    def desk() -> None:
        try:
            with sessions.begin() as session:
                ready.wait()
                codes.append(start(session, runtime, "birth_registration", unit="PHUCLOI",
                                   at=AT).code)
        except Conflict as refused:
            failures.append(refused.code)

    threads = [threading.Thread(target=desk) for _ in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if committed.dialect.name == "postgresql":
        assert failures == []
    assert set(failures) <= {"code_taken", "database_busy"}
    assert len(codes) + len(failures) == desks
    assert sorted(code[-4:] for code in codes) == [f"{n:04d}" for n in range(1, len(codes) + 1)]
