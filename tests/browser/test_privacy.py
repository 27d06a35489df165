"""What a browser run leaves behind and lets through: no page breaks its Content Security
Policy (the inline scripts carry the request's nonce), and the server's logs carry none
of the citizens' names, ID numbers and phone numbers, nor the staff's names and
passwords.

The log test reads the log of the whole browser session (every test before it in this
folder) after adding its own traffic: a dossier received and searched for by name."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from engine.simulation import DEMO_PASSWORD, DEMO_USERS
from tests.browser.test_interlinked import RECEIPT, receive_dossier, record_child
from tests.live_server import LiveServer

SignIn = Callable[[str], Page]
APPLICANT = "Lê Thị Khánh Vân"
# what receive_dossier and record_child type: the citizen's address, phone and ID number,
# the child's and the parents' names
CITIZENS_DATA = (APPLICANT, "001190012345", "0912345678", "Số 12 ngõ 5 Phúc Lợi",
                 "Nguyễn Bảo An", "Nguyễn Văn Cường", "Trần Thị Bích")


def csp_violations(page: Page) -> list[str]:
    found: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", seen)
    return found


def test_no_page_breaks_the_content_security_policy(sign_in: SignIn) -> None:
    clerk = sign_in("tiepnhan.phucloi")
    refused = csp_violations(clerk)
    code = receive_dossier(clerk, APPLICANT)  # the catalog's live filter is a script
    record_child(clerk)
    clerk.goto(f"/dossiers/{code}")
    expect(clerk.locator("#diagram")).to_have_attribute("data-ready", "true")  # bpmn-js
    clerk.goto(f"/dossiers/{code}/papers/receipt")
    expect(clerk.get_by_role("heading", level=1)).to_have_text(RECEIPT)
    with clerk.expect_event("console") as printed:  # the print button's script runs
        clerk.evaluate("window.print = function () { console.log('printing'); }")
        clerk.get_by_role("button", name="In").click()
    assert printed.value.text == "printing"
    assert refused == []


def test_the_server_logs_carry_no_citizen_data_nor_passwords(
        sign_in: SignIn, server: LiveServer) -> None:
    clerk = sign_in("tiepnhan.phucloi")
    receive_dossier(clerk, APPLICANT)
    clerk.goto("/dossiers")
    clerk.get_by_label("Mã hồ sơ hoặc tên người nộp").fill(APPLICANT)
    clerk.get_by_role("button", name="Tìm").click()
    expect(clerk.locator("table")).to_contain_text(APPLICANT)

    log = server.output()
    assert re.search(r'"GET /dossiers HTTP/1\.1" 200', log), log[-2000:]
    assert "POST /login" in log  # the sign-ins above are in it
    staff_names = [full_name for _user, full_name, *_rest in DEMO_USERS]
    for secret in (*CITIZENS_DATA, *staff_names, DEMO_PASSWORD):
        assert secret not in log, f"the server's log carries {secret!r}"
    # nor in any spelling a URL gives them
    assert "q=" not in log and "%20" not in log
