"""What the runtime tests share: the one ready step of a dossier, and a snapshot of
everything a command could change."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.queries import show_dossier
from engine.storage import Dossier, Event, TaskRecord


def ready_task(session: Session, code: str):
    view = show_dossier(session, code)
    ready = [s for s in view.steps if s.status == "ready"]
    assert len(ready) == 1, ready
    return ready[0]


def snapshot(session: Session, code: str):
    """Everything a command could change for one dossier."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    session.refresh(dossier)
    tasks = session.scalars(select(TaskRecord).where(TaskRecord.dossier_id == dossier.id)).all()
    return (
        dossier.state, dossier.version, dossier.status,
        sorted((t.id, t.status, t.claimed_by, t.completed_by, t.handover) for t in tasks),
        session.scalar(select(func.count()).select_from(Event)
                       .where(Event.dossier_id == dossier.id)),
    )
