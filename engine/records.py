"""What every command writes about a dossier: the command's context (Step), the event
log, and the dossier leaving processing (resolved, refused, withdrawn, stopped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import journal
from engine.calendar import WorkingCalendar
from engine.models import Dossier, Event


def record_event(
    session: Session, dossier: Dossier, at: datetime, kind: str, actor: str | None, **detail: Any
) -> None:
    """Append to the dossier's event log. `detail` must hold ids and names, no citizen data."""
    journal.append(session, Event, dossier_id=dossier.id, at=at, kind=kind, actor=actor,
                   detail=detail)


@dataclass
class Step:
    """One command's context: its instant, its actor and where the dossier came from."""

    at: datetime
    actor: str | None
    from_department: str | None = None
    source_dossier_id: int | None = None
    messages: list[int] = field(default_factory=list)


def resolve(session: Session, dossier: Dossier, cal: WorkingCalendar, step: Step) -> None:
    """The result is ready: the dossier leaves processing, timed against its appointment.
    More than one supplement request counts as late in the national indicators."""
    if dossier.finish_kind is not None:
        return
    dossier.resolved_at = dossier.finished_at = step.at
    dossier.finish_kind = "resolved"
    dossier.status = "resolved"
    due = dossier.original_appointment_at or dossier.appointment_at  # apologies don't count
    if due is not None:
        dossier.outcome = cal.outcome(due, step.at)
    if dossier.supplement_count >= 2:
        dossier.outcome = "late"
    record_event(session, dossier, step.at, "resolved", step.actor, outcome=dossier.outcome)


def finish(session: Session, dossier: Dossier, step: Step, kind: str, reason: str) -> None:
    """The dossier leaves processing unresolved: refused, withdrawn or stopped."""
    dossier.finished_at = step.at
    dossier.finish_kind = kind
    dossier.finish_reason = reason
    dossier.status = kind
    record_event(session, dossier, step.at, kind, step.actor)
