"""Who works what in a simulation: the units' staff by department (the demo users'
names where the database has none) and each unit's leader who signs apologies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org import ancestors
from engine.simulation.demo import DEMO_USERS
from engine.storage import Unit, UnitSuccession, User

FALLBACK_USER = "mo.phong"  # who works a step when no user of its unit and department exists


class Staff:
    """The people of the units a simulation runs in, read once at its start."""

    def __init__(self, session: Session, ward: str) -> None:
        self.by_department: dict[tuple[str, str], str] = {}
        self.names: dict[str, str] = {}
        self.leaders: dict[str, str] = {}
        for username, full_name, unit, _roles, departments in sorted(DEMO_USERS):
            for department in departments:
                self.by_department.setdefault((unit, department), username)
            self.names[username] = full_name
        from_database: dict[tuple[str, str], str] = {}
        for user in session.scalars(select(User).where(User.active.is_(True))
                                    .order_by(User.username)):
            self.names[user.username] = user.full_name
            for department in user.departments:
                from_database.setdefault((user.unit_code, department), user.username)
            if "leader" in user.roles:
                self.leaders.setdefault(user.unit_code, user.username)
        self.by_department.update(from_database)
        # a unit that is gone: its steps are worked by the people of the unit carrying it
        self.successor = {old: new for old, new in session.execute(
            select(UnitSuccession.predecessor_code, UnitSuccession.successor_code)
            .where(UnitSuccession.carried_over.is_(True)))}

    def _lineage(self, unit: str) -> list[str]:
        """`unit`, then the unit that carried it over, and so on."""
        chain = [unit]
        while chain[-1] in self.successor and self.successor[chain[-1]] not in chain:
            chain.append(self.successor[chain[-1]])
        return chain

    def user(self, unit: str, department: str) -> str:
        """Who works a step of `department` at `unit` (or at the unit carrying it on)."""
        for code in self._lineage(unit):
            if (code, department) in self.by_department:
                return self.by_department[(code, department)]
        return FALLBACK_USER

    def leader(self, session: Session, unit: str) -> str | None:
        """The leader of `unit` or of the nearest unit above it (or above the unit
        carrying it on)."""
        if session.get(Unit, unit) is None:
            return None
        for successor in self._lineage(unit):
            for code in ancestors(session, successor):
                if code in self.leaders:
                    return self.leaders[code]
        return None
