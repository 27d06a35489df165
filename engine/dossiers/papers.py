"""The data of the standard papers (Circular 01/2018/TT-VPCP, replaced by 03/2025/TT-VPCP):
receipt and appointment slip, supplement request, refusal, apology, notice of stopping,
control slip, logbook.

Each function returns a frozen record with everything the paper prints; laying it out
(HTML, PDF) is the front end's job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import counting_rule
from engine.errors import InvalidAction, NotFound
from engine.org import find_user
from engine.runtime import dossier_row
from engine.storage import (
    Apology,
    DefinitionVersion,
    Department,
    Dossier,
    Event,
    Pause,
    ProcedureVersion,
    TaskRecord,
    Unit,
)
from engine.vocabulary import Counting, FinishKind, Outcome

# The papers' own words (they are legal forms, Vietnamese whatever the reader's language).
OUTCOME_LABELS = {Outcome.EARLY: "Trước hạn", Outcome.ON_TIME: "Đúng hạn",
                  Outcome.LATE: "Quá hạn"}
# How the receipt says the limit is counted (docs/working-time.md).
COUNTING_NOTES = {
    Counting.WORKING_HOURS: "Thời hạn tính theo giờ làm việc kể từ khi tiếp nhận hồ sơ",
    Counting.CIVIL_CODE: "Thời hạn tính theo ngày làm việc, không kể ngày tiếp nhận hồ sơ, "
                         "kết thúc vào cuối giờ làm việc của ngày làm việc cuối cùng "
                         "(Bộ luật Dân sự năm 2015, Điều 147, Điều 148)",
}


@dataclass(frozen=True)
class Header:
    """What every paper starts with."""

    unit_code: str
    unit_name: str
    unit_address: str
    parent_name: str | None
    dossier_code: str
    procedure_name: str
    procedure_code: str | None
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str


@dataclass(frozen=True)
class Receipt:
    header: Header
    documents: tuple[str, ...]
    sets: int
    time_limit: str | None
    received_at: datetime
    appointment_at: datetime | None
    collect_at: str
    logbook_number: str
    received_by: str
    counting: str  # the rule its limit is counted by: working_hours or civil_code
    counting_note: str  # that rule in the paper's words


@dataclass(frozen=True)
class SupplementRequest:
    header: Header
    requested_at: datetime
    deadline_at: datetime
    items: tuple[str, ...]
    reason: str
    contact: str
    number: int


@dataclass(frozen=True)
class Refusal:
    header: Header
    refused_at: datetime
    reason: str
    officer: str


@dataclass(frozen=True)
class StopNotice:
    header: Header
    received_at: datetime
    appointment_at: datetime | None
    stopped_at: datetime
    reason: str
    decided_by: str


@dataclass(frozen=True)
class ApologyPaper:
    header: Header
    received_at: datetime
    original_appointment_at: datetime | None
    reason: str
    new_appointment_at: datetime
    signed_by: str
    at: datetime


@dataclass(frozen=True)
class ControlRow:
    from_department: str
    to_department: str
    handed_at: datetime
    received_at: datetime | None
    giver: str
    receiver: str
    due_at: datetime | None
    outcome: str
    note: str


@dataclass(frozen=True)
class ControlSlip:
    header: Header
    rows: tuple[ControlRow, ...]


@dataclass(frozen=True)
class LogbookRow:
    number: int
    code: str
    procedure: str
    applicant: str
    lead_agency: str
    received_at: datetime
    due_at: datetime | None
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    status: str


@dataclass(frozen=True)
class Logbook:
    unit_name: str
    start: date
    end: date
    rows: tuple[LogbookRow, ...]


def _name(session: Session, username: str | None) -> str:
    if not username:
        return ""
    try:
        return find_user(session, username).full_name
    except NotFound:
        return username


def _department(session: Session, code: str | None) -> str:
    if code is None:
        return "Công dân"
    dept = session.get(Department, code)
    return dept.name if dept else code


def header(session: Session, dossier: Dossier) -> Header:
    unit = session.get(Unit, dossier.unit)
    parent = session.get(Unit, unit.parent_code) if unit and unit.parent_code else None
    procedure = session.get(ProcedureVersion, dossier.procedure_version_id) \
        if dossier.procedure_version_id else None
    name = procedure.name if procedure else session.get_one(
        DefinitionVersion, dossier.definition_id).name
    who = dossier.applicant
    return Header(
        unit_code=dossier.unit, unit_name=unit.name if unit else dossier.unit,
        unit_address=unit.address if unit else "", parent_name=parent.name if parent else None,
        dossier_code=dossier.code, procedure_name=name, procedure_code=dossier.procedure_code,
        applicant_name=str(who.get("name", "")), applicant_address=str(who.get("address", "")),
        applicant_phone=str(who.get("phone", "")), applicant_email=str(who.get("email", "")),
    )


def receipt(session: Session, code: str) -> Receipt:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    dossier = dossier_row(session, code)
    procedure = session.get(ProcedureVersion, dossier.procedure_version_id) \
        if dossier.procedure_version_id else None
    received = session.scalar(select(Event).where(Event.dossier_id == dossier.id,
                                                  Event.kind == "received"))
    head = header(session, dossier)
    counting = counting_rule(procedure.data if procedure else None)
    return Receipt(
        header=head, documents=tuple(dossier.documents), sets=1,
        time_limit=procedure.time_limit if procedure else None,
        received_at=dossier.received_at, appointment_at=dossier.appointment_at,
        collect_at=f"Bộ phận Một cửa, {head.unit_name}", logbook_number=dossier.code,
        received_by=_name(session, received.actor if received else None),
        counting=counting.value, counting_note=COUNTING_NOTES[counting],
    )


def supplement_request(session: Session, code: str) -> SupplementRequest:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the latest request)."""
    dossier = dossier_row(session, code)
    pauses = session.scalars(select(Pause).where(Pause.dossier_id == dossier.id)
                             .order_by(Pause.id)).all()
    if not pauses:
        raise InvalidAction(f"dossier {code} has no supplement request",
                            code="no_supplement_request", dossier=code)
    last = pauses[-1]
    return SupplementRequest(header(session, dossier), last.started_at, last.deadline_at,
                             tuple(last.items), last.reason, _name(session, last.requested_by),
                             len(pauses))


def refusal(session: Session, code: str) -> Refusal:
    """Phiếu từ chối tiếp nhận, giải quyết hồ sơ."""
    dossier = dossier_row(session, code)
    if dossier.finish_kind != FinishKind.REFUSED or dossier.finished_at is None:
        raise InvalidAction(f"dossier {code} was not refused",
                            code="not_refused", dossier=code)
    event = session.scalar(select(Event).where(Event.dossier_id == dossier.id,
                                               Event.kind == "refused"))
    return Refusal(header(session, dossier), dossier.finished_at, dossier.finish_reason or "",
                   _name(session, event.actor if event else None))


def stop_notice(session: Session, code: str) -> StopNotice:
    """Thông báo dừng giải quyết hồ sơ (Circular 03/2025/TT-VPCP). The appointment is the
    one the citizen was given at the desk (before any apology moved it)."""
    dossier = dossier_row(session, code)
    if dossier.finish_kind != FinishKind.STOPPED or dossier.finished_at is None:
        raise InvalidAction(f"dossier {code} was not stopped",
                            code="not_stopped", dossier=code)
    event = session.scalar(select(Event).where(Event.dossier_id == dossier.id,
                                               Event.kind == "stopped"))
    return StopNotice(header(session, dossier), dossier.received_at,
                      dossier.original_appointment_at or dossier.appointment_at,
                      dossier.finished_at, dossier.finish_reason or "",
                      _name(session, event.actor if event else None))


def apology(session: Session, code: str) -> ApologyPaper:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (the latest apology)."""
    dossier = dossier_row(session, code)
    row = session.scalar(select(Apology).where(Apology.dossier_id == dossier.id)
                         .order_by(Apology.id.desc()).limit(1))
    if row is None:
        raise InvalidAction(f"dossier {code} has no apology",
                            code="no_apology", dossier=code)
    return ApologyPaper(header(session, dossier), dossier.received_at,
                        dossier.original_appointment_at, row.reason, row.new_appointment_at,
                        _name(session, row.signed_by), row.at)


def control_slip(session: Session, code: str) -> ControlSlip:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per handover."""
    dossier = dossier_row(session, code)
    rows = []
    for task in session.scalars(select(TaskRecord).where(
            TaskRecord.dossier_id == dossier.id, TaskRecord.handover.is_(True))
            .order_by(TaskRecord.ready_at, TaskRecord.name)):
        source = session.get(Dossier, task.source_dossier_id) if task.source_dossier_id \
            else None
        note = f"Chuyển từ hồ sơ {source.code}" if source and source.id != dossier.id else ""
        rows.append(ControlRow(
            from_department=_department(session, task.handed_from),
            to_department=_department(session, task.department), handed_at=task.ready_at,
            received_at=task.received_at,
            giver=(_name(session, task.handed_by) if task.handed_from is not None
                   else str(dossier.applicant.get("name", ""))),  # the citizen hands it in
            receiver=_name(session, task.received_by), due_at=task.due_at,
            outcome=OUTCOME_LABELS[task.outcome] if task.outcome else "", note=note,
        ))
    return ControlSlip(header(session, dossier), tuple(rows))


def logbook(session: Session, units: list[str], start: date, end: date,
            tz: str = "Asia/Ho_Chi_Minh") -> Logbook:
    """Sổ theo dõi hồ sơ: the dossiers received by these units between two dates."""
    zone = ZoneInfo(tz)
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    rows = []
    query = (select(Dossier).where(Dossier.unit.in_(units), Dossier.received_at >= since,
                                   Dossier.received_at < until)
             .order_by(Dossier.received_at, Dossier.id))
    for number, dossier in enumerate(session.scalars(query), start=1):
        head = header(session, dossier)
        out = session.scalar(
            select(TaskRecord.ready_at).where(TaskRecord.dossier_id == dossier.id,
                                              TaskRecord.handover.is_(True),
                                              TaskRecord.handed_from == "reception")
            .order_by(TaskRecord.ready_at).limit(1))
        rows.append(LogbookRow(number, dossier.code, head.procedure_name, head.applicant_name,
                               head.unit_name, dossier.received_at, dossier.appointment_at,
                               out, dossier.resolved_at, dossier.returned_at, dossier.status))
    unit = session.get(Unit, units[0]) if units else None
    return Logbook(unit.name if unit else ", ".join(units), start, end, tuple(rows))


# Each paper of one dossier, by the name the API, the command line and the pages use.
PAPERS: dict[str, Callable[[Session, str], object]] = {
    "receipt": receipt, "supplement": supplement_request, "refusal": refusal,
    "apology": apology, "stop-notice": stop_notice, "control-slip": control_slip,
}
