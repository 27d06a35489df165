"""Running dossiers: appointments, task timing, handovers, data checks, reloads."""

from __future__ import annotations

from datetime import date

import pytest

from engine.calendar import set_override
from engine.errors import Conflict, InvalidAction, InvalidData, NotFound
from engine.queries import list_tasks, show_dossier
from engine.runtime import Runtime, claim, complete, start, unclaim
from engine.simulation import seed_demo_units
from tests.conftest import refused, vn
from tests.engine.runtime.helpers import ready_task, snapshot
from tests.samples import RECEIVE


def test_friday_after_cutoff_counts_from_monday(session, runtime, shipped):
    ref = start(session, runtime, "birth_registration", unit="PHUCLOI", actor="clerk",
                at=vn("2026-03-06 15:30"))
    assert ref.code == "PHUCLOI-260306-0001"
    dossier = show_dossier(session, ref.code)
    assert dossier.counting_from == vn("2026-03-09 08:00")
    assert dossier.appointment_at == vn("2026-03-09 17:00")  # the same working day
    first = ready_task(session, dossier.code)
    assert first.department == "reception"
    # PT2H from Friday 15:30: 1.5 h on Friday, 0.5 h on Monday
    assert first.due_at == vn("2026-03-09 08:30")


def test_codes_follow_a_daily_sequence_per_unit(session, runtime, shipped):
    codes = [start(session, runtime, "birth_registration", unit=unit, at=vn(at)).code
             for unit, at in [("PHUCLOI", "2026-03-06 09:00"), ("PHUCLOI", "2026-03-06 10:00"),
                              ("VIETHUNG", "2026-03-06 10:00"), ("PHUCLOI", "2026-03-09 08:00")]]
    assert codes == ["PHUCLOI-260306-0001", "PHUCLOI-260306-0002", "VIETHUNG-260306-0001",
                     "PHUCLOI-260309-0001"]


def test_two_departments_across_a_weekend(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI", actor="clerk",
                 at=vn("2026-03-06 10:00")).code
    receive = ready_task(session, code)
    complete(session, runtime, receive.id, user="clerk", data=RECEIVE, at=vn("2026-03-06 11:00"))
    register = ready_task(session, code)
    assert register.department == "civil_status"
    assert register.due_at == vn("2026-03-06 16:00")  # PT4H across the lunch break
    claim(session, runtime, register.id, user="officer", at=vn("2026-03-09 08:30"))
    complete(session, runtime, register.id, user="officer", at=vn("2026-03-09 09:00"),
             data={"decision": "approve", "register_number": "15/2026"})
    sign = ready_task(session, code)
    assert (sign.department, sign.due_at) == ("leadership", vn("2026-03-09 10:00"))
    complete(session, runtime, sign.id, user="chairman", at=vn("2026-03-09 09:15"),
             data={"leader_decision": "approve"})
    give_back = ready_task(session, code)
    complete(session, runtime, give_back.id, user="clerk2", at=vn("2026-03-09 09:30"),
             data={"returned_to": "Nguyễn Văn A"})

    view = show_dossier(session, code)
    assert view.status == "returned"  # the return step is the "returned" milestone
    assert view.outcome == "late"  # due Friday 17:00 (same day), returned Monday
    returned = next(e for e in view.events if e.kind == "returned")
    assert (returned.at, returned.actor) == (vn("2026-03-09 09:30"), "clerk2")
    resolved = next(e for e in view.events if e.kind == "resolved")
    assert (resolved.at, resolved.actor, resolved.detail) == (
        vn("2026-03-09 09:30"), "clerk2", {"outcome": "late"})
    assert [(s.name, s.outcome) for s in view.steps] == [
        ("Tiếp nhận và kiểm tra hồ sơ", "on_time"),
        ("Ghi sổ hộ tịch, cấp giấy khai sinh", "late"),
        ("Ký giấy khai sinh", "on_time"),
        ("Trả kết quả", "on_time"),
    ]
    slip = [(h.from_department, h.to_department, h.giver, h.receiver, h.handed_at,
             h.received_at) for h in view.handovers]
    assert slip == [
        (None, "reception", "clerk", "clerk", vn("2026-03-06 10:00"), vn("2026-03-06 11:00")),
        ("reception", "civil_status", "clerk", "officer", vn("2026-03-06 11:00"),
         vn("2026-03-09 08:30")),
        ("civil_status", "leadership", "officer", "chairman", vn("2026-03-09 09:00"),
         vn("2026-03-09 09:15")),
        ("leadership", "reception", "chairman", "clerk2", vn("2026-03-09 09:15"),
         vn("2026-03-09 09:30")),
    ]
    assert list_tasks(session) == []


def test_early_when_done_a_day_before_due(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 16:30")).code
    task = ready_task(session, code)  # PT2H from 16:30 Friday: due Monday 09:30
    complete(session, runtime, task.id, user="clerk", data=RECEIVE, at=vn("2026-03-06 16:45"))
    assert show_dossier(session, code).steps[0].outcome == "early"


def test_bad_submission_reports_every_field_and_changes_nothing(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 10:00")).code
    task = ready_task(session, code)
    before = snapshot(session, code)
    with pytest.raises(InvalidData) as err:
        complete(session, runtime, task.id, user="clerk", at=vn("2026-03-06 10:30"),
                 data={"child_name": 7, "birth_date": "31/02/2026", "salary": 1})
    assert err.value.fields == {
        "salary": "is not a field of this task",
        "child_name": "must be text",
        "birth_date": "must be a date (YYYY-MM-DD)",
        "documents_complete": "is required",
    }
    assert snapshot(session, code) == before


def test_choice_and_boolean_fields_are_checked(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 10:00")).code
    complete(session, runtime, ready_task(session, code).id, user="c", data=RECEIVE,
             at=vn("2026-03-06 10:10"))
    with pytest.raises(InvalidData) as err:
        complete(session, runtime, ready_task(session, code).id, user="o",
                 data={"decision": "maybe"}, at=vn("2026-03-06 10:20"))
    assert err.value.fields == {"decision": "must be one of approve, refuse"}


def test_refusal_path_follows_the_gateway(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 10:00")).code
    complete(session, runtime, ready_task(session, code).id, user="c", data=RECEIVE,
             at=vn("2026-03-06 10:10"))
    complete(session, runtime, ready_task(session, code).id, user="o",
             data={"decision": "refuse", "refusal_reason": "Thiếu giấy chứng sinh"},
             at=vn("2026-03-06 10:20"))
    assert ready_task(session, code).name == "Thông báo từ chối"


def test_claims_guard_who_may_complete(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 10:00")).code
    task = ready_task(session, code)
    with refused(InvalidAction, "task_not_claimed", "is not claimed", task=task.name):
        unclaim(session, runtime, task.id, user="an")
    claim(session, runtime, task.id, user="an", at=vn("2026-03-06 10:05"))
    claimed = dict(task=task.name, user="an")
    with refused(InvalidAction, "task_claimed", "already claimed by an", **claimed):
        claim(session, runtime, task.id, user="binh")
    with refused(InvalidAction, "task_claimed", "claimed by an", **claimed):
        complete(session, runtime, task.id, user="binh", data=RECEIVE)
    with refused(InvalidAction, "task_claimed", "claimed by an, not binh", **claimed):
        unclaim(session, runtime, task.id, user="binh")
    claim(session, runtime, task.id, user="an")  # claiming one's own task again is fine
    unclaim(session, runtime, task.id, user="an", at=vn("2026-03-06 10:10"))
    assert ready_task(session, code).claimed_by is None
    complete(session, runtime, task.id, user="binh", data=RECEIVE, at=vn("2026-03-06 10:30"))
    done = show_dossier(session, code).steps[0]  # completing unclaimed claims it too
    assert (done.claimed_by, done.completed_by) == ("binh", "binh")
    with refused(Conflict, "task_already_completed", "already completed by binh at 06/03/2026",
                 task=task.name, user="binh", at=vn("2026-03-06 10:30")):
        complete(session, runtime, task.id, user="an", data=RECEIVE)
    with refused(Conflict, "task_already_completed", task=task.name, user="binh",
                 at=vn("2026-03-06 10:30")):
        claim(session, runtime, task.id, user="an")
    claims = [(e.kind, e.actor, e.detail) for e in show_dossier(session, code).events
              if e.kind in ("task_claimed", "task_unclaimed")]
    receive_check = {"task": "receive_check"}
    assert claims == [("task_claimed", "an", receive_check), ("task_claimed", "an", receive_check),
                      ("task_unclaimed", "an", receive_check)]


def test_unknown_procedure_task_and_channel(session, runtime, shipped):
    with refused(NotFound, "procedure_not_deployed", "no procedure 'nope'", procedure="nope"):
        start(session, runtime, "nope", unit="PHUCLOI")
    with refused(InvalidAction, "unknown_channel", "unknown channel", channel="fax"):
        start(session, runtime, "birth_registration", unit="PHUCLOI", channel="fax")
    missing = "00000000-0000-0000-0000-000000000000"
    for command in (claim, unclaim):
        with refused(NotFound, "task_not_found", f"task {missing} does not exist", task=missing):
            command(session, runtime, missing, user="x")
    with refused(InvalidAction, "time_without_zone", "timezone"):
        start(session, runtime, "birth_registration", unit="PHUCLOI",
              at=vn("2026-03-06 10:00").replace(tzinfo=None))


def test_state_survives_reload_between_steps(session, clock, shipped):
    """Each step runs on a fresh runtime (no cached specs), as another process would."""
    code = start(session, Runtime(clock), "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 10:00")).code
    for data in (RECEIVE, {"decision": "approve"}, {"leader_decision": "approve"},
                 {"returned_to": "A"}):
        session.expire_all()
        complete(session, Runtime(clock), ready_task(session, code).id, user="u", data=data,
                 at=vn("2026-03-06 11:00"))
    assert show_dossier(session, code).status == "returned"


def test_events_log_each_step_without_citizen_data(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI", actor="clerk",
                 applicant={"name": "Trần Thị Bích"}, at=vn("2026-03-06 10:00")).code
    complete(session, runtime, ready_task(session, code).id, user="clerk", data=RECEIVE,
             at=vn("2026-03-06 10:10"))
    events = show_dossier(session, code).events
    assert [e.kind for e in events] == ["received", "task_ready", "task_completed", "task_ready"]
    assert (events[0].actor, events[0].detail) == ("clerk", {
        "process": "birth_registration", "version": 1, "channel": "in_person",
        "procedure": "1.001193", "verification": False})
    assert (events[1].actor, events[1].detail) == (
        "clerk", {"task": "receive_check", "department": "reception"})
    assert events[2].detail == {"task": "receive_check", "fields": sorted(RECEIVE),
                                "outcome": "on_time"}
    assert "Bé Na" not in repr(events) and "Trần Thị Bích" not in repr(events)


def test_a_units_own_day_off_moves_its_due_times_and_no_one_elses(session, clock, shipped):
    seed_demo_units(session, password="test-password")
    set_override(session, date(2026, 3, 9), "off", unit="PHUCLOI", note="Bầu cử")
    runtime = Runtime(clock)  # reads the override table afresh
    due = {}
    for unit in ("PHUCLOI", "VIETHUNG"):
        code = start(session, runtime, "birth_registration", unit=unit,
                     at=vn("2026-03-06 14:00")).code
        complete(session, runtime, ready_task(session, code).id, user="c", data=RECEIVE,
                 at=vn("2026-03-06 16:00"))
        due[unit] = ready_task(session, code).due_at  # PT4H from Friday 16:00
    assert due == {"PHUCLOI": vn("2026-03-10 11:00"), "VIETHUNG": vn("2026-03-09 11:00")}
