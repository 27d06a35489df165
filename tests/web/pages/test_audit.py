"""The step-timing audit pages: the procedures list, a procedure's steps with their
figures and heatmap data, a step's late dossiers; supervisors only; bad queries are 400."""

from __future__ import annotations

import json
import re

import pytest

from tests.samples import BIRTH
from tests.web.pages.helpers import page, receive, work

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def late(app, clock):
    """A birth registration checked late (Friday 15:30 -> Monday 09:00: 2.5 working
    hours against 2) and one on time."""
    slow = receive(app, "birth_registration", "2026-03-06 15:30")
    work(app, slow, BIRTH, "2026-03-09 09:00")
    quick = receive(app, "birth_registration", "2026-03-09 08:30")
    work(app, quick, BIRTH, "2026-03-09 09:30")
    return slow, quick


def test_procedure_page_lists_steps_with_figures_and_heatmap(clients, late):
    browser = clients["giamsat.phucloi"]
    listed = page(browser.get("/audit/"))
    assert 'data-procedure="birth_registration"' in listed
    html = page(browser.get(f"/audit/birth_registration?{MARCH}"))
    row = re.search(r'<tr data-step="receive_check">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                  row, re.S)]
    # count, median of 1 h and 2.5 h, p90, SLA 2 h, share late
    assert cells[2:7] == ["2", "1.8", "2.4", "2.0", "50% (1)"]
    data = json.loads(re.search(r'id="heat-1-data">(.*?)</script>', html, re.S).group(1))
    assert data["process_id"] == "birth_registration"
    assert data["stats"]["steps"]["receive_check"]["late_share"] == 0.5
    assert "/audit/birth_registration/steps/receive_check" in data["stats"]["steps"][
        "receive_check"]["href"]
    assert "LienThongViewer.heatmap" in html


def test_a_step_completed_shows_on_reload(app, clients, late):
    browser = clients["giamsat.phucloi"]
    before = page(browser.get(f"/audit/birth_registration?{MARCH}"))
    assert 'data-step="register_birth"' not in before
    work(app, late[1], {"decision": "approve", "register_number": "1/2026"},
         "2026-03-09 10:30", user="hotich.phucloi")
    assert 'data-step="register_birth"' in page(
        browser.get(f"/audit/birth_registration?{MARCH}"))


def test_step_page_lists_the_late_dossier(clients, late):
    slow, quick = late
    html = page(clients["giamsat.phucloi"].get(
        f"/audit/birth_registration/steps/receive_check?{MARCH}"))
    late_part = html.split('id="late-h"')[1].split('id="outliers-h"')[0]
    assert f'data-dossier="{slow}"' in late_part and quick not in late_part
    assert "2.5" in late_part


def test_supervisors_only(clients, late):
    assert clients["tiepnhan.phucloi"].get("/audit/").status_code == 403
    assert clients["tiepnhan.phucloi"].get(
        f"/audit/birth_registration?{MARCH}").status_code == 403
    # a ward's supervisor cannot look at the city
    assert clients["giamsat.phucloi"].get(
        f"/audit/birth_registration?{MARCH}&unit=HANOI").status_code == 403
    # the city's sees the ward's dossiers
    html = page(clients["giamsat.hanoi"].get(f"/audit/birth_registration?{MARCH}"))
    assert 'data-step="receive_check"' in html


@pytest.mark.parametrize("query,status", [
    ("from=2026-13-01", 400), ("from=2026-03-10&to=2026-03-01", 400),
    ("from=2024-01-01&to=2026-03-01", 400), ("version=abc", 400), ("version=99", 404),
    ("version=" + "9" * 40, 400), ("unit=NOWHERE", 403),
])
def test_bad_queries_are_refused_not_500(clients, late, query, status):
    browser = clients["giamsat.phucloi"]
    assert browser.get(f"/audit/birth_registration?{query}").status_code == status
    assert browser.get(f"/audit/birth_registration/steps/receive_check?{query}"
                       ).status_code == status
    assert browser.get(f"/audit/nope?{MARCH}").status_code == 404
    assert browser.get(f"/audit/birth_registration/steps/nope?{MARCH}").status_code == 404
