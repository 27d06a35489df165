"""The records of the standard papers (Circular 03/2025/TT-VPCP, Appendix I, which
replaced the forms of Circular 01/2018/TT-VPCP): one frozen record per paper with
everything it prints. `papers.py` builds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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
    logbook_number: str  # the dossier code, which the logbook lists too
    logbook_volume: str  # quyển số: the year of receipt (one book a year per unit)
    logbook_line: int  # số thứ tự: the order of receipt in the unit that year
    fee: str  # lệ phí, phí: the catalog entry's, "Không" when it states none
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
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Circular 03/2025, Mẫu 04)."""

    header: Header
    received_at: datetime
    original_appointment_at: datetime | None  # the desk's appointment
    reason: str
    new_appointment_at: datetime
    signed_by: str
    at: datetime
    number: str | None = None  # the letter's number ("12/UBND-VP"); blank when not given
    addressee: str = ""  # kính gửi
    distribution: tuple[str, ...] = ()  # nơi nhận
    previous_appointment_at: datetime | None = None  # the one this apology moves
    sequence: int = 1  # the dossier's first, second ... apology


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
    volume: str = ""  # the receipt's quyển số and số thứ tự (`papers.logbook_entry`)
    line: int = 0


@dataclass(frozen=True)
class Logbook:
    unit_name: str
    start: date
    end: date
    rows: tuple[LogbookRow, ...]
