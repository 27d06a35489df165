"""The supervisor's heatmap: the procedure's diagram with the late step coloured hot,
its figures on it, and a click through to the late dossier."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from engine.calendar import FixedClock
from engine.queries import show_dossier
from engine.runtime import Runtime, complete, start
from engine.storage import make_engine, make_sessionmaker
from tests.conftest import vn
from tests.live_server import LiveServer
from tests.samples import BIRTH, MOTHER

JANUARY = "from=2026-01-01&to=2026-01-31"
# an applicant of her own: the browser tests share one server, and the interlinked
# test looks for its own applicant's steps in the ward's inbox
APPLICANT = MOTHER | {"name": "Đỗ Thị Hằng"}


def checked(server: LiveServer, received: str, done: str) -> str:
    """A birth registration received and checked at the desk at these times."""
    engine = make_engine(server.env["LIENTHONG_DATABASE_URL"])
    runtime = Runtime(FixedClock(vn(received)))
    try:
        with make_sessionmaker(engine).begin() as session:
            code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                         actor="tiepnhan.phucloi", at=vn(received), applicant=APPLICANT).code
        with make_sessionmaker(engine).begin() as session:
            (task,) = [s for s in show_dossier(session, code).steps if s.status == "ready"]
            complete(session, runtime, task.id, user="tiepnhan.phucloi", data=BIRTH,
                     at=vn(done))
    finally:
        engine.dispose()
    return code


def test_heatmap_colours_the_late_step(server: LiveServer,
                                       sign_in: Callable[[str], Page]) -> None:
    late = checked(server, "2026-01-09 15:30", "2026-01-12 09:00")  # 2.5 h of 2: late
    checked(server, "2026-01-12 08:30", "2026-01-12 09:00")
    page = sign_in("giamsat.phucloi")
    page.get_by_role("link", name="Kiểm tra thời gian").click()
    page.goto(f"/audit/birth_registration?{JANUARY}")
    heat = page.locator("#heat-1")
    expect(heat).to_have_attribute("data-ready", "true")
    # half the runs late: the fourth of five colours
    expect(page.locator('.djs-element[data-element-id="receive_check"]')).to_have_class(
        re.compile(r"\blt-heat-3\b"))
    label = heat.locator('a.lt-heat-label[data-step="receive_check"]')
    expect(label).to_contain_text("50%")
    label.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận và kiểm tra hồ sơ")
    expect(page.locator("section", has=page.locator("#late-h")).locator("tr[data-dossier]")
           ).to_have_attribute("data-dossier", late)
