"""A map of units as a data file: the units with their days, the agencies serving
each commune, and the reorganisations between them (TOML; the demo's is
engine/simulation/maps/hanoi_demo.toml, the format is in docs/units.md).

Reading checks the whole file's shape and names every problem at once; loading adds
what the database lacks (a unit already there is kept as it is) and records each
reorganisation once, in the caller's transaction."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org.reorganisation import reorganise
from engine.org.services import serve
from engine.org.units import add_unit
from engine.storage import Unit, UnitSuccession

MAX_BYTES = 1_000_000
MAX_ENTRIES = 5_000
_SHAPES: dict[str, dict[str, tuple[type, bool]]] = {
    "unit": {"code": (str, True), "name": (str, True), "kind": (str, True),
             "parent": (str, False), "level": (str, False), "departments": (list, False),
             "address": (str, False), "valid_from": (date, False), "valid_to": (date, False),
             "note": (str, False)},
    "service": {"agency": (str, True), "unit": (str, True), "default": (bool, False),
                "valid_from": (date, False), "valid_to": (date, False), "note": (str, False)},
    "reorganisation": {"on": (date, True), "into": (str, True), "basis": (str, True),
                       "carried": (list, False), "parts": (list, False),
                       "note": (str, False)},
}


@dataclass(frozen=True)
class UnitMap:
    """The file's entries, as read (each a dict of the keys above)."""

    units: tuple[dict[str, Any], ...]
    services: tuple[dict[str, Any], ...]
    reorganisations: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class MapLoad:
    units: int
    services: int
    reorganisations: int
    moved_users: tuple[str, ...]


def _entry_problems(section: str, entry: Any) -> list[str]:
    shape = _SHAPES[section]
    if not isinstance(entry, dict):
        return ["is not a table"]
    problems = [f"unknown key {key!r}" for key in entry if key not in shape]
    for key, (kind, required) in shape.items():
        if key not in entry:
            if required:
                problems.append(f"{key} is missing")
            continue
        value = entry[key]
        if kind is date and (not isinstance(value, date) or isinstance(value, datetime)):
            problems.append(f"{key} must be a date such as 2025-07-01 (without quotes)")
        elif kind is list and not (isinstance(value, list)
                                   and all(isinstance(v, str) for v in value)):
            problems.append(f"{key} must be a list of codes")
        elif kind in (str, bool) and not isinstance(value, kind):
            problems.append(f"{key} must be {'text' if kind is str else 'true or false'}")
        elif kind is str and not 0 < len(value) <= 300:
            problems.append(f"{key} must be 1 to 300 characters")
    return problems


def read_map(content: bytes, source: str) -> UnitMap:
    """Parse a map file; InvalidAction naming every problem (entry and key) at once."""
    if len(content) > MAX_BYTES:
        raise InvalidAction(f"{source}: a map file is at most {MAX_BYTES:,} bytes")
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidAction(f"{source}: not a TOML file: {exc}") from None
    problems = [f"unknown section [[{key}]]" for key in data if key not in _SHAPES]
    sections: dict[str, list[Any]] = {}
    for section in _SHAPES:
        entries = data.get(section, [])
        if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
            problems.append(f"[[{section}]] must be at most {MAX_ENTRIES} tables")
            entries = []
        sections[section] = entries
        for number, entry in enumerate(entries, start=1):
            problems.extend(f"[[{section}]] {number}: {p}"
                            for p in _entry_problems(section, entry))
    if problems:
        raise InvalidAction(f"{source}: " + "; ".join(problems[:20]))
    return UnitMap(tuple(sections["unit"]), tuple(sections["service"]),
                   tuple(sections["reorganisation"]))


def load_map(session: Session, unit_map: UnitMap, *, at: datetime,
             reorganisations: bool = True, actor: str | None = None) -> MapLoad:
    """Add the map's units that are missing, its services, and (unless told not to)
    its reorganisations not yet recorded, moving the people of carried-over units.
    Parents come before children in the file. Any error leaves the caller's
    transaction to roll back: nothing is half-loaded."""
    added = 0
    for entry in unit_map.units:
        if session.get(Unit, entry["code"]) is None:
            add_unit(session, code=entry["code"], name=entry["name"], kind=entry["kind"],
                     parent=entry.get("parent"), level=entry.get("level"),
                     departments=entry.get("departments", ()),
                     address=entry.get("address", ""), valid_from=entry.get("valid_from"),
                     valid_to=entry.get("valid_to"))
            added += 1
    for entry in unit_map.services:
        serve(session, agency=entry["agency"], served=entry["unit"],
              default=entry.get("default", False), valid_from=entry.get("valid_from"),
              valid_to=entry.get("valid_to"))
    done, moved = 0, list[str]()
    for entry in unit_map.reorganisations if reorganisations else ():
        if session.scalar(select(UnitSuccession.id).where(
                UnitSuccession.successor_code == entry["into"],
                UnitSuccession.effective_on == entry["on"])) is not None:
            continue
        lines = [(code, True) for code in entry.get("carried", [])] + [
            (code, False) for code in entry.get("parts", [])]
        result = reorganise(session, on=entry["on"], successor=entry["into"],
                            predecessors=lines, basis=entry["basis"], at=at, actor=actor)
        moved.extend(result.moved_users)
        done += 1
    return MapLoad(added, len(unit_map.services), done, tuple(moved))
