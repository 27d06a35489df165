"""What commands hand back to their callers: plain frozen records of the dossier or task
they acted on (never ORM rows). queries/ has the full views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.storage import Dossier, TaskRecord
from engine.vocabulary import DossierStatus, Outcome, TaskStatus


@dataclass(frozen=True)
class DossierRef:
    """The dossier a command acted on, as it stands after the command."""

    id: int
    code: str
    status: DossierStatus
    appointment_at: datetime | None

    @classmethod
    def of(cls, dossier: Dossier) -> DossierRef:
        return cls(dossier.id, dossier.code, DossierStatus(dossier.status),
                   dossier.appointment_at)


@dataclass(frozen=True)
class TaskRef:
    """The task a command acted on (for send_back: the step re-opened)."""

    id: str
    dossier_code: str
    name: str
    spec_id: str  # the diagram element
    department: str
    status: TaskStatus
    ready_at: datetime
    due_at: datetime | None
    claimed_by: str | None
    completed_by: str | None
    outcome: Outcome | None

    @classmethod
    def of(cls, row: TaskRecord, dossier_code: str) -> TaskRef:
        return cls(row.id, dossier_code, row.name, row.spec_id, row.department,
                   TaskStatus(row.status), row.ready_at, row.due_at, row.claimed_by,
                   row.completed_by,
                   Outcome(row.outcome) if row.outcome else None)
