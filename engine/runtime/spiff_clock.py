"""SpiffWorkflow's timers on the engine clock, and the earliest timer a workflow waits for.

SpiffWorkflow's timer events call `datetime.now(timezone.utc)` directly and offer no
clock parameter, so the engine swaps a `datetime` that reads the active engine clock
into the timer module's namespace: timers, SLAs and simulations then run months in
seconds. Outside `engine_time()` it behaves exactly like datetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.calendar import Clock

_current: ContextVar[Clock | None] = ContextVar("lienthong_clock", default=None)


class _ClockedDatetime(datetime):
    """`datetime` whose now() reads the active engine clock."""

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


_TIMER_EVENTS = {
    "TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition",
}


def next_timer(wf: BpmnWorkflow) -> datetime | None:
    """The earliest deadline among the workflow's waiting timers."""
    deadlines = []
    for pending in wf.waiting_events():
        if pending.event_type not in _TIMER_EVENTS or pending.value is None:
            continue
        value = pending.value["next"] if isinstance(pending.value, dict) else pending.value
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if when.tzinfo is not None:
            deadlines.append(when)
    return min(deadlines, default=None)
