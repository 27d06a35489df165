"""Which agencies serve a unit: the police and social-insurance units that receive the
linked procedures' parts of a commune's dossiers. It is the unit's configuration, dated
like the units themselves, never a code written in a diagram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org.units import unit_row
from engine.storage import Unit, UnitService, UnitSuccession

AGENCY_KINDS = ("police", "social_insurance")


@dataclass(frozen=True)
class ServiceView:
    agency: str
    agency_name: str
    kind: str
    served: str
    is_default: bool
    valid_from: date | None
    valid_to: date | None


def serve(session: Session, *, agency: str, served: str, default: bool = False,
          valid_from: date | None = None, valid_to: date | None = None) -> ServiceView:
    """Record that `agency` serves unit `served` from `valid_from` to `valid_to` (open
    ends: always, still). A default replaces the agency of its kind that was the default
    over the same days."""
    agency_unit, served_unit = unit_row(session, agency), unit_row(session, served)
    if agency_unit.kind not in AGENCY_KINDS:
        raise InvalidAction(f"unit {agency} is a {agency_unit.kind} unit; only "
                            f"{', '.join(AGENCY_KINDS)} units serve others")
    if served_unit.kind in AGENCY_KINDS:
        raise InvalidAction(f"unit {served} is an agency; agencies serve communes and "
                            "the units above them")
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidAction(f"the service cannot end ({valid_to:%d/%m/%Y}) before it "
                            f"begins ({valid_from:%d/%m/%Y})")
    if default:
        for other in _rows(session, served, agency_unit.kind):
            if _overlaps(other, valid_from, valid_to):
                other.is_default = False
    row: UnitService | None = session.scalar(select(UnitService).where(
        UnitService.agency_code == agency, UnitService.served_code == served,
        UnitService.valid_from.is_(None) if valid_from is None
        else UnitService.valid_from == valid_from))
    if row is None:
        row = UnitService(agency_code=agency, served_code=served, valid_from=valid_from)
        session.add(row)
    row.is_default, row.valid_to = default, valid_to
    session.flush()
    return ServiceView(agency, agency_unit.name, agency_unit.kind, served, default, valid_from,
                       valid_to)


def _rows(session: Session, served: str, kind: str) -> list[UnitService]:
    return list(session.scalars(
        select(UnitService).join(Unit, Unit.code == UnitService.agency_code)
        .where(UnitService.served_code == served, Unit.kind == kind)))


def _overlaps(row: UnitService, start: date | None, end: date | None) -> bool:
    return ((end is None or row.valid_from is None or row.valid_from <= end)
            and (start is None or row.valid_to is None or start <= row.valid_to))


def _holder(session: Session, code: str, on: date) -> str:
    """The unit answering for `code` on day `on`: `code` itself, or, once it is gone, the
    unit that carried it over (and so on), so that a dossier the old ward received
    before a reorganisation sends its linked parts to the new ward's agencies."""
    seen = [code]
    unit = unit_row(session, code)
    while unit.valid_to is not None and unit.valid_to < on:
        successor = session.scalar(select(UnitSuccession.successor_code).where(
            UnitSuccession.predecessor_code == unit.code, UnitSuccession.carried_over))
        if successor is None or successor in seen:
            break
        seen.append(successor)
        unit = unit_row(session, successor)
    return unit.code


def services_of(session: Session, served: str, on: date | None = None) -> list[ServiceView]:
    """The agencies serving `served` (on day `on` if given; the agency must exist then
    too; a unit gone by then is served as the unit that carried it over): the defaults
    first, then by kind and code."""
    unit_row(session, served)
    if on is not None:
        served = _holder(session, served, on)
    query = (select(UnitService, Unit).join(Unit, Unit.code == UnitService.agency_code)
             .where(UnitService.served_code == served))
    if on is not None:
        query = query.where(
            or_(UnitService.valid_from.is_(None), UnitService.valid_from <= on),
            or_(UnitService.valid_to.is_(None), UnitService.valid_to >= on),
            or_(Unit.valid_from.is_(None), Unit.valid_from <= on),
            or_(Unit.valid_to.is_(None), Unit.valid_to >= on))
    found = [ServiceView(s.agency_code, u.name, u.kind, s.served_code, s.is_default,
                         s.valid_from, s.valid_to) for s, u in session.execute(query)]
    return sorted(found, key=lambda s: (not s.is_default, s.kind, s.agency))


def serving_units(session: Session, code: str, kind: str, on: date | None = None
                  ) -> tuple[str, ...]:
    """The units of `kind` (police, social_insurance) serving unit `code` on day `on`,
    its default first (NotFound for an unknown unit)."""
    return tuple(s.agency for s in services_of(session, code, on) if s.kind == kind)


def default_agency(session: Session, code: str, kind: str, on: date | None = None
                   ) -> str | None:
    """The agency of `kind` a dossier of `code` goes to unless reception chooses: the
    configured default, else the only one serving; None when there is no such agency
    or several without a default."""
    services = [s for s in services_of(session, code, on) if s.kind == kind]
    if services and (services[0].is_default or len(services) == 1):
        return services[0].agency
    return None
