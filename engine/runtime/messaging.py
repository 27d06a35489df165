"""BPMN messages between dossiers: the outbox written with the sending step, and what
each dossier waits for.

A message thrown by a dossier and not caught inside it becomes a `Message` row in the
same transaction as the step that threw it; a dossier waiting for a message has a
`Subscription` with the correlation values it must match. delivery.py delivers them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import latest_versions, procedure_in_force
from engine.errors import FieldProblem, InvalidData, NotFound
from engine.org import get_unit, serving_units
from engine.runtime.context import Run
from engine.runtime.events import record_event
from engine.storage import Dossier, Message, Subscription
from engine.vocabulary import DossierStatus, MessageStatus


def _plain(value: Any) -> Any:
    """Task data as JSON-safe values (dates become ISO text)."""
    return json.loads(json.dumps(value, default=str))


def collect_messages(run: Run) -> None:
    """Move the messages the workflow threw outward into the outbox."""
    session, dossier, step = run.session, run.dossier, run.step
    for event in run.workflow.get_events():
        definition = event.event_definition
        if not isinstance(definition, MessageEventDefinition):
            continue
        message = Message(
            name=definition.name, correlations=_plain(event.correlations),
            payload=_plain(event.payload or {}), sender_dossier_id=dossier.id,
            sender=step.actor, sender_department=step.from_department,
            status=MessageStatus.PENDING, created_at=step.at, target_dossier_id=None,
            delivered_at=None,
        )
        session.add(message)
        session.flush()
        step.messages.append(message.id)
        record_event(session, dossier, step.at, "message_sent", step.actor,
                     message=definition.name, id=message.id)


def sync_subscriptions(session: Session, dossier: Dossier, wf: BpmnWorkflow) -> None:
    """Record which messages the dossier now waits for, with its correlations."""
    wanted = {
        (pending.name, json.dumps(_plain(wf.correlations), sort_keys=True))
        for pending in wf.waiting_events()
        if pending.event_type == "MessageEventDefinition"
    }
    rows = session.scalars(select(Subscription).where(Subscription.dossier_id == dossier.id))
    for row in rows:
        key = (row.message_name, json.dumps(row.correlations, sort_keys=True))
        if key in wanted:
            wanted.discard(key)
        else:
            session.delete(row)
    for name, correlations in sorted(wanted):
        session.add(Subscription(
            dossier_id=dossier.id, message_name=name, correlations=json.loads(correlations)
        ))


def _correlated(message: Message, waiting: dict[str, Any]) -> bool:
    """Spiff's rule: a waiting dossier with no correlations yet takes any message of the
    name; otherwise one of the message's correlation keys must match."""
    if not waiting:
        return True
    return any(message.correlations.get(key) == waiting.get(key) for key in message.correlations)


def waiting_dossier(session: Session, message: Message) -> Dossier | None:
    """The running dossier, other than the sender, waiting for this message with
    matching correlations (the one that subscribed first)."""
    candidates = session.scalars(
        select(Subscription)
        .join(Dossier, Dossier.id == Subscription.dossier_id)
        .where(
            Subscription.message_name == message.name,
            Subscription.dossier_id != message.sender_dossier_id,
            Dossier.status == DossierStatus.RUNNING,
        )
        .order_by(Subscription.id)
    )
    for sub in candidates:
        if _correlated(message, sub.correlations):
            return session.get(Dossier, sub.dossier_id)
    return None


def starter_key(session: Session, name: str) -> str | None:
    """The procedure whose start event catches messages named `name`, if one does."""
    for key, version in sorted(latest_versions(session).items()):
        if name in version.info.get("start_messages", ()):
            return key
    return None


def received_at_kind(session: Session, key: str, on: date) -> str | None:
    """The kind of unit procedure `key` is received at: its catalog entry's level, else
    its diagram's `level` property (agency parts have no catalog entry), else None."""
    entry = procedure_in_force(session, key, on)
    if entry is not None:
        return str(entry.data.get("level", "ward"))
    version = latest_versions(session).get(key)
    level = version.info.get("properties", {}).get("level") if version else None
    return str(level) if level else None


def starting_unit(session: Session, message: Message, key: str, sender: Dossier,
                  on: date) -> str:
    """The unit a dossier of `key` started by `message` is received in: the payload's
    `unit`, else the sender's. Another unit must exist, be of the kind the procedure is
    received at and serve the sender's unit; InvalidData (field `unit`) otherwise, so no
    dossier is started where nobody can open it."""
    unit = str(message.payload.get("unit") or sender.unit)
    kind = received_at_kind(session, key, on)
    try:
        found: str | None = get_unit(session, unit).kind
    except NotFound:
        if unit == sender.unit:  # the sender's own unit, as it was received
            return unit
        found = None
    try:
        serving = serving_units(session, sender.unit, kind or found, on) if found else ()
    except NotFound:  # the sender's unit is not in the organisation
        serving = ()
    if found is not None and kind in (None, found) and (unit == sender.unit or unit in serving):
        return unit
    raise InvalidData({"unit": FieldProblem(
        "not_a_serving_unit",
        f"message {message.name} cannot start {key} in {unit}: it must be a "
        f"{kind or 'known'} unit serving {sender.unit}: " + (", ".join(serving) or "none does"),
        {"kind": kind or "", "unit": sender.unit, "choices": serving})})
