"""Sign-in throttling: failed sign-ins are counted per account name and per address; at a
threshold the name (or address) is locked for a while, each lock twice as long as the one
before, up to a longest lock. While locked, no password is checked, the right one neither.

The counters live in a store shared by every server process: the database
(`DatabaseThrottle`, the default) or Redis (web/throttle_redis.py), both behind
`ThrottleStore`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.storage import SigninThrottle


@dataclass(frozen=True)
class ThrottleRules:
    account_failures: int = 5  # failures of one account name before it is locked
    address_failures: int = 20  # failures from one address, whatever the names
    first_lock: timedelta = timedelta(minutes=1)
    longest_lock: timedelta = timedelta(hours=1)
    forget_failures: timedelta = timedelta(minutes=15)  # failures older than this restart
    forget_locks: timedelta = timedelta(days=1)  # after this without a failure, locks too


@dataclass(frozen=True)
class Counter:
    failures: int = 0
    locks: int = 0
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None


class ThrottleStore(Protocol):
    def get(self, key: str) -> Counter:
        """The counter of `key` (a fresh one if none is stored)."""
        ...

    def update(self, key: str, change: Callable[[Counter], Counter]) -> Counter:
        """Replace the counter of `key` by `change(counter)` atomically across processes;
        return the new one."""
        ...

    def forget(self, key: str) -> None:
        """Drop the counter of `key`."""
        ...


def account_key(username: str) -> str:
    return f"account:{username.strip().casefold()[:100]}"


def address_key(address: str) -> str:
    return f"address:{address[:64]}"


def after_failure(counter: Counter, limit: int, rules: ThrottleRules, at: datetime) -> Counter:
    """The counter after one more failure: at `limit` failures it locks, the lock doubling
    each time up to the longest."""
    failures, locks = counter.failures, counter.locks
    if counter.last_failure_at is not None:
        quiet = at - counter.last_failure_at
        if quiet > rules.forget_failures:
            failures = 0
        if quiet > rules.forget_locks:
            locks = 0
    failures += 1
    if failures < limit:
        return replace(counter, failures=failures, locks=locks, last_failure_at=at)
    lock = min(rules.first_lock * 2 ** min(locks, 30), rules.longest_lock)
    return Counter(failures=0, locks=locks + 1, locked_until=at + lock, last_failure_at=at)


def locked_until(store: ThrottleStore, keys: list[str], at: datetime) -> datetime | None:
    """When the latest lock on any of `keys` ends, or None if none is locked."""
    ends = [end for key in keys if (end := store.get(key).locked_until) is not None and end > at]
    return max(ends, default=None)


def record_failure(store: ThrottleStore, username: str, address: str, rules: ThrottleRules,
                   at: datetime) -> datetime | None:
    """Count a failed sign-in for the name and the address; return when the lock it
    caused ends, or None if it caused none."""
    counted = [
        store.update(account_key(username),
                     lambda c: after_failure(c, rules.account_failures, rules, at)),
        store.update(address_key(address),
                     lambda c: after_failure(c, rules.address_failures, rules, at)),
    ]
    ends = [c.locked_until for c in counted if c.locked_until is not None
            and c.last_failure_at == at and c.failures == 0]
    return max(ends, default=None)


def record_success(store: ThrottleStore, username: str) -> None:
    """A right password (while not locked): the account's count starts again. The
    address keeps its count, so one good account does not hide guesses at others."""
    store.forget(account_key(username))


class DatabaseThrottle:
    """Counters in the `signin_throttle` table, updated under a row lock (PostgreSQL's
    SELECT ... FOR UPDATE; SQLite writes one transaction at a time anyway)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, key: str) -> SigninThrottle | None:
        return self.session.scalar(select(SigninThrottle).where(SigninThrottle.key == key)
                                   .with_for_update())

    def get(self, key: str) -> Counter:
        row = self.session.get(SigninThrottle, key)
        if row is None:
            return Counter()
        return Counter(row.failures, row.locks, row.locked_until, row.last_failure_at)

    def update(self, key: str, change: Callable[[Counter], Counter]) -> Counter:
        row = self._row(key)
        if row is None:
            try:
                with self.session.begin_nested():
                    new = change(Counter())
                    self.session.add(SigninThrottle(
                        key=key, failures=new.failures, locks=new.locks,
                        locked_until=new.locked_until, last_failure_at=new.last_failure_at))
                return new
            except IntegrityError:  # another process inserted it first: update theirs
                row = self._row(key)
                assert row is not None  # noqa: S101 - it was just inserted
        new = change(Counter(row.failures, row.locks, row.locked_until, row.last_failure_at))
        row.failures, row.locks = new.failures, new.locks
        row.locked_until = new.locked_until
        row.last_failure_at = new.last_failure_at or row.last_failure_at
        self.session.flush()
        return new

    def forget(self, key: str) -> None:
        row = self.session.get(SigninThrottle, key)
        if row is not None:
            self.session.delete(row)
            self.session.flush()
