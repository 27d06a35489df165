"""The period report page: the screen's figures equal the downloaded CSV's and XLSX's
and `lienthong report`'s; the PDF prints them; who may open it; bad values are 400."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from engine.reporting import COLUMNS, RATES, TOTAL_LABEL
from tests.web.conftest import login
from tests.web.pages.helpers import assert_pdf, page, pdf_text, receive, work
from web.cli import common as cli_common
from web.cli import main
from web.services import build_services

BIRTH_DONE = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
              "documents_complete": True}
PERIOD = "from=2026-03-01&to=2026-03-09"
COUNTS = [key for key, _header, _group in COLUMNS if key != "field_of_work"
          and key not in RATES]


@pytest.fixture
def march(app, clock):
    codes = [receive(app, "birth_registration", "2026-03-02 09:00"),
             receive(app, "birth_registration", "2026-03-03 09:00", channel="online"),
             receive(app, "birth_registration", "2026-02-20 09:00")]
    work(app, codes[0], BIRTH_DONE, "2026-03-02 10:00")
    return codes


def screen_total(html: str) -> dict[str, int]:
    row = html.split(f'data-row="{TOTAL_LABEL}"')[1].split("</tr>")[0]
    return {key: int(value) for key, value in
            re.findall(r'data-figure="(\w+)">(\d+)<', row) if key in COUNTS}


def test_screen_csv_xlsx_and_cli_agree(app, client, march, db_engine, monkeypatch):
    login(client, "giamsat.hanoi")
    html = page(client.get(f"/reports/HANOI?{PERIOD}"))
    screen = screen_total(html)
    assert screen["received_total"] == 3 and screen["carried_over"] == 1
    assert screen["received_online"] == 1
    assert 'data-download="xlsx"' in html

    data = client.get(f"/reports/HANOI?{PERIOD}&format=csv")
    assert data.status_code == 200 and "attachment" in data.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    header, total = lines[0], next(line for line in lines if line[0] == TOTAL_LABEL)
    keys = [key for key, _h, _g in COLUMNS]
    assert len(header) == len(keys)
    assert {k: int(total[keys.index(k)]) for k in COUNTS} == screen

    workbook = load_workbook(io.BytesIO(client.get(f"/reports/HANOI?{PERIOD}&format=xlsx")
                                        .data))
    sheet = workbook.active
    (row,) = [r for r in sheet.iter_rows(values_only=True) if r[0] == TOTAL_LABEL]
    assert {k: int(row[keys.index(k)]) for k in COUNTS} == screen

    monkeypatch.setenv("LIENTHONG_DATABASE_URL",
                       db_engine.url.render_as_string(hide_password=False))
    built = []  # the command's services, closed after it as a finished process would

    def services(*args, **kwargs):
        built.append(build_services(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(cli_common, "build_services", services)
    result = CliRunner().invoke(main, ["report", "--unit", "HANOI", "--from", "2026-03-01",
                                       "--to", "2026-03-09", "--format", "json"])
    for each in built:
        each.db.dispose()
    assert result.exit_code == 0, result.output
    cli_total = json.loads(result.output)["total"]
    assert {k: cli_total[k] for k in COUNTS} == screen


def test_the_rule_and_map_are_kept_in_the_downloads(client, march):
    login(client, "giamsat.phucloi")
    html = page(client.get(f"/reports/PHUCLOI?{PERIOD}&withdrawn=excluded&map=as-then"))
    link = re.search(r'data-download="csv" href="([^"]+)"', html).group(1)
    assert "finished_as=withdrawn%3Dexcluded" in link and "map=as-then" in link
    assert "rút hồ sơ: không tính vào số hồ sơ nhận" in html


def test_the_pdf_prints_the_figures(client, march):
    login(client, "giamsat.phucloi")
    response = client.get(f"/reports/PHUCLOI?{PERIOD}&format=pdf")
    assert_pdf(response, min_size=4000)
    text = pdf_text(response)
    assert "Phường Phúc Lợi" in text and TOTAL_LABEL in text and "01/03/2026" in text


def test_who_may_open_the_report(client):
    login(client, "tiepnhan.phucloi")
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/PHUCLOI?format=csv").status_code == 403
    login(client, "giamsat.phucloi")
    assert client.get("/reports/HANOI?format=xlsx").status_code == 403
    assert client.get("/reports/").status_code == 200


@pytest.mark.parametrize("query", ["format=docx", "from=2026-02-31", "preset=week",
                                   "from=2026-03-09&to=2026-03-01", "map=x",
                                   "finished_as=" + "z" * 3000])
def test_bad_values_are_a_clear_400(client, query):
    login(client, "giamsat.phucloi")
    assert client.get(f"/reports/PHUCLOI?{query}").status_code == 400


def test_the_report_page_shows_the_decision_766_indicators(app, client, march):
    login(client, "giamsat.phucloi")
    html = page(client.get(f"/reports/PHUCLOI?{PERIOD}"))
    section = html.split('data-section="indicators"')[1]
    assert "Quyết định 766/QĐ-TTg ngày 23/6/2022" in section

    def shown(key: str) -> str:
        cell = section.split(f'data-indicator="{key}"')[1].split("</tr>")[0]
        return re.search(r"data-value>([^<]*)<", cell).group(1).strip()

    # two new dossiers in the period, one online; the only procedure had one online
    assert shown("online_share") == "50.0%"
    assert shown("online_procedures") == "100.0%"
    assert shown("on_time") == "—"  # nothing resolved yet: no rate rather than 0 %
    assert shown("feedback_on_time") == "—"


def test_the_late_list_names_the_overdue_dossiers_of_the_unit(app, client, march):
    """The February dossier is past its appointment on the app's clock: it is listed;
    a desk clerk may not open the list, nor may a ward open the city's."""
    login(client, "giamsat.phucloi")
    report = page(client.get(f"/reports/PHUCLOI?{PERIOD}"))
    assert 'href="/reports/PHUCLOI/late"' in report and "/papers/logbook?" in report
    html = page(client.get("/reports/PHUCLOI/late"))
    assert f'data-code="{march[2]}"' in html
    assert client.get("/reports/HANOI/late").status_code == 403
    clerk = app.test_client()
    login(clerk, "tiepnhan.phucloi")
    assert clerk.get("/reports/PHUCLOI/late").status_code == 403
