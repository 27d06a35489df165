"""Read-only views of dossiers and tasks for the CLI and the web."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, defer

from engine.definitions import FieldSpec
from engine.errors import NotFound
from engine.models import (
    Apology,
    DefinitionVersion,
    Dossier,
    Event,
    Message,
    Pause,
    TaskRecord,
)
from engine.repository import SpecCache
from engine.task_data import shown_values
from engine.views import (
    ApologyView,
    DossierView,
    EventView,
    HandoverView,
    LinkView,
    PauseView,
    ShownValue,
    TaskView,
)


def task_view(row: TaskRecord, code: str, specs: SpecCache | None = None,
              session: Session | None = None, definition_id: int | None = None,
              unit: str = "", shown: tuple[ShownValue, ...] = ()) -> TaskView:
    fields: tuple[FieldSpec, ...] = ()
    if specs is not None and session is not None and definition_id is not None:
        info = specs.get(session, definition_id).tasks.get((row.process_id, row.spec_id))
        fields = info.fields if info else ()
    return TaskView(
        id=row.id, dossier_code=code, name=row.name, spec_id=row.spec_id,
        department=row.department, status=row.status, sla=row.sla, ready_at=row.ready_at,
        due_at=row.due_at, claimed_by=row.claimed_by, claimed_at=row.claimed_at,
        completed_by=row.completed_by, completed_at=row.completed_at, outcome=row.outcome,
        fields=fields, unit=unit, received_by=row.received_by, received_at=row.received_at,
        shown=shown,
    )


def list_tasks(
    session: Session, *, department: str | None = None, unit: str | None = None,
    status: str = "ready", dossier: str | None = None,
) -> list[TaskView]:
    """Tasks in a state (ready by default), soonest due first; optionally only those of
    one department, unit or dossier (by code)."""
    query = (
        select(TaskRecord, Dossier.code, Dossier.unit)
        .join(Dossier, Dossier.id == TaskRecord.dossier_id)
        .where(TaskRecord.status == status)
    )
    if department:
        query = query.where(TaskRecord.department == department)
    if unit:
        query = query.where(Dossier.unit == unit)
    if dossier:
        query = query.where(Dossier.code == dossier)
    query = query.order_by(TaskRecord.due_at.is_(None), TaskRecord.due_at, TaskRecord.ready_at)
    return [task_view(row, code, unit=unit) for row, code, unit in session.execute(query)]


_TASKS, _DOSSIERS = TaskRecord.__table__.c, Dossier.__table__.c
# A Core statement built once: clients call this before every completion.
_READY_TASK_IDS = (
    select(_TASKS.id).join_from(TaskRecord.__table__, Dossier.__table__,
                                _DOSSIERS.id == _TASKS.dossier_id)
    .where(_DOSSIERS.code == bindparam("code"), _TASKS.status == "ready")
    .order_by(_TASKS.ready_at, _TASKS.id))


def ready_task_ids(session: Session, code: str) -> list[str]:
    """Ids of a dossier's ready tasks, oldest first (one light query)."""
    return list(session.connection().execute(_READY_TASK_IDS, {"code": code}).scalars())


def get_task(session: Session, specs: SpecCache, task_id: str) -> TaskView:
    """One task with the fields its form declares and, while it is ready, the values of
    the dossier's data its diagram shows on it (`show:`; only those names are read)."""
    row = session.get(TaskRecord, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", code="task_not_found", task=task_id)
    dossier = session.get_one(Dossier, row.dossier_id)
    shown: tuple[ShownValue, ...] = ()
    if row.status == "ready" and dossier.state:
        shown = shown_values(specs.get(session, dossier.definition_id), dossier.state,
                             row.task_id, row.process_id, row.spec_id)
    return task_view(row, dossier.code, specs, session, dossier.definition_id, dossier.unit,
                     shown)


def resolve_task_id(session: Session, text: str) -> str:
    """A full task id from a unique prefix (at least 6 characters) or the id itself."""
    text = text.strip().lower()
    if session.get(TaskRecord, text) is not None:
        return text
    if len(text) < 6:
        raise NotFound(f"task {text} does not exist (give at least 6 characters of its id)",
                       code="task_id_too_short", task=text)
    ids = session.scalars(
        select(TaskRecord.id).where(TaskRecord.id.startswith(text, autoescape=True)).limit(2)
    ).all()
    if not ids:
        raise NotFound(f"task {text} does not exist", code="task_not_found", task=text)
    if len(ids) > 1:
        raise NotFound(f"task id {text} is ambiguous; give more characters",
                       code="task_id_ambiguous", task=text)
    return ids[0]


def dossier_code_of_task(session: Session, task_id: str) -> str:
    row = session.get(TaskRecord, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", code="task_not_found", task=task_id)
    return session.get_one(Dossier, row.dossier_id).code


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


def fold(text: str) -> str:
    """Text for matching: lower case, Vietnamese diacritics removed (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_dossier(session: Session, code: str) -> Dossier:
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise NotFound(f"dossier {code} does not exist", code="dossier_not_found",
                       dossier=code)
    return dossier


def show_dossier(session: Session, code: str) -> DossierView:
    """Status, appointment, steps with timing, control-slip rows, events and linked dossiers."""
    dossier = find_dossier(session, code)
    version = session.get_one(DefinitionVersion, dossier.definition_id)
    rows = session.scalars(
        select(TaskRecord).where(TaskRecord.dossier_id == dossier.id)
        .order_by(TaskRecord.ready_at, TaskRecord.id)
    ).all()
    handovers = []
    for task in sorted((r for r in rows if r.handover), key=lambda r: (r.ready_at, r.name)):
        source = session.get(Dossier, task.source_dossier_id) if task.source_dossier_id \
            else None
        handovers.append(HandoverView(
            from_department=task.handed_from, to_department=task.department,
            task_name=task.name, handed_at=task.ready_at, giver=task.handed_by,
            received_at=task.received_at, receiver=task.received_by, due_at=task.due_at,
            outcome=task.outcome,
            source_dossier=source.code if source and source.id != dossier.id else None,
        ))
    events = tuple(
        EventView(e.at, e.kind, e.actor, dict(e.detail)) for e in session.scalars(
            select(Event).where(Event.dossier_id == dossier.id).order_by(Event.id))
    )
    return DossierView(
        id=dossier.id, code=dossier.code, process_key=dossier.process_key,
        process_name=version.name, definition_version=version.version, unit=dossier.unit,
        channel=dossier.channel, status=dossier.status, received_at=dossier.received_at,
        counting_from=dossier.counting_from, appointment_at=dossier.appointment_at,
        completed_at=dossier.completed_at, outcome=dossier.outcome,
        steps=tuple(task_view(row, dossier.code, unit=dossier.unit) for row in rows),
        handovers=tuple(handovers), events=events, links=_links(session, dossier),
        applicant=dict(dossier.applicant), procedure_code=dossier.procedure_code,
        field_of_work=dossier.field_of_work, documents=tuple(dossier.documents),
        original_appointment_at=dossier.original_appointment_at,
        resolved_at=dossier.resolved_at, returned_at=dossier.returned_at,
        finish_kind=dossier.finish_kind, finish_reason=dossier.finish_reason,
        supplement_count=dossier.supplement_count, at_risk_at=dossier.at_risk_at,
        pauses=tuple(PauseView(p.started_at, p.ended_at, p.deadline_at, p.requested_by,
                               tuple(p.items), p.reason) for p in session.scalars(
            select(Pause).where(Pause.dossier_id == dossier.id).order_by(Pause.id))),
        apologies=tuple(ApologyView(a.at, a.reason, a.old_appointment_at,
                                    a.new_appointment_at, a.signed_by) for a in session.scalars(
            select(Apology).where(Apology.dossier_id == dossier.id).order_by(Apology.id))),
    )


def _links(session: Session, dossier: Dossier) -> tuple[LinkView, ...]:
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
        links.append(LinkView(other.code, other.process_key, other.status, relation))
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
    from SpiffWorkflow.util.task import TaskState

    from engine.state import load_state

    dossier = find_dossier(session, code)
    version = session.get_one(DefinitionVersion, dossier.definition_id)
    loaded = (specs or SpecCache(size=1)).get(session, dossier.definition_id)
    done: list[str] = []
    current: list[str] = []
    if dossier.state:
        wf = load_state(dossier.state, loaded.spec, loaded.subprocess_specs)
        for task in wf.get_tasks(skip_subprocesses=True):
            element = task.task_spec.bpmn_id  # None for Spiff's own bookkeeping tasks
            if element is None or task.workflow is not wf:
                continue
            if task.state & (TaskState.READY | TaskState.STARTED | TaskState.WAITING):
                current.append(element)
            elif task.state == TaskState.COMPLETED:
                done.append(element)
    now = tuple(dict.fromkeys(current))
    return DiagramView(
        xml=version.xml.decode("utf-8"), process_id=loaded.spec.name,
        done=tuple(e for e in dict.fromkeys(done) if e not in now), current=now,
    )
