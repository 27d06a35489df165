"""Escalation notifications (docs/lifecycle.md, Escalation): a step past its SLA, or a
dossier at risk of being late, is told to the leaders of the step's department in the
dossier's unit, in the app and by e-mail when a mail server is configured.

The tick writes them, one piece of work per task or dossier in a transaction of its
own; a notification is one row per (person, reason, subject) under a unique constraint,
inserted with ON CONFLICT DO NOTHING, so two workers ticking at once write it once.
E-mails go after those transactions committed, each notification claimed by one worker
(`mail_pending`); the sender is given by the caller (the engine knows no mail server).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.dossiers.risk import assess
from engine.errors import NotFound
from engine.org import answers_for
from engine.runtime import Runtime
from engine.storage import Dossier, Notification, TaskRecord, User, claim_due
from engine.vocabulary import DossierStatus, TaskStatus

MAX_PAGE = 200


class Reason(StrEnum):
    """Why someone is notified."""

    STEP_LATE = "step_late"  # a step is past its SLA
    AT_RISK = "at_risk"  # a dossier will miss its appointment (or has)


@dataclass(frozen=True)
class NoticeView:
    """One notification as its reader sees it (no citizen data)."""

    id: int
    reason: Reason
    dossier_code: str
    step: str | None
    created_at: datetime
    read_at: datetime | None


def leaders_for(session: Session, unit: str, department: str | None) -> list[str]:
    """The active leaders who answer for `unit` (its own, or of a unit that carried it
    over) and work `department`; when none works it, every such leader of the unit (a
    ward's leader heads all its departments)."""
    leaders = [user for user in session.scalars(select(User).where(User.active.is_(True)))
               if "leader" in (user.roles or [])]
    answering = [u for u in leaders if unit in answers_for(session, u.unit_code)]
    own = [u for u in answering if department and department in (u.departments or [])]
    return sorted(u.username for u in (own or answering))


def _insert_once(session: Session, values: dict[str, Any]) -> int:
    """Insert one notification unless the same one exists: 1 if written, else 0."""
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = make(Notification).values(**values).on_conflict_do_nothing(
        index_elements=["username", "reason", "subject"]).returning(Notification.id)
    # the row returned says whether it was written (rowcount is not reliable here)
    return len(session.execute(statement).all())


def notify(session: Session, *, reason: Reason, subject: str, dossier_id: int, unit: str,
           department: str | None, task_record_id: str | None, now: datetime) -> int:
    """Notify the leaders for this unit and department, once each: how many were new."""
    return sum(_insert_once(session, dict(
        username=username, reason=reason.value, subject=subject, dossier_id=dossier_id,
        task_record_id=task_record_id, created_at=now))
        for username in leaders_for(session, unit, department))


def _not_told(reason: Reason, subject: Any) -> Any:
    return ~exists().where(Notification.reason == reason.value,
                           Notification.subject == subject)


def late_steps(session: Session, now: datetime, limit: int = 500) -> list[tuple[str, str]]:
    """(task record id, dossier code) of open steps of running dossiers past their due
    time whose leaders were not told yet."""
    subject = literal("task:") + TaskRecord.id
    return [(record_id, code) for record_id, code in session.execute(
        select(TaskRecord.id, Dossier.code).join(Dossier, Dossier.id == TaskRecord.dossier_id)
        .where(TaskRecord.status == TaskStatus.READY, TaskRecord.due_at < now,
               Dossier.status == DossierStatus.RUNNING, _not_told(Reason.STEP_LATE, subject))
        .order_by(TaskRecord.due_at).limit(limit))]


def notify_late_step(session: Session, record_id: str, now: datetime) -> int:
    """Tell the leaders of a late step's department (once): how many were new."""
    row = session.execute(select(TaskRecord.dossier_id, TaskRecord.department, Dossier.unit)
                          .join(Dossier, Dossier.id == TaskRecord.dossier_id)
                          .where(TaskRecord.id == record_id,
                                 TaskRecord.status == TaskStatus.READY)).one_or_none()
    if row is None:
        return 0
    return notify(session, reason=Reason.STEP_LATE, subject=f"task:{record_id}",
                  dossier_id=row.dossier_id, unit=row.unit, department=row.department,
                  task_record_id=record_id, now=now)


def risky_dossiers(session: Session, runtime: Runtime, now: datetime
                   ) -> list[tuple[tuple[int, str, str | None, str | None], str]]:
    """((dossier id, unit, department and task record of its first open step), code) of
    the running dossiers late or at risk whose leaders were not told yet."""
    told = exists().where(Notification.dossier_id == Dossier.id,
                          Notification.reason == Reason.AT_RISK.value)
    found = []
    for risk in assess(session, runtime, None, now, ~told):
        first = risk.steps[0] if risk.steps else None
        found.append(((risk.dossier_id, risk.unit, first.department if first else None,
                       first.task_record_id if first else None), risk.code))
    return found


def notify_at_risk(session: Session, piece: tuple[int, str, str | None, str | None],
                   now: datetime) -> int:
    """Tell the leaders of a dossier at risk (once): how many were new."""
    dossier_id, unit, department, record_id = piece
    return notify(session, reason=Reason.AT_RISK, subject=f"dossier:{dossier_id}",
                  dossier_id=dossier_id, unit=unit, department=department,
                  task_record_id=record_id, now=now)


def _views(session: Session, rows: Sequence[Notification]) -> list[NoticeView]:
    codes: dict[int, str] = {key: value for key, value in session.execute(
        select(Dossier.id, Dossier.code).where(Dossier.id.in_({r.dossier_id for r in rows})))}
    steps: dict[str, str] = {key: value for key, value in session.execute(
        select(TaskRecord.id, TaskRecord.name).where(
            TaskRecord.id.in_({r.task_record_id for r in rows if r.task_record_id})))}
    return [NoticeView(r.id, Reason(r.reason), codes.get(r.dossier_id, ""),
                       steps.get(r.task_record_id) if r.task_record_id else None,
                       r.created_at, r.read_at) for r in rows]


def notices_of(session: Session, username: str, *, unread_only: bool = False,
               limit: int = 50, offset: int = 0) -> list[NoticeView]:
    """A person's notifications, newest first."""
    query = select(Notification).where(Notification.username == username)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = session.scalars(query.order_by(Notification.id.desc())
                           .limit(min(limit, MAX_PAGE)).offset(offset)).all()
    return _views(session, rows)


def notice_of(session: Session, username: str, notice_id: int) -> NoticeView:
    """One of the person's notifications (NotFound, code notice_not_found, for an unknown
    id and for another person's alike)."""
    row = session.scalar(select(Notification).where(Notification.id == notice_id,
                                                    Notification.username == username))
    if row is None:
        raise NotFound(f"no notification {notice_id}", code="notice_not_found",
                       notice=notice_id)
    return _views(session, [row])[0]


def unread_count(session: Session, username: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification).where(
        Notification.username == username, Notification.read_at.is_(None))) or 0)


def mark_read(session: Session, username: str, now: datetime,
              ids: Sequence[int] | None = None) -> int:
    """Mark a person's notifications read (these `ids`, or all): how many changed. Only
    their own: another person's ids are left alone."""
    statement = update(Notification).where(Notification.username == username,
                                           Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(list(ids)))
    return int(session.execute(statement.values(read_at=now)).rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Mail:
    """What an e-mail says: to whom (an address), about what notification."""

    to: str
    notice: NoticeView


Sender = Callable[[Mail], None]


def pending_mail(session: Session, limit: int = 200) -> list[tuple[int, str]]:
    """(notification id, dossier code) of notifications not mailed yet to people with an
    e-mail address."""
    return [(nid, code) for nid, code in session.execute(
        select(Notification.id, Dossier.code)
        .join(User, User.username == Notification.username)
        .join(Dossier, Dossier.id == Notification.dossier_id)
        .where(Notification.mailed_at.is_(None), User.email.is_not(None), User.email != "")
        .order_by(Notification.id).limit(limit))]


def mail_one(session: Session, notification_id: int, send: Sender, now: datetime) -> int:
    """Claim one notification not mailed yet, send it, and mark it mailed (1); 0 when
    another worker has it. A failing send raises and the claim is rolled back."""
    row = claim_due(session, Notification, notification_id, Notification.mailed_at.is_(None))
    if row is None:
        return 0
    address = session.scalar(select(User.email).where(User.username == row.username))
    if not address:
        return 0
    send(Mail(address, _views(session, [row])[0]))
    row.mailed_at = now
    session.flush()
    return 1
