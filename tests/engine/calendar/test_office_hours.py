"""A unit's office hours are checked when they are made, not when a deadline is due."""

from __future__ import annotations

import re
from datetime import UTC, time

import pytest

from engine.calendar import OfficeHours

ZONED = "office hours are local wall-clock times; drop the tzinfo"
OVERLAP = "office periods must be in order and must not overlap"


@pytest.mark.parametrize(("periods", "message"), [
    ((), "office hours need at least one period"),
    (((time(8, tzinfo=UTC), time(12)),), ZONED),
    (((time(8), time(12, tzinfo=UTC)),), ZONED),
    (((time(12), time(12)),), "office period 12:00:00-12:00:00 must end after it starts"),
    (((time(13), time(17)), (time(8), time(12))), OVERLAP),
    (((time(8), time(12)), (time(11), time(17))), OVERLAP),
])
def test_impossible_office_hours_are_refused_with_the_reason(periods, message):
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        OfficeHours(periods=periods)


def test_periods_may_touch():
    hours = OfficeHours(periods=((time(7, 30), time(12)), (time(12), time(16, 30))))
    assert hours.daily.total_seconds() == 9 * 3600
