"""Plain frozen records the engine hands to the CLI and the web (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.definitions import FieldSpec
from engine.runtime import ShownValue


@dataclass(frozen=True)
class TaskView:
    id: str
    dossier_code: str
    name: str
    spec_id: str
    department: str
    status: str
    sla: str | None
    ready_at: datetime
    due_at: datetime | None
    claimed_by: str | None
    claimed_at: datetime | None
    completed_by: str | None
    completed_at: datetime | None
    outcome: str | None
    fields: tuple[FieldSpec, ...] = ()
    unit: str = ""
    received_by: str | None = None
    received_at: datetime | None = None
    shown: tuple[ShownValue, ...] = ()  # only filled by get_task, for a ready task


@dataclass(frozen=True)
class HandoverView:
    from_department: str | None
    to_department: str
    task_name: str
    handed_at: datetime
    giver: str | None
    received_at: datetime | None
    receiver: str | None
    due_at: datetime | None
    outcome: str | None
    source_dossier: str | None


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    actor: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class LinkView:
    code: str
    process_key: str
    status: str
    relation: str  # "started" (this dossier's message started it) or "started_by"


@dataclass(frozen=True)
class PauseView:
    started_at: datetime
    ended_at: datetime | None
    deadline_at: datetime
    requested_by: str | None
    items: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ApologyView:
    at: datetime
    reason: str
    old_appointment_at: datetime | None
    new_appointment_at: datetime
    signed_by: str


@dataclass(frozen=True)
class DossierView:
    id: int
    code: str
    process_key: str
    process_name: str
    definition_version: int
    unit: str
    channel: str
    status: str
    received_at: datetime
    counting_from: datetime
    appointment_at: datetime | None
    completed_at: datetime | None
    outcome: str | None
    steps: tuple[TaskView, ...]
    handovers: tuple[HandoverView, ...]
    events: tuple[EventView, ...]
    links: tuple[LinkView, ...]
    applicant: dict[str, Any]
    procedure_code: str | None
    field_of_work: str
    documents: tuple[str, ...]
    original_appointment_at: datetime | None
    resolved_at: datetime | None
    returned_at: datetime | None
    finish_kind: str | None
    finish_reason: str | None
    supplement_count: int
    at_risk_at: datetime | None
    pauses: tuple[PauseView, ...]
    apologies: tuple[ApologyView, ...]
