"""API tokens for integrations: a token acts as its user until it expires or is revoked;
only its hash is stored, with its last use."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org.users import UserView, user_row, user_view
from engine.storage import ApiToken, User

DEFAULT_DAYS = 90
LONGEST_DAYS = 3650
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


@dataclass(frozen=True)
class TokenView:
    id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class TokenUse:
    """What a request's token turned out to be: its user, or why it was refused
    (`refused`: unknown, revoked, expired or inactive_user); `noted` when its last use
    was written now (at most once a minute); `due` when `check_token` found that use
    due to be written and wrote nothing."""

    user: UserView | None
    username: str | None = None
    name: str | None = None
    refused: str | None = None
    noted: bool = False
    due: bool = False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, name: str, at: datetime,
                 days: int = DEFAULT_DAYS) -> str:
    """A new API token for a user, valid `days` days; only its hash is stored, so show it
    once."""
    if not 1 <= days <= LONGEST_DAYS:
        raise InvalidAction(f"a token lasts 1 to {LONGEST_DAYS} days", code="token_days",
                            longest=LONGEST_DAYS)
    user = user_row(session, username)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, created_at=at, revoked=False,
                         expires_at=at + timedelta(days=days), token_hash=_digest(token)))
    session.flush()
    return token


def revoke_tokens(session: Session, username: str, name: str | None = None) -> int:
    """Revoke a user's tokens (only those with this name if given); return how many."""
    user = user_row(session, username)
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
    if name is not None:
        query = query.where(ApiToken.name == name)
    rows = session.scalars(query).all()
    for row in rows:
        row.revoked = True
    session.flush()
    return len(rows)


# The token and its user in one query, built once (every API request runs it).
_TOKEN_AND_USER = (select(ApiToken, User).outerjoin(User, User.id == ApiToken.user_id)
                   .where(ApiToken.token_hash == bindparam("digest")))


def _find(session: Session, token: str, at: datetime) -> tuple[ApiToken | None, TokenUse]:
    found = session.execute(_TOKEN_AND_USER, {"digest": _digest(token)}).first()
    if found is None:
        return None, TokenUse(None, refused="unknown")
    row, user = found
    username = user.username if user is not None else None
    refused = ("revoked" if row.revoked else "expired" if at >= row.expires_at
               else "inactive_user" if user is None or not user.active else None)
    if refused is not None or user is None:
        return row, TokenUse(None, username, row.name, refused or "inactive_user")
    due = row.last_used_at is None or at - row.last_used_at >= TOUCH_EVERY
    return row, TokenUse(user_view(user), username, row.name, due=due)


def check_token(session: Session, token: str, at: datetime) -> TokenUse:
    """What `use_token` would find, writing nothing: read in a transaction that may not
    write (a GET), then `use_token` in one that may when the result is `due`."""
    return _find(session, token, at)[1]


def use_token(session: Session, token: str, at: datetime) -> TokenUse:
    """Check a request's token at `at`: its user if it is known, not revoked, not expired
    and its user active (its last use is then written, at most once a minute)."""
    row, use = _find(session, token, at)
    if row is None or not use.due:
        return use
    row.last_used_at = at
    session.flush()
    return replace(use, noted=True, due=False)


def authenticate_token(session: Session, token: str, at: datetime) -> UserView | None:
    """The active user a valid (known, not revoked, not expired) token belongs to, or None."""
    return use_token(session, token, at).user


def list_tokens(session: Session, username: str | None = None) -> list[TokenView]:
    """Tokens (of one user if given), the newest first, revoked and expired ones too."""
    query = (select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    if username is not None:
        query = query.where(ApiToken.user_id == user_row(session, username).id)
    return [TokenView(t.id, name, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked)
            for t, name in session.execute(query)]
