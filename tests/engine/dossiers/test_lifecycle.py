"""The dossier's life around its BPMN run: catalog limits, milestones, refusal,
withdrawal and stop, sending a step back, the standard papers, and each refusal's code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.calendar import limit_parser
from engine.definitions import DefinitionError, deploy_catalog, list_catalog
from engine.dossiers import (
    apologize,
    close,
    control_slip,
    logbook,
    receipt,
    refusal,
    request_supplement,
    require_verification,
    stop_notice,
    supply,
)
from engine.errors import InvalidAction, NotFound
from engine.queries import list_tasks, show_dossier
from engine.runtime import complete, send_back
from engine.storage import ProcedureVersion
from engine.vocabulary import FinishKind
from tests.conftest import DATA, refused, vn
from tests.engine.dossiers.helpers import receive, work


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
