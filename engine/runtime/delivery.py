"""Delivering BPMN messages between dossiers, exactly once.

Delivery finds a dossier waiting for the message (a subscription whose correlations
match) or starts a dossier of the procedure whose start event catches it, and marks the
message delivered in the same transaction as the receiving dossier's step, so a message
is never lost and never delivered twice. Undeliverable messages stay pending and are
retried by the tick. A message that would start a dossier in a unit that does not exist,
is of the wrong kind or does not serve the sender (messaging.starting_unit) is refused:
the step that threw it fails with InvalidData; the tick leaves it pending.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.runtime.context import Step
from engine.runtime.events import record_event
from engine.runtime.messaging import starter_key, starting_unit, waiting_dossier
from engine.runtime.receiving import receive
from engine.runtime.runtime import Runtime
from engine.storage import Dossier, Message, claim_due
from engine.vocabulary import Channel, MessageStatus

# Deliveries in one call at most: a longer chain within one command is a diagram loop
# (two procedures starting each other); the tick retries what is left.
MAX_DELIVERIES = 500


def deliver(session: Session, runtime: Runtime, step: Step) -> int:
    """Deliver this step's messages (and any they cause); return how many were delivered.
    A message refused by starting_unit fails the step (InvalidData)."""
    return _deliver(session, runtime, step, list(step.messages), strict=True)


def pending_messages(session: Session) -> list[tuple[int, str]]:
    """(id, sender's code) of the messages not delivered yet, oldest first (what the tick
    retries)."""
    return [(message_id, code) for message_id, code in session.execute(
        select(Message.id, Dossier.code).join(Dossier, Dossier.id == Message.sender_dossier_id)
        .where(Message.status == MessageStatus.PENDING).order_by(Message.id))]


def deliver_pending(session: Session, runtime: Runtime, message_id: int, at: datetime) -> int:
    """Claim one pending message for this transaction and deliver it (and any it causes);
    return how many were delivered. A message another worker holds, or one delivered
    meanwhile, is left alone; one refused by starting_unit stays pending."""
    if claim_due(session, Message, message_id, Message.status == MessageStatus.PENDING) is None:
        return 0
    return _deliver(session, runtime, Step(at=at, actor=None), [message_id], strict=False)


def _deliver(session: Session, runtime: Runtime, step: Step, queue: list[int],
             strict: bool) -> int:
    delivered = 0
    tries = 0
    while queue and tries < MAX_DELIVERIES:
        tries += 1
        message = session.get_one(Message, queue.pop(0))
        if message.status != MessageStatus.PENDING:
            continue
        sender = session.get_one(Dossier, message.sender_dossier_id)
        hop = Step(at=step.at, actor=message.sender, from_department=message.sender_department,
                   source_dossier_id=sender.id)
        event = BpmnEvent(MessageEventDefinition(message.name), payload=dict(message.payload),
                          correlations=dict(message.correlations))
        target = waiting_dossier(session, message)
        if target is None:
            key = starter_key(session, message.name)
            if key is None:
                continue  # nobody waits yet: stays pending for the tick
            payload = message.payload
            try:
                unit = starting_unit(session, message, key, sender,
                                     step.at.astimezone(ZoneInfo(runtime.hours.tz)).date())
            except InvalidData:
                if strict:
                    raise
                continue
            target = receive(
                session, runtime, key, hop, unit=unit,
                applicant=payload.get("applicant") or sender.applicant,
                channel=Channel(sender.channel),
                verification=bool(payload.get("verification", False)),
            ).dossier
            target.started_by_message_id = message.id
        run = runtime.open(session, target, hop)

        def catch(workflow: BpmnWorkflow, event: BpmnEvent = event) -> None:
            workflow.send_event(event)

        runtime.advance(run, before=catch)
        message.status, message.target_dossier_id, message.delivered_at = (
            MessageStatus.DELIVERED, target.id, step.at)
        record_event(session, target, step.at, "message_received", message.sender,
                     message=message.name, id=message.id, sender=sender.code)
        delivered += 1
        queue.extend(hop.messages)
    return delivered
