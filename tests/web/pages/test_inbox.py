"""The department inbox and the task page: lists sorted by due time and coloured by
working time left, claim/unclaim, the task form with its field errors, two people
completing one task, and the interlinked procedure worked by five agencies' users."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from engine.calendar import WorkingCalendar
from engine.org import add_user
from engine.simulation import DEMO_PASSWORD
from tests.conftest import vn
from tests.samples import BIRTH, CHILD
from tests.web.conftest import csrf_token, login
from tests.web.pages.helpers import (
    civil_status_task,
    dossier,
    engine_services,
    page,
    ready,
    receive,
    rows,
    work,
)
from web.pages.sla import Timing, timing

# -- the list ------------------------------------------------------------------------------

def test_inbox_lists_my_departments_ready_tasks_sorted_and_coloured(app, clock, clients):
    # Friday: a registration whose civil-status step (PT4H) was due Friday 14:00
    late_code, late = civil_status_task(app, "2026-03-06 09:00")
    soon_code, soon = civil_status_task(app, "2026-03-09 08:00")  # due Monday 12:00
    ok_code, ok = civil_status_task(app, "2026-03-09 09:00")  # due Monday 14:00
    other_ward = receive(app, "birth_registration", "2026-03-09 08:00", unit="VIETHUNG")
    work(app, other_ward, BIRTH, "2026-03-09 08:00", user="tiepnhan.viethung")
    clock.set(vn("2026-03-09 10:30"))

    html = page(clients["hotich.phucloi"].get("/inbox/"))
    assert rows(html) == [("late", late), ("soon", soon), ("ok", ok)]
    assert other_ward not in html
    for code in (late_code, soon_code, ok_code):
        assert code in html
    # late by working time: Friday 14:00-17:00 and Monday 08:00-10:30
    assert "Quá hạn 5 giờ 30 phút" in html
    assert "Còn 1 giờ 30 phút" in html  # under 2 working hours: due soon
    assert "Còn 2 giờ 30 phút" in html  # 12:00 lunch is not working time
    assert html.count('class="sla-late"') == 1 and html.count('class="sla-soon"') == 1
    assert html.count('class="sla-ok"') == 1
    assert "Đăng ký khai sinh" in html and "Trần Thị Bích" in html


def test_inbox_filters_by_sla_state_and_procedure(app, clock, clients):
    _, late = civil_status_task(app, "2026-03-06 09:00")
    _, ok = civil_status_task(app, "2026-03-09 09:00")
    copy = receive(app, "certified_copy", "2026-03-09 09:00")
    work(app, copy, {"document_name": "Bằng tốt nghiệp", "issued_by": "Trường THPT",
                     "pages": 1, "copies": 2}, "2026-03-09 09:00")
    (compare,) = ready(app, copy, "civil_status")
    clock.set(vn("2026-03-09 10:30"))
    browser = clients["hotich.phucloi"]

    assert [t for _, t in rows(page(browser.get("/inbox/?sla=late")))] == [late]
    assert [t for _, t in rows(page(browser.get("/inbox/?sla=ok")))] == [ok]
    assert [t for _, t in rows(page(browser.get("/inbox/?sla=soon")))] == [compare.id]
    by_procedure = page(browser.get("/inbox/", query_string={"procedure": "Đăng ký khai sinh"}))
    assert {t for _, t in rows(by_procedure)} == {late, ok}
    both = page(browser.get("/inbox/", query_string={
        "procedure": "Đăng ký khai sinh", "sla": "ok"}))
    assert [t for _, t in rows(both)] == [ok]
    copies = {"procedure": "Chứng thực bản sao từ bản chính"}
    assert [t for _, t in rows(page(browser.get("/inbox/", query_string=copies)))] == [
        compare.id]
    late_copies = page(browser.get("/inbox/", query_string=copies | {"sla": "late"}))
    assert "Không có việc nào khớp bộ lọc." in late_copies


def test_due_soon_is_a_quarter_of_the_step_or_two_working_hours():
    cal = WorkingCalendar()
    from engine.queries import TaskView

    def task(sla: str, ready_at: str, due: str) -> TaskView:
        return TaskView(id="t", dossier_code="X", name="n", spec_id="s", department="police",
                        status="ready", sla=sla, ready_at=vn(ready_at), due_at=vn(due),
                        claimed_by=None, claimed_at=None, completed_by=None,
                        completed_at=None, outcome=None)

    three_days = task("P3D", "2026-03-09 08:00", "2026-03-11 17:00")  # 24 working hours
    assert timing(cal, three_days, vn("2026-03-11 11:00")) == Timing("soon", timedelta(hours=5))
    assert timing(cal, three_days, vn("2026-03-11 10:00")).state == "ok"  # 6 h = 25 %
    assert timing(cal, three_days, vn("2026-03-11 17:30")) == Timing("late", timedelta(0))
    assert timing(cal, three_days, vn("2026-03-12 09:00")) == Timing("late", timedelta(hours=1))
    assert timing(cal, three_days, vn("2026-03-10 08:00"), "waiting_supplement").state == \
        "paused"


def test_users_without_departments_have_no_inbox(client):
    login(client, "giamsat.hanoi")
    response = client.get("/inbox/")
    assert response.status_code == 403
    assert "không có việc cần xử lý" in page(response)


# -- claim and unclaim -------------------------------------------------------------------------

def test_claim_and_unclaim(app, clock, clients):
    code, task_id = civil_status_task(app)
    officer = clients["hotich.phucloi"]
    assert officer.get(f"/tasks/{task_id}/claim").status_code == 405  # only by POST

    response = officer.post(f"/tasks/{task_id}/claim", follow_redirects=True)
    assert response.status_code == 200
    assert "Bạn đã nhận việc" in page(response)
    (task,) = ready(app, code, "civil_status")
    assert task.claimed_by == "hotich.phucloi"
    assert "Trả lại" in page(officer.get("/inbox/"))

    response = officer.post(f"/tasks/{task_id}/unclaim", follow_redirects=True)
    assert "Đã trả việc" in page(response)
    (task,) = ready(app, code, "civil_status")
    assert task.claimed_by is None


def test_a_task_claimed_by_someone_else_cannot_be_taken(app, clock, clients):
    with app.app_context():
        svc = engine_services(app)
        with svc.transaction() as session:
            add_user(session, username="hotich2.phucloi", full_name="Lê Thị Hạnh",
                     unit="PHUCLOI", roles=["staff"], departments=["civil_status"],
                     password=DEMO_PASSWORD)
    code, task_id = civil_status_task(app)
    clients["hotich.phucloi"].post(f"/tasks/{task_id}/claim")
    second = clients["hotich2.phucloi"]
    response = second.post(f"/tasks/{task_id}/claim", follow_redirects=True)
    assert "đã được Đỗ Văn Hùng nhận" in page(response)
    assert "Việc này đang do Đỗ Văn Hùng xử lý." in page(second.get(f"/tasks/{task_id}"))
    refused = second.post(f"/tasks/{task_id}/unclaim", follow_redirects=True)
    assert "chỉ người đã nhận việc mới trả lại được" in page(refused)
    assert ready(app, code, "civil_status")[0].claimed_by == "hotich.phucloi"


def test_claim_needs_the_csrf_token(app, clock):
    _, task_id = civil_status_task(app)
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    token = csrf_token(page(browser.get("/login")))
    browser.post("/login", data={"username": "hotich.phucloi", "password": DEMO_PASSWORD,
                                 "csrf_token": token})
    assert browser.post(f"/tasks/{task_id}/claim").status_code == 400
    token = csrf_token(page(browser.get(f"/tasks/{task_id}")))
    assert browser.post(f"/tasks/{task_id}/claim",
                        data={"csrf_token": token}).status_code == 302


# -- the task page ---------------------------------------------------------------------------

def test_task_page_shows_the_dossier_and_a_form_built_from_the_fields(app, clock, clients):
    code, task_id = civil_status_task(app)
    html = page(clients["hotich.phucloi"].get(f"/tasks/{task_id}"))
    assert "Ghi sổ hộ tịch, cấp giấy khai sinh" in html
    assert code in html and "Trần Thị Bích" in html and "Đăng ký khai sinh" in html
    assert "Tiếp nhận và kiểm tra hồ sơ" in html  # the previous step
    assert "Phạm Thị Lan" in html  # ...and who did it
    # choice -> select with its choices, required marked; text -> textarea; string -> input
    assert re.search(r'<select id="f-decision" name="decision"\s+required', html)
    assert '<option value="approve"' in html and '<option value="refuse"' in html
    assert '<textarea id="f-refusal_reason" name="refusal_reason"' in html
    assert re.search(r'<input id="f-register_number" name="register_number" type="text"', html)
    assert "Kết quả thẩm định" in html  # labels come from the diagram


def test_input_types_follow_the_field_types(app, clock, clients):
    code = receive(app, "certified_copy", "2026-03-09 08:00")
    (task,) = ready(app, code)
    html = page(clients["tiepnhan.phucloi"].get(f"/tasks/{task.id}"))
    assert re.search(r'name="pages" type="number"', html)
    code = receive(app, "birth_registration", "2026-03-09 08:00")
    (task,) = ready(app, code)
    html = page(clients["tiepnhan.phucloi"].get(f"/tasks/{task.id}"))
    assert re.search(r'name="birth_date" type="date"', html)
    assert re.search(r'type="checkbox" name="documents_complete"', html)


def test_bad_data_shows_field_errors_keeps_values_and_saves_nothing(app, clock, clients):
    code, task_id = civil_status_task(app)
    officer = clients["hotich.phucloi"]
    response = officer.post(f"/tasks/{task_id}/complete",
                            data={"register_number": "31/2026", "decision": ""})
    assert response.status_code == 400
    html = page(response)
    assert re.search(r'id="error-decision">Bắt buộc nhập\.', html)
    assert 'value="31/2026"' in html  # what was typed stays
    assert "chưa có gì được lưu" in html
    (task,) = ready(app, code, "civil_status")
    assert task.id == task_id and task.completed_by is None

    response = officer.post(f"/tasks/{task_id}/complete", data={"decision": "maybe"})
    assert response.status_code == 400
    assert "Hãy chọn một giá trị trong danh sách." in page(response)

    copy = receive(app, "certified_copy", "2026-03-09 08:00")
    (reception,) = ready(app, copy)
    response = clients["tiepnhan.phucloi"].post(f"/tasks/{reception.id}/complete", data={
        "document_name": "Bằng", "issued_by": "Trường", "pages": "hai", "copies": "1"})
    assert response.status_code == 400 and "Phải là số nguyên." in page(response)
    assert 'value="hai"' in page(response)


def test_completing_moves_the_dossier_on(app, clock, clients):
    code, task_id = civil_status_task(app)
    response = clients["hotich.phucloi"].post(f"/tasks/{task_id}/complete", data={
        "decision": "approve", "register_number": "31/2026"})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox/"
    assert [t.name for t in ready(app, code)] == ["Ký giấy khai sinh"]
    done = [s for s in dossier(app, code).steps if s.id == task_id][0]
    assert (done.completed_by, done.status) == ("hotich.phucloi", "completed")


def test_the_second_to_complete_is_told_who_did_it_and_when(app, clock, clients):
    code, task_id = civil_status_task(app)
    first, second = clients["hotich.phucloi"], app.test_client()
    login(second, "hotich.phucloi")  # the same task open in a second window
    form = second.get(f"/tasks/{task_id}")
    assert form.status_code == 200
    clock.set(vn("2026-03-09 09:15"))
    assert first.post(f"/tasks/{task_id}/complete",
                      data={"decision": "approve"}).status_code == 302
    response = second.post(f"/tasks/{task_id}/complete",
                           data={"decision": "refuse", "refusal_reason": "Sai tên"})
    assert response.status_code == 409
    assert "đã được Đỗ Văn Hùng hoàn thành lúc 09/03/2026 09:15" in page(response)
    assert [t.name for t in ready(app, code)] == ["Ký giấy khai sinh"]  # the first one won


def test_request_supplement_and_refuse_from_the_task(app, clock, clients):
    code, task_id = civil_status_task(app)
    officer = clients["hotich.phucloi"]
    missing = officer.post(f"/tasks/{task_id}/supplement", data={"items": "", "reason": ""})
    assert missing.status_code == 400
    assert "Ghi ít nhất một giấy tờ cần bổ sung." in page(missing)
    response = officer.post(f"/tasks/{task_id}/supplement", data={
        "items": "Giấy chứng sinh bản chính\n", "reason": "Bản sao không rõ"})
    assert response.status_code == 302
    view = dossier(app, code)
    assert view.status == "waiting_supplement"
    assert view.pauses[0].items == ("Giấy chứng sinh bản chính",)
    # while the citizen supplements, the step cannot be completed
    html = page(officer.get(f"/tasks/{task_id}"))
    assert "Hồ sơ đang chờ công dân bổ sung" in html
    assert page(officer.get("/inbox/?sla=paused")).count("data-task=") == 1

    code, task_id = civil_status_task(app)
    assert officer.post(f"/tasks/{task_id}/refuse", data={"refusal": " "}).status_code == 400
    response = officer.post(f"/tasks/{task_id}/refuse",
                            data={"refusal": "Giấy chứng sinh giả mạo"})
    assert response.status_code == 302
    view = dossier(app, code)
    assert (view.status, view.finish_reason) == ("refused", "Giấy chứng sinh giả mạo")


def test_send_a_step_back_to_the_previous_one(app, clock, clients):
    code, task_id = civil_status_task(app)
    officer = clients["hotich.phucloi"]
    assert "Trả lại bước trước" in page(officer.get(f"/tasks/{task_id}"))
    empty = officer.post(f"/tasks/{task_id}/send-back", data={"send_back_reason": ""})
    assert empty.status_code == 400 and "Ghi lý do trả lại." in page(empty)
    response = officer.post(f"/tasks/{task_id}/send-back",
                            data={"send_back_reason": "Thiếu ngày sinh của mẹ"})
    assert response.status_code == 302, page(response)
    (again,) = ready(app, code)
    assert (again.department, again.name) == ("reception", "Tiếp nhận và kiểm tra hồ sơ")
    assert "Đã trả hồ sơ" in page(officer.get("/inbox/"))
    first = ready(app, code)[0].id
    # the first step has nothing before it (the engine would pick the step's own earlier run)
    assert "Trả lại bước trước" not in page(clients["tiepnhan.phucloi"].get(f"/tasks/{first}"))
    forced = clients["tiepnhan.phucloi"].post(f"/tasks/{first}/send-back",
                                              data={"send_back_reason": "Thử"})
    assert forced.status_code == 400  # the engine's refusal, in Vietnamese
    assert ("“Tiếp nhận và kiểm tra hồ sơ” là bước đầu tiên: không có bước nào trước đó "
            "để trả lại.") in page(forced)


def test_unknown_task_is_404(client):
    login(client, "hotich.phucloi")
    response = client.get("/tasks/no-such-task")
    assert response.status_code == 404 and "Không có việc này." in page(response)


# -- the interlinked procedure, through the pages -----------------------------------------

def only_task(app: Flask, code: str, department: str) -> str:
    (task,) = ready(app, code, department)
    return task.id


def work_in_pages(browser: FlaskClient, task_id: str, data: dict) -> None:
    """Open the task from the inbox, claim it, complete it."""
    assert task_id in page(browser.get("/inbox/"))
    assert browser.get(f"/tasks/{task_id}").status_code == 200
    assert browser.post(f"/tasks/{task_id}/claim").status_code == 302
    response = browser.post(f"/tasks/{task_id}/complete", data=data)
    assert response.status_code == 302, page(response)


def test_interlinked_procedure_walked_by_five_agencies(app, clock, clients):
    clock.set(vn("2026-03-09 08:30"))
    desk = clients["tiepnhan.phucloi"]
    response = desk.post("/desk/receive/1.012924", data={
        "applicant_name": "Trần Thị Bích", "applicant_phone": "0912345678",
        "applicant_address": "Số 12 ngõ 5 Phúc Lợi", "documents": ["0", "1"],
        "channel": "in_person"})
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert code == "PHUCLOI-260309-0001"
    received = page(desk.get(response.headers["Location"]))
    assert "12/03/2026 08:30" in received  # 3 working days

    clock.set(vn("2026-03-09 09:00"))
    work_in_pages(desk, only_task(app, code, "reception"), {
        **CHILD, "police_unit": "", "insurance_unit": ""})
    clock.set(vn("2026-03-09 10:00"))
    work_in_pages(clients["hotich.phucloi"], only_task(app, code, "civil_status"), {
        "decision": "approve", "register_number": "31/2026", "personal_id": "001326001234"})
    clock.set(vn("2026-03-09 10:30"))
    work_in_pages(clients["lanhdao.phucloi"], only_task(app, code, "leadership"),
                  {"leader_decision": "approve"})

    parts = {link.code.rsplit("-", 2)[0]: link.code for link in dossier(app, code).links}
    police, bhxh = parts["CA-PHUCLOI"], parts["BHXH-LONGBIEN"]
    # the ward's officers cannot work the agencies' parts; the agencies see only theirs
    police_task = only_task(app, police, "police")
    assert clients["hotich.phucloi"].post(f"/tasks/{police_task}/claim").status_code == 404
    assert clients["bhxh.longbien"].get(f"/tasks/{police_task}").status_code == 404
    # the police officer reads the child's data the ward's message carried (not the parent's)
    police_page = clients["congan.phucloi"].get(f"/tasks/{police_task}")
    shown = page(police_page).split('id="shown-data"')[1].split("</section>")[0]
    assert "Thông tin hồ sơ chuyển đến" in shown and f"Do hồ sơ {code} chuyển đến" in shown
    for text in ("Họ và tên trẻ", "Nguyễn Bảo An", "Ngày sinh", "27/02/2026",
                 "Số đăng ký khai sinh", "31/2026", "Số định danh cá nhân của trẻ",
                 "001326001234", "Nơi đăng ký thường trú của trẻ", "Cần xác minh", "Không"):
        assert text in shown, text
    assert "0912345678" not in shown
    clients["congan.phucloi"].get("/lang/en")
    english = page(clients["congan.phucloi"].get(f"/tasks/{police_task}"))
    assert "Data of the referred dossier" in english and "Họ và tên trẻ" in english
    assert ">No<" in english  # the verification flag, in the page's language
    clients["congan.phucloi"].get("/lang/vi")

    clock.set(vn("2026-03-09 14:00"))
    officer = clients["congan.phucloi"]
    work_in_pages(officer, police_task, {"residence_decision": "approve"})  # needs_verification: no
    clock.set(vn("2026-03-10 09:00"))
    work_in_pages(officer, only_task(app, police, "police"), {"residence_number": "CT-0425"})
    clock.set(vn("2026-03-10 10:00"))
    insurer = clients["bhxh.longbien"]
    work_in_pages(insurer, only_task(app, bhxh, "social_insurance"), {"card_decision": "approve"})
    work_in_pages(insurer, only_task(app, bhxh, "social_insurance"), {
        "card_number": "0126012345", "card_valid_from": "2026-02-27"})

    # back at the desk: the results are waiting to be returned
    clock.set(vn("2026-03-10 14:00"))
    home = page(desk.get("/desk/"))
    assert "Trả kết quả liên thông" in home
    work_in_pages(desk, only_task(app, code, "reception"),
                  {"returned_to": "Trần Thị Bích", "return_channel": "desk"})

    view = dossier(app, code)
    assert (view.status, view.outcome) == ("returned", "early")
    assert [(h.from_department, h.to_department) for h in view.handovers] == [
        (None, "reception"), ("reception", "civil_status"), ("civil_status", "leadership"),
        ("social_insurance", "reception")]  # the last result to come back
    assert all(h.receiver for h in view.handovers)  # every handover was received by someone
    police_view = dossier(app, police)
    assert [(h.from_department, h.to_department, h.source_dossier)
            for h in police_view.handovers][0] == ("leadership", "police", code)
    assert [s.completed_by for s in police_view.steps] == ["congan.phucloi"] * 2
    assert [s.completed_by for s in dossier(app, bhxh).steps] == ["bhxh.longbien"] * 2
    if "papers.show" in app.view_functions:  # the printed control slip lists the same rows
        slip = desk.get(f"/dossiers/{code}/papers/control-slip")
        assert slip.status_code == 200 and "Đỗ Văn Hùng" in page(slip)
