"""The dossier page and the dossier search, on dossiers driven through the engine."""

from __future__ import annotations

import json
import re

from engine.dossiers import supply
from tests.conftest import vn
from tests.web.conftest import login
from tests.web.pages.helpers import (
    apologised,
    asked_for_papers,
    birth_registration,
    fresh_runtime,
    interlinked,
    receive_committed,
    transaction,
)


def diagram_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="diagram-data">(.*?)</script>',
                      html, re.S)
    assert found, "no diagram data in the page"
    return json.loads(found.group(1))


def control_slip_rows(html: str) -> list[str]:
    table = re.search(r'<table class="control-slip">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, "no control slip table"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]


def test_page_shows_applicant_documents_and_appointment(client, db_engine):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    response = client.get(f"/dossiers/{parent}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Trần Thị Bích" in html and "0912345678" in html
    assert "Số 12 ngõ 5 Phúc Lợi, Long Biên" in html
    assert "Tờ khai đăng ký khai sinh" in html and "Giấy chứng sinh" in html
    assert ("Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em "
            "dưới 6 tuổi") in html
    assert "Đang giải quyết" in html
    assert "09/03/2026 08:30" in html  # received
    assert "12/03/2026 08:30" in html  # appointment: 3 working days
    assert "Hẹn ban đầu" not in html  # no apology moved it


def test_control_slip_rows_with_outcomes(client, db_engine):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    rows = control_slip_rows(client.get(f"/dossiers/{parent}").get_data(as_text=True))
    assert rows == [
        "Công dân Một cửa Tiếp nhận hồ sơ liên thông 09/03/2026 08:30 09/03/2026 09:00 "
        "Trần Thị Bích Phạm Thị Lan 09/03/2026 10:30 Đúng hạn",
        "Một cửa Tư pháp - Hộ tịch Ghi sổ hộ tịch, cấp giấy khai sinh 09/03/2026 09:00 "
        "09/03/2026 16:00 Phạm Thị Lan Đỗ Văn Hùng 09/03/2026 14:00 Quá hạn",
        "Tư pháp - Hộ tịch Lãnh đạo Ký giấy khai sinh 09/03/2026 16:00 10/03/2026 10:30 "
        "Đỗ Văn Hùng Ngô Thanh Tùng 09/03/2026 17:00 Quá hạn",
    ]


def test_linked_dossiers_with_their_state(client, db_engine):
    parent, police, bhxh = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{parent}").get_data(as_text=True)
    assert police.startswith("CA-PHUCLOI-") and bhxh.startswith("BHXH-LONGBIEN-")
    # the ward sees the parts' state, but their pages belong to the district's agencies
    assert police in html and f'href="/dossiers/{police}"' not in html
    assert bhxh in html and f'href="/dossiers/{bhxh}"' not in html
    assert "Công an phường Phúc Lợi" in html and "Bảo hiểm xã hội cơ sở Long Biên" in html
    assert html.count("Hồ sơ thành phần") == 2
    # the city's supervisor sees both parts
    client.post("/logout")
    login(client, "giamsat.hanoi")
    html = client.get(f"/dossiers/{parent}").get_data(as_text=True)
    assert f'href="/dossiers/{police}"' in html and f'href="/dossiers/{bhxh}"' in html


def test_linked_part_shows_its_parent_and_handover(client, db_engine):
    parent, police, _ = interlinked(db_engine)
    login(client, "congan.phucloi")
    response = client.get(f"/dossiers/{police}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hồ sơ liên thông gốc" in html
    assert parent in html and f'href="/dossiers/{parent}"' not in html  # not the police's
    assert f"từ hồ sơ {parent}" in html  # the control slip row came from the ward
    assert client.get(f"/dossiers/{parent}").status_code == 404


def test_diagram_viewer_with_done_and_current_steps(client, db_engine, app):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{parent}").get_data(as_text=True)
    script = re.search(r'<script src="(/static/vendor/bpmn-viewer-[\d.]+\.js)"></script>', html)
    assert script, "no viewer script tag"
    assert re.search(r'href="/static/vendor/bpmn-viewer-[\d.]+\.css"', html)
    with client.get(script.group(1)) as bundle:
        assert bundle.status_code == 200 and b"LienThongViewer" in bundle.data
    assert "LienThongViewer.show(" in html
    data = diagram_data(html)
    assert 'id="birth_residence_health_card"' in data["xml"]
    assert "bpmndi:BPMNDiagram" in data["xml"]  # the layout the viewer draws
    assert {"start", "receive_dossier", "call_registration", "send_residence",
            "send_card"} <= set(data["done"])
    assert sorted(data["current"]) == ["wait_card", "wait_residence"]  # the parts run


def test_diagram_of_a_called_step_marks_the_call_activity(client, db_engine):
    code = birth_registration(db_engine)  # at the officer, inside the called core
    login(client, "tiepnhan.phucloi")
    data = diagram_data(client.get(f"/dossiers/{code}").get_data(as_text=True))
    assert "receive" not in " ".join(data["current"])
    assert len(data["current"]) == 1
    assert f'<bpmn:callActivity id="{data["current"][0]}"' in data["xml"]


def test_timeline_in_words(client, db_engine):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{parent}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline.group(1)))
    assert "09/03/2026 08:30 Đã tiếp nhận hồ sơ — Phạm Thị Lan" in text
    assert "Hoàn thành bước “Ghi sổ hộ tịch, cấp giấy khai sinh” — Đỗ Văn Hùng Quá hạn" in text
    assert "Chuyển đến bước “Ký giấy khai sinh” (Lãnh đạo)" in text


def test_apology_shows_original_and_current_appointment(client, db_engine):
    code = apologised(db_engine)
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{code}").get_data(as_text=True)
    assert "Hẹn ban đầu" in html and "<s>06/03/2026 17:00</s>" in html
    assert "<strong>10/03/2026 17:00</strong>" in html
    assert "Chờ xác minh thông tin người mẹ" in html and "Ngô Thanh Tùng" in html
    assert "/papers/apology" in html


def test_supplement_requests_are_listed(client, db_engine):
    code = asked_for_papers(db_engine, ["Bản sao giấy đăng ký kết hôn"])
    with transaction(db_engine) as session:
        supply(session, fresh_runtime(), code, user="tiepnhan.phucloi",
               documents=["Bản sao giấy đăng ký kết hôn"], at=vn("2026-03-09 09:00"))
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{code}").get_data(as_text=True)
    assert "Yêu cầu bổ sung" in html and "Bản sao giấy đăng ký kết hôn" in html
    assert "Thiếu giấy tờ chứng minh quan hệ hôn nhân" in html
    assert "Yêu cầu bổ sung hồ sơ (lần 1)" in html and "Công dân đã bổ sung hồ sơ" in html
    assert "/papers/supplement" in html and "/papers/refusal" not in html
    assert "/papers/stop-notice" not in html


def test_another_wards_dossier_answers_as_an_unknown_one(client, db_engine):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.viethung")
    client.get("/desk/")  # shows the greeting once
    seen, unknown = client.get(f"/dossiers/{code}"), client.get("/dossiers/PHUCLOI-260101-0999")
    assert seen.status_code == unknown.status_code == 404
    assert seen.get_data(as_text=True).replace(code, "X") == \
        unknown.get_data(as_text=True).replace("PHUCLOI-260101-0999", "X")


def test_unknown_dossier_is_404(client):
    login(client, "tiepnhan.phucloi")
    response = client.get("/dossiers/PHUCLOI-260101-9999")
    assert response.status_code == 404
    assert "PHUCLOI-260101-9999" in response.get_data(as_text=True)


def test_page_needs_sign_in(client):
    response = client.get("/dossiers/PHUCLOI-260101-0001")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_ignores_diacritics_and_filters_by_status(client, db_engine):
    code = birth_registration(db_engine)
    other = receive_committed(db_engine, "certified_copy", "2026-03-06 09:30")
    login(client, "tiepnhan.phucloi")
    html = client.get("/dossiers?q=tran+thi+bich").get_data(as_text=True)
    assert f'href="/dossiers/{code}"' in html and f'href="/dossiers/{other}"' in html
    html = client.get("/dossiers", query_string={"q": "TRẦN THỊ BÍCH"}).get_data(as_text=True)
    assert f'href="/dossiers/{code}"' in html
    html = client.get("/dossiers", query_string={"q": code.lower()}).get_data(as_text=True)
    assert f'href="/dossiers/{code}"' in html and other not in html
    html = client.get("/dossiers?q=nguyen+van+a").get_data(as_text=True)
    assert code not in html and "Không tìm thấy hồ sơ nào." in html
    html = client.get("/dossiers?status=waiting_supplement").get_data(as_text=True)
    assert code not in html
    html = client.get("/dossiers?status=running").get_data(as_text=True)
    assert code in html


def test_search_covers_only_the_users_units(client, db_engine):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.viethung")
    assert code not in client.get("/dossiers?q=bich").get_data(as_text=True)
    client.post("/logout")
    login(client, "giamsat.hanoi")  # the city sees every ward below it
    assert code in client.get("/dossiers?q=bich").get_data(as_text=True)


def test_page_in_english_keeps_data_and_translates_labels(client, db_engine):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    client.get("/lang/en")
    html = client.get(f"/dossiers/{parent}").get_data(as_text=True)
    assert "Control slip" in html and "Linked dossiers" in html and "Late" in html
    assert "Trần Thị Bích" in html
    assert "Dossier received" in html
