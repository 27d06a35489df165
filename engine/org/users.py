"""The people who work in units: roles, departments, argon2-hashed passwords, sign-in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction, NotFound
from engine.org.units import get_unit
from engine.storage import User

ROLES = ("reception", "staff", "leader", "supervisor", "designer", "admin")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def user_view(user: User) -> UserView:
    return UserView(user.id, user.username, user.full_name, user.unit_code, tuple(user.roles),
                    tuple(user.departments))


def user_row(session: Session, username: str) -> User:
    """The user named `username` (NotFound if there is none)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} does not exist", code="user_not_found", user=username)
    return user


def hash_password(password: str) -> str:
    """An argon2 hash of a password of at least 8 characters."""
    if len(password) < 8:
        raise InvalidAction("a password needs at least 8 characters")
    return _hasher().hash(password)


def add_user(session: Session, *, username: str, full_name: str, unit: str,
             roles: Sequence[str], departments: Sequence[str] = (), password: str = "",
             password_hash: str | None = None) -> UserView:
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
    return user_view(user)


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


def get_user(session: Session, user_id: int) -> UserView | None:
    """The active user with this id, or None."""
    user = session.get(User, user_id)
    return user_view(user) if user is not None and user.active else None


def find_user(session: Session, username: str) -> UserView:
    """The user named `username` (NotFound if there is none)."""
    return user_view(user_row(session, username))
