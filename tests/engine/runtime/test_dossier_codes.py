"""The day's dossier numbers: a number read by one desk and given by another in between is
refused when the first desk takes it, and the sequence goes on with the next number.

The transactions here follow each other (none is open while another writes), so no
database lock is involved: only the compare-and-set itself can notice the number is gone.
Uses real commits (not the rolled-back test session)."""

from __future__ import annotations

import pytest

from engine.errors import Conflict
from engine.runtime import Runtime, start
from engine.runtime.dossier_codes import next_number, take_number
from engine.storage import make_sessionmaker
from tests.conftest import WORKFLOWS, deploy_files, vn

AT = vn("2026-03-06 09:00")
DAY = AT.date()


def test_a_number_given_since_it_was_read_is_refused_and_the_next_one_follows(committed,
                                                                              clock):
    sessions = make_sessionmaker(committed)
    runtime = Runtime(clock)
    with sessions.begin() as setup:  # the day's first dossier is already received
        deploy_files(setup, runtime, WORKFLOWS)
        first = start(setup, runtime, "birth_registration", unit="PHUCLOI", at=AT).code
    assert first.endswith("-0001")
    with sessions.begin() as slow:  # the slow desk reads the next number...
        number = next_number(slow, "PHUCLOI", DAY)
    assert number == 2
    with sessions.begin() as quick:  # ...the quick desk gives it and saves...
        take_number(quick, "PHUCLOI", DAY, number)
    with pytest.raises(Conflict) as refused, sessions.begin() as slow:  # ...then the slow one
        take_number(slow, "PHUCLOI", DAY, number)
    assert refused.value.code == "code_taken"
    with sessions.begin() as again:  # receiving again gives the number after the taken one
        code = start(again, runtime, "birth_registration", unit="PHUCLOI", at=AT).code
    assert code.endswith("-0003")


def test_the_days_first_number_given_twice_is_refused(committed):
    """The first number of a day is an INSERT, not a compare-and-set: the second desk
    meets the primary key instead, which must be the same refusal."""
    sessions = make_sessionmaker(committed)
    with sessions.begin() as slow:
        assert next_number(slow, "PHUCLOI", DAY) == 1
    with sessions.begin() as quick:
        take_number(quick, "PHUCLOI", DAY, 1)
    with pytest.raises(Conflict) as refused, sessions.begin() as slow:
        take_number(slow, "PHUCLOI", DAY, 1)
    assert refused.value.code == "code_taken"
    with sessions.begin() as again:
        assert next_number(again, "PHUCLOI", DAY) == 2
        assert next_number(again, "VIETHUNG", DAY) == 1  # each unit counts on its own
