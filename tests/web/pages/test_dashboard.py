"""The supervisors' dashboard: the figures a supervisor reads, the links one level down,
who may open which unit, and bad query values answered with a clear 400."""

from __future__ import annotations

import re
from datetime import date

import pytest

from engine.reporting import period_report
from tests.web.conftest import login
from tests.web.pages.helpers import engine_services, page, receive, work

BIRTH_DONE = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
              "documents_complete": True}


def figure(html: str, name: str, row: str | None = None) -> str:
    """A figure of the totals (or of a breakdown's row)."""
    if row is not None:
        html = html.split(f'data-row="{row}"')[1].split("</tr>")[0]
    else:
        html = html.split("data-total")[1].split("</section>")[0]
    found = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert found, name
    return found.group(1).strip()


@pytest.fixture
def march(app, clock):
    """Two birth registrations at Phúc Lợi (one online) and one at Việt Hưng, in March."""
    codes = [receive(app, "birth_registration", "2026-03-02 09:00"),
             receive(app, "birth_registration", "2026-03-03 09:00", channel="online"),
             receive(app, "birth_registration", "2026-03-04 09:00", unit="VIETHUNG")]
    work(app, codes[0], BIRTH_DONE, "2026-03-02 10:00")
    return codes


def test_a_supervisor_lands_on_the_dashboard(client):
    login(client, "giamsat.phucloi")
    landing = client.get("/")
    assert landing.status_code == 302 and landing.location.endswith("/supervise/")
    html = page(client.get("/supervise/"))
    assert "Phường Phúc Lợi (PHUCLOI)" in html and 'href="/supervise/"' in html
    # the reception clerk still lands on the desk, and sees no dashboard in the menu
    login(client, "tiepnhan.phucloi")
    assert client.get("/").location.endswith("/desk/")
    assert "/supervise/" not in page(client.get("/desk/"))


def test_the_city_by_ward_and_the_ward_by_procedure(client, march):
    login(client, "giamsat.hanoi")
    city = page(client.get("/supervise/HANOI?preset=month"))
    assert figure(city, "received") == "3"
    assert figure(city, "received", row="PHUCLOI") == "2"
    assert figure(city, "received", row="VIETHUNG") == "1"
    assert figure(city, "online", row="PHUCLOI") == "50.0%"
    assert figure(city, "online") == "33.3%"
    # drill: city -> ward, keeping the period
    link = re.search(r'<a href="(/supervise/PHUCLOI\?[^"]+)"', city).group(1)
    assert "preset=month" in link
    ward = page(client.get(link.replace("&amp;", "&")))
    assert "Phường Phúc Lợi (PHUCLOI)" in ward and figure(ward, "received") == "2"
    # ward -> procedure -> its dossiers
    proc = re.search(r'<a href="(/supervise/PHUCLOI/dossiers\?[^"]*procedure=[^"]+)"',
                     ward).group(1).replace("&amp;", "&")
    listing = page(client.get(proc))
    assert 'data-count="2"' in listing
    for code in march[:2]:
        assert f'href="/dossiers/{code}"' in listing
    assert march[2] not in listing
    # the department of the completed reception step
    assert figure(ward, "completed", row="reception") == "1"


def test_the_dashboard_equals_the_period_report(app, client, march):
    login(client, "giamsat.hanoi")
    html = page(client.get("/supervise/HANOI?from=2026-03-01&to=2026-03-09"))
    svc = engine_services(app)
    with svc.transaction() as session:
        report = period_report(session, unit="HANOI", start=date(2026, 3, 1),
                               end=date(2026, 3, 9)).total
    assert figure(html, "received") == str(report.received_total)
    assert figure(html, "resolved") == str(report.resolved_total)
    assert figure(html, "within") == str(report.in_progress_within)
    assert figure(html, "overdue") == str(report.in_progress_overdue)
    assert 'data-trend="week"' in html and 'data-received="3"' in html


def test_who_may_open_which_dashboard(client, march):
    login(client, "tiepnhan.phucloi")
    assert client.get("/supervise/").status_code == 403
    assert client.get("/supervise/PHUCLOI").status_code == 403
    login(client, "giamsat.phucloi")
    refused = client.get("/supervise/HANOI")
    assert refused.status_code == 403 and "đơn vị mình" in page(refused)
    assert client.get("/supervise/VIETHUNG/dossiers?child=VIETHUNG").status_code == 403
    assert client.get("/supervise/NOPE").status_code == 404
    assert client.get("/supervise/" + "X" * 3000).status_code in (403, 404)


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/supervise/").status_code == 302


@pytest.mark.parametrize("query", [
    "from=2026-13-45", "from=yesterday", "to=2026-02-30", "from=2026-03-09&to=2026-03-01",
    "preset=decade", "preset=" + "x" * 5000, "from=2020-01-01&to=2026-03-01",
    "map=someday", "finished_as=withdrawn%3Dlost", "withdrawn=nowhere",
    "from=1900-01-01", "to=9999-12-31",
])
def test_bad_query_values_are_a_clear_400(client, query):
    login(client, "giamsat.phucloi")
    response = client.get(f"/supervise/PHUCLOI?{query}")
    assert response.status_code == 400, query
    assert "Không thực hiện được" in page(response)


def test_bad_drill_down_is_a_400(client):
    login(client, "giamsat.phucloi")
    assert client.get("/supervise/PHUCLOI/dossiers").status_code == 400
    assert client.get("/supervise/PHUCLOI/dossiers?field=a&child=b").status_code == 400
    assert client.get("/supervise/PHUCLOI/dossiers?field=" + "y" * 5000).status_code == 200


def test_a_unit_that_did_not_exist_read_as_then_is_a_400_naming_why(client):
    login(client, "giamsat.phucloi")
    response = client.get("/supervise/PHUCLOI?from=2025-01-01&to=2025-03-31&map=as-then")
    assert response.status_code == 400 and "PHUCLOI" in page(response)
    # as today, the new ward reports on its predecessors' first quarter
    today = client.get("/supervise/PHUCLOI?from=2025-01-01&to=2025-03-31")
    assert today.status_code == 200 and "LB-PHUCLOI" in page(today)


def test_the_dashboard_in_english(client, march):
    login(client, "giamsat.hanoi")
    client.get("/lang/en")
    html = page(client.get("/supervise/HANOI?preset=quarter"))
    assert "On-time rate" in html and "By unit below" in html and "By procedure" in html
    assert figure(html, "received") == "3"


def test_a_preset_link_keeps_the_rule_and_the_map(client):
    login(client, "giamsat.phucloi")
    html = page(client.get("/supervise/PHUCLOI?from=2026-03-01&to=2026-03-05"
                           "&withdrawn=excluded&map=as-then"))
    link = re.search(r'href="([^"]+)" data-preset="quarter"', html).group(1)
    assert "preset=quarter" in link and "map=as-then" in link and "from=" not in link
    assert "finished_as=withdrawn%3Dexcluded" in link
    assert client.get(link.replace("&amp;", "&")).status_code == 200
