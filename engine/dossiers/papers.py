"""The data of the standard papers (Circular 03/2025/TT-VPCP, Appendix I, Mẫu 01 to 07):
receipt and appointment slip, supplement request, refusal, apology and request for more
time, notice of stopping, control slip, logbook.

Each function returns a frozen record (`paper_records.py`) with everything the paper
prints; laying it out (HTML, PDF) is the front end's job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.definitions import counting_rule
from engine.dossiers.apologies import DEFAULT_DISTRIBUTION
from engine.dossiers.paper_records import (
    ApologyPaper,
    ControlRow,
    ControlSlip,
    Header,
    Logbook,
    LogbookRow,
    Receipt,
    Refusal,
    StopNotice,
    SupplementRequest,
)
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
NO_FEE = "Không"
ZONE = "Asia/Ho_Chi_Minh"  # the logbook's year is the local one


def _year_start(at: datetime, tz: str) -> datetime:
    local = at.astimezone(ZoneInfo(tz))
    return datetime(local.year, 1, 1, tzinfo=ZoneInfo(tz))


def _lines_before(session: Session, dossier: Dossier, tz: str) -> int:
    """How many dossiers the unit received earlier the same (local) year."""
    return session.scalar(select(func.count(Dossier.id)).where(
        Dossier.unit == dossier.unit,
        Dossier.received_at >= _year_start(dossier.received_at, tz),
        or_(Dossier.received_at < dossier.received_at,
            and_(Dossier.received_at == dossier.received_at, Dossier.id < dossier.id))
    )) or 0


def logbook_entry(session: Session, dossier: Dossier, tz: str = ZONE) -> tuple[str, int]:
    """(volume, line) of the dossier in its unit's logbook: one volume a year, lines in
    the order of receipt (then of entry). Derived, not stored: receipt times and ids never
    change and dossiers are never deleted, so the entry stays the same."""
    volume = str(dossier.received_at.astimezone(ZoneInfo(tz)).year)
    return volume, _lines_before(session, dossier, tz) + 1


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


def receipt(session: Session, code: str, tz: str = ZONE) -> Receipt:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)."""
    dossier = dossier_row(session, code)
    procedure = session.get(ProcedureVersion, dossier.procedure_version_id) \
        if dossier.procedure_version_id else None
    received = session.scalar(select(Event).where(Event.dossier_id == dossier.id,
                                                  Event.kind == "received"))
    head = header(session, dossier)
    counting = counting_rule(procedure.data if procedure else None)
    volume, line = logbook_entry(session, dossier, tz)
    fee = str((procedure.data if procedure else {}).get("fee", "")).strip() or NO_FEE
    return Receipt(
        header=head, documents=tuple(dossier.documents), sets=1,
        time_limit=procedure.time_limit if procedure else None,
        received_at=dossier.received_at, appointment_at=dossier.appointment_at,
        collect_at=f"Bộ phận Một cửa, {head.unit_name}", logbook_number=dossier.code,
        logbook_volume=volume, logbook_line=line, fee=fee,
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
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04; the latest
    apology). Apologies signed before the letter's fields were kept (migration 0005)
    print a blank number, the applicant and the usual distribution."""
    dossier = dossier_row(session, code)
    rows = session.scalars(select(Apology).where(Apology.dossier_id == dossier.id)
                           .order_by(Apology.id)).all()
    if not rows:
        raise InvalidAction(f"dossier {code} has no apology",
                            code="no_apology", dossier=code)
    row = rows[-1]
    head = header(session, dossier)
    return ApologyPaper(head, dossier.received_at,
                        dossier.original_appointment_at, row.reason, row.new_appointment_at,
                        _name(session, row.signed_by), row.at, number=row.number,
                        addressee=row.addressee or head.applicant_name,
                        distribution=tuple(row.distribution or DEFAULT_DISTRIBUTION),
                        previous_appointment_at=row.old_appointment_at, sequence=len(rows))


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
    lines: dict[tuple[str, datetime], int] = {}  # (unit, year start) -> last line
    for number, dossier in enumerate(session.scalars(query), start=1):
        head = header(session, dossier)
        book = (dossier.unit, _year_start(dossier.received_at, tz))
        lines[book] = lines[book] + 1 if book in lines else \
            _lines_before(session, dossier, tz) + 1
        out = session.scalar(
            select(TaskRecord.ready_at).where(TaskRecord.dossier_id == dossier.id,
                                              TaskRecord.handover.is_(True),
                                              TaskRecord.handed_from == "reception")
            .order_by(TaskRecord.ready_at).limit(1))
        rows.append(LogbookRow(number, dossier.code, head.procedure_name, head.applicant_name,
                               head.unit_name, dossier.received_at, dossier.appointment_at,
                               out, dossier.resolved_at, dossier.returned_at, dossier.status,
                               volume=str(book[1].year), line=lines[book]))
    unit = session.get(Unit, units[0]) if units else None
    return Logbook(unit.name if unit else ", ".join(units), start, end, tuple(rows))


# Each paper of one dossier, by the name the API, the command line and the pages use.
PAPERS: dict[str, Callable[[Session, str], object]] = {
    "receipt": receipt, "supplement": supplement_request, "refusal": refusal,
    "apology": apology, "stop-notice": stop_notice, "control-slip": control_slip,
}
