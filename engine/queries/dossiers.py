"""Read models of dossiers: search, the whole dossier, its links and where it stands in
its diagram."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, defer

from engine.definitions import SpecCache
from engine.queries import views
from engine.queries.tasks import task_view
from engine.runtime import dossier_row, workflow_position
from engine.storage import (
    Apology,
    DefinitionVersion,
    Dossier,
    Event,
    Message,
    Pause,
    TaskRecord,
)


@dataclass(frozen=True)
class DossierSummary:
    """A line of a dossier list."""

    code: str
    procedure: str
    unit: str
    applicant: str
    channel: str
    status: str
    received_at: datetime
    appointment_at: datetime | None
    outcome: str | None


def search_dossiers(session: Session, units: Sequence[str], *, text: str = "",
                    status: str | None = None, codes: Collection[str] | None = None,
                    limit: int = 100) -> list[DossierSummary]:
    """Dossiers of these units, newest first, whose code or applicant name contains
    `text` (case- and diacritics-insensitive for the name); only those `codes` if given."""
    query = (select(Dossier, DefinitionVersion.name)
             .options(defer(Dossier.state))  # the workflow state is large and not shown
             .join(DefinitionVersion, DefinitionVersion.id == Dossier.definition_id)
             .where(Dossier.unit.in_(units)).order_by(Dossier.received_at.desc()))
    if status:
        query = query.where(Dossier.status == status)
    if codes is not None:
        query = query.where(Dossier.code.in_(codes))
    wanted = fold(text.strip())
    found = []
    for dossier, name in session.execute(query.limit(limit * 20 if wanted else limit)):
        applicant = str(dossier.applicant.get("name", ""))
        if wanted and wanted not in fold(dossier.code) and wanted not in fold(applicant):
            continue
        found.append(DossierSummary(dossier.code, name, dossier.unit, applicant,
                                    dossier.channel, dossier.status, dossier.received_at,
                                    dossier.appointment_at, dossier.outcome))
        if len(found) >= limit:
            break
    return found


def has_dossiers(session: Session) -> bool:
    """Whether the database holds any dossier at all."""
    return session.scalar(select(Dossier.id).limit(1)) is not None


def fold(text: str) -> str:
    """Text for matching: lower case, Vietnamese diacritics removed (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def show_dossier(session: Session, code: str, units: Collection[str] | None = None
                 ) -> views.DossierView:
    """Status, appointment, steps with timing, control-slip rows, events and linked dossiers.
    With `units` (those the reader sees), another unit's dossier is NotFound exactly as an
    unknown code."""
    dossier = dossier_row(session, code, units)
    # Not the whole version row (its diagram's XML is large); with it, whether the
    # dossier has pauses, apologies and messages at all: most have none, and one query
    # asking is cheaper than three finding nothing.
    version = session.execute(
        select(DefinitionVersion.name, DefinitionVersion.version,
               exists().where(Pause.dossier_id == dossier.id).label("paused"),
               exists().where(Apology.dossier_id == dossier.id).label("apologized"),
               exists().where(or_(Message.sender_dossier_id == dossier.id,
                                  Message.target_dossier_id == dossier.id)).label("linked"))
        .where(DefinitionVersion.id == dossier.definition_id)).one()
    rows = session.scalars(
        select(TaskRecord).where(TaskRecord.dossier_id == dossier.id)
        .order_by(TaskRecord.ready_at, TaskRecord.id)
    ).all()
    handovers = []
    for task in sorted((r for r in rows if r.handover), key=lambda r: (r.ready_at, r.name)):
        source = session.get(Dossier, task.source_dossier_id) if task.source_dossier_id \
            else None
        handovers.append(views.HandoverView(
            from_department=task.handed_from, to_department=task.department,
            task_name=task.name, handed_at=task.ready_at, giver=task.handed_by,
            received_at=task.received_at, receiver=task.received_by, due_at=task.due_at,
            outcome=task.outcome,
            source_dossier=source.code if source and source.id != dossier.id else None,
        ))
    events = tuple(
        views.EventView(e.at, e.kind, e.actor, dict(e.detail)) for e in session.scalars(
            select(Event).where(Event.dossier_id == dossier.id).order_by(Event.id))
    )
    return views.DossierView(
        id=dossier.id, code=dossier.code, process_key=dossier.process_key,
        process_name=version.name, definition_version=version.version, unit=dossier.unit,
        channel=dossier.channel, status=dossier.status, received_at=dossier.received_at,
        counting_from=dossier.counting_from, appointment_at=dossier.appointment_at,
        completed_at=dossier.completed_at, outcome=dossier.outcome,
        steps=tuple(task_view(row, dossier.code, unit=dossier.unit) for row in rows),
        handovers=tuple(handovers), events=events,
        links=_links(session, dossier) if version.linked else (),
        applicant=dict(dossier.applicant), procedure_code=dossier.procedure_code,
        field_of_work=dossier.field_of_work, documents=tuple(dossier.documents),
        original_appointment_at=dossier.original_appointment_at,
        resolved_at=dossier.resolved_at, returned_at=dossier.returned_at,
        finish_kind=dossier.finish_kind, finish_reason=dossier.finish_reason,
        supplement_count=dossier.supplement_count, at_risk_at=dossier.at_risk_at,
        pauses=tuple(views.PauseView(p.started_at, p.ended_at, p.deadline_at, p.requested_by,
                                     tuple(p.items), p.reason) for p in session.scalars(
            select(Pause).where(Pause.dossier_id == dossier.id).order_by(Pause.id))
        ) if version.paused else (),
        apologies=tuple(
            views.ApologyView(a.at, a.reason, a.old_appointment_at, a.new_appointment_at,
                              a.signed_by) for a in session.scalars(
                select(Apology).where(Apology.dossier_id == dossier.id).order_by(Apology.id))
        ) if version.apologized else (),
    )


def _links(session: Session, dossier: Dossier) -> tuple[views.LinkView, ...]:
    """Dossiers this one started by message, and the one that started it."""
    links = []
    query = (
        select(Dossier, Message)
        .join(Message, Message.target_dossier_id == Dossier.id)
        .where(or_(Message.sender_dossier_id == dossier.id,
                   Message.target_dossier_id == dossier.id))
        .order_by(Message.id)
    )
    seen: set[int] = set()
    for target, message in session.execute(query):
        if message.sender_dossier_id == dossier.id and target.id != dossier.id:
            other, relation = target, "started" if target.started_by_message_id == message.id \
                else "notified"
        elif message.target_dossier_id == dossier.id:
            other = session.get_one(Dossier, message.sender_dossier_id)
            relation = "started_by" if dossier.started_by_message_id == message.id \
                else "notified_by"
        else:
            continue
        if other.id in seen:
            continue
        seen.add(other.id)
        links.append(views.LinkView(other.code, other.process_key, other.status, relation))
    return tuple(links)


@dataclass(frozen=True)
class DiagramView:
    """A dossier's diagram and where the dossier stands in it, for a diagram viewer."""

    xml: str
    process_id: str
    done: tuple[str, ...]
    current: tuple[str, ...]


def dossier_diagram(session: Session, code: str, *, specs: SpecCache | None = None
                    ) -> DiagramView:
    """The BPMN XML of the dossier's definition version, with the ids of the main
    process's elements that ran (`done`) and those the dossier stands at (`current`:
    ready or running steps, events and gateways that wait). Steps of called processes
    are not in this diagram: their call activity is current while they run, done after.
    Pass the runtime's `specs` to reuse its parsed definitions."""
    dossier = dossier_row(session, code)
    version = session.get_one(DefinitionVersion, dossier.definition_id)
    loaded = (specs or SpecCache(size=1)).get(session, dossier.definition_id)
    done, current = workflow_position(loaded, dossier.state)
    return DiagramView(
        xml=version.xml.decode("utf-8"), process_id=loaded.spec.name, done=done,
        current=current,
    )
