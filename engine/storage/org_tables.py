"""The organisation's tables: departments, units with their days, reorganisations and
the agencies serving each unit, users, API tokens, sessions, sign-in throttling and the
security events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base, EnumText
from engine.vocabulary import SecurityEventKind


class Department(Base):
    """A department (or agency desk) that lanes map to: reception, civil status, police ..."""

    __tablename__ = "department"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Unit(Base):
    """An organisation in the hierarchy province › (district, until 30/6/2025) › commune,
    or an agency (police, social insurance), with the days it existed."""

    __tablename__ = "unit"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), doc="city, district, ward, police, "
                                      "social_insurance or other")
    level: Mapped[str] = mapped_column(String(16), default="commune",
                                       doc="province, district or commune")
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    departments: Mapped[list[Any]] = mapped_column(doc="department codes this unit has")
    valid_from: Mapped[date | None] = mapped_column(Date, doc="first day; None: always")
    valid_to: Mapped[date | None] = mapped_column(Date, doc="last day; None: still exists")


class UnitSuccession(Base):
    """One line of a reorganisation (merger, split, rename): on `effective_on` the
    predecessor's area went, wholly or in part, to the successor. `carried_over` says
    that the successor answers for the predecessor's dossiers (its reports "as today's
    unit" include them, its staff see them); a predecessor is carried by one successor
    at most."""

    __tablename__ = "unit_succession"
    __table_args__ = (UniqueConstraint("predecessor_code", "successor_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date)
    predecessor_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    successor_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    carried_over: Mapped[bool] = mapped_column(default=False)
    basis: Mapped[str] = mapped_column(String(300), doc="the decision, e.g. Nghị quyết "
                                       "1656/NQ-UBTVQH15")


class UnitService(Base):
    """An agency (police, social insurance) serving a unit for a span of days: the
    linked procedures' parts go to it. `is_default` marks the one reception gets unless
    it chooses another."""

    __tablename__ = "unit_service"
    __table_args__ = (UniqueConstraint("agency_code", "served_code", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    served_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class User(Base):
    """A person working in a unit, with roles and (for staff) departments."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[Any]] = mapped_column(doc="reception, staff, leader, supervisor, "
                                             "designer, admin")
    departments: Mapped[list[Any]] = mapped_column(doc="department codes a staff member works")
    active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(254), doc="for notifications; optional")


class ApiToken(Base):
    """A token for integrations: it acts as its user, with the same permissions."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="sha-256 of the token")
    created_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime] = mapped_column(doc="refused from this instant on")
    last_used_at: Mapped[datetime | None] = mapped_column(doc="written at most once a minute")


class UserSession(Base):
    """A signed-in browser. Its cookie holds only a random id; the table keeps its hash,
    so ending a session here ends it at once, whatever the cookie says."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True,
                                            doc="sha-256 of the cookie's session id")
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(doc="written at most once a minute")
    address: Mapped[str] = mapped_column(String(64), doc="the browser's IP address")
    user_agent: Mapped[str] = mapped_column(String(200), doc="the browser, as it says")


class SigninThrottle(Base):
    """Failed sign-ins counted per account name or per address (`key`), and the lock
    they caused; a lock lasts twice as long as the one before."""

    __tablename__ = "signin_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True,
                                     doc="account:<name> or address:<ip>")
    failures: Mapped[int] = mapped_column(Integer, doc="failures since the last lock")
    locks: Mapped[int] = mapped_column(Integer, doc="locks in a row")
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime]


class SecurityEvent(Base):
    """One security event: a sign-in, a failure, a lock, a token used, a refusal...
    The user name (or the name tried) and the address; never a password nor a citizen's
    data."""

    __tablename__ = "security_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[SecurityEventKind] = mapped_column(EnumText(SecurityEventKind, 32), index=True)
    username: Mapped[str | None] = mapped_column(String(100), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(300), doc="what and why, in English")
