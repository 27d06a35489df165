"""The printable papers: HTML laid out like the standard forms, PDF through WeasyPrint."""

from __future__ import annotations

import re

import pytest

from engine.dossiers import apologize, close
from engine.vocabulary import FinishKind
from tests.conftest import vn
from tests.web.conftest import login
from tests.web.pages.helpers import (
    MOTTO,
    apologised,
    asked_for_papers,
    assert_pdf,
    birth_registration,
    fresh_runtime,
    interlinked,
    transaction,
)


def text_of(html: str) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").strip()


def sheet(html: str) -> str:
    found = re.search(r'<article class="sheet[^"]*" lang="vi">(.*?)</article>', html, re.S)
    assert found, "no paper sheet in the page"
    return text_of(found.group(1))


def test_receipt(client, db_engine):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    response = client.get(f"/dossiers/{code}/papers/receipt")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "size: A5" in html  # an A5 slip
    paper = sheet(html)
    for expected in (
        *MOTTO, "THÀNH PHỐ HÀ NỘI", "PHƯỜNG PHÚC LỢI", "Phúc Lợi, ngày 06 tháng 03 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code}",
        "tiếp nhận hồ sơ của: Trần Thị Bích", "Địa chỉ: Số 12 ngõ 5 Phúc Lợi, Long Biên",
        "Số điện thoại: 0912345678", "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Số lượng hồ sơ: 1 (bộ)",
        "Thời gian giải quyết hồ sơ theo quy định là: trong ngày làm việc",
        "Thời hạn tính theo giờ làm việc kể từ khi tiếp nhận hồ sơ.",
        "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 06/03/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 06/03/2026",
        "Đăng ký nhận kết quả tại: Bộ phận Một cửa, Phường Phúc Lợi",
        "Lệ phí, phí: Miễn lệ phí đăng ký khai sinh đúng hạn",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 2026, Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Phạm Thị Lan",
    ):
        assert expected in paper, expected
    assert 'id="print-paper"' in html and "no-print" in html  # the "In" button


def test_receipt_of_a_multi_day_procedure_names_its_limit(client, db_engine):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    paper = sheet(client.get(f"/dossiers/{parent}/papers/receipt").get_data(as_text=True))
    assert "theo quy định là: 03 ngày làm việc" in paper
    assert "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 30 phút, ngày 12/03/2026" in paper


def test_supplement_request(client, db_engine):
    code = asked_for_papers(db_engine, ["Bản sao giấy đăng ký kết hôn", "Giấy xác nhận cư trú"])
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{code}/papers/supplement").get_data(as_text=True)
    assert "size: A4" in html
    paper = sheet(html)
    for expected in (
        *MOTTO, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Hồ sơ của: Trần Thị Bích",
        f"Mã hồ sơ: {code}", "Bản sao giấy đăng ký kết hôn", "Giấy xác nhận cư trú",
        "Lý do: Thiếu giấy tờ chứng minh quan hệ hôn nhân",
        "ông/bà liên hệ với Đỗ Văn Hùng", "NGƯỜI HƯỚNG DẪN",
        "Phúc Lợi, ngày 06 tháng 03 năm 2026",
        "trước 10 giờ 00 phút, ngày 17/03/2026",  # 7 working days
    ):
        assert expected in paper, expected


def test_refusal(client, db_engine):
    code = birth_registration(db_engine)
    with transaction(db_engine) as session:
        close(session, fresh_runtime(), code, FinishKind.REFUSED, user="hotich.phucloi",
              reason="Giấy chứng sinh không hợp lệ", at=vn("2026-03-06 11:00"))
    login(client, "tiepnhan.phucloi")
    paper = sheet(client.get(f"/dossiers/{code}/papers/refusal").get_data(as_text=True))
    for expected in (
        *MOTTO, "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "tiếp nhận hồ sơ của: Trần Thị Bích", f"Mã hồ sơ: {code}",
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "Giấy chứng sinh không hợp lệ", "NGƯỜI TỪ CHỐI", "Đỗ Văn Hùng",
    ):
        assert expected in paper, expected


def stopped(db_engine) -> str:
    """A birth registration whose processing the officer stopped on 06/03 at 11:00."""
    code = birth_registration(db_engine)
    with transaction(db_engine) as session:
        close(session, fresh_runtime(), code, FinishKind.STOPPED, user="hotich.phucloi",
              reason="Tòa án đang giải quyết tranh chấp về quan hệ cha con",
              at=vn("2026-03-06 11:00"))
    return code


def test_stop_notice(client, db_engine):
    code = stopped(db_engine)
    login(client, "tiepnhan.phucloi")
    response = client.get(f"/dossiers/{code}/papers/stop-notice")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "size: A4" in html
    paper = sheet(html)
    for expected in (
        *MOTTO, "THÀNH PHỐ HÀ NỘI", "PHƯỜNG PHÚC LỢI", "Phúc Lợi, ngày 06 tháng 03 năm 2026",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Ngày 06/03/2026, Phường Phúc Lợi tiếp nhận hồ sơ của ông/bà: Trần Thị Bích",
        f"Mã hồ sơ: {code}", "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 06/03/2026",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 06/03/2026",
        "thông báo dừng giải quyết hồ sơ nêu trên kể từ 11 giờ 00 phút, ngày 06/03/2026",
        "Lý do dừng giải quyết: Tòa án đang giải quyết tranh chấp về quan hệ cha con",
        "NGƯỜI QUYẾT ĐỊNH DỪNG GIẢI QUYẾT", "(Ký và ghi rõ họ tên)", "Đỗ Văn Hùng",
    ):
        assert expected in paper, expected
    page = client.get(f"/dossiers/{code}").get_data(as_text=True)  # linked from the dossier
    assert f"/dossiers/{code}/papers/stop-notice" in page and "/papers/refusal" not in page


def test_apology(client, db_engine):
    """The 2025 form's title; no number, addressee or distribution given: a blank number
    to fill in, the applicant, and the usual distribution."""
    code = apologised(db_engine)
    login(client, "tiepnhan.phucloi")
    paper = sheet(client.get(f"/dossiers/{code}/papers/apology").get_data(as_text=True))
    for expected in (
        *MOTTO, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "Số: ……/……",
        "Kính gửi: Ông/Bà Trần Thị Bích",
        "Ngày 06/03/2026, Phường Phúc Lợi tiếp nhận hồ sơ của ông/bà: Trần Thị Bích",
        f"Mã hồ sơ (số Giấy tiếp nhận hồ sơ và hẹn trả kết quả): {code}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 06/03/2026",
        "Lý do: Chờ xác minh thông tin người mẹ",
        "đề nghị gia hạn thời gian giải quyết hồ sơ; thời gian hẹn trả kết quả mới: "
        "17 giờ 00 phút, ngày 10/03/2026",
        "Nơi nhận: - Như trên; - Lưu: VT.",
        "THỦ TRƯỞNG CƠ QUAN", "Ngô Thanh Tùng",
    ):
        assert expected in paper, expected
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" not in paper  # the 2018 title


def test_apology_prints_the_letters_number_addressee_and_distribution(client, db_engine):
    code = birth_registration(db_engine)
    with transaction(db_engine) as session:
        apologize(session, fresh_runtime(), code, leader="lanhdao.phucloi",
                  reason="Chờ xác minh thông tin người mẹ",
                  new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-06 15:00"),
                  number="12/UBND-VP", addressee="Nguyễn Văn An (người được ủy quyền)",
                  distribution=["Như trên", "Chủ tịch UBND phường (để b/c)", "Lưu: VT, VP"])
    login(client, "tiepnhan.phucloi")
    paper = sheet(client.get(f"/dossiers/{code}/papers/apology").get_data(as_text=True))
    for expected in ("Số: 12/UBND-VP", "Kính gửi: Ông/Bà Nguyễn Văn An (người được ủy quyền)",
                     "Nơi nhận: - Như trên; - Chủ tịch UBND phường (để b/c); - Lưu: VT, VP."):
        assert expected in paper, expected


def test_receipt_numbers_the_logbook_lines_of_the_year(client, db_engine):
    first = birth_registration(db_engine)
    second = birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    for code, line in ((first, 1), (second, 2)):
        paper = sheet(client.get(f"/dossiers/{code}/papers/receipt").get_data(as_text=True))
        assert f"Quyển số: 2026, Số thứ tự: {line}" in paper


def test_control_slip(client, db_engine):
    parent, _, _ = interlinked(db_engine)
    login(client, "tiepnhan.phucloi")
    html = client.get(f"/dossiers/{parent}/papers/control-slip").get_data(as_text=True)
    paper = sheet(html)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in paper
    assert f"Mã hồ sơ: {parent}" in paper and "Kèm theo hồ sơ của: Trần Thị Bích" in paper
    assert "(Trước hạn/Đúng hạn/Quá hạn)" in paper
    rows = [text_of(row) for row in re.findall(
        r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1), re.S)]
    assert rows == [
        "1 Giao: Công dân Nhận: Một cửa Giao: 08:30 09/03/2026 Nhận: 09:00 09/03/2026 "
        "Hạn: 10:30 09/03/2026 Trần Thị Bích Phạm Thị Lan Đúng hạn",
        "2 Giao: Một cửa Nhận: Tư pháp - Hộ tịch Giao: 09:00 09/03/2026 "
        "Nhận: 16:00 09/03/2026 Hạn: 14:00 09/03/2026 Phạm Thị Lan Đỗ Văn Hùng Quá hạn",
        "3 Giao: Tư pháp - Hộ tịch Nhận: Lãnh đạo Giao: 16:00 09/03/2026 "
        "Nhận: 10:30 10/03/2026 Hạn: 17:00 09/03/2026 Đỗ Văn Hùng Ngô Thanh Tùng Quá hạn",
    ]


def test_papers_keep_vietnamese_text_in_the_english_interface(client, db_engine):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    client.get("/lang/en")
    html = client.get(f"/dossiers/{code}/papers/receipt").get_data(as_text=True)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html and "NGƯỜI NỘP HỒ SƠ" in html
    assert ">Print</button>" in html and "Download PDF" in html


@pytest.mark.parametrize(("kind", "message"), [
    ("refusal", "không bị từ chối"),
    ("apology", "chưa có thư xin lỗi"),
    ("supplement", "chưa có yêu cầu bổ sung"),
    ("stop-notice", "không bị dừng giải quyết"),
])
def test_a_paper_that_does_not_apply_is_a_clear_404(client, db_engine, kind, message):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    response = client.get(f"/dossiers/{code}/papers/{kind}")
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)


def test_unknown_kind_dossier_and_other_unit(client, db_engine):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    assert client.get(f"/dossiers/{code}/papers/certificate").status_code == 404
    assert client.get("/dossiers/PHUCLOI-260101-9999/papers/receipt").status_code == 404
    client.post("/logout")
    login(client, "tiepnhan.viethung")
    assert client.get(f"/dossiers/{code}/papers/receipt").status_code == 404  # as unknown
    assert client.get(f"/dossiers/{code}/papers/receipt.pdf").status_code == 404



def test_logbook_lists_the_dossiers_received_in_the_range(client, db_engine):
    first = birth_registration(db_engine)  # 06/03
    parent, police, _ = interlinked(db_engine)  # 09/03, the police part 10/03
    login(client, "tiepnhan.phucloi")
    response = client.get("/papers/logbook?from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "size: A4 landscape" in html and 'name="from" value="2026-03-01"' in html
    paper = sheet(html)
    assert "SỔ THEO DÕI HỒ SƠ" in paper and MOTTO[0] in paper
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in paper
    # row, the receipt's line/volume (the unit's order of receipt that year), code ...
    assert (f"1 1/2026 {first} Đăng ký khai sinh Trần Thị Bích Phường Phúc Lợi "
            "08:30 06/03/2026") in paper
    assert f"2 2/2026 {parent} Liên thông đăng ký khai sinh" in paper
    assert police not in paper  # the police post's dossiers are the district police's
    assert "Đang giải quyết" in paper
    only_ninth = sheet(client.get("/papers/logbook?from=2026-03-09&to=2026-03-09")
                       .get_data(as_text=True))
    assert parent in only_ninth and first not in only_ninth and police not in only_ninth
    assert f"1 2/2026 {parent}" in only_ninth  # the line the receipt gave, not the row


def test_logbook_pdf_and_bad_dates(client, db_engine):
    birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    response = client.get("/papers/logbook?from=2026-03-01&to=2026-03-31&format=pdf")
    assert_pdf(response)
    assert "so-theo-doi-20260301-20260331.pdf" in response.headers["Content-Disposition"]
    assert client.get("/papers/logbook?from=2026-31-03").status_code == 400
    assert client.get("/papers/logbook?from=2026-03-10&to=2026-03-01").status_code == 400


def test_logbook_of_another_ward_is_empty(client, db_engine):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.viethung")
    paper = sheet(client.get("/papers/logbook?from=2026-03-01&to=2026-03-31")
                  .get_data(as_text=True))
    assert code not in paper and "PHƯỜNG VIỆT HƯNG" in paper
    assert "Không có hồ sơ nào được tiếp nhận trong thời gian này." in paper


def test_logbook_dates_out_of_range_are_refused(client, db_engine):
    login(client, "tiepnhan.phucloi")
    for query in ("from=9999-12-30&to=9999-12-31", "from=0001-01-01&to=0001-01-02"):
        response = client.get(f"/papers/logbook?{query}")
        assert response.status_code == 400
        assert "từ 1900-01-01 đến 2100-12-31" in response.get_data(as_text=True)
