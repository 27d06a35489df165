"""The dossier's life around its BPMN run: catalog limits, milestones, supplements,
refusal, withdrawal, late warnings, apologies and the standard papers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.calendar import limit_parser
from engine.definitions import DefinitionError, deploy_catalog, list_catalog
from engine.dossiers import (
    apologize,
    apology,
    close,
    control_slip,
    late_list,
    logbook,
    receipt,
    refusal,
    request_supplement,
    require_verification,
    stop_notice,
    supplement_request,
    supply,
    tick,
)
from engine.errors import InvalidAction, NotFound
from engine.queries import list_tasks, show_dossier
from engine.reporting import period_report
from engine.runtime import complete, send_back, start
from engine.simulation import seed_demo_units
from engine.storage import ProcedureVersion
from engine.vocabulary import FinishKind
from tests.conftest import DATA, deploy_files, refused, savepoints, vn

SIMPLE = (DATA / "simple_procedure.bpmn", DATA / "simple_procedure.toml")


@pytest.fixture
def simple(session, runtime):
    seed_demo_units(session, password="test-password")
    deploy_files(session, runtime, *SIMPLE)
    return runtime


def receive(runtime, session, at="2026-03-02 09:00", **kw):
    """A dossier of the simple procedure received at the desk, as it then stands."""
    kw.setdefault("unit", "PHUCLOI")
    kw.setdefault("applicant", {"name": "Nguyễn Văn A", "address": "Số 1 Phúc Lợi"})
    kw.setdefault("documents", ["Tờ khai"])
    ref = start(session, runtime, "9.000001", actor="tiepnhan.phucloi", at=vn(at), **kw)
    return show_dossier(session, ref.code)


def work(runtime, session, code, at, data=None, user="u"):
    task = next(t for t in list_tasks(session) if t.dossier_code == code)
    complete(session, runtime, task.id, user=user, data=data or {}, at=vn(at))
    return task


def test_catalog_gives_the_limit_cutoff_and_field(session, simple):
    dossier = receive(simple, session, at="2026-03-06 15:30")  # Friday after the cut-off
    assert (dossier.procedure_code, dossier.field_of_work) == ("9.000001", "Hộ tịch")
    assert dossier.counting_from == vn("2026-03-09 08:00")
    assert dossier.appointment_at == vn("2026-03-11 17:00")  # P3D from the catalog, not P2D
    checked = receive(simple, session, verification=True)
    assert checked.appointment_at == vn("2026-03-09 09:00")  # P5D from Monday 09:00
    assert [e.code for e in list_catalog(session)] == ["9.000001"]


def test_an_abolished_procedure_cannot_be_received(session, simple):
    raw = b"abolished_on = 2026-01-01\n" + (DATA / "simple_procedure.toml").read_bytes()
    deploy_catalog(session, [("simple.toml", raw)], user="d", at=vn("2026-01-01 08:00"),
                   limit_parser=limit_parser(simple.calendar(session, "PHUCLOI")))
    assert session.scalar(select(ProcedureVersion.version).order_by(
        ProcedureVersion.version.desc()).limit(1)) == 2
    with pytest.raises(InvalidAction, match="not in force on 02/03/2026"):
        receive(simple, session)


def test_a_bad_catalog_entry_is_refused(session, simple):
    with pytest.raises(DefinitionError, match="bad.toml: time_limit: .*P1Y"):
        deploy_catalog(session, [("bad.toml", b'code="1"\nname="x"\nprocess="simple_procedure"'
                                  b'\nfield_of_work="x"\ntime_limit="P1Y"\n'
                                  b'effective_from=2024-01-01\n')],
                       user="d", at=vn("2026-01-01 08:00"),
                       limit_parser=limit_parser(simple.calendar(session, "PHUCLOI")))


def test_milestones_resolve_then_return(session, simple):
    code = receive(simple, session).code
    work(simple, session, code, "2026-03-02 10:00")
    work(simple, session, code, "2026-03-03 10:00", {"decision": "approve"})
    work(simple, session, code, "2026-03-04 09:00")  # the leader signs: resolved
    view = show_dossier(session, code)
    assert (view.status, view.finish_kind, view.resolved_at, view.outcome) == (
        "resolved", "resolved", vn("2026-03-04 09:00"), "early")  # due Thursday 09:00
    work(simple, session, code, "2026-03-05 16:00")
    view = show_dossier(session, code)
    assert (view.status, view.returned_at, view.outcome) == (
        "returned", vn("2026-03-05 16:00"), "early")


def test_refusal_milestone(session, simple):
    code = receive(simple, session).code
    work(simple, session, code, "2026-03-02 10:00")
    work(simple, session, code, "2026-03-02 11:00",
         {"decision": "refuse", "refusal_reason": "Giấy tờ giả mạo"})
    work(simple, session, code, "2026-03-02 14:00")
    view = show_dossier(session, code)
    assert (view.status, view.finish_kind, view.finish_reason) == (
        "refused", "refused", "Giấy tờ giả mạo")
    assert refusal(session, code).reason == "Giấy tờ giả mạo"


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


def test_withdraw_and_refuse_close_the_dossier(session, simple):
    first = receive(simple, session).code
    second = receive(simple, session).code
    close(session, simple, first, FinishKind.WITHDRAWN, user="tiepnhan.phucloi",
          reason="Công dân rút hồ sơ", at=vn("2026-03-02 10:00"))
    close(session, simple, second, FinishKind.REFUSED, user="tiepnhan.phucloi",
          reason="Không thuộc thẩm quyền", at=vn("2026-03-02 10:00"))
    assert [show_dossier(session, c).status for c in (first, second)] == ["withdrawn", "refused"]
    assert list_tasks(session) == []
    with pytest.raises(InvalidAction, match="is withdrawn"):
        close(session, simple, first, FinishKind.REFUSED, user="u", reason="x")
    with pytest.raises(InvalidAction, match="give the reason"):
        close(session, simple, receive(simple, session).code, FinishKind.WITHDRAWN, user="u",
              reason=" ")


def test_stop_notice_prints_the_reason_and_who_stopped_it(session, simple):
    code = receive(simple, session).code  # due Thursday 05/03 09:00
    with pytest.raises(InvalidAction, match="was not stopped"):
        stop_notice(session, code)  # still running
    apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh",
              new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:30"))
    close(session, simple, code, FinishKind.STOPPED, user="tiepnhan.phucloi",
          reason="Công dân đề nghị dừng giải quyết", at=vn("2026-03-05 10:00"))
    paper = stop_notice(session, code)
    assert (paper.header.dossier_code, paper.header.unit_name, paper.header.applicant_name,
            paper.header.applicant_address, paper.reason, paper.decided_by) == (
        code, "Phường Phúc Lợi", "Nguyễn Văn A", "Số 1 Phúc Lợi",
        "Công dân đề nghị dừng giải quyết", "Phạm Thị Lan")
    # the appointment given at the desk, not the apology's new date
    assert (paper.received_at, paper.appointment_at, paper.stopped_at) == (
        vn("2026-03-02 09:00"), vn("2026-03-05 09:00"), vn("2026-03-05 10:00"))
    refused = receive(simple, session).code
    close(session, simple, refused, FinishKind.REFUSED, user="tiepnhan.phucloi",
          reason="Không thuộc thẩm quyền")
    with pytest.raises(InvalidAction, match="was not stopped"):
        stop_notice(session, refused)  # a refusal is not a stop


def test_late_dossier_is_flagged_then_apologized(session, simple):
    code = receive(simple, session).code  # due Thursday 05/03 09:00
    assert tick(savepoints(session), simple, vn("2026-03-04 09:00")).at_risk == ()
    # 2 h 40 min of 24 h left: under a quarter
    assert tick(savepoints(session), simple, vn("2026-03-04 15:20")).at_risk == (code,)
    assert tick(savepoints(session), simple, vn("2026-03-04 16:00")).at_risk == ()  # flagged once
    flagged = [(e.at, e.detail) for e in show_dossier(session, code).events
               if e.kind == "at_risk"]
    assert flagged == [(vn("2026-03-04 15:20"), {"hours_left": 2.67})]
    with pytest.raises(InvalidAction, match="not a leader"):
        apologize(session, simple, code, leader="hotich.phucloi", reason="Chờ xác minh",
                  new_appointment=vn("2026-03-10 17:00"))
    with pytest.raises(InvalidAction, match="not a leader of PHUCLOI"):
        apologize(session, simple, code, leader="lanhdao.viethung", reason="Chờ xác minh",
                  new_appointment=vn("2026-03-10 17:00"))
    apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh nơi cư trú",
              new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:30"))
    view = show_dossier(session, code)
    assert view.appointment_at == vn("2026-03-10 17:00")
    late = late_list(session, ["PHUCLOI"], vn("2026-03-04 17:00"))
    assert [(e.code, e.reason) for e in late] == [(code, "Chờ xác minh nơi cư trú")]
    paper = apology(session, code)
    assert (paper.signed_by, paper.original_appointment_at) == (
        "Ngô Thanh Tùng", vn("2026-03-05 09:00"))
    # resolved before the new date but after the original one: still late
    work(simple, session, code, "2026-03-06 09:00")
    work(simple, session, code, "2026-03-06 10:00", {"decision": "approve"})
    work(simple, session, code, "2026-03-06 11:00")
    assert show_dossier(session, code).outcome == "late"


def test_receipt_control_slip_and_logbook(session, simple):
    code = receive(simple, session).code
    work(simple, session, code, "2026-03-02 10:00", user="tiepnhan.phucloi")
    slip = receipt(session, code)
    assert (slip.header.unit_name, slip.header.applicant_name, slip.documents,
            slip.received_by, slip.time_limit) == (
        "Phường Phúc Lợi", "Nguyễn Văn A", ("Tờ khai",), "Phạm Thị Lan", "P3D")
    assert slip.appointment_at == vn("2026-03-05 09:00")
    rows = control_slip(session, code).rows
    assert [(r.from_department, r.to_department, r.giver) for r in rows] == [
        ("Công dân", "Một cửa", "Nguyễn Văn A"), ("Một cửa", "Tư pháp - Hộ tịch", "Phạm Thị Lan")]
    assert rows[0].outcome == "Đúng hạn"
    book = logbook(session, ["PHUCLOI"], vn("2026-03-02 00:00").date(),
                   vn("2026-03-02 00:00").date())
    assert [(r.number, r.code, r.transferred_at) for r in book.rows] == [
        (1, code, vn("2026-03-02 10:00"))]


def test_verification_found_later_extends_the_appointment(session, simple):
    dossier = receive(simple, session)  # Monday 09:00, P3D -> Thursday 09:00
    require_verification(session, simple, dossier.code, user="hotich.phucloi",
                         reason="Cần xác minh nơi cư trú", at=vn("2026-03-03 09:00"))
    view = show_dossier(session, dossier.code)
    assert view.appointment_at == vn("2026-03-09 09:00")  # P5D from Monday 09:00
    with pytest.raises(InvalidAction, match="already counts with verification"):
        require_verification(session, simple, dossier.code, user="u", reason="x")


def test_a_step_sent_back_is_done_again(session, simple):
    code = receive(simple, session).code
    first = work(simple, session, code, "2026-03-02 10:00", user="tiepnhan.phucloi")
    examine = list_tasks(session)[0]
    with pytest.raises(InvalidAction, match="give the reason"):
        send_back(session, simple, examine.id, user="hotich.phucloi", reason=" ")
    reopened = send_back(session, simple, examine.id, user="hotich.phucloi",
                         reason="Thiếu chữ ký người khai", at=vn("2026-03-02 11:00"))
    assert (reopened.spec_id, reopened.department, reopened.status) == (
        first.spec_id, "reception", "ready")
    assert reopened.id != first.id and reopened.ready_at == vn("2026-03-02 11:00")
    view = show_dossier(session, code)
    assert [(s.spec_id, s.status) for s in view.steps] == [
        ("receive", "completed"), ("examine", "cancelled"), ("receive", "ready")]
    assert view.handovers[-1].from_department == "civil_status"
    sent = next(e for e in view.events if e.kind == "sent_back")
    assert (sent.actor, sent.detail["reason"]) == ("hotich.phucloi", "Thiếu chữ ký người khai")
    work(simple, session, code, "2026-03-02 13:00")
    assert list_tasks(session)[0].spec_id == "examine"


def test_the_first_step_cannot_be_sent_back(session, simple):
    code = receive(simple, session).code
    first = list_tasks(session)[0]
    with refused(InvalidAction, "first_step", "first step", task=first.name):
        send_back(session, simple, first.id, user="u", reason="x")
    assert show_dossier(session, code).steps[0].status == "ready"


def test_a_step_goes_back_to_the_one_completed_just_before_it_in_its_own_dossier(session,
                                                                               simple):
    code = receive(simple, session).code
    other = receive(simple, session).code
    work(simple, session, code, "2026-03-02 10:00")
    work(simple, session, code, "2026-03-02 11:00", {"decision": "approve"})
    work(simple, session, other, "2026-03-02 12:00")  # the latest completion of all
    last = next(t for t in list_tasks(session) if t.dossier_code == code)
    reopened = send_back(session, simple, last.id, user="u", reason="Sai số liệu",
                         at=vn("2026-03-02 13:00"))
    assert (reopened.dossier_code, reopened.spec_id, reopened.status) == (
        code, "examine", "ready")
    sent = next(e for e in show_dossier(session, code).events if e.kind == "sent_back")
    assert (sent.actor, sent.detail) == (
        "u", {"task": last.spec_id, "to": "examine", "reason": "Sai số liệu"})
    assert [s.status for s in show_dossier(session, other).steps] == ["completed", "ready"]
    with refused(InvalidAction, "task_not_open", "is cancelled", task=last.name,
                 status="cancelled"):
        complete(session, simple, last.id, user="u", data={})


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


def test_each_refusal_names_its_reason_for_the_pages(session, simple):
    """Every refusal carries the code and values the pages' Vietnamese text is built
    from; a wrong one would tell the clerk the wrong thing."""
    code = receive(simple, session).code  # due Thursday 05/03 09:00
    work(simple, session, code, "2026-03-02 10:00", user="tiepnhan.phucloi")
    examine = list_tasks(session)[0]
    with refused(InvalidAction, "reason_required", "give the reason", action="send_back"):
        send_back(session, simple, examine.id, user="u", reason=" ")
    with refused(InvalidAction, "documents_required", "at least one document"):
        request_supplement(session, simple, code, user="u", items=[], reason="x")
    with refused(InvalidAction, "reason_required", "give the reason", action="supplement"):
        request_supplement(session, simple, code, user="u", items=["CCCD"], reason=" ")
    with refused(InvalidAction, "no_open_supplement", "no open supplement", dossier=code):
        supply(session, simple, code, user="u")
    with refused(InvalidAction, "reason_required", "give the reason", action="verification"):
        require_verification(session, simple, code, user="u", reason=" ")
    with refused(InvalidAction, "not_a_leader", "not a leader of PHUCLOI",
                 user="hotich.phucloi", unit="PHUCLOI"):
        apologize(session, simple, code, leader="hotich.phucloi", reason="x",
                  new_appointment=vn("2026-03-10 17:00"))
    with refused(InvalidAction, "reason_required", "give the reason", action="apology"):
        apologize(session, simple, code, leader="lanhdao.phucloi", reason=" ",
                  new_appointment=vn("2026-03-10 17:00"))
    with refused(InvalidAction, "time_without_zone", "timezone"):
        apologize(session, simple, code, leader="lanhdao.phucloi", reason="x",
                  new_appointment=vn("2026-03-10 17:00").replace(tzinfo=None))
    with refused(InvalidAction, "appointment_not_later", "later than the current one",
                 appointment=vn("2026-03-05 09:00")):
        apologize(session, simple, code, leader="lanhdao.phucloi", reason="x",
                  new_appointment=vn("2026-03-05 09:00"))
    with refused(InvalidAction, "not_an_ending", "not resolved", kind=FinishKind.RESOLVED):
        close(session, simple, code, FinishKind.RESOLVED, user="u", reason="x")
    with refused(InvalidAction, "reason_required", "give the reason", action="withdrawn"):
        close(session, simple, code, FinishKind.WITHDRAWN, user="u", reason=" ")
    with refused(NotFound, "dossier_not_found", "dossier NOPE does not exist", dossier="NOPE"):
        close(session, simple, "NOPE", FinishKind.WITHDRAWN, user="u", reason="x")

    require_verification(session, simple, code, user="u", reason="Cần xác minh")
    with refused(InvalidAction, "already_verification", "already counts", dossier=code):
        require_verification(session, simple, code, user="u", reason="x")
    request_supplement(session, simple, code, user="u", items=["CCCD"], reason="Thiếu CCCD")
    waiting = dict(dossier=code, status="waiting_supplement")
    with refused(InvalidAction, "dossier_not_open", "is waiting_supplement", **waiting):
        complete(session, simple, examine.id, user="u", data={"decision": "approve"})
    with refused(InvalidAction, "dossier_not_open", "is waiting_supplement", **waiting):
        send_back(session, simple, examine.id, user="u", reason="x")
    with refused(InvalidAction, "dossier_not_open", "is waiting_supplement", **waiting):
        request_supplement(session, simple, code, user="u", items=["CCCD"], reason="x")
    supply(session, simple, code, user="u")
    close(session, simple, code, FinishKind.WITHDRAWN, user="u", reason="Rút hồ sơ")
    with refused(InvalidAction, "dossier_not_open", "is withdrawn", dossier=code,
                 status="withdrawn"):
        close(session, simple, code, FinishKind.REFUSED, user="u", reason="x")
    assert [s.status for s in show_dossier(session, code).steps] == ["completed", "cancelled"]


def test_the_late_list_shows_overdue_and_apologised_dossiers_with_the_last_reason(session,
                                                                                  simple):
    """The public late list (niêm yết): what is overdue now, resolved late, or was
    apologised for, oldest first, with the newest apology's reason; nothing on time,
    closed unresolved, or of another unit."""
    def finish(code, at):
        for data in ({}, {"decision": "approve"}, {}):
            work(simple, session, code, at, data)

    resolved_late = receive(simple, session, "2026-03-02 08:00").code  # due Wed 17:00
    withdrawn = receive(simple, session, "2026-03-02 08:15").code
    overdue = receive(simple, session, "2026-03-02 08:30").code  # due Thu 08:30
    apologised = receive(simple, session, "2026-03-02 09:00").code  # due Thu 09:00
    due_now = receive(simple, session, "2026-03-02 09:00").code
    on_time = receive(simple, session, "2026-03-02 10:00").code
    elsewhere = receive(simple, session, "2026-03-02 08:00", unit="ANKHANH").code
    finish(on_time, "2026-03-03 10:00")
    close(session, simple, withdrawn, FinishKind.WITHDRAWN, user="u", reason="Rút",
          at=vn("2026-03-04 10:00"))
    for reason, new in (("Chờ xác minh", "2026-03-10 17:00"),
                        ("Chờ kết quả xác minh của Công an", "2026-03-11 17:00")):
        apologize(session, simple, apologised, leader="lanhdao.phucloi", reason=reason,
                  new_appointment=vn(new), at=vn("2026-03-04 16:00"))
    finish(resolved_late, "2026-03-05 08:30")
    assert show_dossier(session, elsewhere).appointment_at < vn("2026-03-05 09:00")

    late = late_list(session, ["PHUCLOI"], vn("2026-03-05 09:00"))
    assert [(e.code, e.procedure, e.received_at, e.original_appointment_at,
             e.appointment_at, e.reason, e.status) for e in late] == [
        (resolved_late, "Thủ tục mẫu", vn("2026-03-02 08:00"), vn("2026-03-04 17:00"),
         vn("2026-03-04 17:00"), None, "resolved"),
        (overdue, "Thủ tục mẫu", vn("2026-03-02 08:30"), vn("2026-03-05 08:30"),
         vn("2026-03-05 08:30"), None, "running"),
        (apologised, "Thủ tục mẫu", vn("2026-03-02 09:00"), vn("2026-03-05 09:00"),
         vn("2026-03-11 17:00"), "Chờ kết quả xác minh của Công an", "running")]
    assert due_now not in [e.code for e in late]  # due at this very minute: not yet late


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
