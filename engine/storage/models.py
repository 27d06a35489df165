"""The database schema of dossiers and procedures: typed SQLAlchemy 2 models, the column
types they share, and the declarative base (the organisation's tables: org_tables.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

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
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.vocabulary import (
    Channel,
    DossierStatus,
    FinishKind,
    MessageStatus,
    Outcome,
    TaskStatus,
)


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


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E], Generic[E]):
    """A StrEnum stored as its text (a plain VARCHAR, no database enum type); rows read
    back give the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class ProcedureVersion(Base):
    """One version of a catalog entry (thủ tục hành chính): the legal facts of a procedure."""

    __tablename__ = "procedure_version"
    __table_args__ = (UniqueConstraint("code", "version"), UniqueConstraint("code", "content_hash"))
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True, doc="national procedure code")
    version: Mapped[int] = mapped_column(Integer)
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(300))
    field_of_work: Mapped[str] = mapped_column(String(200))
    time_limit: Mapped[str] = mapped_column(String(32))
    verification_time_limit: Mapped[str | None] = mapped_column(String(32))
    cutoff: Mapped[str | None] = mapped_column(String(8))
    effective_from: Mapped[date]
    abolished_on: Mapped[date | None]
    data: Mapped[dict[str, Any]] = mapped_column(doc="the whole catalog entry as loaded")
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(300))
    deployed_by: Mapped[str] = mapped_column(String(100))
    deployed_at: Mapped[datetime]


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
    # Dossiers that ended otherwise than resolved, by when: what the day counts leave out
    __table_args__ = (Index("ix_dossier_finish_kind_finished", "finish_kind", "finished_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_version.id"))
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[Channel] = mapped_column(EnumText(Channel, 16))
    status: Mapped[DossierStatus] = mapped_column(EnumText(DossierStatus, 24), index=True)
    applicant: Mapped[dict[str, Any]]
    procedure_version_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_version.id"))
    procedure_code: Mapped[str | None] = mapped_column(String(64), index=True)
    field_of_work: Mapped[str] = mapped_column(String(200), default="", index=True)
    documents: Mapped[list[Any]] = mapped_column(default=list, doc="documents received")
    received_at: Mapped[datetime] = mapped_column(index=True)
    counting_from: Mapped[datetime]
    appointment_at: Mapped[datetime | None]
    original_appointment_at: Mapped[datetime | None]
    verification: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    returned_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None] = mapped_column(index=True)
    finish_kind: Mapped[FinishKind | None] = mapped_column(
        EnumText(FinishKind, 16), doc="resolved, withdrawn, refused or stopped")
    finish_reason: Mapped[str | None] = mapped_column(Text)
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    at_risk_at: Mapped[datetime | None] = mapped_column(doc="flagged: will miss appointment")
    apologized: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[Outcome | None] = mapped_column(EnumText(Outcome, 16),
                                                    doc="early, on_time or late")
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


# What the audit's two grouped queries read besides the index keys (index-only scans).
AUDIT_COLUMNS = ["status", "process_id", "spec_id", "working_minutes",
                 "waiting_minutes", "outcome", "ready_at", "previous_completed_at"]
HANDOVER_COLUMNS = ["status", "handed_from", "department", "process_id", "spec_id",
                    "handover_minutes"]


class TaskRecord(Base):
    """One user task of a dossier with its timing: the row a supervisor audits."""

    __tablename__ = "task_record"
    __table_args__ = (Index("ix_task_record_department_status", "department", "status"),
                      # a step's latest completions (the at-risk list's expected times)
                      Index("ix_task_record_spec_completed", "spec_id", "completed_at"),
                      # the step-timing audit (engine/reporting/step_timing.py): one
                      # procedure version's completions in a period, read from the index
                      # alone on PostgreSQL; handovers from a smaller partial one
                      Index("ix_task_record_audit", "dossier_definition_id", "unit", "completed_at",
                            postgresql_include=AUDIT_COLUMNS),
                      Index("ix_task_record_audit_handover", "dossier_definition_id",
                            "unit", "completed_at", postgresql_include=HANDOVER_COLUMNS,
                            postgresql_where=text("handover_minutes IS NOT NULL"),
                            sqlite_where=text("handover_minutes IS NOT NULL")),
                      # a step's slowest runs (the audit's late list and slowest 5%)
                      Index("ix_task_record_spec_minutes", "spec_id", "working_minutes"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True,
                                    doc="this record's id: one per time the task became ready")
    task_id: Mapped[str] = mapped_column(String(36), doc="the workflow task id")
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    spec_id: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(64))
    status: Mapped[TaskStatus] = mapped_column(EnumText(TaskStatus, 16),
                                               doc="ready, completed or cancelled")
    sla: Mapped[str | None] = mapped_column(String(32))
    ready_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    received_by: Mapped[str | None] = mapped_column(
        String(100), doc="who first took the task (claimed or completed it): the handover's "
        "receiver on the control slip")
    received_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None]
    outcome: Mapped[Outcome | None] = mapped_column(EnumText(Outcome, 16),
                                                    doc="early, on_time or late")
    handover: Mapped[bool] = mapped_column(
        default=False, doc="the dossier came to this task from another department, agency, "
        "or the applicant: a row of the control slip (its receiver is `received_by`)")
    handed_from: Mapped[str | None] = mapped_column(
        String(64), doc="the department of the step before (None: the applicant, a timer "
        "or a lifecycle command)")
    handed_by: Mapped[str | None] = mapped_column(String(100), doc="who handed it over")
    source_dossier_id: Mapped[int | None] = mapped_column(
        ForeignKey("dossier.id"), doc="the linked dossier whose message made it ready")
    unit: Mapped[str | None] = mapped_column(
        String(64), doc="the dossier's unit, copied when the record is written (the audit "
        "filters on it without a join; None only on rows older than migration 0009 that "
        "it could not fill)")
    dossier_definition_id: Mapped[int | None] = mapped_column(
        Integer, doc="the dossier's definition version (the procedure's top diagram, also "
        "for steps of the processes it calls), copied when the record is written")
    working_minutes: Mapped[int | None] = mapped_column(
        Integer, doc="ready -> completed in working minutes of the unit's calendar, the "
        "dossier's pauses left out, rounded to the nearest minute; set on completion")
    waiting_minutes: Mapped[int | None] = mapped_column(
        Integer, doc="ready -> first taken (claimed, else completed) in working minutes, "
        "as working_minutes; set on completion")
    handover_minutes: Mapped[int | None] = mapped_column(
        Integer, doc="a handover from a department (handed_from): the previous step's "
        "completion (in this dossier or the linked source dossier) -> received here, in "
        "working minutes; None for other steps; set on completion")
    previous_completed_at: Mapped[datetime | None] = mapped_column(
        doc="the dossier's last completion before this one (None: its first), set on "
        "completion: a run is its dossier's first in a period when this is before it, so "
        "the audit counts dossiers without a distinct count")
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}


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
    status: Mapped[MessageStatus] = mapped_column(EnumText(MessageStatus, 16), index=True,
                                                  doc="pending or delivered")
    target_dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
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


class Pause(Base):
    """A wait for the citizen to supplement the dossier: its clock does not run."""

    __tablename__ = "pause"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime] = mapped_column(doc="refused if not supplied by then")
    requested_by: Mapped[str | None] = mapped_column(String(100))
    items: Mapped[list[Any]] = mapped_column(doc="what the citizen must supply")
    reason: Mapped[str] = mapped_column(Text)


class Apology(Base):
    """A signed apology for a late dossier with its new appointment (phiếu xin lỗi)."""

    __tablename__ = "apology"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    old_appointment_at: Mapped[datetime | None]
    new_appointment_at: Mapped[datetime]
    signed_by: Mapped[str] = mapped_column(String(100))
    # The letter of Circular 03/2025's form (văn bản xin lỗi và đề nghị gia hạn): its
    # number as the unit writes it, addressee and distribution (None before 0005).
    number: Mapped[str | None] = mapped_column(String(50))
    addressee: Mapped[str | None] = mapped_column(String(200))
    distribution: Mapped[list[Any] | None]


class Notification(Base):
    """An escalation told to one person inside the app (and by e-mail when a server is
    configured): a step past its SLA or a dossier at risk of being late. One row per
    (person, reason, subject): a second worker's insert of the same is a no-op."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("username", "reason", "subject"),
                      Index("ix_notification_username_read_at", "username", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), doc="who is told")
    reason: Mapped[str] = mapped_column(String(32), doc="step_late or at_risk")
    subject: Mapped[str] = mapped_column(String(64), doc="task:<record id> or dossier:<id>")
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    task_record_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    mailed_at: Mapped[datetime | None] = mapped_column(doc="e-mail sent (or given up: no "
                                                       "address)")
