"""Firing due BPMN timers (escalations, waits) on the engine clock: what `tick` does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.lifecycle import expire_supplements, flag_at_risk
from engine.messaging import deliver
from engine.models import Dossier
from engine.records import Step, record_event
from engine.runtime import Runtime


@dataclass(frozen=True)
class TickResult:
    """What one tick did."""

    at: datetime
    dossiers: tuple[str, ...]  # codes of the dossiers whose timers fired
    messages_delivered: int
    refused: tuple[str, ...] = ()  # not supplemented within 7 working days
    at_risk: tuple[str, ...] = ()  # newly flagged: will miss the appointment


def due_dossiers(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Ids of running dossiers with a timer due at or before `now`, oldest first."""
    return list(session.scalars(
        select(Dossier.id)
        .where(Dossier.status == "running", Dossier.next_timer_at <= now)
        .order_by(Dossier.next_timer_at)
        .limit(limit)
    ))


def fire_timers(session: Session, runtime: Runtime, dossier_id: int, now: datetime) -> None:
    """Refresh one dossier's timers at `now` and run on (atomically)."""
    with session.begin_nested():
        _fire(session, runtime, dossier_id, now)


def _fire(session: Session, runtime: Runtime, dossier_id: int, now: datetime) -> None:
    dossier = session.get_one(Dossier, dossier_id)
    wf, loaded, cal = runtime.load(session, dossier, now)
    step = Step(at=now, actor=None)
    before = dossier.next_timer_at
    runtime.advance(session, dossier, wf, loaded, cal, step, before=lambda w: w.refresh_timers())
    record_event(session, dossier, now, "timer_fired", None,
                 deadline=before.isoformat() if before else None)
    deliver(session, runtime, step)


def tick(session: Session, runtime: Runtime, now: datetime | None = None) -> TickResult:
    """Fire every due timer and retry pending messages, in the caller's transaction."""
    at = runtime.now(now)
    fired = []
    for dossier_id in due_dossiers(session, at):
        fire_timers(session, runtime, dossier_id, at)
        fired.append(session.get_one(Dossier, dossier_id).code)
    delivered = deliver(session, runtime, Step(at=at, actor=None), pending_only=False)
    refused = expire_supplements(session, runtime, at)
    at_risk = flag_at_risk(session, runtime, at)
    return TickResult(at=at, dossiers=tuple(fired), messages_delivered=delivered,
                      refused=tuple(refused), at_risk=tuple(at_risk))
