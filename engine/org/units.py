"""Units as dated data: the hierarchy province › (district, until 30 June 2025) ›
commune, and the agencies (police, social insurance) linked in, each with its level,
its departments and the days it existed. Reorganisations are in
engine/org/reorganisation.py, the agencies serving a unit in engine/org/services.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction, NotFound
from engine.storage import Department, Unit, UnitSuccession

UNIT_KINDS = ("city", "district", "ward", "police", "social_insurance", "other")
LEVELS = ("province", "district", "commune")
# The level a people's committee of each kind sits at; agencies take their parent's.
KIND_LEVELS = {"city": "province", "district": "district", "ward": "commune"}


@dataclass(frozen=True)
class UnitView:
    code: str
    name: str
    kind: str
    parent_code: str | None
    departments: tuple[str, ...]
    address: str = ""
    level: str = "commune"
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, on: date) -> bool:
        """Whether the unit existed on day `on`."""
        return ((self.valid_from is None or self.valid_from <= on)
                and (self.valid_to is None or on <= self.valid_to))

    def span(self) -> str:
        """The days it existed, as the pages print them ("01/07/2025–")."""
        start = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else ""
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        return f"{start}–{end}" if start or end else ""


def unit_row(session: Session, code: str) -> Unit:
    """The unit's row (NotFound naming the code if there is none)."""
    unit = session.get(Unit, code)
    if unit is None:
        raise NotFound(f"unit {code} does not exist", code="unit_not_found", unit=code)
    return unit


def view(unit: Unit) -> UnitView:
    return UnitView(unit.code, unit.name, unit.kind, unit.parent_code, tuple(unit.departments),
                    unit.address, unit.level, unit.valid_from, unit.valid_to)


def get_unit(session: Session, code: str) -> UnitView:
    """The unit (NotFound if there is none)."""
    return view(unit_row(session, code))


def require_in_force(session: Session, code: str, on: date) -> UnitView:
    """The unit, if it existed on `on`; InvalidAction (code unit_not_in_force) naming the
    days it existed otherwise, so nothing is received by a unit that is gone."""
    unit = get_unit(session, code)
    if not unit.in_force(on):
        raise InvalidAction(f"unit {code} did not exist on {on:%d/%m/%Y} (it existed "
                            f"{unit.span()})", code="unit_not_in_force", unit=code,
                            on=on.isoformat())
    return unit


def add_unit(session: Session, *, code: str, name: str, kind: str, parent: str | None = None,
             departments: Sequence[str] = (), address: str = "", level: str | None = None,
             valid_from: date | None = None, valid_to: date | None = None) -> UnitView:
    """Create a unit under `parent` with the departments it has and the days it exists
    (open ends: always, still). Its level defaults to its kind's (a ward is a commune)
    or its parent's."""
    if kind not in UNIT_KINDS:
        raise InvalidAction(f"unit kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
    if session.get(Unit, code) is not None:
        raise InvalidAction(f"unit {code} already exists")
    above = unit_row(session, parent) if parent is not None else None
    level = level or KIND_LEVELS.get(kind) or (above.level if above else "province")
    if level not in LEVELS:
        raise InvalidAction(f"unit level {level!r} is not one of {', '.join(LEVELS)}")
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidAction(f"unit {code} cannot end ({valid_to:%d/%m/%Y}) before it begins "
                            f"({valid_from:%d/%m/%Y})")
    for dept in departments:
        if session.get(Department, dept) is None:
            raise NotFound(f"department {dept} does not exist")
    session.add(Unit(code=code, name=name, kind=kind, level=level, parent_code=parent,
                     departments=list(departments), address=address, valid_from=valid_from,
                     valid_to=valid_to))
    session.flush()
    return get_unit(session, code)


def list_units(session: Session, on: date | None = None) -> list[UnitView]:
    """Every unit (those in force on `on` if given), by code."""
    units = [view(u) for u in session.scalars(select(Unit).order_by(Unit.code))]
    return [u for u in units if on is None or u.in_force(on)]


def descendants(session: Session, code: str, *, predecessors: bool = True) -> list[str]:
    """`code` and every unit whose dossiers it answers for: the units below it and, with
    `predecessors`, the units it carried over in a reorganisation (and theirs, and the
    units below those). Two queries: every permission check of a request asks."""
    below: dict[str | None, list[str]] = {}
    for child, parent in session.execute(select(Unit.code, Unit.parent_code)):
        below.setdefault(parent, []).append(child)
    if not any(code in codes for codes in below.values()):
        raise NotFound(f"unit {code} does not exist", code="unit_not_found", unit=code)
    if predecessors:
        for old, new in session.execute(select(UnitSuccession.predecessor_code,
                                               UnitSuccession.successor_code)
                                        .where(UnitSuccession.carried_over.is_(True))):
            below.setdefault(new, []).append(old)
    return reachable(below, code)


def reachable(graph: dict[str | None, list[str]], start: str) -> list[str]:
    """`start` and every code reachable from it through `graph`, each once (a cycle in
    parent codes or successions must not loop forever)."""
    found, pending = [], [start]
    while pending:
        current = pending.pop()
        if current not in found:
            found.append(current)
            pending.extend(graph.get(current, []))
    return found


def ancestors(session: Session, code: str) -> list[str]:
    """`code` and the codes of the units above it, nearest first."""
    chain: list[str] = []
    unit: Unit | None = unit_row(session, code)
    while unit is not None and unit.code not in chain:
        chain.append(unit.code)
        unit = session.get(Unit, unit.parent_code) if unit.parent_code else None
    return chain
