"""Waiting for the citizen and verification: the clock stops for a supplement, the
limit grows for verification, and each wait counts once."""

from __future__ import annotations

from datetime import date

import pytest

from engine.dossiers import (
    request_supplement,
    require_verification,
    supplement_request,
    supply,
    tick,
)
from engine.errors import InvalidAction
from engine.queries import list_tasks, show_dossier
from engine.reporting import period_report
from engine.runtime import complete, start
from tests.conftest import DATA, deploy_files, refused, savepoints, vn
from tests.engine.dossiers.helpers import receive, work


def test_supplement_pauses_the_clock(session, simple):
    code = receive(simple, session).code  # Monday 09:00, due Thursday 09:00
    work(simple, session, code, "2026-03-02 10:00")
    task = list_tasks(session)[0]
    assert task.due_at == vn("2026-03-03 10:00")
    request_supplement(session, simple, code, user="hotich.phucloi", items=["Bản sao CCCD"],
                       reason="Thiếu giấy tờ tùy thân", at=vn("2026-03-02 11:00"))
    with pytest.raises(InvalidAction, match="waiting_supplement"):
        complete(session, simple, task.id, user="u", data={"decision": "approve"})
    # the citizen comes back Wednesday 11:00: two full working days waited
    supply(session, simple, code, user="tiepnhan.phucloi", documents=["Bản sao CCCD"],
           at=vn("2026-03-04 11:00"))
    view = show_dossier(session, code)
    assert view.appointment_at == vn("2026-03-09 09:00")  # Thursday 09:00 + 2 working days
    assert view.original_appointment_at == vn("2026-03-09 09:00")  # before any apology
    assert list_tasks(session)[0].due_at == vn("2026-03-05 10:00")
    assert view.documents == ("Tờ khai", "Bản sao CCCD")
    paper = supplement_request(session, code)
    assert (paper.items, paper.contact, paper.number) == (("Bản sao CCCD",), "Đỗ Văn Hùng", 1)
    assert paper.deadline_at == vn("2026-03-11 11:00")  # 7 working days

def test_a_second_supplement_request_counts_late(session, simple):
    code = receive(simple, session).code
    for day in ("02", "03"):
        request_supplement(session, simple, code, user="u", items=["x"], reason="thiếu",
                           at=vn(f"2026-03-{day} 09:30"))
        supply(session, simple, code, user="u", at=vn(f"2026-03-{day} 10:00"))
    work(simple, session, code, "2026-03-03 10:30")
    work(simple, session, code, "2026-03-03 11:00", {"decision": "approve"})
    work(simple, session, code, "2026-03-03 14:00")
    assert show_dossier(session, code).outcome == "late"  # though a day early

def test_no_supplement_within_seven_working_days_is_refused(session, simple):
    code = receive(simple, session).code
    supplied = receive(simple, session).code  # its citizen came back in time
    for dossier in (code, supplied):
        request_supplement(session, simple, dossier, user="u", items=["x"], reason="thiếu",
                           at=vn("2026-03-02 10:00"))
    supply(session, simple, supplied, user="u", at=vn("2026-03-03 10:00"))
    assert show_dossier(session, code).pauses[0].ended_at is None  # one citizen, one wait
    assert tick(savepoints(session), simple, vn("2026-03-11 10:00")).refused == ()  # due now
    assert tick(savepoints(session), simple, vn("2026-03-11 10:01")).refused == (code,)
    view = show_dossier(session, code)
    assert (view.status, view.finish_kind) == ("refused", "refused")
    assert view.finish_reason == "Không bổ sung hồ sơ trong thời hạn 7 ngày làm việc"
    assert view.completed_at == vn("2026-03-11 10:01")
    assert show_dossier(session, supplied).status == "running"
    assert all(s.status == "cancelled" for s in view.steps)
    assert view.pauses[0].ended_at == vn("2026-03-11 10:01")

def test_verification_found_later_extends_the_appointment(session, simple):
    dossier = receive(simple, session)  # Monday 09:00, P3D -> Thursday 09:00
    require_verification(session, simple, dossier.code, user="hotich.phucloi",
                         reason="Cần xác minh nơi cư trú", at=vn("2026-03-03 09:00"))
    view = show_dossier(session, dossier.code)
    assert view.appointment_at == vn("2026-03-09 09:00")  # P5D from Monday 09:00
    with pytest.raises(InvalidAction, match="already counts with verification"):
        require_verification(session, simple, dossier.code, user="u", reason="x")

def resolve_early(runtime, session, code, supplements):
    """Ask for `supplements` supplements on Monday, each brought back at once, and resolve
    the dossier on Tuesday, days before its Thursday appointment."""
    for n in range(supplements):
        request_supplement(session, runtime, code, user="hotich.phucloi", items=["Bản sao CCCD"],
                           reason="Thiếu giấy tờ", at=vn(f"2026-03-02 1{n}:00"))
        supply(session, runtime, code, user="tiepnhan.phucloi", at=vn(f"2026-03-02 1{n}:30"))
    work(runtime, session, code, "2026-03-03 09:00")
    work(runtime, session, code, "2026-03-03 10:00", {"decision": "approve"})
    work(runtime, session, code, "2026-03-03 14:00")  # the leader signs: resolved
    return show_dossier(session, code)

def test_one_supplement_request_keeps_an_early_dossier_early(session, simple):
    once = resolve_early(simple, session, receive(simple, session).code, supplements=1)
    twice = resolve_early(simple, session, receive(simple, session).code, supplements=2)
    assert (once.supplement_count, once.status, once.outcome) == (1, "resolved", "early")
    assert (twice.supplement_count, twice.status, twice.outcome) == (2, "resolved", "late")
    total = period_report(session, unit="PHUCLOI", start=date(2026, 3, 1),
                          end=date(2026, 3, 31)).total
    assert (total.resolved_total, total.resolved_early, total.resolved_on_time,
            total.resolved_late) == (2, 1, 0, 1)
    assert total.on_time_rate == 50.0

def test_verification_after_a_supplement_counts_the_time_waited(session, simple):
    code = receive(simple, session).code  # counts from Monday 02/03 09:00, P3D
    request_supplement(session, simple, code, user="hotich.phucloi", items=["Bản sao CCCD"],
                       reason="Thiếu giấy tờ", at=vn("2026-03-02 11:00"))
    # back on Wednesday 15:30: Monday 5 h + Tuesday 8 h + Wednesday 6.5 h = 19.5 h waited
    supply(session, simple, code, user="tiepnhan.phucloi", at=vn("2026-03-04 15:30"))
    # Thursday 05/03 09:00 + 19.5 h: Thursday 7 h, Friday 8 h, Monday 4 h + 0.5 h
    assert show_dossier(session, code).appointment_at == vn("2026-03-09 13:30")
    require_verification(session, simple, code, user="hotich.phucloi",
                         reason="Cần xác minh nơi cư trú", at=vn("2026-03-05 10:00"))
    view = show_dossier(session, code)
    # P5D from Monday 02/03 09:00 is Monday 09/03 09:00; plus the 19.5 h waited:
    # Monday 7 h, Tuesday 8 h, Wednesday 4 h + 0.5 h
    assert view.appointment_at == vn("2026-03-11 13:30")
    assert view.original_appointment_at == vn("2026-03-11 13:30")

def test_verification_during_a_supplement_counts_the_wait_once(session, simple):
    code = receive(simple, session).code  # counts from Monday 02/03 09:00
    request_supplement(session, simple, code, user="hotich.phucloi", items=["Bản sao CCCD"],
                       reason="Thiếu giấy tờ", at=vn("2026-03-02 11:00"))
    require_verification(session, simple, code, user="hotich.phucloi",
                         reason="Cần xác minh nơi cư trú", at=vn("2026-03-03 11:00"))
    # the wait is still open: only the longer limit so far (P5D: Monday 09/03 09:00)
    assert show_dossier(session, code).appointment_at == vn("2026-03-09 09:00")
    supply(session, simple, code, user="tiepnhan.phucloi", at=vn("2026-03-04 11:00"))
    # two working days waited (Monday 11:00 to Wednesday 11:00), counted once
    view = show_dossier(session, code)
    assert view.appointment_at == view.original_appointment_at == vn("2026-03-11 09:00")

def test_a_dossier_waiting_for_the_citizen_is_not_flagged_at_risk(session, simple):
    waiting = receive(simple, session).code  # both due Thursday 05/03 09:00
    running = receive(simple, session).code
    request_supplement(session, simple, waiting, user="hotich.phucloi", items=["Bản sao CCCD"],
                       reason="Thiếu giấy tờ", at=vn("2026-03-02 10:00"))
    # Wednesday 15:00: 2 h of 24 left on both appointments, but one clock is stopped
    assert tick(savepoints(session), simple, vn("2026-03-04 15:00")).at_risk == (running,)
    # Friday: both appointments have passed; the waiting dossier is still left alone
    assert tick(savepoints(session), simple, vn("2026-03-06 10:00")).at_risk == ()
    view = show_dossier(session, waiting)
    assert (view.status, view.at_risk_at) == ("waiting_supplement", None)
    assert "at_risk" not in [e.kind for e in view.events]
    assert show_dossier(session, running).at_risk_at == vn("2026-03-04 15:00")

def test_a_procedure_without_a_verification_limit_cannot_require_verification(session,
                                                                              runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    code = start(session, runtime, "ward_request", unit="PHUCLOI",
                 at=vn("2026-03-06 09:00")).code
    before = show_dossier(session, code).appointment_at
    with refused(InvalidAction, "no_verification_limit", "no verification time limit",
                 dossier=code):
        require_verification(session, runtime, code, user="u", reason="Cần xác minh")
    assert show_dossier(session, code).appointment_at == before


def test_a_supplement_that_took_no_working_time_moves_no_date(session, simple):
    """Asked at 07:00 and brought at 07:30, before the office opens: the appointment, the
    receipt's promise and the step's due time stay where they were."""
    code = receive(simple, session, at="2026-03-03 06:50").code
    before = show_dossier(session, code)
    due = list_tasks(session)[0].due_at
    request_supplement(session, simple, code, user="u", items=["x"], reason="thiếu",
                       at=vn("2026-03-03 07:00"))
    supply(session, simple, code, user="u", at=vn("2026-03-03 07:30"))
    after = show_dossier(session, code)
    assert (after.appointment_at, after.original_appointment_at) == (
        before.appointment_at, before.original_appointment_at)
    assert after.appointment_at == vn("2026-03-05 17:00")  # the close of a working day
    assert list_tasks(session)[0].due_at == due
