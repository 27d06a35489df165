"""Late dossiers: the leader-signed apology that asks for more time (văn bản xin lỗi và
đề nghị gia hạn thời gian giải quyết, Circular 03/2025/TT-VPCP, Mẫu 04) and the public
late list.

Each command runs in a savepoint of the caller's transaction (nothing half-applied).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import period_words
from engine.dossiers.lifecycle import WAITING, _open, settings_of
from engine.errors import InvalidAction
from engine.org import ancestors, answers_for, find_user
from engine.runtime import DossierRef, Runtime, record_event
from engine.storage import Apology, DefinitionVersion, Dossier, atomic
from engine.vocabulary import DossierStatus, Outcome

# An apology is an official letter (công văn): its number is the unit's own sequence and
# sign ("12/UBND-VP"); the unit decides the format, the app only bounds it.
APOLOGY_NUMBER = re.compile(r"[0-9]{1,6}/[0-9A-Za-zĐđ]+(?:[-./][0-9A-Za-zĐđ]+)*")
MAX_APOLOGY_NUMBER = 50
MAX_ADDRESSEE = 200
MAX_DISTRIBUTION = 10  # lines of "Nơi nhận"
MAX_DISTRIBUTION_LINE = 200
# Where an apology goes when the leader names no one (Nơi nhận): the addressee (như
# trên) and the unit's records (lưu văn thư), as official letters end.
DEFAULT_DISTRIBUTION = ("Như trên", "Lưu: VT")


def _apology_letter(number: str | None, addressee: str | None,
                   distribution: Sequence[str] | None, applicant: str
                   ) -> tuple[str | None, str, list[str]]:
    """The letter's number, addressee and distribution, checked; the applicant and the
    usual distribution when not given."""
    if number is not None:
        number = number.strip() or None
    if number is not None and (len(number) > MAX_APOLOGY_NUMBER
                               or not APOLOGY_NUMBER.fullmatch(number)):
        raise InvalidAction(f"{number[:MAX_APOLOGY_NUMBER]!r} is not a letter number such as "
                            f"12/UBND-VP (at most {MAX_APOLOGY_NUMBER} characters)",
                            code="bad_letter_number", max=MAX_APOLOGY_NUMBER)
    to = (addressee or "").strip() or applicant.strip()
    if len(to) > MAX_ADDRESSEE or any(ord(c) < 32 for c in to):
        raise InvalidAction(f"the addressee takes at most {MAX_ADDRESSEE} characters on one "
                            "line", code="bad_addressee", max=MAX_ADDRESSEE)
    lines = [line.strip() for line in distribution] if distribution is not None \
        else list(DEFAULT_DISTRIBUTION)
    if (not lines or len(lines) > MAX_DISTRIBUTION
            or not all(0 < len(line) <= MAX_DISTRIBUTION_LINE for line in lines)
            or any(ord(c) < 32 for line in lines for c in line)):
        raise InvalidAction(f"the distribution is 1 to {MAX_DISTRIBUTION} lines of at most "
                            f"{MAX_DISTRIBUTION_LINE} characters", code="bad_distribution",
                            max=MAX_DISTRIBUTION, longest=MAX_DISTRIBUTION_LINE)
    return number, to, lines


@atomic
def apologize(session: Session, runtime: Runtime, code: str, *, leader: str, reason: str,
              new_appointment: datetime, at: datetime | None = None,
              number: str | None = None, addressee: str | None = None,
              distribution: Sequence[str] | None = None) -> DossierRef:
    """Record a leader-signed apology with a new date (văn bản xin lỗi và đề nghị gia hạn
    thời gian giải quyết): the appointment moves and the dossier is listed publicly as
    late. It still counts as late if resolved after the original appointment.

    `number` is the letter's number as the unit writes it ("12/UBND-VP"), blank on the
    paper when not given; `addressee` (kính gửi) is the applicant unless named;
    `distribution` (nơi nhận) the usual "Như trên; Lưu: VT" unless given. The procedure's
    settings bound how many apologies a dossier gets and how late one may be signed."""
    now = runtime.now(at)
    dossier = _open(session, code, WAITING)
    signer = find_user(session, leader)
    above = ancestors(session, dossier.unit)
    if "leader" not in signer.roles or not any(
            unit in above for unit in answers_for(session, signer.unit_code)):
        raise InvalidAction(f"{leader} is not a leader of {dossier.unit} and cannot sign",
                            code="not_a_leader", user=leader, unit=dossier.unit)
    if not reason.strip():
        raise InvalidAction("give the reason the dossier is late", code="reason_required",
                            action="apology")
    if new_appointment.tzinfo is None:
        raise InvalidAction("the new appointment needs a timezone", code="time_without_zone")
    if dossier.appointment_at is not None and new_appointment <= dossier.appointment_at:
        raise InvalidAction("the new appointment must be later than the current one",
                            code="appointment_not_later", appointment=dossier.appointment_at)
    number, to, lines = _apology_letter(number, addressee, distribution,
                                        str(dossier.applicant.get("name", "")))
    settings = settings_of(session, dossier)
    if settings.apologies_allowed is not None:
        given = len(session.scalars(select(Apology.id).where(
            Apology.dossier_id == dossier.id)).all())
        if given >= settings.apologies_allowed:
            raise InvalidAction(f"dossier {code} already has {given} apologies, the most its "
                                f"procedure allows", code="too_many_apologies",
                                dossier=code, allowed=settings.apologies_allowed)
    if settings.apology_lead_time is not None and dossier.appointment_at is not None:
        cal = runtime.calendar(session, dossier.unit)
        lead = cal.parse_duration(settings.apology_lead_time)
        if now >= dossier.appointment_at or cal.between(now, dossier.appointment_at) < lead:
            raise InvalidAction(f"an apology for dossier {code} is signed at least "
                                f"{settings.apology_lead_time} of working time before its "
                                "appointment", code="apology_too_late", dossier=code,
                                lead=period_words(settings.apology_lead_time),
                                appointment=dossier.appointment_at)
    session.add(Apology(dossier_id=dossier.id, at=now, reason=reason.strip(),
                        old_appointment_at=dossier.appointment_at,
                        new_appointment_at=new_appointment, signed_by=leader,
                        number=number, addressee=to, distribution=lines))
    dossier.appointment_at = new_appointment
    dossier.apologized = True
    record_event(session, dossier, now, "apology", leader,
                 new_appointment=new_appointment.isoformat())
    session.flush()
    return DossierRef.of(dossier)


@dataclass(frozen=True)
class LateEntry:
    """A row of the public late list (niêm yết hồ sơ trễ hạn)."""

    code: str
    procedure: str
    received_at: datetime
    original_appointment_at: datetime | None
    appointment_at: datetime | None
    reason: str | None
    status: DossierStatus


def late_list(session: Session, units: Sequence[str], now: datetime,
              limit: int | None = None) -> list[LateEntry]:
    """Dossiers of these units that are overdue or were apologized for, oldest first
    (the first `limit` of them when given)."""
    rows = session.execute(
        select(Dossier, DefinitionVersion.name)
        .join(DefinitionVersion, DefinitionVersion.id == Dossier.definition_id)
        .where(Dossier.unit.in_(units))
        .where((Dossier.apologized.is_(True))
               | ((Dossier.finish_kind.is_(None)) & (Dossier.appointment_at < now))
               | (Dossier.outcome == Outcome.LATE))
        .order_by(Dossier.received_at).limit(limit))
    entries = []
    for dossier, name in rows:
        apology = session.scalar(select(Apology).where(Apology.dossier_id == dossier.id)
                                 .order_by(Apology.id.desc()).limit(1))
        entries.append(LateEntry(dossier.code, name, dossier.received_at,
                                 dossier.original_appointment_at, dossier.appointment_at,
                                 apology.reason if apology else None, dossier.status))
    return entries
