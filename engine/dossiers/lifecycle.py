"""The dossier's life around its BPMN run: supplements (the clock pauses), refusal,
withdrawal, stopping and late warnings (apologies: `apologies.py`).

Each command runs in a savepoint of the caller's transaction (nothing half-applied).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.calendar import statutory_deadline
from engine.definitions import ProcedureSettings, counting_rule, period_words, procedure_settings
from engine.errors import InvalidAction
from engine.runtime import DossierRef, Runtime, Step, dossier_row, finish, record_event
from engine.storage import (
    DefinitionVersion,
    Dossier,
    Pause,
    ProcedureVersion,
    TaskRecord,
    atomic,
    claim_due,
)
from engine.vocabulary import (
    OPEN_STATUSES,
    Counting,
    DossierStatus,
    FinishKind,
    TaskStatus,
)

# The papers a dossier holds at most, received and supplied: its receipt stays a few
# pages however often the citizen supplements it.
MAX_DOCUMENTS = 150
AT_RISK_SHARE = 0.25  # flag when less than this share of the limit remains
RUNNING = (DossierStatus.RUNNING,)
WAITING = (DossierStatus.RUNNING, DossierStatus.WAITING_SUPPLEMENT)


def _open(session: Session, code: str, allowed: Sequence[str] = OPEN_STATUSES) -> Dossier:
    dossier = dossier_row(session, code)
    if dossier.status not in allowed:
        raise InvalidAction(f"dossier {code} is {dossier.status}", code="dossier_not_open",
                            dossier=code, status=dossier.status)
    return dossier


def settings_of(session: Session, dossier: Dossier) -> ProcedureSettings:
    """The settings the dossier was received under (its catalog version's, else the
    defaults; docs/catalog.md)."""
    entry = session.get(ProcedureVersion, dossier.procedure_version_id) \
        if dossier.procedure_version_id is not None else None
    return procedure_settings(entry.data if entry else None)


def _open_pause(session: Session, dossier: Dossier) -> Pause | None:
    return session.scalar(select(Pause).where(Pause.dossier_id == dossier.id,
                                              Pause.ended_at.is_(None)))


@atomic
def request_supplement(session: Session, runtime: Runtime, code: str, *, user: str,
                       items: Sequence[str], reason: str, at: datetime | None = None
                       ) -> DossierRef:
    """Ask the citizen for missing papers: the dossier's clock stops until they come,
    for at most its procedure's `supplement_period` (7 working days by default; then the
    tick refuses it if `refuse_when_supplement_overdue`: `expire_supplement`)."""
    now = runtime.now(at)
    dossier = _open(session, code, RUNNING)
    if not items or not all(item.strip() for item in items):
        raise InvalidAction("name at least one document the citizen must supplement",
                            code="documents_required")
    if not reason.strip():
        raise InvalidAction("give the reason for the supplement request",
                            code="reason_required", action="supplement")
    cal = runtime.calendar(session, dossier.unit)
    period = settings_of(session, dossier).supplement_period
    pause = Pause(dossier_id=dossier.id, started_at=now, ended_at=None,
                  deadline_at=cal.add(now, cal.parse_duration(period)),
                  requested_by=user, items=[i.strip() for i in items], reason=reason.strip())
    session.add(pause)
    dossier.status = DossierStatus.WAITING_SUPPLEMENT
    dossier.supplement_count += 1
    record_event(session, dossier, now, "supplement_requested", user,
                 count=dossier.supplement_count, items=len(pause.items))
    session.flush()
    return DossierRef.of(dossier)


@atomic
def supply(session: Session, runtime: Runtime, code: str, *, user: str,
           documents: Sequence[str] = (), at: datetime | None = None) -> DossierRef:
    """The citizen brought the papers: the clock runs again, and the appointment and the
    open steps' due times move by the working time spent waiting."""
    now = runtime.now(at)
    dossier = _open(session, code)
    pause = _open_pause(session, dossier) \
        if dossier.status == DossierStatus.WAITING_SUPPLEMENT else None
    if pause is None:
        raise InvalidAction(f"dossier {code} has no open supplement request",
                            code="no_open_supplement", dossier=code)
    cal = runtime.calendar(session, dossier.unit)
    pause.ended_at = now
    waited = cal.between(pause.started_at, now)
    if dossier.appointment_at is not None:
        dossier.appointment_at = cal.add(dossier.appointment_at, waited)
    if dossier.original_appointment_at is not None:
        dossier.original_appointment_at = cal.add(dossier.original_appointment_at, waited)
    for task in session.scalars(select(TaskRecord).where(
            TaskRecord.dossier_id == dossier.id, TaskRecord.status == TaskStatus.READY)):
        if task.due_at is not None:
            task.due_at = cal.add(task.due_at, waited)
    if len(dossier.documents) + len(documents) > MAX_DOCUMENTS:
        raise InvalidAction(f"dossier {code} would hold more than {MAX_DOCUMENTS} papers",
                            code="too_many_documents", dossier=code, max=MAX_DOCUMENTS)
    dossier.documents = [*dossier.documents, *documents]
    dossier.status = DossierStatus.RUNNING
    record_event(session, dossier, now, "supplemented", user,
                 waited_hours=round(waited.total_seconds() / 3600, 2))
    session.flush()
    return DossierRef.of(dossier)


@atomic
def require_verification(session: Session, runtime: Runtime, code: str, *, user: str,
                         reason: str, at: datetime | None = None) -> DossierRef:
    """The dossier turns out to need verification: the procedure's longer limit applies,
    counted from the same start (plus the time spent waiting for the citizen)."""
    now = runtime.now(at)
    dossier = _open(session, code, WAITING)
    if dossier.verification:
        raise InvalidAction(f"dossier {code} already counts with verification",
                            code="already_verification", dossier=code)
    if not reason.strip():
        raise InvalidAction("give the reason verification is needed",
                            code="reason_required", action="verification")
    limit = _verification_limit(session, dossier)
    if limit is None:
        raise InvalidAction(f"the procedure of dossier {code} has no verification time limit",
                            code="no_verification_limit", dossier=code)
    cal = runtime.calendar(session, dossier.unit)
    # Only the waits that are over: the one still open moves the appointment when the
    # papers come (`supply`), as it does for every appointment.
    pauses = session.scalars(select(Pause).where(Pause.dossier_id == dossier.id))
    waited = sum((cal.between(p.started_at, p.ended_at) for p in pauses
                  if p.ended_at is not None), start=timedelta())
    due = cal.add(statutory_deadline(cal, dossier.received_at, dossier.counting_from, limit,
                                     _counting(session, dossier)), waited)
    dossier.verification = True
    if dossier.original_appointment_at == dossier.appointment_at:  # no apology moved it
        dossier.appointment_at = due
    dossier.original_appointment_at = due
    record_event(session, dossier, now, "verification_required", user)
    session.flush()
    return DossierRef.of(dossier)


def _counting(session: Session, dossier: Dossier) -> Counting:
    """The counting rule the dossier was received under (its catalog version's)."""
    entry = session.get(ProcedureVersion, dossier.procedure_version_id) \
        if dossier.procedure_version_id is not None else None
    return counting_rule(entry.data if entry else None)


def _verification_limit(session: Session, dossier: Dossier) -> str | None:
    if dossier.procedure_version_id is not None:
        entry = session.get_one(ProcedureVersion, dossier.procedure_version_id)
        return entry.verification_time_limit
    version = session.get_one(DefinitionVersion, dossier.definition_id)
    value = version.info.get("properties", {}).get("verification_time_limit")
    return str(value) if value else None


def _end(session: Session, runtime: Runtime, dossier: Dossier, kind: FinishKind,
         user: str | None, reason: str, now: datetime) -> DossierRef:
    """Cancel the workflow and the open steps and close the dossier as `kind`."""
    if not reason.strip():
        raise InvalidAction(f"give the reason the dossier is {kind}", code="reason_required",
                            action=kind.value)
    run = runtime.open(session, dossier, Step(at=now, actor=user))
    run.workflow.cancel()
    for task in session.scalars(select(TaskRecord).where(
            TaskRecord.dossier_id == dossier.id, TaskRecord.status == TaskStatus.READY)):
        task.status = TaskStatus.CANCELLED
    pause = _open_pause(session, dossier)
    if pause is not None:
        pause.ended_at = now
    finish(run, kind, reason.strip())
    dossier.completed_at = now
    runtime.save(run)
    return DossierRef.of(dossier)


ENDINGS = (FinishKind.REFUSED, FinishKind.WITHDRAWN, FinishKind.STOPPED)


@atomic
def close(session: Session, runtime: Runtime, code: str, kind: FinishKind, *, user: str,
          reason: str, at: datetime | None = None) -> DossierRef:
    """Close the dossier unresolved, with the reason its paper prints: refused (phiếu từ
    chối), withdrawn by the citizen, or stopped (thông báo dừng giải quyết)."""
    if kind not in ENDINGS:
        raise InvalidAction(f"a dossier is closed as {', '.join(ENDINGS)}, not {kind}",
                            code="not_an_ending", kind=kind)
    return _end(session, runtime, _open(session, code), kind, user, reason, runtime.now(at))


def overdue_supplements(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(wait id, dossier code) of the waits for a supplement past their deadline, of the
    procedures whose settings refuse such a dossier (the others keep waiting)."""
    refuses: dict[int | None, bool] = {}
    found = []
    for pause_id, code, version_id in session.execute(
            select(Pause.id, Dossier.code, Dossier.procedure_version_id)
            .join(Dossier, Dossier.id == Pause.dossier_id)
            .where(Pause.ended_at.is_(None), Pause.deadline_at < now)
            .order_by(Pause.deadline_at)):
        if version_id not in refuses:
            entry = session.get(ProcedureVersion, version_id) if version_id is not None \
                else None
            refuses[version_id] = procedure_settings(
                entry.data if entry else None).refuse_when_supplement_overdue
        if refuses[version_id]:
            found.append((pause_id, code))
    return found


def expire_supplement(session: Session, runtime: Runtime, pause_id: int, now: datetime
                      ) -> bool:
    """Refuse the dossier of one wait past its deadline, claimed for this transaction:
    False when another worker holds it or the citizen supplied meanwhile."""
    pause = claim_due(session, Pause, pause_id, Pause.ended_at.is_(None),
                      Pause.deadline_at < now)
    if pause is None:
        return False
    dossier = session.get_one(Dossier, pause.dossier_id)
    settings = settings_of(session, dossier)
    if not settings.refuse_when_supplement_overdue:
        return False
    with session.begin_nested():
        _end(session, runtime, dossier, FinishKind.REFUSED, None,
             "Không bổ sung hồ sơ trong thời hạn "
             f"{period_words(settings.supplement_period)}", now)
    return True


class AtRisk(NamedTuple):
    """A running dossier that will miss its appointment."""

    dossier_id: int
    code: str
    hours_left: float  # working hours to the appointment


def at_risk_dossiers(session: Session, runtime: Runtime, now: datetime) -> list[AtRisk]:
    """The running dossiers, not flagged yet, that will miss their appointment while
    there is still time: less than a quarter of their working time is left, or the
    appointment has passed."""
    found = []
    for dossier_id, code, unit, counting_from, appointment_at in session.execute(
            select(Dossier.id, Dossier.code, Dossier.unit, Dossier.counting_from,
                   Dossier.appointment_at).where(
            Dossier.status == DossierStatus.RUNNING, Dossier.at_risk_at.is_(None),
            Dossier.appointment_at.is_not(None))):
        if appointment_at is None:
            continue
        cal = runtime.calendar(session, unit)
        total = cal.between(counting_from, appointment_at)
        left = cal.between(now, appointment_at)
        if now >= appointment_at or left < total * AT_RISK_SHARE:
            found.append(AtRisk(dossier_id, code, round(left.total_seconds() / 3600, 2)))
    return found


def flag_at_risk(session: Session, dossier_id: int, now: datetime, hours_left: float) -> bool:
    """Flag one dossier at risk of being late, by a conditional update that leaves its
    version alone (a clerk's step on it at the same moment is not refused); False when it
    was flagged meanwhile or is no longer running."""
    flagged = session.execute(update(Dossier).where(
        Dossier.id == dossier_id, Dossier.status == DossierStatus.RUNNING,
        Dossier.at_risk_at.is_(None)).values(at_risk_at=now))
    if flagged.rowcount != 1:  # type: ignore[attr-defined]
        return False
    record_event(session, dossier_id, now, "at_risk", None, hours_left=hours_left)
    return True
