"""The papers as PDFs (WeasyPrint), read back with pypdf: each names its own dossier and
no other, the receipt and the logbook, and the largest dossier a client can make still
prints its receipt within bounds."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from engine.dossiers import MAX_DOCUMENTS, apologize, close, request_supplement, supply
from engine.errors import InvalidAction
from engine.runtime import start
from engine.vocabulary import FinishKind
from tests.conftest import vn
from tests.samples import BIRTH, DOCUMENTS, MOTHER
from tests.web.conftest import login
from tests.web.pages.helpers import (
    MOTTO,
    assert_pdf,
    birth_registration,
    complete_next,
    fresh_runtime,
    pdf_text,
    transaction,
)
from web.inputs import (
    MAX_PAPERS,
    NAME_LENGTH,
    PAPER_LENGTH,
    TEXT_LENGTH,
    ReceiveDossierInput,
    SupplyInput,
)

LOGBOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"


@pytest.mark.parametrize("url", ["/dossiers/{code}/papers/receipt.pdf",
                                 "/dossiers/{code}/papers/receipt?format=pdf"])
def test_receipt_pdf(client, db_engine, url):
    code = birth_registration(db_engine)
    login(client, "tiepnhan.phucloi")
    response = client.get(url.format(code=code))
    assert_pdf(response)
    assert f"giay-tiep-nhan-{code}.pdf" in response.headers["Content-Disposition"]
    assert f"Mã hồ sơ: {code}" in pdf_text(response)


# -- the PDFs, read back for their text ------------------------------------------------------
# pypdf reads WeasyPrint's embedded DejaVu fonts back with every Vietnamese mark intact
# (composed, as typed), so the papers' own words can be asserted on as they are printed.

FATHER = {"name": "Nguyễn Văn Cường", "phone": "0987654321",
          "address": "Số 3 ngõ 7 Phúc Lợi, Long Biên"}


def received(db_engine, applicant: dict, day: str) -> str:
    """A birth registration received at 08:30 on `day`, checked at the desk at 09:00."""
    with transaction(db_engine) as session:
        code = start(session, fresh_runtime(), "birth_registration", unit="PHUCLOI",
                     actor="tiepnhan.phucloi", at=vn(f"{day} 08:30"), applicant=applicant,
                     documents=DOCUMENTS).code
    complete_next(db_engine, code, "tiepnhan.phucloi", BIRTH, f"{day} 09:00")
    return code


def ask_supplement(session, code: str, day: str) -> None:
    request_supplement(session, fresh_runtime(), code, user="hotich.phucloi",
                       items=["Giấy xác nhận cư trú"], reason="Thiếu giấy tờ",
                       at=vn(f"{day} 10:00"))


def refuse(session, code: str, day: str) -> None:
    close(session, fresh_runtime(), code, FinishKind.REFUSED, user="hotich.phucloi",
          reason="Giấy chứng sinh không hợp lệ", at=vn(f"{day} 11:00"))


def apologise(session, code: str, day: str) -> None:
    apologize(session, fresh_runtime(), code, leader="lanhdao.phucloi", reason="Chờ xác minh",
              new_appointment=vn("2026-03-12 17:00"), at=vn(f"{day} 15:00"))


def stop(session, code: str, day: str) -> None:
    close(session, fresh_runtime(), code, FinishKind.STOPPED, user="hotich.phucloi",
          reason="Tòa án đang giải quyết tranh chấp", at=vn(f"{day} 11:00"))


PDFS = {  # kind -> what makes the paper exist, its title, its file name
    "receipt": (None, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "giay-tiep-nhan"),
    "supplement": (ask_supplement, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                   "phieu-yeu-cau-bo-sung"),
    "refusal": (refuse, "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", "phieu-tu-choi"),
    "apology": (apologise, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                "van-ban-xin-loi"),
    "stop-notice": (stop, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "thong-bao-dung-giai-quyet"),
    "control-slip": (None, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "phieu-kiem-soat"),
}


@pytest.mark.parametrize("kind", list(PDFS))
def test_a_pdf_paper_names_its_own_dossier_and_no_other(client, db_engine, kind):
    """Two dossiers with the same kind of paper: the second one's PDF must carry its own
    code and applicant, never the first one's (a citizen would get a stranger's paper)."""
    prepare, title, slug = PDFS[kind]
    first = received(db_engine, MOTHER, "2026-03-06")
    second = received(db_engine, FATHER, "2026-03-09")
    if prepare is not None:
        for code, day in ((first, "2026-03-06"), (second, "2026-03-09")):
            with transaction(db_engine) as session:
                prepare(session, code, day)
    login(client, "tiepnhan.phucloi")
    response = client.get(f"/dossiers/{second}/papers/{kind}.pdf")
    assert_pdf(response)
    assert f"{slug}-{second}.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response)
    for expected in (*MOTTO, title, second, FATHER["name"]):
        assert expected in text, expected
    assert first not in text and MOTHER["name"] not in text


def test_logbook_pdf_lists_only_the_dossiers_of_its_days(client, db_engine):
    first = received(db_engine, MOTHER, "2026-03-06")
    second = received(db_engine, FATHER, "2026-03-09")
    login(client, "tiepnhan.phucloi")
    text = pdf_text(client.get("/papers/logbook?from=2026-03-09&to=2026-03-09&format=pdf"))
    for expected in (LOGBOOK_TITLE, "Từ ngày 09/03/2026 đến ngày 09/03/2026", second,
                     FATHER["name"]):
        assert expected in text, expected
    assert first not in text and MOTHER["name"] not in text


def largest_dossier(db_engine) -> str:
    """The biggest dossier a client can make: every text at its longest, the most papers
    at once, supplemented until it holds the most papers a dossier may."""
    def papers(n: int) -> list[str]:
        return [(f"{i:04d} " + "Giấy tờ kèm theo rất dài " * 30)[:PAPER_LENGTH]
                for i in range(n, n + MAX_PAPERS)]

    applicant = {"name": ("Nguyễn Thị " * 30)[:NAME_LENGTH],
                 "address": ("Số 12 ngõ 5 Phúc Lợi, Long Biên, " * 80)[:TEXT_LENGTH],
                 "phone": "+84 912 345 678", "email": "b@example.vn",
                 "id_number": "001190012345"}
    received = ReceiveDossierInput.model_validate({
        "procedure": "birth_registration", "applicant": applicant, "documents": papers(0)})
    with transaction(db_engine) as session:
        code = start(session, fresh_runtime(), "birth_registration", unit="PHUCLOI",
                     actor="tiepnhan.phucloi", at=vn("2026-03-02 08:30"),
                     applicant=received.applicant.model_dump(exclude_none=True),
                     documents=received.documents).code
    for n, day in ((MAX_PAPERS, "03"), (2 * MAX_PAPERS, "04")):
        more = SupplyInput.model_validate({"documents": papers(n)}).documents
        with transaction(db_engine) as session:
            request_supplement(session, fresh_runtime(), code, user="tiepnhan.phucloi",
                               items=more, reason="Thiếu", at=vn(f"2026-03-{day} 09:00"))
        with transaction(db_engine) as session:
            supply(session, fresh_runtime(), code, user="tiepnhan.phucloi", documents=more,
                   at=vn(f"2026-03-{day} 10:00"))
    return code


def test_the_largest_dossier_still_prints_its_receipt(client, db_engine):
    code = largest_dossier(db_engine)
    with transaction(db_engine) as session:
        with pytest.raises(InvalidAction, match="more than 150 papers"):
            request_supplement(session, fresh_runtime(), code, user="tiepnhan.phucloi",
                               items=["x"], reason="y", at=vn("2026-03-05 09:00"))
            supply(session, fresh_runtime(), code, user="tiepnhan.phucloi",
                   documents=["one more"], at=vn("2026-03-05 10:00"))
    login(client, "tiepnhan.phucloi")
    response = client.get(f"/dossiers/{code}/papers/receipt.pdf")
    data = assert_pdf(response)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages <= 30 and len(data) < 500_000, (pages, len(data))  # 17 pages, 36 kB
    assert "0149 Giấy tờ kèm theo" in pdf_text(response)
    assert MAX_DOCUMENTS == 3 * MAX_PAPERS
