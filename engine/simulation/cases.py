"""What a simulation keeps track of: the dossiers it follows, the steps it planned work
for, what it tells its caller at the end, and the queries it reads the engine's
progress with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select

from engine.storage import Dossier, Event, TaskRecord
from engine.vocabulary import TaskStatus

# Events after :mark, then the ready steps of some dossiers: two index-driven queries
# (joined in one, SQLite would scan every task record).
NEW_EVENTS = select(Event.id, Event.dossier_id, Event.kind).where(Event.id > bindparam("mark"))
READY_STEPS = (
    select(TaskRecord.id, TaskRecord.dossier_id, TaskRecord.department, TaskRecord.process_id,
           TaskRecord.spec_id, TaskRecord.sla, Dossier.code, Dossier.unit,
           Dossier.definition_id, Dossier.appointment_at, Dossier.started_by_message_id)
    .join(Dossier, Dossier.id == TaskRecord.dossier_id)
    .where(TaskRecord.dossier_id.in_(bindparam("dossiers", expanding=True)),
           TaskRecord.status == TaskStatus.READY))
# A step's state and its dossier's, checked before acting on it.
STEP_STATE = (
    select(TaskRecord.status, TaskRecord.claimed_by, Dossier.status.label("dossier_status"),
           Dossier.applicant, Dossier.channel, Dossier.verification)
    .join(Dossier, Dossier.id == TaskRecord.dossier_id)
    .where(TaskRecord.id == bindparam("task")))


@dataclass(frozen=True)
class SimulationResult:
    """What a simulation did: counts of the engine commands and their outcomes."""

    unit: str
    start: date
    end: date
    dossiers: int  # filed by citizens at `unit`
    online: int
    linked: int  # dossiers the engine started at other units by message (police, BHXH)
    claimed: int
    completed: int  # task completions
    late_steps: int  # completions after the step's due time
    supplements: int  # supplement requests
    supplied: int
    refused: int  # dossiers refused: by a decision or for want of papers
    withdrawn: int
    apologies: int
    resolved: int
    in_progress: int  # dossiers still open when the simulated period ended
    commands: int  # transactions committed
    elapsed: float  # wall-clock seconds


@dataclass
class PlannedStep:
    """A ready step the simulation has planned work for."""

    id: str
    dossier_id: int
    code: str
    unit: str
    department: str
    definition_id: int
    process_id: str
    spec_id: str
    sla: str | None


@dataclass
class Case:
    """What the simulation remembers of one dossier."""

    id: int
    code: str
    unit: str
    top: bool  # filed by a citizen (not started by a message)
    supplement: bool = False  # will be asked for papers at its first specialist step
    supplied: bool = False  # the citizen will bring them
    documents: tuple[str, ...] = ()
    parked: list[PlannedStep] = field(default_factory=list)  # steps waiting for the papers
    late_pending: int = 0  # late completions planned but not yet made
