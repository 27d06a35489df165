"""The tick: what `lienthong tick` and `lienthong worker` do once. Fire due BPMN timers
(escalations, waits) on the engine clock, retry pending messages, refuse dossiers whose
citizen did not supplement in time, and flag the dossiers at risk of being late."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.lifecycle import expire_supplements, flag_at_risk
from engine.errors import EngineError
from engine.runtime import Runtime, Step, deliver, record_event
from engine.storage import Dossier
from engine.vocabulary import DossierStatus

# Opens one transaction and yields its session, committing it when the block ends without
# an error and rolling it back otherwise: `sessionmaker.begin` is one.
Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class TickFailure:
    """A dossier whose timers could not fire (its transaction was rolled back)."""

    dossier: str  # its code
    error: str


@dataclass(frozen=True)
class TickResult:
    """What one tick did."""

    at: datetime
    fired: tuple[str, ...]  # codes of the dossiers whose timers fired
    messages_delivered: int
    refused: tuple[str, ...] = ()  # not supplemented within 7 working days
    at_risk: tuple[str, ...] = ()  # newly flagged: will miss the appointment
    failed: tuple[TickFailure, ...] = ()


def due_dossiers(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Ids of running dossiers with a timer due at or before `now`, oldest first."""
    return list(session.scalars(
        select(Dossier.id)
        .where(Dossier.status == DossierStatus.RUNNING, Dossier.next_timer_at <= now)
        .order_by(Dossier.next_timer_at)
        .limit(limit)
    ))


def fire_timers(session: Session, runtime: Runtime, dossier_id: int, now: datetime) -> str:
    """Refresh one dossier's timers at `now` and run on, in a savepoint; deliver the
    messages it throws. Returns the dossier's code."""
    with session.begin_nested():
        dossier = session.get_one(Dossier, dossier_id)
        step = Step(at=now, actor=None)
        run = runtime.open(session, dossier, step)
        before = dossier.next_timer_at
        runtime.advance(run, before=lambda w: w.refresh_timers())
        record_event(session, dossier, now, "timer_fired", None,
                     deadline=before.isoformat() if before else None)
        deliver(session, runtime, step)
        return dossier.code


def tick(transaction: Transaction, runtime: Runtime, now: datetime | None = None
         ) -> TickResult:
    """Fire every due timer, each dossier in a transaction of its own (one that fails is
    reported and the others go on), then retry pending messages, then refuse the
    dossiers not supplemented in time and flag those at risk."""
    at = runtime.now(now)
    with transaction() as session:
        due = due_dossiers(session, at)
    fired: list[str] = []
    failed: list[TickFailure] = []
    for dossier_id in due:
        try:
            with transaction() as session:
                fired.append(fire_timers(session, runtime, dossier_id, at))
        except EngineError as exc:
            with transaction() as session:
                code = session.get_one(Dossier, dossier_id).code
            failed.append(TickFailure(code, str(exc)))
    with transaction() as session:
        delivered = deliver(session, runtime, Step(at=at, actor=None), pending_only=False)
    with transaction() as session:
        refused = expire_supplements(session, runtime, at)
        at_risk = flag_at_risk(session, runtime, at)
    return TickResult(at=at, fired=tuple(fired), messages_delivered=delivered,
                      refused=tuple(refused), at_risk=tuple(at_risk), failed=tuple(failed))
