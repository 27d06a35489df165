"""Working-time calendar: office hours, days off and deadline arithmetic.

A unit's calendar answers "when is a dossier due?" and "how much working time
did this step take?". Conventions (docs/working-time.md):

- N working days are N x the unit's daily office hours of working time, added
  to the moment counting starts; P1D from 08:00 ends at 17:00 the same day.
- Working time is measured on the local wall clock of the unit's time zone,
  because office hours are wall-clock hours. The two differ only if a DST
  change fell inside office hours, which no real zone does.
- Statutory holidays come from the ``holidays`` package (country VN); the
  unit's override table supplies extra days off and make-up working days.

Everything here is pure: no database, no web, no work at import time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.calendar.durations import working_duration
from engine.calendar.office_hours import ZERO, OfficeHours, statutory_days, time_of_day
from engine.vocabulary import Outcome

# A calendar with no working day in this many years is misconfigured; without
# a bound, "next working day" would loop forever.
_SEARCH_YEARS = 20


class WorkingCalendar:
    """Working days and office hours of one unit, with deadline arithmetic.

    A date is a working day when it is in ``working_days`` (make-up days win
    over everything), else not when it is in ``days_off``, else when the
    ``holidays`` package lists it as a make-up working weekend day, else not
    when it is a statutory holiday or a ``weekend`` weekday (0 = Monday).
    """

    def __init__(
        self,
        hours: OfficeHours = OfficeHours(),  # noqa: B008 - frozen, so sharing is safe
        *,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        weekend: frozenset[int] = frozenset({5, 6}),
    ) -> None:
        self.hours = hours
        self.zone = ZoneInfo(hours.tz)
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        self.weekend = frozenset(weekend)
        clash = self.days_off & self.working_days
        if clash:
            listed = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValueError(f"dates both off and working in the override table: {listed}")
        if not self.weekend <= set(range(7)):
            raise ValueError("weekend days are weekday numbers 0 (Monday) to 6 (Sunday)")
        self.daily = hours.daily
        self._durations: dict[str, timedelta] = {}  # parse_duration's results (a few SLAs)
        self._periods = tuple((time_of_day(s), time_of_day(e)) for s, e in hours.periods)
        # Working time done in a day before each period starts, so a position
        # inside a day converts to "working time so far" without a loop.
        cumulative: list[timedelta] = []
        done = ZERO
        for start, end in self._periods:
            cumulative.append(done)
            done += end - start
        self._before_period = tuple(cumulative)
        # Per year: sorted ordinals of its working days. Built on first use so
        # construction (and import) stays free of holiday computations.
        self._years: dict[int, list[int]] = {}

    # -- working days ---------------------------------------------------

    def _year(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of `year` (computed once)."""
        days = self._years.get(year)
        if days is None:
            off, made_up = statutory_days(year)
            first = date(year, 1, 1).toordinal()
            days = []
            for ordinal in range(first, date(year + 1, 1, 1).toordinal()):
                d = date.fromordinal(ordinal)
                if d in self.working_days:
                    days.append(ordinal)
                elif d in self.days_off:
                    continue
                elif d in made_up or (d not in off and d.weekday() not in self.weekend):
                    days.append(ordinal)
            self._years[year] = days
        return days

    def is_working_day(self, d: date) -> bool:
        """Whether `d` is a working day of this unit."""
        if isinstance(d, datetime):
            raise ValueError("is_working_day takes a date; use is_working_time for instants")
        days = self._year(d.year)
        i = bisect_left(days, d.toordinal())
        return i < len(days) and days[i] == d.toordinal()

    def _count(self, first: date, stop: date) -> int:
        """Number of working days d with first <= d < stop."""
        if stop <= first:
            return 0
        if first.year == stop.year:
            days = self._year(first.year)
            return bisect_left(days, stop.toordinal()) - bisect_left(days, first.toordinal())
        head = self._year(first.year)
        count = len(head) - bisect_left(head, first.toordinal())
        for year in range(first.year + 1, stop.year):
            count += len(self._year(year))
        tail = self._year(stop.year)
        return count + bisect_left(tail, stop.toordinal())

    def _nth_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after `d` (n >= 1)."""
        year = d.year
        days = self._year(year)
        i = bisect_right(days, d.toordinal()) + n - 1
        # Skip whole years at a time rather than day by day.
        for _ in range(_SEARCH_YEARS + n // 200):
            if i < len(days):
                return date.fromordinal(days[i])
            i -= len(days)
            year += 1
            days = self._year(year)
        raise ValueError(f"no working day found within {_SEARCH_YEARS} years after {d}")

    # -- instants ---------------------------------------------------------

    def _local(self, at: datetime, name: str = "datetime") -> tuple[date, timedelta]:
        """Local date and wall-clock time of day of an aware instant."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got naive {at.isoformat()}")
        local = at.astimezone(self.zone)
        return local.date(), time_of_day(local.time())

    def _at(self, d: date, offset: timedelta) -> datetime:
        """The aware instant at wall-clock `offset` after midnight of `d`."""
        # Aware + timedelta is wall-clock arithmetic in Python, which is what
        # office hours mean.
        return datetime.combine(d, time(0), tzinfo=self.zone) + offset

    def _worked(self, offset: timedelta) -> timedelta:
        """Working time of a working day elapsed by wall-clock `offset`."""
        for (start, end), before in zip(self._periods, self._before_period, strict=True):
            if offset < end:
                return before + max(offset - start, ZERO)
        return self.daily

    def _position(self, d: date, worked: timedelta) -> datetime:
        """First instant of working day `d` by which `worked` (0 < worked <= daily) is done."""
        for (start, end), before in zip(self._periods, self._before_period, strict=True):
            if worked <= before + (end - start):
                return self._at(d, start + (worked - before))
        return self._at(d, self._periods[-1][1])

    def _working_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b` (aware, a <= b), ignoring pauses."""
        day_a, off_a = self._local(a)
        day_b, off_b = self._local(b)
        if day_a == day_b:
            if not self.is_working_day(day_a):
                return ZERO
            return max(self._worked(off_b) - self._worked(off_a), ZERO)
        total = self.daily * self._count(day_a + timedelta(days=1), day_b)
        if self.is_working_day(day_a):
            total += self.daily - self._worked(off_a)
        if self.is_working_day(day_b):
            total += self._worked(off_b)
        return total

    def is_working_time(self, at: datetime) -> bool:
        """Whether `at` is inside an office period; both period ends count as inside."""
        d, offset = self._local(at)
        if not self.is_working_day(d):
            return False
        return any(start <= offset <= end for start, end in self._periods)

    def next_working_instant(self, at: datetime) -> datetime:
        """`at` itself if work can go on from it, else the next period opening.

        An instant exactly at a period end (12:00, 17:00) has no working time
        ahead of it in that period, so it moves to the next opening.
        """
        d, offset = self._local(at)
        if self.is_working_day(d):
            for start, end in self._periods:
                if offset < start:
                    return self._at(d, start)
                if offset < end:
                    return at.astimezone(self.zone)
        return self._at(self._nth_after(d, 1), self._periods[0][0])

    def counting_start(self, received: datetime, cutoff: time | None = None) -> datetime:
        """The instant the time limit of a dossier received at `received` starts.

        Counting starts at receipt, unless the dossier arrives after the
        procedure's `cutoff` (local wall-clock time; exactly at the cut-off is
        not after it) or outside working time: then it starts at the opening
        of the next working day. After the cut-off that is the next day even
        while the office is still open; outside working time it is the first
        working-day opening ahead, so a receipt at 07:00 on a working day
        starts at 08:00 that day, one over the lunch break the next morning.
        """
        if cutoff is not None and cutoff.tzinfo is not None:
            raise ValueError("the cut-off is a local wall-clock time; drop its tzinfo")
        d, offset = self._local(received, "received")
        opening = self._periods[0][0]
        if cutoff is not None and offset > time_of_day(cutoff):
            return self._at(self._nth_after(d, 1), opening)
        if self.is_working_time(received):
            return received.astimezone(self.zone)
        if self.is_working_day(d) and offset < opening:
            return self._at(d, opening)
        return self._at(self._nth_after(d, 1), opening)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of working time after `start`.

        A result that completes exactly at a period end stays there (12:00,
        17:00): the work is done by then. A zero duration leaves `start` where
        it is, even outside working time: a deadline moved by a wait that took
        no working time does not move (a supplement asked and brought before
        opening). Whole days are skipped arithmetically, so long limits cost no
        more than short ones. Negative durations raise ValueError.
        """
        if duration < ZERO:
            raise ValueError(f"working time to add must not be negative, got {duration}")
        if duration == ZERO:
            self._local(start)  # a naive instant is refused here too
            return start.astimezone(self.zone)
        begin = self.next_working_instant(start)
        d, offset = self._local(begin)
        left_today = self.daily - self._worked(offset)
        if duration <= left_today:
            return self._position(d, self._worked(offset) + duration)
        days, rest = divmod(duration - left_today, self.daily)
        if rest == ZERO:
            # Ends exactly at a closing time: that day, not the next opening.
            return self._position(self._nth_after(d, days), self.daily)
        return self._position(self._nth_after(d, days + 1), rest)

    def between(
        self,
        start: datetime,
        end: datetime,
        paused: Iterable[tuple[datetime, datetime]] = (),
    ) -> timedelta:
        """Working time from `start` to `end`, leaving out `paused` intervals.

        Pauses (e.g. waiting for the citizen to supplement the dossier) may
        overlap each other or stick out of [start, end]; each working moment
        is left out once. An empty or reversed span gives zero.
        """
        self._local(start, "start")
        self._local(end, "end")
        if end <= start:
            return ZERO
        clipped: list[tuple[datetime, datetime]] = []
        for pause_start, pause_end in paused:
            self._local(pause_start, "pause start")
            self._local(pause_end, "pause end")
            lo, hi = max(pause_start, start), min(pause_end, end)
            if lo < hi:
                clipped.append((lo, hi))
        # Merge overlapping pauses so shared working time is subtracted once.
        clipped.sort()
        merged: list[tuple[datetime, datetime]] = []
        for lo, hi in clipped:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        total = self._working_between(start, end)
        for lo, hi in merged:
            total -= self._working_between(lo, hi)
        return max(total, ZERO)

    def end_of_day(self, at: datetime) -> datetime:
        """Closing time of the working day `at` falls on.

        If `at` is not on a working day, the closing time of the next working
        day (a period ending on a rest day ends at the close of the next
        working day, Civil Code art. 148). On a working day this is that
        day's closing even when `at` is already after it.
        """
        d, _ = self._local(at)
        if not self.is_working_day(d):
            d = self._nth_after(d, 1)
        return self._at(d, self._periods[-1][1])

    def close_after(self, d: date, n: int) -> datetime:
        """Closing time of the `n`-th working day strictly after `d` (n >= 1): where a
        limit of n days ends when the day `d` is not counted (Civil Code art. 147.2)."""
        if n < 1:
            raise ValueError(f"count working days from 1, got {n}")
        return self._at(self._nth_after(d, n), self._periods[-1][1])

    def parse_duration(self, text: str) -> timedelta:
        """Read an ISO-8601 duration as working time (see `working_duration`): P1D is
        one working day (``hours.daily``), PT4H four working hours, P1W a working week
        (7 minus the weekend days, 5 by default). ValueError if it is not one."""
        known = self._durations.get(text) if isinstance(text, str) else None
        if known is not None:
            return known
        duration = working_duration(text, self.daily, 7 - len(self.weekend))
        if len(self._durations) < 1000:  # diagrams hold few distinct values; texts vary
            self._durations[text] = duration
        return duration

    def outcome(self, due: datetime, done: datetime) -> Outcome:
        """Classify a finish against its due instant: early, on time or late.

        Early means finished on a day (local date) before the due day; on
        time means on the due day, by the due instant; late means after it.
        """
        due_day, _ = self._local(due, "due")
        done_day, _ = self._local(done, "done")
        if done_day < due_day:
            return Outcome.EARLY
        return Outcome.ON_TIME if done <= due else Outcome.LATE
