"""The reception desk: choosing a procedure, receiving a dossier, supplements, refusals,
withdrawals and the desk's home page."""

from __future__ import annotations

import re

from engine.org import serve
from engine.queries import search_dossiers
from tests.conftest import vn
from tests.samples import CHILD
from tests.web.conftest import login
from tests.web.pages.helpers import (
    civil_status_task,
    dossier,
    engine_services,
    page,
    ready,
    receive,
    work,
)

BIRTH_CODE = "1.001193"  # Đăng ký khai sinh
LINKED_CODE = "1.012924"  # the interlinked birth, residence and health-card procedure
APPLICANT = {"applicant_name": "Trần Thị Bích", "applicant_address": "Số 12 ngõ 5 Phúc Lợi",
             "applicant_phone": "0912345678", "applicant_email": "bich@example.vn",
             "applicant_id_number": "001190012345"}


def procedures(html: str) -> list[str]:
    return re.findall(r'href="/desk/receive/([0-9.]+)"', html)


def all_dossiers(app) -> list:
    svc = engine_services(app)
    with svc.transaction() as session:
        return search_dossiers(session, ["PHUCLOI", "VIETHUNG"])


# -- choosing the procedure ------------------------------------------------------------------

def test_catalog_search_ignores_diacritics(client, clock):
    login(client, "tiepnhan.phucloi")
    everything = procedures(page(client.get("/desk/receive")))
    # the ward's desk offers the ward's procedures, not the police's or BHXH's own
    assert BIRTH_CODE in everything and LINKED_CODE in everything
    assert "1.004222" not in everything and "1.000145" not in everything
    for query in ("khai sinh", "KHAI SINH", "đăng ký khai sinh", "dang ky khai sinh"):
        found = procedures(page(client.get("/desk/receive", query_string={"q": query})))
        assert sorted(found) == sorted([BIRTH_CODE, LINKED_CODE]), query
    assert procedures(page(client.get("/desk/receive?q=ket+hon"))) == ["1.000894"]
    assert procedures(page(client.get("/desk/receive?q=chung+thuc"))) == ["2.000815"]
    nothing = page(client.get("/desk/receive?q=xay+dung"))
    assert procedures(nothing) == [] and "Không có thủ tục nào khớp" in nothing


def test_live_filtering_returns_only_the_list(client, clock):
    login(client, "tiepnhan.phucloi")
    response = client.get("/desk/receive?q=khai+sinh", headers={"HX-Request": "true"})
    html = page(response)
    assert html.lstrip().startswith('<ul id="procedures">') and "<html" not in html
    assert sorted(procedures(html)) == sorted([BIRTH_CODE, LINKED_CODE])


def test_the_form_shows_the_procedures_documents_and_verification(client, clock):
    login(client, "tiepnhan.phucloi")
    html = page(client.get(f"/desk/receive/{LINKED_CODE}"))
    assert "Giấy chứng sinh" in html and html.count('name="documents"') == 5
    assert 'name="verification"' in html  # the catalog has a verification limit
    html = page(client.get(f"/desk/receive/{BIRTH_CODE}"))
    assert 'name="verification"' not in html
    assert client.get("/desk/receive/9.999999").status_code == 404


# -- receiving -------------------------------------------------------------------------------

def test_receive_a_dossier(app, client, clock):
    clock.set(vn("2026-03-09 09:10"))
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/receive/{BIRTH_CODE}", data={
        **APPLICANT, "documents": ["0", "1"], "channel": "in_person"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/received/PHUCLOI-260309-0001"
    html = page(client.get(response.headers["Location"]))
    assert "PHUCLOI-260309-0001" in html
    assert "09/03/2026 17:00" in html  # the same working day
    reception_task = ready(app, "PHUCLOI-260309-0001")[0]
    assert f"/tasks/{reception_task.id}" in html  # record the procedure's data next
    if "papers.show" in app.view_functions:
        assert "/papers/" in html

    view = dossier(app, "PHUCLOI-260309-0001")
    assert view.applicant == {"name": "Trần Thị Bích", "address": "Số 12 ngõ 5 Phúc Lợi",
                              "phone": "0912345678", "email": "bich@example.vn",
                              "id_number": "001190012345"}
    assert view.documents[0] == "Tờ khai đăng ký khai sinh theo mẫu"
    assert len(view.documents) == 2 and view.channel == "in_person"
    assert view.procedure_code == BIRTH_CODE
    assert [e.actor for e in view.events if e.kind == "received"] == ["tiepnhan.phucloi"]
    assert reception_task.name == "Tiếp nhận và kiểm tra hồ sơ"

    home = page(client.get("/desk/"))
    assert "PHUCLOI-260309-0001" in home and "Hồ sơ tiếp nhận hôm nay (09/03/2026)" in home


def test_the_reception_step_offers_and_checks_the_agencies_serving_the_ward(app, client,
                                                                           clock):
    """The interlinked dossier's reception step: a choice of the police units and BHXH
    serving Phúc Lợi, its default first; a forged code (unknown, a ward, another commune's
    police) is a field error and nothing is saved; a unit of the list is where the
    residence part goes."""
    with engine_services(app).transaction() as session:
        serve(session, agency="CA-VIETHUNG", served="PHUCLOI")
    login(client, "tiepnhan.phucloi")
    received = client.post(f"/desk/receive/{LINKED_CODE}", data={
        **APPLICANT, "documents": ["0", "1"], "channel": "in_person"})
    code = received.headers["Location"].rsplit("/", 1)[1]
    (task,) = ready(app, code)
    form = page(client.get(f"/tasks/{task.id}"))
    police = form.split('name="police_unit"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', police) == ["", "CA-PHUCLOI", "CA-VIETHUNG"]
    assert "Công an phường Phúc Lợi (CA-PHUCLOI)" in police
    insurance = form.split('name="insurance_unit"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', insurance) == ["", "BHXH-LONGBIEN"]
    client.post(f"/tasks/{task.id}/claim")
    for unit in ("NOPE-UNIT", "PHUCLOI", "CA-XAGIALAM"):
        refused = client.post(f"/tasks/{task.id}/complete",
                              data={**CHILD, "police_unit": unit})
        assert refused.status_code == 400
        assert ("Không phải đơn vị đúng loại phục vụ PHUCLOI; chọn một trong: CA-PHUCLOI, "
                "CA-VIETHUNG.") in page(refused)
    assert [t.id for t in ready(app, code)] == [task.id]
    assert [e.kind for e in dossier(app, code).events] == ["received", "task_ready", "task_claimed"]
    done = client.post(f"/tasks/{task.id}/complete", data={**CHILD, "police_unit": "CA-VIETHUNG"})
    assert done.status_code == 302
    work(app, code, {"decision": "approve", "register_number": "1"}, "2026-03-09 10:00")
    work(app, code, {"leader_decision": "approve"}, "2026-03-09 10:30")
    assert sorted(link.code.rsplit("-", 2)[0] for link in dossier(app, code).links) == [
        "BHXH-LONGBIEN", "CA-VIETHUNG"]


def test_receive_with_verification_and_online(app, client, clock):
    clock.set(vn("2026-03-06 15:30"))  # Friday after the 15:00 cut-off
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/receive/{LINKED_CODE}", data={
        "applicant_name": "Trần Thị Bích", "documents": ["0", "1"], "channel": "online",
        "verification": "1"})
    code = response.headers["Location"].rsplit("/", 1)[1]
    view = dossier(app, code)
    assert view.channel == "online"
    assert view.counting_from == vn("2026-03-09 08:00")
    assert view.appointment_at == vn("2026-03-13 17:00")  # 5 working days
    assert "13/03/2026 17:00" in page(client.get(response.headers["Location"]))


def test_missing_applicant_name_is_a_field_error_and_nothing_is_saved(app, client, clock):
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/receive/{BIRTH_CODE}", data={
        **APPLICANT, "applicant_name": "  ", "applicant_email": "not-an-email",
        "documents": ["0"], "channel": "post"})
    assert response.status_code == 400
    html = page(response)
    assert "Nhập họ và tên người nộp hồ sơ." in html
    assert "Địa chỉ thư điện tử không hợp lệ." in html
    assert "Chưa đủ giấy tờ bắt buộc." in html
    assert 'value="0912345678"' in html  # the rest of what was typed stays
    assert re.search(r'value="0"\s+checked', html)
    assert re.search(r'<option value="post" selected', html)
    assert all_dossiers(app) == []


def test_missing_documents_can_be_received_for_supplement_later(app, client, clock):
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/receive/{BIRTH_CODE}", data={
        "applicant_name": "Trần Thị Bích", "documents": ["0"], "supplement_later": "1",
        "channel": "in_person"})
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    html = page(client.get(response.headers["Location"]))
    assert "Còn thiếu giấy tờ bắt buộc" in html and "Giấy chứng sinh" in html
    assert dossier(app, code).status == "running"  # nothing paused until the clerk asks
    client.post(f"/desk/dossiers/{code}/supplement", data={
        "items": "Giấy chứng sinh", "reason": "Hồ sơ chưa đủ thành phần theo quy định"})
    assert dossier(app, code).status == "waiting_supplement"


# -- supplements, refusals and withdrawals at the desk -----------------------------------------

def test_record_a_supplement_the_citizen_brought(app, client, clock):
    code, _ = civil_status_task(app)
    login(client, "tiepnhan.phucloi")
    client.post(f"/desk/dossiers/{code}/supplement",
                data={"items": "Giấy chứng sinh bản chính", "reason": "Bản sao không rõ"})
    before = dossier(app, code)
    assert before.status == "waiting_supplement"
    home = page(client.get("/desk/"))
    assert code in home and "Giấy chứng sinh bản chính" in home  # waiting at the desk

    html = page(client.get(f"/desk/dossiers/{code}"))
    assert "Ghi nhận giấy tờ bổ sung" in html
    assert client.post(f"/desk/dossiers/{code}/supply", data={}).status_code == 400
    clock.set(vn("2026-03-10 08:00"))  # a full working day later
    response = client.post(f"/desk/dossiers/{code}/supply",
                           data={"items": ["Giấy chứng sinh bản chính"]})
    assert response.status_code == 302
    after = dossier(app, code)
    assert after.status == "running"
    assert "Giấy chứng sinh bản chính" in after.documents
    assert after.appointment_at > before.appointment_at  # the waiting time is not counted
    assert "Đã ghi nhận giấy tờ bổ sung" in page(client.get(f"/desk/dossiers/{code}"))


def test_supply_needs_a_supplement_request(app, client, clock):
    code = receive(app, "birth_registration", "2026-03-09 08:00")
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/dossiers/{code}/supply", data={"other": "Tờ khai"})
    assert response.status_code == 400
    assert (f"Không thực hiện được: Hồ sơ {code} không có yêu cầu bổ sung nào đang chờ."
            in page(response))  # the engine's refusal, in the page's language
    assert dossier(app, code).documents == ()


def test_refuse_a_dossier_with_reasons(app, client, clock):
    code = receive(app, "birth_registration", "2026-03-09 08:00")
    login(client, "tiepnhan.phucloi")
    empty = client.post(f"/desk/dossiers/{code}/refuse", data={"refusal": ""})
    assert empty.status_code == 400 and "Ghi lý do." in page(empty)
    assert dossier(app, code).status == "running"
    response = client.post(f"/desk/dossiers/{code}/refuse",
                           data={"refusal": "Người nộp không có quyền đăng ký khai sinh"})
    assert response.status_code == 302
    view = dossier(app, code)
    assert (view.status, view.finish_reason) == (
        "refused", "Người nộp không có quyền đăng ký khai sinh")
    assert ready(app, code) == []
    again = client.post(f"/desk/dossiers/{code}/refuse", data={"refusal": "lần nữa"})
    assert again.status_code == 400  # a closed dossier cannot be refused twice
    assert f"Hồ sơ {code} đang ở trạng thái “Từ chối”" in page(again)
    client.get("/lang/en")
    english = client.post(f"/desk/dossiers/{code}/refuse", data={"refusal": "again"})
    assert f"Dossier {code} is “Refused”; this cannot be done now." in page(english)


def test_stop_a_dossier_leads_to_the_notice(app, client, clock):
    code, _ = civil_status_task(app)
    login(client, "tiepnhan.phucloi")
    form = page(client.get(f"/desk/dossiers/{code}"))
    assert f'action="/desk/dossiers/{code}/stop"' in form and "/papers/stop-notice" not in form
    empty = client.post(f"/desk/dossiers/{code}/stop", data={"stopping": " "})
    assert empty.status_code == 400 and "Ghi lý do." in page(empty)
    assert dossier(app, code).status == "running"
    response = client.post(f"/desk/dossiers/{code}/stop",
                           data={"stopping": "Công dân đề nghị dừng để chờ kết quả xác minh"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dossiers/{code}/papers/stop-notice"
    view = dossier(app, code)
    assert (view.status, view.finish_reason) == (
        "stopped", "Công dân đề nghị dừng để chờ kết quả xác minh")
    assert ready(app, code) == []
    notice = page(client.get(response.headers["Location"]))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in notice and "Phạm Thị Lan" in notice
    assert "Công dân đề nghị dừng để chờ kết quả xác minh" in notice
    assert "Đã dừng giải quyết hồ sơ" in notice  # the flash message
    desk = page(client.get(f"/desk/dossiers/{code}"))
    assert f"/dossiers/{code}/papers/stop-notice" in desk
    again = client.post(f"/desk/dossiers/{code}/stop", data={"stopping": "lần nữa"})
    assert again.status_code == 400  # a stopped dossier cannot be stopped again


def test_record_a_withdrawal(app, client, clock):
    code, _ = civil_status_task(app)
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/dossiers/{code}/withdraw",
                           data={"withdrawal": "Công dân xin rút để bổ sung thông tin"})
    assert response.status_code == 302
    view = dossier(app, code)
    assert view.status == "withdrawn" and ready(app, code) == []
    assert "Đã ghi nhận công dân rút hồ sơ" in page(client.get(f"/desk/dossiers/{code}"))


def test_return_the_result_from_the_desk(app, client, clock, clients):
    code, task_id = civil_status_task(app)
    work(app, code, {"decision": "approve", "register_number": "31/2026"},
         "2026-03-09 09:00", user="hotich.phucloi")
    work(app, code, {"leader_decision": "approve"}, "2026-03-09 09:30",
         user="lanhdao.phucloi")
    login(client, "tiepnhan.phucloi")
    (task,) = ready(app, code)
    assert task.name == "Trả kết quả"
    home = page(client.get("/desk/"))
    assert f"/tasks/{task.id}" in home
    assert f"/tasks/{task.id}" in page(client.get(f"/desk/dossiers/{code}"))
    response = client.post(f"/tasks/{task.id}/complete", data={
        "returned_to": "Trần Thị Bích", "return_channel": "desk"})
    assert response.status_code == 302
    assert dossier(app, code).status == "returned"


def test_find_a_dossier_at_the_desk(app, client, clock):
    code = receive(app, "birth_registration", "2026-03-09 08:00")
    login(client, "tiepnhan.phucloi")
    assert code in page(client.get("/desk/?q=tran thi bich"))
    assert client.get(f"/desk/find?code={code}").headers["Location"] == f"/desk/dossiers/{code}"
    assert client.get("/desk/dossiers/PHUCLOI-000000-0000").status_code == 404


def test_the_desk_speaks_english_too(client, clock):
    login(client, "tiepnhan.phucloi")
    client.get("/lang/en")
    assert "Receive a new dossier" in page(client.get("/desk/"))
    form = page(client.get(f"/desk/receive/{LINKED_CODE}"))
    assert "Time limit: 3 working days" in form and "5 working days if verification" in form


# -- bounded input (issue 9) -----------------------------------------------------------------

def test_a_20_mb_applicant_name_is_refused_before_anything_is_read(app, client, clock):
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/receive/{BIRTH_CODE}", data={
        **APPLICANT, "applicant_name": "A" * 20_000_000, "documents": ["0", "1"]})
    assert response.status_code == 413
    assert all_dossiers(app) == []


def test_too_long_inputs_are_refused_naming_the_field(app, client, clock):
    login(client, "tiepnhan.phucloi")
    response = client.post(f"/desk/receive/{BIRTH_CODE}", data={
        **APPLICANT, "applicant_name": "A" * 201, "applicant_address": "B\x00",
        "documents": ["0", "1"]})
    assert response.status_code == 400
    html = page(response)
    assert "Dài quá 200 ký tự." in html and "Có ký tự điều khiển không hợp lệ." in html
    assert all_dossiers(app) == []
    code = receive(app, "birth_registration", "2026-03-09 08:00")
    before = dossier(app, code)
    refused = client.post(f"/desk/dossiers/{code}/refuse", data={"refusal": "x" * 2001})
    assert refused.status_code == 400 and "Dài quá 2000 ký tự." in page(refused)
    asked = client.post(f"/desk/dossiers/{code}/supplement", data={
        "items": "\n".join(f"Giấy {i}" for i in range(51)), "reason": "Thiếu"})
    assert asked.status_code == 400 and "Nhiều quá 50 mục." in page(asked)
    assert dossier(app, code) == before
