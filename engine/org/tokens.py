"""API tokens for integrations: a token acts as its user; only its hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org.users import UserView, user_row, user_view
from engine.storage import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, name: str, at: datetime) -> str:
    """A new API token for a user; only its hash is stored, so show it once."""
    user = user_row(session, username)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, created_at=at, revoked=False,
                         token_hash=_digest(token)))
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


def authenticate_token(session: Session, token: str) -> UserView | None:
    """The active user a (not revoked) API token belongs to, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                                ApiToken.revoked.is_(False)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user_view(user) if user is not None and user.active else None
