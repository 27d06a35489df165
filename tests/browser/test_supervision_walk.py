"""Issue 12's walk through the supervisor's day in a real browser: the city's dashboard,
down to the ward, to a procedure's heatmap, to its late step and the late dossier; a
step completed in another browser shows in the audit on reload; the leader signs the
apology; the period report downloads as XLSX with the screen's figures."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from engine.calendar import FixedClock
from engine.queries import show_dossier
from engine.reporting import COLUMNS, TOTAL_LABEL
from engine.runtime import Runtime, complete
from engine.storage import make_engine, make_sessionmaker
from tests.browser.test_audit_heatmap import checked
from tests.conftest import vn
from tests.live_server import LiveServer

FEBRUARY = "from=2026-02-01&to=2026-02-28"  # the heatmap test has January to itself
COUNTED = ("received_total", "resolved_total", "in_progress_total", "in_progress_within",
           "in_progress_overdue")


def register(server: LiveServer, code: str, at: str) -> None:
    """The civil-status officer registers the birth (the dossier's next step)."""
    engine = make_engine(server.env["LIENTHONG_DATABASE_URL"])
    runtime = Runtime(FixedClock(vn(at)))
    try:
        with make_sessionmaker(engine).begin() as session:
            (task,) = [s for s in show_dossier(session, code).steps if s.status == "ready"]
            complete(session, runtime, task.id, user="hotich.phucloi", at=vn(at),
                     data={"decision": "approve", "register_number": "31/2026"})
    finally:
        engine.dispose()


def screen_total(page: Page) -> dict[str, int]:
    total = page.locator("tr.total")
    return {key: int(total.locator(f'td[data-figure="{key}"]').inner_text())
            for key in COUNTED}


def test_a_supervisor_goes_from_the_city_to_the_late_dossier_and_reports(
        server: LiveServer, sign_in: Callable[[str], Page]) -> None:
    late = checked(server, "2026-02-06 15:30", "2026-02-09 09:00")  # 2.5 h of 2: late
    other = checked(server, "2026-02-09 08:30", "2026-02-09 09:00")
    supervisor = sign_in("giamsat.hanoi")
    expect(supervisor.get_by_role("navigation").get_by_role("link", name="Giám sát")
           ).to_be_visible()

    # the city, then the ward, then the procedure's step timing
    supervisor.goto(f"/supervise/HANOI?{FEBRUARY}")
    supervisor.locator('[data-breakdown="unit"]').get_by_role(
        "link", name="Phường Phúc Lợi").click()
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text("Phường Phúc Lợi")
    row = supervisor.locator('[data-breakdown="procedure"] tr',
                             has=supervisor.get_by_role("link", name="thời gian các bước"))
    row.first.get_by_role("link", name="thời gian các bước").click()
    expect(supervisor).to_have_url(re.compile(r"/audit/birth_registration\?"))
    heat = supervisor.locator("#heat-1")
    expect(heat).to_have_attribute("data-ready", "true")
    expect(supervisor.locator('.djs-element[data-element-id="receive_check"]')).to_have_class(
        re.compile(r"\blt-heat-3\b"))  # half its runs late

    # a step completed in another browser's day shows on reload
    steps = supervisor.locator("tr[data-step]")
    before = steps.count()
    register(server, other, "2026-02-09 10:00")
    supervisor.reload()
    expect(heat).to_have_attribute("data-ready", "true")
    expect(steps).to_have_count(before + 1)

    # the late step, then its late dossier (listed as late, and among the slowest)
    heat.locator('a.lt-heat-label[data-step="receive_check"]').click()
    supervisor.locator("section", has=supervisor.locator("#late-h")).get_by_role(
        "link", name=late).click()
    expect(supervisor).to_have_url(re.compile(rf"/dossiers/{late}$"))

    # the ward's leader finds it late on the at-risk list and signs the apology from there
    leader = sign_in("lanhdao.phucloi")
    leader.get_by_role("navigation").get_by_role("link", name="Nguy cơ trễ hạn").click()
    listed = leader.locator(f'tr[data-code="{late}"]')
    expect(listed).to_have_attribute("data-state", "late")
    listed.get_by_role("link", name="Xin lỗi, hẹn lại").click()
    leader.get_by_label("Lý do trễ hạn").fill("Cán bộ tiếp nhận nghỉ ốm đột xuất")
    leader.get_by_label("Ngày giờ hẹn mới").fill("2026-12-31T16:00")
    leader.get_by_label("Số văn bản (ví dụ 12/UBND-VP)").fill("15/UBND-VP")
    leader.get_by_role("button", name="Ký văn bản xin lỗi").click()
    expect(leader.locator("body")).to_contain_text(
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
    expect(leader.locator("body")).to_contain_text("15/UBND-VP")

    # the period report on screen, then as XLSX: the same figures
    supervisor.goto(f"/reports/PHUCLOI?{FEBRUARY}")
    shown = screen_total(supervisor)
    assert shown["received_total"] >= 2 and shown["in_progress_total"] >= 2
    with supervisor.expect_download() as download:
        supervisor.locator('a[data-download="xlsx"]').click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    (total,) = [r for r in sheet.iter_rows(values_only=True) if r[0] == TOTAL_LABEL]
    keys = [key for key, _header, _group in COLUMNS]
    assert {key: int(total[keys.index(key)]) for key in COUNTED} == shown
