"""Birth registrations whose escalation timer is long due, written straight to a
database: the due work of the worker tests and of bench/scale_out.py."""

from __future__ import annotations

from sqlalchemy import Engine

from engine.calendar import FixedClock
from engine.queries import list_tasks
from engine.runtime import Runtime, complete, start
from engine.storage import make_sessionmaker
from tests.conftest import vn
from tests.samples import RECEIVE


def due_escalations(database: Engine, count: int) -> list[str]:
    """`count` birth registrations checked at the desk on Friday 6 March 2026, 16:00:
    their escalation (3 working hours) was due on Monday 9 March at 10:00. Their codes."""
    sessions, runtime = make_sessionmaker(database), Runtime(FixedClock(vn("2026-03-06 15:00")))
    codes = []
    with sessions.begin() as session:
        for _ in range(count):
            code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                         at=vn("2026-03-06 15:00")).code
            task = next(t for t in list_tasks(session, department="reception")
                        if t.dossier_code == code)
            complete(session, runtime, task.id, user="tiepnhan.phucloi", data=RECEIVE,
                     at=vn("2026-03-06 16:00"))
            codes.append(code)
    return codes
