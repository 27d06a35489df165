"""A completed step's working minutes (ready -> completed, ready -> first taken, and the
handover into it), counted once with the unit's calendar and the dossier's pauses and
stored on its task record, so the step-timing audit sums columns instead of walking
calendars (docs/audit.md). Also used by migration 0009 to fill the rows it finds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.storage import Pause, TaskRecord

Span = tuple[datetime, datetime]


class Timed(Protocol):
    """What counting needs of a task record (the ORM row, or a migration's plain row)."""

    @property
    def ready_at(self) -> datetime: ...
    @property
    def claimed_at(self) -> datetime | None: ...
    @property
    def received_at(self) -> datetime | None: ...
    @property
    def completed_at(self) -> datetime | None: ...
    @property
    def handover(self) -> bool: ...
    @property
    def handed_from(self) -> str | None: ...


@dataclass(frozen=True)
class StepMinutes:
    working: int  # ready -> completed
    waiting: int  # ready -> first taken (claimed, else completed)
    handover: int | None  # previous step's completion -> received here; None: no handover


def _minutes(cal: WorkingCalendar, a: datetime, b: datetime, paused: Sequence[Span]) -> int:
    return round(cal.between(a, b, paused).total_seconds() / 60)


def count_minutes(cal: WorkingCalendar, row: Timed, paused: Sequence[Span],
                  handed_at: datetime | None) -> StepMinutes:
    """The minutes of a completed record: `paused` are the dossier's pauses (an open one
    ending at the completion), `handed_at` the previous step's completion
    (see `store_minutes`)."""
    done = row.completed_at
    if done is None:
        raise ValueError("the step is not completed")
    taken = row.claimed_at or done
    received = row.received_at or taken
    handover = None
    if row.handover and row.handed_from and handed_at is not None:
        handover = _minutes(cal, min(handed_at, received), received, paused)
    return StepMinutes(working=_minutes(cal, row.ready_at, done, paused),
                       waiting=_minutes(cal, row.ready_at, taken, paused), handover=handover)


def dossier_pauses(session: Session, dossier_id: int, until: datetime) -> list[Span]:
    """The dossier's pauses for the citizen, an open one ending at `until`."""
    return [(p.started_at, p.ended_at or until) for p in session.scalars(
        select(Pause).where(Pause.dossier_id == dossier_id, Pause.started_at < until))]


def _completions(session: Session, dossier_id: int, row_id: str) -> list[datetime]:
    """When the dossier's other steps were completed."""
    return [at for at in session.scalars(select(TaskRecord.completed_at).where(
        TaskRecord.dossier_id == dossier_id, TaskRecord.id != row_id,
        TaskRecord.completed_at.is_not(None))) if at is not None]


def store_minutes(session: Session, cal: WorkingCalendar, row: TaskRecord) -> None:
    """Count and set the completed record's minutes (in the caller's transaction). The
    step before a handover is the last completion in the dossier (or in the linked
    dossier whose message made it ready) at or before this step became ready; the
    dossier's step before is its last completion before this one."""
    done = row.completed_at
    if done is None:
        raise ValueError("the step is not completed")
    own = _completions(session, row.dossier_id, row.id)
    handed_at = None
    if row.handover and row.handed_from:
        source = own if row.source_dossier_id in (None, row.dossier_id) else \
            _completions(session, row.source_dossier_id, row.id)
        handed_at = max((at for at in source if at <= row.ready_at), default=None)
    minutes = count_minutes(cal, row, dossier_pauses(session, row.dossier_id, done),
                            handed_at)
    row.working_minutes, row.waiting_minutes = minutes.working, minutes.waiting
    row.handover_minutes = minutes.handover
    row.previous_completed_at = max((at for at in own if at < done), default=None)
