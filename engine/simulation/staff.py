"""Who works what in a simulation: the units' staff by department (the demo users'
names where the database has none), each unit's leader who signs apologies, and the
agencies a ward's linked dossiers go to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org import ancestors
from engine.simulation.demo import DEMO_USERS
from engine.storage import Unit, User

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
        self.agencies = self._agencies(session, ward)

    @staticmethod
    def _agencies(session: Session, ward: str) -> dict[str, str]:
        """The police office under the ward and the social-insurance office of its
        district, for forms that name the agencies a linked dossier goes to."""
        found: dict[str, str] = {}
        chain = ancestors(session, ward)
        for row in session.scalars(select(Unit).where(Unit.parent_code.in_(chain))
                                   .order_by(Unit.code)):
            if row.kind == "police" and row.parent_code == ward:
                found.setdefault("police", row.code)
            elif row.kind == "social_insurance":
                found.setdefault("insurance", row.code)
        return found

    def user(self, unit: str, department: str) -> str:
        """Who works a step of `department` at `unit`."""
        return self.by_department.get((unit, department), FALLBACK_USER)

    def leader(self, session: Session, unit: str) -> str | None:
        """The leader of `unit` or of the nearest unit above it."""
        if session.get(Unit, unit) is None:
            return None
        for code in ancestors(session, unit):
            if code in self.leaders:
                return self.leaders[code]
        return None
