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
from engine.storage import Dossier, Message
from engine.vocabulary import Channel, MessageStatus

# Deliveries in one call at most: a longer chain within one command is a diagram loop
# (two procedures starting each other); the tick retries what is left.
MAX_DELIVERIES = 500


def deliver(session: Session, runtime: Runtime, step: Step, pending_only: bool = True) -> int:
    """Deliver this step's messages (and any they cause); return how many were delivered.

    With pending_only=False every pending message is tried (what the tick does), and
    one refused by starting_unit stays pending instead of failing the others.
    """
    if pending_only:
        queue = list(step.messages)
    else:
        queue = list(session.scalars(
            select(Message.id).where(Message.status == MessageStatus.PENDING)
            .order_by(Message.id)))
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
                if pending_only:
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
