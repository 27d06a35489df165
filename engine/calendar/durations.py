"""ISO-8601 durations read as working time: P1D is one working day of the unit's office
hours, PT4H four working hours, P1W a working week."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?:(?P<weeks>{_NUMBER})W)?(?:(?P<days>{_NUMBER})D)?"
    rf"(?:T(?=\d)(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?"
    rf"(?:(?P<seconds>{_NUMBER})S)?)?",
    re.IGNORECASE,
)
# Recognised only to give a better error than "not a duration".
_CALENDAR_UNITS = re.compile(r"P[^T]*[YM]", re.IGNORECASE)


def working_duration(text: str, daily: timedelta, week_days: int) -> timedelta:
    """Read an ISO-8601 duration as working time, for a day of `daily` working time and
    a week of `week_days` working days.

    Decimals are allowed (P1.5D, P0,5D). Years and months have no fixed length in
    working days and raise ValueError, as does anything that is not a duration.
    """
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        if isinstance(text, str) and _CALENDAR_UNITS.match(text.strip()):
            raise ValueError(
                f"duration {text!r} uses years or months, which have no fixed "
                "length in working time; use days (D), weeks (W) or hours (TnH)"
            )
        raise ValueError(
            f"duration {text!r} is not an ISO-8601 duration such as P3D, PT4H or P1DT2H30M"
        )
    fields = match.groupdict()
    if all(value is None for value in fields.values()):
        raise ValueError(f"duration {text!r} has no amount; write e.g. P1D or PT4H")
    try:
        amounts = {k: Decimal(v.replace(",", ".")) for k, v in fields.items() if v}
    except InvalidOperation:  # pragma: no cover - the pattern only admits numbers
        raise ValueError(f"duration {text!r} has an unreadable number") from None
    micro = {
        "weeks": daily * week_days // timedelta(microseconds=1),
        "days": daily // timedelta(microseconds=1),
        "hours": 3_600_000_000,
        "minutes": 60_000_000,
        "seconds": 1_000_000,
    }
    total = sum((amounts[k] * micro[k] for k in amounts), Decimal(0))
    # Decimal keeps P0.1D exact to the microsecond where floats would drift.
    return timedelta(microseconds=int(total.to_integral_value()))
