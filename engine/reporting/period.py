"""The period report (form II.06a, "Tình hình, kết quả giải quyết TTHC") of a unit.

Every figure is counted from dossier timestamps as of the period's end, never from
the current status, so a past period gives the same figures whenever it is run.
The rules are written out for supervisors in docs/report.md; here are its rows, its
rules as aggregate columns over the dossier table, and its arithmetic (form_report.py
puts the report together from day_sums.py's counts).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, false, func, not_, or_, select

from engine.reporting.finished import DEFAULT_RULE, FinishedRule, Placement
from engine.reporting.unit_scope import UnitScope
from engine.runtime import MAX_SUPPLEMENTS_ON_TIME
from engine.storage import Dossier, Pause
from engine.vocabulary import Channel, FinishKind, Outcome

TOTAL_LABEL = "Tổng cộng"
RESOLVED, WITHDRAWN, STOPPED = FinishKind.RESOLVED, FinishKind.WITHDRAWN, FinishKind.STOPPED


@dataclass(frozen=True)
class ReportRow:
    """One line of the form: a field of work, or the total (field_of_work "Tổng cộng").

    received_total includes carried_over and equals resolved_total + in_progress_total.
    withdrawn, refused and stopped are informative: the dossiers that ended so in the
    period, counted also in resolved or left out of received as the report's
    FinishedRule says. Rates are percentages rounded to one decimal (95.8 means
    95.8 %), None when their divisor is 0.
    """

    field_of_work: str
    received_total: int
    received_online: int
    received_in_person: int
    carried_over: int
    resolved_total: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress_total: int
    in_progress_within: int
    in_progress_overdue: int
    withdrawn: int
    refused: int
    stopped: int
    resolution_rate: float | None
    on_time_rate: float | None


@dataclass(frozen=True)
class PeriodReport:
    """The report of `unit` and the units below it for local dates start..end inclusive,
    with the rule that placed withdrawn, refused and stopped dossiers."""

    unit: str
    unit_name: str
    start: date
    end: date
    rows: tuple[ReportRow, ...]
    total: ReportRow
    finished_as: FinishedRule = DEFAULT_RULE
    scope: UnitScope | None = None  # the units counted and the map they were read on


def percentage(part: int, whole: int) -> float | None:
    """part ÷ whole as a percentage with one decimal, rounded half up; None if whole is 0."""
    if whole == 0:
        return None
    exact = Decimal(100 * part) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) local time, as UTC instants."""
    zone = ZoneInfo(tz)
    lo = datetime.combine(start, time(0), tzinfo=zone)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    return lo.astimezone(UTC), hi.astimezone(UTC)


# Vietnamese letters that NFD spells as a Latin letter plus a mark, in alphabet order.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # ă; â ê ô; ơ ư
_TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def vietnamese_sort_key(text: str) -> tuple[Any, ...]:
    """Dictionary order: a ă â b c d đ e ê ..., tones only to break ties.

    Plain code-point order would put "Đất đai" after "Y tế".
    """
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _LETTER_MARKS and letters:
            letters[-1] += _LETTER_MARKS[char]
        elif char in _TONE_MARKS and tones:
            tones[-1] = _TONE_MARKS[char]
        elif unicodedata.combining(char):
            continue
        else:
            letters.append(ord("d") * 4 + 1 if char == "đ" else ord(char) * 4)
            tones.append(0)
    return tuple(letters), tuple(tones), text


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _ended(kind: FinishKind) -> ColumnElement[bool]:
    """The dossier ended this way; REFUSED also takes any other recorded ending."""
    if kind is FinishKind.REFUSED:
        return or_(Dossier.finish_kind.is_(None),
                   Dossier.finish_kind.not_in((RESOLVED, WITHDRAWN, STOPPED)))
    return Dossier.finish_kind == kind


def _ended_any(kinds: tuple[FinishKind, ...]) -> ColumnElement[bool]:
    return or_(*(_ended(kind) for kind in kinds)) if kinds else false()


def counted_in(units: tuple[str, ...] | list[str], lo: datetime, hi: datetime
               ) -> tuple[ColumnElement[bool], ...]:
    """The dossiers a report of `units` for [lo, hi) looks at: received before its end
    and not finished before its start."""
    return (Dossier.unit.in_(units), Dossier.received_at < hi,
            or_(Dossier.finished_at.is_(None), Dossier.finished_at >= lo))


def counting_columns(finished_as: FinishedRule, lo: datetime, hi: datetime
                     ) -> list[ColumnElement[Any]]:
    """The form's counts for the period [lo, hi), as aggregate columns over the dossiers
    `counted_in` selects (labels read by `row_from`): any GROUP BY gives rows that add
    up as the form does."""
    # The deadline is the appointment on the receipt slip, moved only by waits for the
    # citizen; an apology's new date does not make a late dossier timely (the runtime
    # times a resolved dossier against the same date).
    deadline = func.coalesce(Dossier.original_appointment_at, Dossier.appointment_at)
    paused = select(Pause.dossier_id).where(
        Pause.started_at < hi, or_(Pause.ended_at.is_(None), Pause.ended_at >= hi))

    carried = Dossier.received_at < lo
    finished = and_(Dossier.finished_at.is_not(None), Dossier.finished_at < hi)
    # Ended in the period in a way the rule leaves out of the form altogether.
    counted = not_(and_(finished, _ended_any(finished_as.kinds(Placement.EXCLUDED))))
    really_resolved = and_(finished, Dossier.finish_kind == RESOLVED)
    # Withdrawn, refused or stopped and counted as resolved, timed by when they ended
    # (the runtime records no outcome for them: late after the deadline, else on time).
    timed = and_(finished, _ended_any(finished_as.kinds(Placement.RESOLVED)))
    on_time = and_(finished, _ended_any(finished_as.kinds(Placement.ON_TIME)))
    many_supplements = Dossier.supplement_count > MAX_SUPPLEMENTS_ON_TIME
    in_progress = not_(finished)
    within = or_(Dossier.id.in_(paused), deadline.is_(None), deadline >= hi)

    return [
        _count(and_(counted, carried)).label("carried_over"),
        _count(and_(counted, not_(carried), Dossier.channel == Channel.ONLINE)
               ).label("online"),
        _count(and_(counted, not_(carried), Dossier.channel != Channel.ONLINE)
               ).label("in_person"),
        _count(or_(really_resolved, timed, on_time)).label("resolved"),
        _count(and_(really_resolved, Dossier.outcome == Outcome.EARLY,
                    not_(many_supplements))).label("early"),
        _count(or_(and_(really_resolved, or_(Dossier.outcome == Outcome.LATE,
                                             many_supplements)),
                   and_(timed, or_(many_supplements,
                                   and_(deadline.is_not(None),
                                        Dossier.finished_at > deadline))))
               ).label("late"),
        _count(in_progress).label("in_progress"),
        _count(and_(in_progress, within)).label("within"),
        *(_count(and_(finished, _ended(kind))).label(kind.value)
          for kind in (WITHDRAWN, FinishKind.REFUSED, STOPPED)),
    ]


def row_from(field: str, counts: Any) -> ReportRow:
    """A row labelled `field` from the labelled counts of `counting_columns`."""
    c = {key: int(counts[key]) for key in (
        "carried_over", "online", "in_person", "resolved", "early", "late", "in_progress",
        "within", "withdrawn", "refused", "stopped")}
    # A resolved dossier without an outcome had no appointment to miss: on time.
    on_time = c["resolved"] - c["early"] - c["late"]
    return _make(field, carried_over=c["carried_over"], received_online=c["online"],
                 received_in_person=c["in_person"], resolved_early=c["early"],
                 resolved_on_time=on_time, resolved_late=c["late"],
                 in_progress_within=c["within"],
                 in_progress_overdue=c["in_progress"] - c["within"],
                 withdrawn=c["withdrawn"], refused=c["refused"], stopped=c["stopped"])


def _make(field: str, *, carried_over: int, received_online: int, received_in_person: int,
          resolved_early: int, resolved_on_time: int, resolved_late: int,
          in_progress_within: int, in_progress_overdue: int, withdrawn: int,
          refused: int, stopped: int) -> ReportRow:
    received = carried_over + received_online + received_in_person
    resolved = resolved_early + resolved_on_time + resolved_late
    return ReportRow(
        field_of_work=field, received_total=received, received_online=received_online,
        received_in_person=received_in_person, carried_over=carried_over,
        resolved_total=resolved, resolved_early=resolved_early,
        resolved_on_time=resolved_on_time, resolved_late=resolved_late,
        in_progress_total=in_progress_within + in_progress_overdue,
        in_progress_within=in_progress_within, in_progress_overdue=in_progress_overdue,
        withdrawn=withdrawn, refused=refused, stopped=stopped,
        resolution_rate=percentage(resolved, received),
        on_time_rate=percentage(resolved_early + resolved_on_time, resolved),
    )


def add_rows(label: str, rows: list[ReportRow]) -> ReportRow:
    """The sum of `rows`, labelled `label` (the total row, or a group of rows)."""
    def add(name: str) -> int:
        return sum(getattr(row, name) for row in rows)

    return _make(
        label, carried_over=add("carried_over"), received_online=add("received_online"),
        received_in_person=add("received_in_person"), resolved_early=add("resolved_early"),
        resolved_on_time=add("resolved_on_time"), resolved_late=add("resolved_late"),
        in_progress_within=add("in_progress_within"),
        in_progress_overdue=add("in_progress_overdue"), withdrawn=add("withdrawn"),
        refused=add("refused"), stopped=add("stopped"))
