"""The engine's clock: the real one is aware, the fixed one moves only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.calendar import FixedClock, SystemClock
from tests.conftest import vn


def test_the_system_clock_tells_the_real_time_with_its_zone():
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_a_fixed_clock_moves_only_when_set_or_advanced():
    clock = FixedClock(vn("2026-03-02 08:00"))
    assert clock.now() == clock.now() == vn("2026-03-02 08:00")
    clock.advance(timedelta(hours=2))
    clock.advance(timedelta(minutes=30))
    assert clock.now() == vn("2026-03-02 10:30")
    clock.set(vn("2026-03-09 08:00"))
    assert clock.now() == vn("2026-03-09 08:00")


def test_a_fixed_clock_refuses_a_time_without_its_zone():
    with pytest.raises(ValueError, match="^FixedClock needs an aware datetime$"):
        FixedClock(datetime(2026, 3, 2, 8))
    clock = FixedClock(vn("2026-03-02 08:00"))
    with pytest.raises(ValueError, match="^FixedClock needs an aware datetime$"):
        clock.set(datetime(2026, 3, 2, 9))
    assert clock.now() == vn("2026-03-02 08:00")
