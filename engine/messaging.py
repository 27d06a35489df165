"""BPMN messages between dossiers: an outbox written with the sending step, delivered once.

A message thrown by a dossier and not caught inside it becomes a `Message` row in the
same transaction as the step that threw it. Delivery finds a dossier waiting for it
(a `Subscription` whose correlations match) or starts a dossier of the procedure whose
start event catches it, and marks the row delivered in that same transaction, so a
message is never lost and never delivered twice. Undeliverable messages stay pending
and are retried by `tick`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Dossier, Message, Subscription
from engine.records import Step, record_event
from engine.repository import latest_versions

if TYPE_CHECKING:
    from engine.runtime import Runtime

MAX_HOPS = 50  # a message chain longer than this within one command is a diagram loop


def _plain(value: Any) -> Any:
    """Task data as JSON-safe values (dates become ISO text)."""
    return json.loads(json.dumps(value, default=str))


def collect_messages(session: Session, dossier: Dossier, wf: BpmnWorkflow, step: Step) -> None:
    """Move the messages the workflow threw outward into the outbox."""

    for event in wf.get_events():
        definition = event.event_definition
        if not isinstance(definition, MessageEventDefinition):
            continue
        message = Message(
            name=definition.name, correlations=_plain(event.correlations),
            payload=_plain(event.payload or {}), sender_dossier_id=dossier.id,
            sender=step.actor, sender_department=step.from_department, status="pending",
            created_at=step.at, target_dossier_id=None, delivered_at=None,
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


def _find_waiting(session: Session, message: Message) -> Dossier | None:
    candidates = session.scalars(
        select(Subscription)
        .join(Dossier, Dossier.id == Subscription.dossier_id)
        .where(
            Subscription.message_name == message.name,
            Subscription.dossier_id != message.sender_dossier_id,
            Dossier.status == "running",
        )
        .order_by(Subscription.id)
    )
    for sub in candidates:
        if _correlated(message, sub.correlations):
            return session.get(Dossier, sub.dossier_id)
    return None


def _starter_key(session: Session, name: str) -> str | None:
    for key, version in sorted(latest_versions(session).items()):
        if name in version.info.get("start_messages", ()):
            return key
    return None


def deliver(session: Session, runtime: Runtime, step: Step, pending_only: bool = True) -> int:
    """Deliver this step's messages (and any they cause); return how many were delivered.

    With pending_only=False every pending message is tried (what `tick` does).
    """
    if pending_only:
        queue = list(step.messages)
    else:
        queue = list(session.scalars(
            select(Message.id).where(Message.status == "pending").order_by(Message.id)
        ))
    delivered = 0
    hops = 0
    while queue:
        hops += 1
        if hops > MAX_HOPS * 10:
            break
        message = session.get_one(Message, queue.pop(0))
        if message.status != "pending":
            continue
        sender = session.get_one(Dossier, message.sender_dossier_id)
        hop = Step(at=step.at, actor=message.sender, from_department=message.sender_department,
                   source_dossier_id=sender.id)
        event = BpmnEvent(MessageEventDefinition(message.name), payload=dict(message.payload),
                          correlations=dict(message.correlations))
        target = _find_waiting(session, message)
        if target is None:
            key = _starter_key(session, message.name)
            if key is None:
                continue  # nobody waits yet: stays pending for tick
            payload = message.payload
            target = runtime.start(
                session, key, unit=str(payload.get("unit") or sender.unit),
                applicant=payload.get("applicant") or sender.applicant,
                channel=sender.channel, actor=message.sender, at=step.at, step=hop,
                verification=bool(payload.get("verification", False)),
            )
            target.started_by_message_id = message.id
        wf, loaded, cal = runtime.load(session, target, step.at)

        def receive(workflow: BpmnWorkflow, event: BpmnEvent = event) -> None:
            workflow.send_event(event)

        runtime.advance(session, target, wf, loaded, cal, hop, before=receive)
        message.status, message.target_dossier_id, message.delivered_at = (
            "delivered", target.id, step.at)
        record_event(session, target, step.at, "message_received", message.sender,
                     message=message.name, id=message.id, sender=sender.code)
        delivered += 1
        queue.extend(hop.messages)
    return delivered
