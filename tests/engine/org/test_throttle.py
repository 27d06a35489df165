"""Sign-in counters: failures per name and per address, locks that double up to the
longest, forgetting after a quiet time; in the database for every server process."""

from __future__ import annotations

from datetime import timedelta

from engine.org import (
    Counter,
    DatabaseThrottle,
    ThrottleRules,
    account_key,
    address_key,
    locked_until,
    record_failure,
    record_success,
)
from tests.conftest import vn

AT = vn("2026-03-02 08:00")
RULES = ThrottleRules()


def fail(store, times: int, at=AT, username="Hotich.PhucLoi", address="192.0.2.1"):
    return [record_failure(store, username, address, RULES, at) for _ in range(times)]


def test_five_failures_lock_the_name_for_a_minute_then_two(session):
    store = DatabaseThrottle(session)
    assert fail(store, 5) == [None] * 4 + [AT + timedelta(minutes=1)]
    keys = [account_key("hotich.phucloi "), address_key("192.0.2.9")]  # any case, spaces
    assert locked_until(store, keys, AT) == AT + timedelta(minutes=1)
    assert locked_until(store, keys, AT + timedelta(minutes=1)) is None
    later = AT + timedelta(minutes=1)
    assert fail(store, 5, later)[-1] == later + timedelta(minutes=2)


def test_locks_stop_doubling_at_the_longest(session):
    store = DatabaseThrottle(session)
    at, lengths = AT, []
    for _ in range(9):
        end = fail(store, 5, at)[-1]
        lengths.append(int((end - at).total_seconds() // 60))
        at = end
    assert lengths == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_right_password_clears_the_name_but_not_the_address(session):
    store = DatabaseThrottle(session)
    fail(store, 4)
    record_success(store, "hotich.phucloi")
    assert fail(store, 4) == [None] * 4  # the name counts from 0 again
    assert store.get(address_key("192.0.2.1")) == Counter(8, 0, None, AT)


def test_twenty_failures_from_an_address_lock_it_and_quiet_times_are_forgotten(session):
    store = DatabaseThrottle(session)
    for n in range(19):
        assert record_failure(store, f"ten.{n}", "192.0.2.1", RULES, AT) is None
    assert record_failure(store, "ten.19", "192.0.2.1", RULES, AT) == AT + timedelta(minutes=1)
    quiet = AT + timedelta(minutes=16)
    assert fail(store, 4, quiet, "ten.0") == [None] * 4  # 1 + 4 < 5: the first was forgotten
    # a day without failures forgets the locks: the next lock is a minute again
    next_day = AT + timedelta(days=1, minutes=2)
    assert record_failure(store, "ten.20", "192.0.2.1", RULES, next_day) is None
