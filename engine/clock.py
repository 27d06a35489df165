"""The one clock behind everything time-based, so tests and simulations run months in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: for tests, back-filling and simulation."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


_current: ContextVar[Clock | None] = ContextVar("lienthong_clock", default=None)


class _ClockedDatetime(datetime):
    """`datetime` whose now() reads the active engine clock.

    SpiffWorkflow's timer events call `datetime.now(timezone.utc)` directly and offer no
    clock parameter, so the engine swaps this class into the timer module's namespace.
    Outside `engine_time()` it behaves exactly like datetime.
    """

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _ClockedDatetime:
        clock = _current.get()
        at = clock.now() if clock is not None else datetime.now(UTC)
        at = at.astimezone(tz) if tz is not None else at.astimezone().replace(tzinfo=None)
        return cls.combine(at.date(), at.timetz() if tz is not None else at.time())


def _install() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    if timer.datetime is not _ClockedDatetime:
        timer.datetime = _ClockedDatetime  # type: ignore[misc]


@contextmanager
def engine_time(clock: Clock) -> Iterator[None]:
    """Run workflow code (timers included) on `clock`."""
    _install()
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
