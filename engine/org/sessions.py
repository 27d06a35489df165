"""Signed-in browsers: a session record per sign-in, found by the hash of the random id
its cookie holds; it ends at sign-out, after an idle time, after a longest time, or when
an administrator, a password change or a deactivation ends it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.org.users import UserView, user_row, user_view
from engine.storage import User, UserSession

# last_seen_at is written at most this often: one write a minute per browser, not one per page
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta  # ends when unused this long
    longest: timedelta  # ends this long after sign-in, used or not


@dataclass(frozen=True)
class SessionView:
    id: int
    username: str
    created_at: datetime
    last_seen_at: datetime
    address: str
    user_agent: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _alive(row: UserSession, at: datetime, limits: SessionLimits) -> bool:
    return at - row.last_seen_at < limits.idle and at - row.created_at < limits.longest


def open_session(session: Session, user_id: int, at: datetime, *, address: str,
                 user_agent: str) -> str:
    """A new session for a user who just signed in; returns the random id for the cookie
    (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user_id, token_hash=_digest(session_id), created_at=at,
                            last_seen_at=at, address=address[:64],
                            user_agent=user_agent[:200]))
    session.flush()
    return session_id


@dataclass(frozen=True)
class SessionCheck:
    """What `check_session` found: the active user of a live session, or None; `due` when
    `resume_session` would write (the last use to note, or the ended session to delete)."""

    user: UserView | None
    due: bool


# The session record and its user in one query, built once (every signed-in page runs it).
_SESSION_AND_USER = (select(UserSession, User).outerjoin(User, User.id == UserSession.user_id)
                     .where(UserSession.token_hash == bindparam("digest")))


def _find(session: Session, session_id: str, at: datetime, limits: SessionLimits
          ) -> tuple[UserSession | None, SessionCheck]:
    found = session.execute(_SESSION_AND_USER, {"digest": _digest(session_id)}).first()
    if found is None:
        return None, SessionCheck(None, due=False)
    row, user = found
    if user is None or not user.active or not _alive(row, at, limits):
        return row, SessionCheck(None, due=True)
    return row, SessionCheck(user_view(user), due=at - row.last_seen_at >= TOUCH_EVERY)


def check_session(session: Session, session_id: str, at: datetime, limits: SessionLimits
                  ) -> SessionCheck:
    """What `resume_session` would find, writing nothing: read in a transaction that may
    not write (a GET), then `resume_session` in one that may when the check is `due`."""
    return _find(session, session_id, at, limits)[1]


def resume_session(session: Session, session_id: str, at: datetime, limits: SessionLimits
                   ) -> UserView | None:
    """The active user of a live session, or None; an expired session is deleted."""
    row, check = _find(session, session_id, at, limits)
    if row is None or not check.due:
        return check.user
    if check.user is None:
        session.delete(row)
    else:
        row.last_seen_at = at
    session.flush()
    return check.user


def end_session(session: Session, session_id: str) -> None:
    """Sign-out: the session ends (nothing happens if it had already ended)."""
    session.execute(delete(UserSession).where(UserSession.token_hash == _digest(session_id)))


def end_sessions(session: Session, username: str) -> int:
    """End every session of a user; return how many there were."""
    user = user_row(session, username)
    rows = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def revoke_session(session: Session, session_record: int) -> SessionView:
    """End one session by its number (NotFound if there is no such session)."""
    row = session.get(UserSession, session_record)
    if row is None:
        raise NotFound(f"session {session_record} does not exist", code="session_not_found",
                       session=session_record)
    ended = _view(session, row)
    session.delete(row)
    session.flush()
    return ended


def list_sessions(session: Session, at: datetime, limits: SessionLimits,
                  username: str | None = None) -> list[SessionView]:
    """The live sessions (of one user if given), the most recently used first."""
    query = select(UserSession).order_by(UserSession.last_seen_at.desc(), UserSession.id)
    if username is not None:
        query = query.where(UserSession.user_id == user_row(session, username).id)
    return [_view(session, row) for row in session.scalars(query) if _alive(row, at, limits)]


def _view(session: Session, row: UserSession) -> SessionView:
    user = session.get(User, row.user_id)
    return SessionView(row.id, user.username if user else "", row.created_at, row.last_seen_at,
                       row.address, row.user_agent)
