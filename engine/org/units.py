"""Units: the hierarchy city › district › ward, and the agencies (police, social
insurance) linked in, each with the departments it has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction, NotFound
from engine.storage import Department, Unit

UNIT_KINDS = ("city", "district", "ward", "police", "social_insurance", "other")


@dataclass(frozen=True)
class UnitView:
    code: str
    name: str
    kind: str
    parent_code: str | None
    departments: tuple[str, ...]
    address: str = ""


def _row(session: Session, code: str) -> Unit:
    unit = session.get(Unit, code)
    if unit is None:
        raise NotFound(f"unit {code} does not exist", code="unit_not_found", unit=code)
    return unit


def get_unit(session: Session, code: str) -> UnitView:
    """The unit (NotFound if there is none)."""
    unit = _row(session, code)
    return UnitView(unit.code, unit.name, unit.kind, unit.parent_code,
                    tuple(unit.departments), unit.address)


def add_unit(session: Session, *, code: str, name: str, kind: str, parent: str | None = None,
             departments: Sequence[str] = (), address: str = "") -> UnitView:
    """Create a unit under `parent` with the departments it has."""
    if kind not in UNIT_KINDS:
        raise InvalidAction(f"unit kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
    if session.get(Unit, code) is not None:
        raise InvalidAction(f"unit {code} already exists")
    if parent is not None:
        _row(session, parent)
    for dept in departments:
        if session.get(Department, dept) is None:
            raise NotFound(f"department {dept} does not exist")
    session.add(Unit(code=code, name=name, kind=kind, parent_code=parent,
                     departments=list(departments), address=address))
    session.flush()
    return get_unit(session, code)


def descendants(session: Session, code: str) -> list[str]:
    """`code` and the codes of every unit below it (one query: every permission check of
    a request asks)."""
    children: dict[str | None, list[str]] = {}
    for child, parent in session.execute(select(Unit.code, Unit.parent_code)):
        children.setdefault(parent, []).append(child)
    if not any(code in codes for codes in children.values()):
        raise NotFound(f"unit {code} does not exist", code="unit_not_found", unit=code)
    found, pending = [], [code]
    while pending:
        current = pending.pop()
        if current in found:  # a cycle in parent codes must not loop forever
            continue
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def serving_units(session: Session, code: str, kind: str) -> tuple[str, ...]:
    """The units of `kind` (police, social_insurance...) that serve unit `code`: those
    whose parent is `code` or a unit above it, nearest first, then by code. Agencies hang
    under the district (or city, or ward) they work for, so a district's police posts and
    its social-insurance office serve every ward of the district."""
    chain = ancestors(session, code)
    found = [(chain.index(str(parent)), unit) for unit, parent in session.execute(
        select(Unit.code, Unit.parent_code).where(Unit.kind == kind,
                                                  Unit.parent_code.in_(chain)))]
    return tuple(unit for _, unit in sorted(found))


def ancestors(session: Session, code: str) -> list[str]:
    """`code` and the codes of the units above it, nearest first."""
    chain = []
    unit: Unit | None = _row(session, code)
    while unit is not None:
        chain.append(unit.code)
        unit = session.get(Unit, unit.parent_code) if unit.parent_code else None
    return chain
