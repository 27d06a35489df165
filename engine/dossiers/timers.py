"""The tick: what `lienthong tick` and `lienthong worker` do once. Fire due BPMN timers
(escalations, waits) on the engine clock, retry pending messages, refuse dossiers whose
citizen did not supplement in time, and flag the dossiers at risk of being late.

Every piece of work (one dossier's timers, one message, one expired wait, one flag) runs
in a transaction of its own and claims its row first (storage.claim_due), so any number
of workers can tick over the same due work at once: each piece is done once, a piece
another worker or a clerk holds is left for the next tick, and a piece that fails (a
conflict, a failing script) is rolled back whole, reported and retried next tick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.dossiers.lifecycle import (
    at_risk_dossiers,
    expire_supplement,
    flag_at_risk,
    overdue_supplements,
)
from engine.dossiers.notices import (
    Sender,
    late_steps,
    mail_one,
    notify_at_risk,
    notify_late_step,
    pending_mail,
    risky_dossiers,
)
from engine.errors import EngineError
from engine.runtime import Runtime, Step, deliver, deliver_pending, pending_messages, record_event
from engine.storage import Dossier, claim_due, compact_day_counts, conflicts
from engine.vocabulary import DossierStatus

# Opens one transaction and yields its session, committing it when the block ends without
# an error and rolling it back otherwise: `sessionmaker.begin` is one.
Transaction = Callable[[], AbstractContextManager[Session]]
T = TypeVar("T")


@dataclass(frozen=True)
class TickFailure:
    """A piece of work that failed (its transaction was rolled back); the next tick
    tries it again."""

    dossier: str  # the code of the dossier it was for ("day counts": their merging)
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
    notified: int = 0  # notifications written (steps past their SLA, dossiers at risk)
    mailed: int = 0  # notifications sent by e-mail
    compacted: int = 0  # rows of day counts merged (engine/storage/day_counts.py)


def _timer_due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """A running dossier with a timer due at or before `now`."""
    return Dossier.status == DossierStatus.RUNNING, Dossier.next_timer_at <= now


def due_dossiers(session: Session, now: datetime, limit: int = 500) -> list[tuple[int, str]]:
    """(id, code) of running dossiers with a timer due at or before `now`, oldest first."""
    return [(dossier_id, code) for dossier_id, code in session.execute(
        select(Dossier.id, Dossier.code).where(*_timer_due(now))
        .order_by(Dossier.next_timer_at).limit(limit))]


def fire_timers(session: Session, runtime: Runtime, dossier_id: int, now: datetime) -> bool:
    """Claim one dossier whose timer is due and run it on at `now`; deliver the messages
    it throws. False when another worker holds it or its timer is no longer due (fired
    or cancelled meanwhile); a `timer_fired` event only when the workflow moved."""
    dossier = claim_due(session, Dossier, dossier_id, *_timer_due(now))
    if dossier is None:
        return False
    step = Step(at=now, actor=None)
    before, state = dossier.next_timer_at, dossier.state
    runtime.advance(runtime.open(session, dossier, step), before=lambda w: w.refresh_timers())
    if dossier.state == state:
        return False
    record_event(session, dossier, now, "timer_fired", None,
                 deadline=before.isoformat() if before else None)
    deliver(session, runtime, step)
    return True


def _each(transaction: Transaction, pieces: Iterable[tuple[T, str]],
          work: Callable[[Session, T], int], failed: list[TickFailure]) -> list[tuple[str, int]]:
    """Do each (piece, dossier code) in its own transaction; (code, what `work` counted)
    of those that did something. A piece that fails is rolled back and listed in
    `failed`, and the others go on."""
    done = []
    for piece, code in pieces:
        try:
            with conflicts(f"dossier {code}", dossier=code), transaction() as session:
                count = work(session, piece)
        except (EngineError, OperationalError) as exc:
            if isinstance(exc, OperationalError) and not _transient(exc):
                raise
            failed.append(TickFailure(code, str(exc).partition("\n")[0]))
            continue
        if count:
            done.append((code, count))
    return done


def _transient(exc: OperationalError) -> bool:
    """A deadlock or serialization failure on PostgreSQL: another transaction won, and
    trying again later succeeds (psycopg's TransactionRollback, SQLSTATE class 40)."""
    state = getattr(exc.orig, "sqlstate", None)
    return isinstance(state, str) and state.startswith("40")


def _read(transaction: Transaction, query: Callable[[Session], list[T]]) -> list[T]:
    with transaction() as session:
        return query(session)


def tick(transaction: Transaction, runtime: Runtime, now: datetime | None = None,
         send: Sender | None = None) -> TickResult:
    """Fire every due timer, retry pending messages, refuse the dossiers not supplemented
    in time, flag those at risk and notify the leaders of late steps and dossiers at
    risk: each piece in a transaction of its own. With `send`, the notifications not
    mailed yet are then e-mailed, after the transactions that wrote them committed."""
    at = runtime.now(now)
    failed: list[TickFailure] = []
    fired = _each(transaction, _read(transaction, lambda s: due_dossiers(s, at)),
                  lambda s, dossier_id: fire_timers(s, runtime, dossier_id, at), failed)
    delivered = _each(transaction, _read(transaction, pending_messages),
                      lambda s, message_id: deliver_pending(s, runtime, message_id, at), failed)
    refused = _each(transaction, _read(transaction, lambda s: overdue_supplements(s, at)),
                    lambda s, pause_id: expire_supplement(s, runtime, pause_id, at), failed)
    risky = _read(transaction, lambda s: at_risk_dossiers(s, runtime, at))
    at_risk = _each(transaction, [(risk, risk.code) for risk in risky],
                    lambda s, risk: flag_at_risk(s, risk.dossier_id, at, risk.hours_left),
                    failed)
    notified = _each(transaction, _read(transaction, lambda s: late_steps(s, at)),
                     lambda s, record_id: notify_late_step(s, record_id, at), failed)
    notified += _each(transaction, _read(transaction, lambda s: risky_dossiers(s, runtime, at)),
                      lambda s, piece: notify_at_risk(s, piece, at), failed)
    mailed = _mail(transaction, send, at, failed) if send is not None else 0
    compacted = _compact(transaction, failed)
    return TickResult(at=at, fired=tuple(code for code, _ in fired),
                      messages_delivered=sum(count for _, count in delivered),
                      refused=tuple(code for code, _ in refused),
                      at_risk=tuple(code for code, _ in at_risk), failed=tuple(failed),
                      notified=sum(count for _, count in notified), mailed=mailed,
                      compacted=compacted)


def _compact(transaction: Transaction, failed: list[TickFailure]) -> int:
    """Merge the day counts' rows of differences (one transaction); a deadlock or
    serialization failure leaves them for the next tick."""
    try:
        with transaction() as session:
            return compact_day_counts(session)
    except OperationalError as exc:
        if not _transient(exc):
            raise
        failed.append(TickFailure("day counts", str(exc).partition("\n")[0]))
        return 0


def _mail(transaction: Transaction, send: Sender, at: datetime,
          failed: list[TickFailure]) -> int:
    """E-mail the notifications not mailed yet, each claimed in its own transaction; one
    the server refuses (OSError, smtplib's errors among them) is retried next tick."""
    sent = 0
    for notification_id, code in _read(transaction, pending_mail):
        try:
            with transaction() as session:
                sent += mail_one(session, notification_id, send, at)
        except OSError as exc:
            # the error's class only: a server's reply may quote the address
            failed.append(TickFailure(code, f"e-mail not sent: {type(exc).__name__}"))
    return sent
