"""The interlinked procedure (khai sinh – thường trú – thẻ BHYT) in the browser, as the
people at the desk and in the agencies work it: each signs in with a browser of their
own, finds their task, completes it; the clerk returns the results, and the dossier's
page and its control slip show every handover. Saves the README's screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

Screenshot = Callable[..., None]
SignIn = Callable[[str], Page]

PROCEDURE = "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT"
RECEIPT = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
CONTROL_SLIP = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
RECEIVE = "Tiếp nhận hồ sơ liên thông"
REGISTER = "Ghi sổ hộ tịch, cấp giấy khai sinh"
SIGN = "Ký giấy khai sinh"
CHECK_RESIDENCE = "Thẩm định hồ sơ đăng ký thường trú"
RECORD_RESIDENCE = "Cập nhật thông tin thường trú vào Cơ sở dữ liệu về cư trú"
CHECK_CARD = "Kiểm tra, đối chiếu thông tin của trẻ"
ISSUE_CARD = "Cấp mã số BHXH, thẻ BHYT"
RETURN = "Trả kết quả liên thông"


# -- what each person does -----------------------------------------------------------------

def receive_dossier(clerk: Page, applicant: str, screenshot: Screenshot | None = None) -> str:
    """The clerk finds the procedure in the catalog, fills the receipt form and receives
    the dossier; returns its code, read from the page that follows."""
    clerk.get_by_role("link", name="Tiếp nhận hồ sơ mới").click()
    clerk.wait_for_load_state()
    clerk.get_by_label("Tìm thủ tục").fill("lien thong khai sinh")  # typed without diacritics
    found = clerk.locator("#procedures li")
    expect(found).to_have_count(1)  # the list filters as the clerk types
    found.get_by_role("link", name=PROCEDURE).click()

    expect(clerk.get_by_role("heading", level=1)).to_contain_text(PROCEDURE)
    clerk.get_by_label("Họ và tên người nộp").fill(applicant)
    clerk.get_by_label("Địa chỉ").fill("Số 12 ngõ 5 Phúc Lợi, Long Biên, Hà Nội")
    clerk.get_by_label("Số điện thoại").fill("0912345678")
    clerk.get_by_label("Số định danh cá nhân / CCCD").fill("001190012345")
    clerk.get_by_label("Tờ khai đăng ký khai sinh").check()
    clerk.get_by_label("Giấy chứng sinh").check()
    expect(clerk.get_by_label("Hình thức nộp hồ sơ")).to_have_value("in_person")
    if screenshot:
        screenshot(clerk, "desk-receive", full_page=True)
    clerk.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    expect(clerk.get_by_role("heading", name="Đã tiếp nhận hồ sơ")).to_be_visible()
    code = clerk.locator(".dossier-code").inner_text().strip()
    assert re.fullmatch(r"PHUCLOI-\d{6}-\d{4}", code), code
    return code


def open_task(page: Page, step: str, applicant: str) -> None:
    """From the inbox, open the step that waits on this applicant's dossier."""
    page.get_by_role("navigation").get_by_role("link", name="Việc cần xử lý").click()
    row = page.locator("#tasks tbody tr").filter(has_text=applicant).filter(has_text=step)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=step).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(step)


def claim(page: Page) -> None:
    page.get_by_role("button", name="Nhận việc").click()
    expect(page.get_by_role("status")).to_contain_text("Bạn đã nhận việc")


def complete(page: Page, step: str) -> None:
    page.get_by_role("button", name="Hoàn thành", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã hoàn thành “{step}”")


def work(page: Page, step: str, applicant: str, choose: dict[str, str] | None = None,
         fill: dict[str, str] | None = None) -> None:
    """Open the step from the inbox, claim it, answer its form and complete it."""
    open_task(page, step, applicant)
    claim(page)
    for label, option in (choose or {}).items():
        page.get_by_label(label).select_option(label=option)
    for label, text in (fill or {}).items():
        page.get_by_label(label).fill(text)
    complete(page, step)


def agree(page: Page, step: str, applicant: str, decision: str) -> str:
    """An agency's first step of its linked part: open it, read the part's own dossier
    code, claim it and agree; returns that code."""
    open_task(page, step, applicant)
    code = shown_code(page)
    claim(page)
    page.get_by_label(decision).select_option(label="Đồng ý")
    complete(page, step)
    return code


def record_child(clerk: Page) -> None:
    """The desk's first step, opened from the received page: the child's data."""
    clerk.get_by_role("link", name=f"Nhập thông tin hồ sơ: {RECEIVE}").click()
    claim(clerk)
    clerk.get_by_label("Họ và tên trẻ").fill("Nguyễn Bảo An")
    clerk.get_by_label("Ngày sinh").fill("2026-02-27")
    clerk.get_by_label("Giới tính").select_option(label="nữ")
    clerk.get_by_label("Nơi sinh").fill("Bệnh viện Phụ sản Hà Nội")
    clerk.get_by_label("Họ và tên mẹ").fill("Trần Thị Bích")
    clerk.get_by_label("Họ và tên cha").fill("Nguyễn Văn Cường")
    clerk.get_by_label("Nơi đăng ký thường trú của trẻ").fill("Số 12 ngõ 5 Phúc Lợi, Long Biên")
    clerk.get_by_label("Nơi đăng ký khám chữa bệnh ban đầu").fill("Trạm y tế phường Phúc Lợi")
    # the agencies serving the ward, as a list: its own commune police only (Gia Lâm's
    # and the old ward's police are not in it), after the blank "default" choice
    police = clerk.get_by_label("Công an nhận phần đăng ký thường trú")
    expect(police.locator("option")).to_have_count(2)
    police.select_option(label="Công an phường Phúc Lợi (CA-PHUCLOI)")
    complete(clerk, RECEIVE)


def shown_code(page: Page) -> str:
    """The dossier code in the task page's summary ("Mã hồ sơ")."""
    label = page.get_by_text("Mã hồ sơ", exact=True)  # not "Mã hồ sơ liên thông ..."
    return page.locator("dl > div").filter(has=label).locator("dd").inner_text()


def rows(table: Locator) -> list[list[str]]:
    """The text of a table's body rows, cell by cell, spaces squeezed."""
    return [[" ".join(cell.split()) for cell in row.locator("td").all_inner_texts()]
            for row in table.locator("tbody tr").all()]


# -- the tests -------------------------------------------------------------------------------

def test_interlinked_dossier_worked_by_the_ward_police_and_social_insurance(
        sign_in: SignIn, screenshot: Screenshot) -> None:
    applicant = "Trần Thị Bích"

    # the reception clerk receives the dossier and prints the receipt
    clerk = sign_in("tiepnhan.phucloi")
    code = receive_dossier(clerk, applicant, screenshot)
    appointment = clerk.locator(".appointment").inner_text()
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", appointment), appointment
    # The printable receipt in a tab of its own. Not through the button, which opens the
    # PDF (see test_the_receipt_button_opens_the_printable_receipt).
    receipt = clerk.context.new_page()
    receipt.goto(f"/dossiers/{code}/papers/receipt")
    expect(receipt.get_by_role("heading", level=1)).to_have_text(RECEIPT)
    expect(receipt.locator("article")).to_contain_text(f"Mã hồ sơ: {code}")
    expect(receipt.locator("article")).to_contain_text(f"ngày {appointment.split()[0]}")
    screenshot(receipt, "receipt", full_page=True)
    receipt.close()
    record_child(clerk)

    # the civil-status officer registers the birth
    officer = sign_in("hotich.phucloi")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Việc cần xử lý")
    waiting = officer.locator("#tasks tbody tr").filter(has_text=code)
    expect(waiting).to_contain_text(REGISTER)
    expect(waiting).to_contain_text(applicant)
    screenshot(officer, "inbox")
    open_task(officer, REGISTER, applicant)
    assert shown_code(officer) == code
    claim(officer)
    officer.get_by_label("Kết quả thẩm định").select_option(label="Đồng ý")
    officer.get_by_label("Số đăng ký khai sinh").fill("31/2026")
    officer.get_by_label("Số định danh cá nhân của trẻ").fill("001326001234")
    screenshot(officer, "task", down_to=officer.locator("#complete"))
    complete(officer, REGISTER)

    # the ward's leader signs
    work(sign_in("lanhdao.phucloi"), SIGN, applicant, choose={"Ý kiến của lãnh đạo": "Đồng ý"})

    # the police post registers the residence: a dossier of its own, in its own inbox
    police = sign_in("congan.phucloi")
    police_code = agree(police, CHECK_RESIDENCE, applicant, "Kết quả thẩm định")
    assert police_code.startswith("CA-PHUCLOI-"), police_code
    work(police, RECORD_RESIDENCE, applicant, fill={"Số hồ sơ cư trú": "CT-0425"})

    # social insurance issues the health card
    insurer = sign_in("bhxh.longbien")
    bhxh_code = agree(insurer, CHECK_CARD, applicant, "Kết quả kiểm tra")
    assert bhxh_code.startswith("BHXH-LONGBIEN-"), bhxh_code
    work(insurer, ISSUE_CARD, applicant, fill={"Mã số BHXH (mã thẻ BHYT)": "0126012345",
                                               "Thẻ có giá trị từ ngày": "2026-02-27"})

    # back at the desk, the results wait to be returned
    clerk.get_by_role("navigation").get_by_role("link", name="Tiếp nhận hồ sơ").click()
    at_desk = clerk.locator("#at-desk tbody tr").filter(has_text=code)
    at_desk.get_by_role("link", name=RETURN).click()
    claim(clerk)
    clerk.get_by_label("Người nhận kết quả").fill(applicant)
    clerk.get_by_label("Hình thức trả kết quả").select_option(label="Tại bộ phận một cửa")
    complete(clerk, RETURN)

    # the dossier's page: returned, its two linked parts and every handover
    clerk.get_by_role("navigation").get_by_role("link", name="Tra cứu hồ sơ").click()
    clerk.get_by_role("link", name=code, exact=True).click()
    expect(clerk.locator(".dossier-head .status")).to_have_text("Đã trả kết quả")
    links = clerk.get_by_role("region", name="Hồ sơ liên thông")
    linked = {row[1]: row for row in rows(links)}
    assert set(linked) == {police_code, bhxh_code}
    assert [linked[police_code][i] for i in (0, 3)] == [
        "Hồ sơ thành phần", "Công an phường Phúc Lợi"]
    assert [linked[bhxh_code][i] for i in (0, 3)] == [
        "Hồ sơ thành phần", "Bảo hiểm xã hội cơ sở Long Biên"]
    slip = clerk.get_by_role("region", name="Phiếu kiểm soát quá trình giải quyết")
    handovers = [(row[0], row[1], row[2], row[5], row[6]) for row in rows(slip)]
    assert handovers == [
        ("Công dân", "Một cửa", RECEIVE, applicant, "Phạm Thị Lan"),
        ("Một cửa", "Tư pháp - Hộ tịch", REGISTER, "Phạm Thị Lan", "Đỗ Văn Hùng"),
        ("Tư pháp - Hộ tịch", "Lãnh đạo", SIGN, "Đỗ Văn Hùng", "Ngô Thanh Tùng"),
        # the last result to come back hands the dossier to the desk
        (f"Bảo hiểm xã hội từ hồ sơ {bhxh_code}", "Một cửa", RETURN, "Nguyễn Thị Thảo",
         "Phạm Thị Lan"),
    ]
    expect(clerk.locator("#diagram")).to_have_attribute("data-ready", "true")  # bpmn-js drew it
    screenshot(clerk, "dossier", down_to=links)

    # the printed control slip lists the same handovers
    paper = clerk.context.new_page()
    paper.goto(f"/dossiers/{code}/papers/control-slip")
    expect(paper.get_by_role("heading", level=1)).to_have_text(CONTROL_SLIP)
    printed = rows(paper.locator("table.control"))
    assert [row[1] for row in printed] == [
        "Giao: Công dân Nhận: Một cửa", "Giao: Một cửa Nhận: Tư pháp - Hộ tịch",
        "Giao: Tư pháp - Hộ tịch Nhận: Lãnh đạo", "Giao: BHXH Nhận: Một cửa"]
    screenshot(paper, "control-slip")


def test_a_police_officer_cannot_open_the_ward_civil_status_task(sign_in: SignIn) -> None:
    applicant = "Lê Thị Hoa"
    clerk = sign_in("tiepnhan.phucloi")
    receive_dossier(clerk, applicant)
    record_child(clerk)
    officer = sign_in("hotich.phucloi")
    open_task(officer, REGISTER, applicant)

    police = sign_in("congan.phucloi")
    response = police.goto(officer.url)  # answered as if there were no such task
    assert response is not None and response.status == 404
    expect(police.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")
    expect(police.locator("main")).to_contain_text("Không có việc này.")
    expect(police.locator("main")).not_to_contain_text(REGISTER)


def test_the_inbox_switches_to_english(sign_in: SignIn) -> None:
    officer = sign_in("hotich.phucloi")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Việc cần xử lý")
    officer.get_by_role("link", name="English").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(officer.get_by_role("button", name="Sign out")).to_be_visible()
    officer.get_by_role("link", name="Tiếng Việt").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Việc cần xử lý")


def test_the_receipt_button_opens_the_printable_receipt(sign_in: SignIn) -> None:
    clerk = sign_in("tiepnhan.phucloi")
    code = receive_dossier(clerk, "Vũ Thị Hạnh")
    # the button is what the clerk clicks; its target is the page the clerk then sees
    expect(clerk.get_by_role("link", name="In giấy tiếp nhận và hẹn trả kết quả")
           ).to_have_attribute("href", f"/dossiers/{code}/papers/receipt", timeout=1000)
