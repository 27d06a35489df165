"""Which units' dossiers a report counts: the unit and those below it, and, read "as
today's unit", also the units it carried over in a reorganisation (a ward formed on
1 July 2025 reports on the first half of 2025 with its predecessors' dossiers); read
"as then", only the units of the map in force during the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org import descendants, get_unit, predecessors_of
from engine.storage import Unit, UnitSuccession


class MapRule(StrEnum):
    """Which map of units a report uses (docs/report.md)."""

    AS_TODAY = "as-today"  # today's unit with the predecessors it carried over
    AS_THEN = "as-then"  # the unit as it stood in the period, without predecessors


DEFAULT_MAP = MapRule.AS_TODAY


@dataclass(frozen=True)
class UnitScope:
    rule: MapRule
    units: tuple[str, ...]
    predecessors: tuple[tuple[str, str], ...]  # (code, name) carried over and counted

    def note(self) -> str:
        """The sentence the printed report carries about the map it used ("" when it
        makes no difference: today's unit with no predecessors)."""
        if self.rule == MapRule.AS_THEN:
            return "Đơn vị theo địa giới hành chính trong kỳ báo cáo"
        if not self.predecessors:
            return ""
        names = ", ".join(f"{name} ({code})" for code, name in self.predecessors)
        return ("Đơn vị theo địa giới hành chính hiện nay, gồm hồ sơ của đơn vị trước sắp "
                f"xếp: {names}")


def report_scope(session: Session, unit: str, start: date, end: date,
                 rule: MapRule = DEFAULT_MAP) -> UnitScope:
    """The units whose dossiers the report of `unit` for start..end counts (NotFound for
    an unknown unit). As then, a unit that did not exist in the period is refused, naming
    its predecessors, rather than reported as empty."""
    home = get_unit(session, unit)
    if rule == MapRule.AS_THEN:
        if ((home.valid_from and home.valid_from > end)
                or (home.valid_to and home.valid_to < start)):
            before = ", ".join(line.predecessor for line in predecessors_of(session, unit))
            raise InvalidAction(
                f"unit {unit} did not exist between {start:%d/%m/%Y} and {end:%d/%m/%Y} "
                f"(it existed {home.span()}): report it as today's unit (map as-today)"
                + (f" or report on its predecessors: {before}" if before else ""),
                code="unit_not_in_force", unit=unit, on=start.isoformat())
        return UnitScope(rule, tuple(descendants(session, unit, predecessors=False)), ())
    units = descendants(session, unit)
    carried = session.execute(
        select(Unit.code, Unit.name).join(UnitSuccession,
                                          UnitSuccession.predecessor_code == Unit.code)
        .where(UnitSuccession.carried_over.is_(True),
               UnitSuccession.successor_code.in_(units))
        .order_by(Unit.code))
    return UnitScope(rule, tuple(units), tuple((code, name) for code, name in carried))
