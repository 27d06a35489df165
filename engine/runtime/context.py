"""What one command carries through the runtime: its `Step` (instant, actor, where the
dossier came from, the messages it threw) and, for the dossier it runs, the `Run` (the
session, the dossier row, its live workflow, definition and calendar, and the step)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.definitions import LoadedDefinition
from engine.storage import Dossier


@dataclass
class Step:
    """One command's context: its instant, its actor and where the dossier came from
    (the department of the step before, a linked dossier); `messages` collects the ids
    of the messages the command threw, to deliver once it ran."""

    at: datetime
    actor: str | None
    from_department: str | None = None
    source_dossier_id: int | None = None
    messages: list[int] = field(default_factory=list)


@dataclass
class Run:
    """A dossier's workflow, loaded for one command."""

    session: Session
    dossier: Dossier
    workflow: BpmnWorkflow
    loaded: LoadedDefinition
    calendar: WorkingCalendar
    step: Step
