"""Reorganisations: on a date, units merge, split or are renamed; each line records
which unit went (wholly or in part) into which, and whether the new unit answers for
the old one's dossiers ("carried over"). The people of a carried-over unit move with it.
There is no geography: a predecessor is carried over whole, by one successor at most."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org.audit import record_event
from engine.org.units import reachable, unit_row, view
from engine.storage import Unit, UnitSuccession, User
from engine.vocabulary import SecurityEventKind

MAX_PREDECESSORS = 200


@dataclass(frozen=True)
class Succession:
    effective_on: date
    predecessor: str
    predecessor_name: str
    successor: str
    successor_name: str
    carried_over: bool
    basis: str


@dataclass(frozen=True)
class Reorganisation:
    successor: str
    effective_on: date
    lines: tuple[Succession, ...]
    moved_users: tuple[str, ...]


def reorganise(session: Session, *, on: date, successor: str,
               predecessors: Sequence[tuple[str, bool]], basis: str, at: datetime,
               actor: str | None = None) -> Reorganisation:
    """Record that on day `on` the `predecessors` (code, carried over?) went into
    `successor`: the successor exists from `on`, each predecessor until the day before;
    the users of a carried-over predecessor move to the successor (a security event
    each). Everything is checked first: a wrong line changes nothing."""
    basis = basis.strip()
    if not basis or len(basis) > 300:
        raise InvalidAction("a reorganisation needs its basis (the decision, e.g. Nghị quyết "
                            "1656/NQ-UBTVQH15), at most 300 characters")
    if not predecessors or len(predecessors) > MAX_PREDECESSORS:
        raise InvalidAction(f"a reorganisation names 1 to {MAX_PREDECESSORS} predecessors")
    new = unit_row(session, successor)
    if new.valid_from not in (None, on) or (new.valid_to and new.valid_to < on):
        raise InvalidAction(f"unit {successor} exists {view(new).span()}, not from "
                            f"{on:%d/%m/%Y}")
    olds: list[tuple[Unit, bool]] = []
    seen: set[str] = set()
    for code, carried in predecessors:
        old = unit_row(session, code)
        if code == successor or code in seen:
            raise InvalidAction(f"unit {code} is named twice in the reorganisation")
        seen.add(code)
        if old.valid_to not in (None, on - timedelta(days=1)) or (
                old.valid_from and old.valid_from >= on):
            raise InvalidAction(f"unit {code} exists {view(old).span()}: it cannot end on "
                                f"{on - timedelta(days=1):%d/%m/%Y}")
        if session.scalar(select(UnitSuccession.id).where(
                UnitSuccession.predecessor_code == code,
                UnitSuccession.successor_code == successor)) is not None:
            raise InvalidAction(f"{code} → {successor} is already recorded")
        if carried:
            holder = session.scalar(select(UnitSuccession.successor_code).where(
                UnitSuccession.predecessor_code == code, UnitSuccession.carried_over))
            if holder is not None:
                raise InvalidAction(f"unit {code} is already carried over by {holder}: a "
                                    "predecessor's dossiers go to one successor")
        olds.append((old, carried))
    new.valid_from = on
    moved: list[str] = []
    for old, carried in olds:
        old.valid_to = on - timedelta(days=1)
        session.add(UnitSuccession(effective_on=on, predecessor_code=old.code,
                                   successor_code=successor, carried_over=carried,
                                   basis=basis))
        if carried:
            moved.extend(_move_users(session, old.code, successor, basis, at, actor))
    session.flush()
    return Reorganisation(successor, on, tuple(predecessors_of(session, successor)),
                          tuple(moved))


def _move_users(session: Session, old: str, new: str, basis: str, at: datetime,
                actor: str | None) -> list[str]:
    users = list(session.scalars(select(User).where(User.unit_code == old)
                                 .order_by(User.username)))
    for user in users:
        user.unit_code = new
        record_event(session, SecurityEventKind.USER_MOVED, at, username=user.username,
                     detail=f"{old} → {new} ({basis})" + (f" by {actor}" if actor else ""))
    return [user.username for user in users]


def answers_for(session: Session, code: str) -> list[str]:
    """`code` and the units it carried over in reorganisations, and theirs: the units
    whose steps its people work and whose dossiers its leader signs for."""
    carried: dict[str | None, list[str]] = {}
    for old, new in session.execute(select(UnitSuccession.predecessor_code,
                                           UnitSuccession.successor_code)
                                    .where(UnitSuccession.carried_over.is_(True))):
        carried.setdefault(new, []).append(old)
    return reachable(carried, code)


def _lines(session: Session, column: str, code: str) -> list[Succession]:
    unit_row(session, code)
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    rows = session.scalars(select(UnitSuccession).where(
        getattr(UnitSuccession, column) == code)
        .order_by(UnitSuccession.effective_on, UnitSuccession.predecessor_code,
                  UnitSuccession.successor_code))
    return [Succession(r.effective_on, r.predecessor_code, names[r.predecessor_code],
                       r.successor_code, names[r.successor_code], r.carried_over, r.basis)
            for r in rows]


def predecessors_of(session: Session, code: str) -> list[Succession]:
    """The units that went into `code`, oldest reorganisation first."""
    return _lines(session, "successor_code", code)


def successors_of(session: Session, code: str) -> list[Succession]:
    """The units `code` went into."""
    return _lines(session, "predecessor_code", code)
