"""The people who work in units: roles, departments, argon2-hashed passwords, sign-in,
deactivation, the e-mail address their notifications go to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.errors import InvalidAction, NotFound
from engine.org.audit import record_event
from engine.org.passwords import check_password, hash_password, needs_rehash, verify_password
from engine.org.units import get_unit
from engine.storage import ApiToken, User, UserSession
from engine.vocabulary import SecurityEventKind

ROLES = ("reception", "staff", "leader", "supervisor", "designer", "admin")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]


@dataclass(frozen=True)
class AccountView:
    """A user as the administrators see them: active (may sign in) or not."""

    user: UserView
    active: bool
    email: str | None = None  # where escalation notices are e-mailed (None: not mailed)


def user_view(user: User) -> UserView:
    return UserView(user.id, user.username, user.full_name, user.unit_code, tuple(user.roles),
                    tuple(user.departments))


def user_row(session: Session, username: str) -> User:
    """The user named `username` (NotFound if there is none)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} does not exist", code="user_not_found", user=username)
    return user


def add_user(session: Session, *, username: str, full_name: str, unit: str,
             roles: Sequence[str], departments: Sequence[str] = (), password: str = "",
             password_hash: str | None = None) -> UserView:
    """Create a user; the password must meet the policy (`check_password`) and is stored
    as an argon2 hash (or give the hash)."""
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise InvalidAction(f"unknown role {bad[0]!r}; roles are {', '.join(ROLES)}")
    home = get_unit(session, unit)
    foreign = [d for d in departments if d not in home.departments]
    if foreign:
        raise InvalidAction(f"unit {unit} has no department {foreign[0]}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidAction(f"user {username} already exists")
    if password_hash is None:
        check_password(password, username)
        password_hash = hash_password(password)
    user = User(username=username, full_name=full_name, unit_code=unit,
                password_hash=password_hash, roles=list(roles),
                departments=list(departments), active=True)
    session.add(user)
    session.flush()
    return user_view(user)


def authenticate(session: Session, username: str, password: str) -> UserView | None:
    """The active user with these credentials, or None. An unknown or inactive user costs
    the same argon2 work as a real one; a hash made with older parameters is made anew."""
    user = session.scalar(select(User).where(User.username == username[:100]))
    known = user is not None and user.active
    if not verify_password(user.password_hash if known and user else None, password):
        return None
    assert user is not None  # noqa: S101 - verify_password matched its hash
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user_view(user)


def set_password(session: Session, username: str, password: str) -> UserView:
    """Give a user a new password (it must meet the policy) and end all their sessions:
    the caller opens a new one for the browser that made the change."""
    user = user_row(session, username)
    check_password(password, username)
    user.password_hash = hash_password(password)
    _end_sessions(session, user.id)
    session.flush()
    return user_view(user)


def set_active(session: Session, username: str, active: bool) -> AccountView:
    """Deactivate a user (their sessions end and their API tokens are revoked at once) or
    let them sign in again."""
    user = user_row(session, username)
    user.active = active
    if not active:
        _end_sessions(session, user.id)
        session.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                        .values(revoked=True))
    session.flush()
    return AccountView(user_view(user), user.active, user.email)


EMAIL_LENGTH = 254  # the longest address SMTP carries (RFC 5321 path limit)
_SPECIALS = frozenset('<>()[],;:\\"')


def check_email(email: str | None) -> str | None:
    """The address trimmed, or None for an empty one (no address); InvalidAction (code
    email_too_long or email_invalid) unless it looks like an address: one @, something
    before it, a dot inside the domain, no spaces or control characters, none of the
    characters an address may hold only quoted (<>()[],;:\\") and that a mail header
    would read otherwise."""
    text = (email or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_LENGTH:
        raise InvalidAction(f"an e-mail address has at most {EMAIL_LENGTH} characters",
                            code="email_too_long", maximum=EMAIL_LENGTH)
    local, _at, domain = text.partition("@")
    labels = domain.split(".")
    if (text.count("@") != 1 or not local or len(labels) < 2 or not all(labels)
            or any(c.isspace() or not c.isprintable() or c in _SPECIALS for c in text)):
        raise InvalidAction(f"{text[:60]!r} is not an e-mail address", code="email_invalid")
    return text


def set_email(session: Session, username: str, email: str | None, *, at: datetime,
              by: str | None = None, address: str | None = None) -> AccountView:
    """Set the address the user's notifications are e-mailed to (`check_email`; empty or
    None clears it) and record an email_changed security event: who changed it (`by`,
    from `address`) and whether it was set or cleared, never the address itself."""
    user = user_row(session, username)
    value = check_email(email)
    if value != user.email:
        user.email = value
        record_event(session, SecurityEventKind.EMAIL_CHANGED, at, username=username,
                     address=address,
                     detail=("set" if value else "cleared") + (f" by {by}" if by else ""))
    session.flush()
    return AccountView(user_view(user), user.active, user.email)


def _end_sessions(session: Session, user_id: int) -> None:
    for row in session.scalars(select(UserSession).where(UserSession.user_id == user_id)):
        session.delete(row)


def list_users(session: Session) -> list[AccountView]:
    """Every user, active or not, by unit and name."""
    rows = session.scalars(select(User).order_by(User.unit_code, User.username))
    return [AccountView(user_view(user), user.active, user.email) for user in rows]


def find_account(session: Session, username: str) -> AccountView:
    """The user named `username`, active or not (NotFound if there is none)."""
    user = user_row(session, username)
    return AccountView(user_view(user), user.active, user.email)


def get_user(session: Session, user_id: int) -> UserView | None:
    """The active user with this id, or None."""
    user = session.get(User, user_id)
    return user_view(user) if user is not None and user.active else None


def find_user(session: Session, username: str) -> UserView:
    """The user named `username` (NotFound if there is none)."""
    return user_view(user_row(session, username))
