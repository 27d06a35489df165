"""The database schema: typed SQLAlchemy 2 models of everything the engine stores."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite keeps no zone, so normalise both ways."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Department(Base):
    """A department (or agency desk) that lanes map to: reception, civil status, police ..."""

    __tablename__ = "department"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class CalendarOverride(Base):
    """An announced change to the statutory calendar: an extra day off or a make-up working day."""

    __tablename__ = "calendar_override"
    __table_args__ = (UniqueConstraint("unit", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(64), default="", doc="'' applies to every unit")
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), doc="'off' or 'working'")
    note: Mapped[str] = mapped_column(String(200), default="")


class DefinitionVersion(Base):
    """One deployed version of a procedure diagram; never changed once stored."""

    __tablename__ = "definition_version"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        UniqueConstraint("key", "content_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(300))
    info: Mapped[dict[str, Any]] = mapped_column(doc="the checked DefinitionInfo, as JSON")
    dependencies: Mapped[list[Any]] = mapped_column(doc="ids of the versions it calls")
    deployed_by: Mapped[str] = mapped_column(String(100))
    deployed_at: Mapped[datetime]


class Dossier(Base):
    """A running or finished procedure instance (hồ sơ) with its serialized workflow state."""

    __tablename__ = "dossier"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    applicant: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]
    counting_from: Mapped[datetime]
    appointment_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16), doc="early, on_time or late")
    next_timer_at: Mapped[datetime | None] = mapped_column(index=True)
    started_by_message_id: Mapped[int | None] = mapped_column(doc="the message that started it")
    state: Mapped[str] = mapped_column(Text, doc="workflow state without the spec (JSON)")
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


class DossierSequence(Base):
    """The last sequence number given to a unit's dossiers on one day (for dossier codes)."""

    __tablename__ = "dossier_sequence"
    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class TaskRecord(Base):
    """One user task of a dossier with its timing: the row a supervisor audits."""

    __tablename__ = "task_record"
    __table_args__ = (Index("ix_task_record_department_status", "department", "status"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, doc="the workflow task id")
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    spec_id: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), doc="ready, completed or cancelled")
    sla: Mapped[str | None] = mapped_column(String(32))
    ready_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16), doc="early, on_time or late")
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


class Handover(Base):
    """A dossier passing from one department (or agency) to another: a control-slip row."""

    __tablename__ = "handover"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    from_department: Mapped[str | None] = mapped_column(String(64))
    to_department: Mapped[str] = mapped_column(String(64))
    to_task_id: Mapped[str] = mapped_column(String(36), index=True)
    handed_at: Mapped[datetime]
    giver: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime | None]
    receiver: Mapped[str | None] = mapped_column(String(100))
    source_dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))


class Event(Base):
    """Append-only log of what happened to a dossier (no citizen data in `detail`)."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]]


class Message(Base):
    """A BPMN message between dossiers: written with the sending step, delivered exactly once."""

    __tablename__ = "message"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    correlations: Mapped[dict[str, Any]]
    payload: Mapped[dict[str, Any]]
    sender_dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    sender: Mapped[str | None] = mapped_column(String(100))
    sender_department: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True, doc="pending or delivered")
    target_dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


class Subscription(Base):
    """A dossier waiting for a message: name plus the correlations it must match."""

    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    message_name: Mapped[str] = mapped_column(String(200), index=True)
    correlations: Mapped[dict[str, Any]]
