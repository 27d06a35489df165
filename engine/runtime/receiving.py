"""Receiving a dossier: its appointment from the statutory limit in working time, its
code, its workflow run to the first wait, its rows written in one go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.calendar import statutory_deadline
from engine.definitions import counting_rule, latest_version_id, procedure_in_force
from engine.errors import InvalidAction, NotFound
from engine.org import require_in_force
from engine.runtime.context import Run, Step
from engine.runtime.dossier_codes import take_number
from engine.runtime.events import record_event
from engine.runtime.forms import check_agencies, dossier_agencies
from engine.runtime.runtime import Runtime
from engine.runtime.spiff_clock import next_timer
from engine.runtime.state import dump_state
from engine.runtime.task_records import ready_ids
from engine.storage import Dossier, insert_now
from engine.vocabulary import Channel, DossierStatus

CHANNELS = tuple(Channel)


def receive(session: Session, runtime: Runtime, key: str, step: Step, *, unit: str,
            applicant: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None,
            channel: str = Channel.IN_PERSON, documents: Sequence[str] = (),
            verification: bool = False) -> Run:
    """Receive a dossier of procedure `key` (process key or national catalog code) on
    the newest diagram version at the step's instant, and run it to its first wait;
    the messages it throws are left in the step for the caller to deliver.

    The catalog entry in force at receipt gives the statutory limit (the verification
    limit when `verification`), the cut-off hour and the field of work; a diagram
    without a catalog entry uses its process properties. The appointment is the limit
    in working time from the counting start, read by the entry's counting rule (docs/
    working-time.md). `data` naming a `type=unit` field of the
    diagram must name a unit serving `unit` (InvalidData otherwise, nothing written).
    """
    now = step.at
    if channel not in CHANNELS:
        raise InvalidAction(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}",
                            code="unknown_channel", channel=channel)
    received_day = now.astimezone(ZoneInfo(runtime.hours.tz)).date()
    require_in_force(session, unit, received_day)
    cal = runtime.calendar(session, unit)
    entry = procedure_in_force(session, key, received_day)
    key = entry.process_key if entry else key
    version_id = latest_version_id(session, key)
    if version_id is None:
        raise NotFound(f"no procedure {key!r} is deployed", code="procedure_not_deployed",
                       procedure=key)
    loaded = runtime.specs.get(session, version_id)
    if data:  # agencies named at reception must serve the unit, as on the task's form
        check_agencies([f for t in loaded.info.user_tasks for f in t.fields], data,
                       dossier_agencies(session, unit, received_day))
    props = loaded.info.properties
    rules = {
        "time_limit": entry.time_limit if entry else props.get("time_limit"),
        "verification_time_limit": (entry.verification_time_limit if entry
                                    else props.get("verification_time_limit")),
        "cutoff": entry.cutoff if entry else props.get("cutoff"),
        "field_of_work": entry.field_of_work if entry else props.get("field_of_work", ""),
    }
    cutoff = time.fromisoformat(rules["cutoff"]) if rules["cutoff"] else None
    counting_from = cal.counting_start(now, cutoff)
    limit = (rules["verification_time_limit"] if verification else None) \
        or rules["time_limit"]
    # The rule is the entry's (working hours unless it chose the Civil Code's); the dossier
    # keeps it through the catalog version it records, which is never rewritten.
    counting = counting_rule(entry.data if entry else None)
    appointment = statutory_deadline(cal, now, counting_from, limit, counting) \
        if limit else None
    number = take_number(session, unit, received_day)
    code = runtime.code_format.format(unit=unit, date=received_day, seq=number)
    wf = BpmnWorkflow(loaded.spec, loaded.subprocess_specs)
    wf.script_engine = runtime.script_engine(cal, now)
    seed = dict(data or {}) | {
        "dossier_code": code, "unit": unit, "applicant": dict(applicant or {}),
        "verification": verification}
    for first in wf.get_tasks(state=TaskState.READY):  # the start task: data flows on
        first.data.update(seed)
    before_ids = ready_ids(wf)
    runtime.run_workflow(wf, now)  # a failure here rolls the number back with the rest
    state = dump_state(wf)
    dossier = Dossier(
        code=code, definition_id=version_id, process_key=key, unit=unit,
        channel=Channel(channel), status=DossierStatus.RUNNING,
        applicant=dict(applicant or {}), received_at=now, counting_from=counting_from,
        appointment_at=appointment, original_appointment_at=appointment, completed_at=None,
        next_timer_at=next_timer(wf), state=state, started_by_message_id=None,
        procedure_version_id=entry.id if entry else None,
        procedure_code=entry.code if entry else None,
        field_of_work=rules["field_of_work"] or "", documents=list(documents),
        verification=verification, supplement_count=0, apologized=False,
    )
    insert_now(session, dossier)
    record_event(session, dossier, now, "received", step.actor, process=key,
                 version=loaded.version, channel=channel,
                 procedure=entry.code if entry else None, verification=verification)
    run = Run(session, dossier, wf, loaded, cal, step)
    runtime.record(run, before_ids, state=state)
    return run
