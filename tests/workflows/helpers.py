"""Driving a shipped procedure end to end: receive a dossier, complete its one ready
step after another on a fresh Runtime (so every step reloads the dossier from the
database, as another web worker would)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.calendar import FixedClock
from engine.queries import show_dossier
from engine.runtime import Runtime, complete, start
from tests.conftest import vn


def ready(session: Session, code: str) -> list:
    return [s for s in show_dossier(session, code).steps if s.status == "ready"]


def step(session: Session, clock: FixedClock, code: str, data: dict, at: str,
         user: str = "officer"):
    """Complete the dossier's only ready task; return it as it was before completion."""
    session.expire_all()
    tasks = ready(session, code)
    assert len(tasks) == 1, [(t.name, t.department) for t in tasks]
    complete(session, Runtime(clock), tasks[0].id, user=user, data=data, at=vn(at))
    return tasks[0]


def walk(session, clock, code, steps):
    """Complete one task per (data, at); return [(department, task name)] worked."""
    return [(t.department, t.name) for t in
            (step(session, clock, code, data, at) for data, at in steps)]


def finished(session: Session, code: str) -> bool:
    """The dossier's workflow ran to an end event and left no task open."""
    kinds = [e.kind for e in show_dossier(session, code).events]
    return not ready(session, code) and "completed" in kinds


def receive(session, clock, key, at: str, unit="PHUCLOI", **kw):
    """Receive a dossier at the desk; return it as it then stands."""
    ref = start(session, Runtime(clock), key, unit=unit, actor="clerk", at=vn(at), **kw)
    return show_dossier(session, ref.code)
