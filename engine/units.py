"""Units (city › district › ward, and agencies) and the people who work in them."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction, NotFound
from engine.models import ApiToken, Department, Unit, User

UNIT_KINDS = ("city", "district", "ward", "police", "social_insurance", "other")
ROLES = ("reception", "staff", "leader", "supervisor", "designer", "admin")


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@dataclass(frozen=True)
class UnitView:
    code: str
    name: str
    kind: str
    parent_code: str | None
    departments: tuple[str, ...]


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]


def unit_view(unit: Unit) -> UnitView:
    return UnitView(unit.code, unit.name, unit.kind, unit.parent_code, tuple(unit.departments))


def user_view(user: User) -> UserView:
    return UserView(user.id, user.username, user.full_name, user.unit_code, tuple(user.roles),
                    tuple(user.departments))


def get_unit(session: Session, code: str) -> Unit:
    unit = session.get(Unit, code)
    if unit is None:
        raise NotFound(f"unit {code} does not exist")
    return unit


def add_unit(session: Session, *, code: str, name: str, kind: str, parent: str | None = None,
             departments: Sequence[str] = (), address: str = "") -> Unit:
    """Create a unit under `parent` with the departments it has."""
    if kind not in UNIT_KINDS:
        raise InvalidAction(f"unit kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
    if session.get(Unit, code) is not None:
        raise InvalidAction(f"unit {code} already exists")
    if parent is not None:
        get_unit(session, parent)
    for dept in departments:
        if session.get(Department, dept) is None:
            raise NotFound(f"department {dept} does not exist")
    unit = Unit(code=code, name=name, kind=kind, parent_code=parent,
                departments=list(departments), address=address)
    session.add(unit)
    session.flush()
    return unit


def descendants(session: Session, code: str) -> list[str]:
    """`code` and the codes of every unit below it."""
    get_unit(session, code)
    children: dict[str | None, list[str]] = {}
    for child, parent in session.execute(select(Unit.code, Unit.parent_code)):
        children.setdefault(parent, []).append(child)
    found, pending = [], [code]
    while pending:
        current = pending.pop()
        if current in found:  # a cycle in parent codes must not loop forever
            continue
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def ancestors(session: Session, code: str) -> list[str]:
    """`code` and the codes of the units above it, nearest first."""
    chain = []
    unit: Unit | None = get_unit(session, code)
    while unit is not None:
        chain.append(unit.code)
        unit = session.get(Unit, unit.parent_code) if unit.parent_code else None
    return chain


def hash_password(password: str) -> str:
    """An argon2 hash of a password of at least 8 characters."""
    if len(password) < 8:
        raise InvalidAction("a password needs at least 8 characters")
    return _hasher().hash(password)


def add_user(session: Session, *, username: str, full_name: str, unit: str,
             roles: Sequence[str], departments: Sequence[str] = (), password: str = "",
             password_hash: str | None = None) -> User:
    """Create a user; the password is stored as an argon2 hash (or give the hash)."""
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise InvalidAction(f"unknown role {bad[0]!r}; roles are {', '.join(ROLES)}")
    home = get_unit(session, unit)
    foreign = [d for d in departments if d not in home.departments]
    if foreign:
        raise InvalidAction(f"unit {unit} has no department {foreign[0]}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidAction(f"user {username} already exists")
    user = User(username=username, full_name=full_name, unit_code=unit,
                password_hash=password_hash or hash_password(password), roles=list(roles),
                departments=list(departments), active=True)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> UserView | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user_view(user)


def create_token(session: Session, username: str, name: str, at: datetime) -> str:
    """A new API token for a user; only its hash is stored, so show it once."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} does not exist")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, created_at=at, revoked=False,
                         token_hash=hashlib.sha256(token.encode()).hexdigest()))
    session.flush()
    return token


def revoke_tokens(session: Session, username: str, name: str | None = None) -> int:
    """Revoke a user's tokens (only those with this name if given); return how many."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} does not exist")
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
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest,
                                                ApiToken.revoked.is_(False)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user_view(user) if user is not None and user.active else None


def get_user(session: Session, user_id: int) -> UserView | None:
    user = session.get(User, user_id)
    return user_view(user) if user is not None and user.active else None


def find_user(session: Session, username: str) -> UserView:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} does not exist")
    return user_view(user)
