"""The dossier's append-only event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.storage import Dossier, Event, queue_row


def record_event(
    session: Session, dossier: Dossier | int, at: datetime, kind: str, actor: str | None,
    **detail: Any
) -> None:
    """Append to the dossier's (given as its row or id) event log. `detail` must hold ids
    and names, no citizen data."""
    dossier_id = dossier if isinstance(dossier, int) else dossier.id
    queue_row(session, Event, dossier_id=dossier_id, at=at, kind=kind, actor=actor,
              detail=detail)
