"""The security events the administrators read (Nhật ký an ninh): sign-ins, failures,
locks, sessions ended, passwords changed, tokens used or refused, permissions refused.
Each keeps a user name (or the name tried) and an address, never a password nor a
citizen's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.storage import SecurityEvent
from engine.vocabulary import SecurityEventKind


@dataclass(frozen=True)
class SecurityEventView:
    id: int
    at: datetime
    kind: SecurityEventKind
    username: str | None
    address: str | None
    detail: str


@dataclass(frozen=True)
class EventPage:
    events: list[SecurityEventView]
    total: int  # events matching the filters, on every page


def record_event(session: Session, kind: SecurityEventKind, at: datetime, *,
                 username: str | None = None, address: str | None = None,
                 detail: str = "") -> None:
    """Add one event; the name, address and detail are cut to their columns' sizes."""
    session.add(SecurityEvent(at=at, kind=kind, username=username[:100] if username else None,
                              address=address[:64] if address else None, detail=detail[:300]))
    session.flush()


def list_events(session: Session, *, kind: SecurityEventKind | None = None,
                username: str | None = None, offset: int = 0, limit: int = 50) -> EventPage:
    """Events, the newest first, filtered by kind and user name, one page of them."""
    query = select(SecurityEvent)
    if kind is not None:
        query = query.where(SecurityEvent.kind == kind)
    if username:
        query = query.where(SecurityEvent.username == username)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
                           .offset(max(offset, 0)).limit(max(limit, 1)))
    return EventPage([SecurityEventView(r.id, r.at, r.kind, r.username, r.address, r.detail)
                      for r in rows], total)
