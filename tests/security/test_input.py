"""Hostile input against the real server: too big, too deep, not quite JSON, dates out of
any sane range, a dossier of 10,000 papers, a linked part sent to a unit that does not
exist; and another unit's dossier, which must look exactly like one that does not."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from engine.simulation import DEMO_PASSWORD
from tests.live_server import LiveServer
from tests.security.client import Client

APPLICANT = {"name": "Người Nộp Thử", "address": "Phúc Lợi, Long Biên"}
TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def tokens(server: LiveServer) -> dict[str, str]:
    made = {}
    for username in ("tiepnhan.phucloi", "lanhdao.phucloi", "tiepnhan.viethung"):
        done = server.lienthong("token", "create", username, "--name", "input-tests")
        made[username] = done.stdout.strip()
    return made


def api(visitor, tokens, username: str = "tiepnhan.phucloi"):
    client: Client = visitor()
    bearer = {"Authorization": f"Bearer {tokens[username]}",
              "Content-Type": "application/json"}

    def call(method: str, path: str, raw: bytes | None = None, body: object = None):
        if raw is not None and len(raw) > 1024 * 1024:
            return client.oversized(path, raw, bearer)
        return client.request(method, path, data=raw, json_body=body, headers=bearer)

    return call


def dossier_count(call) -> int:
    return len(call("GET", "/api/dossiers?limit=500").json())


def test_a_twenty_megabyte_value_is_refused_before_it_is_read(visitor, tokens):
    call = api(visitor, tokens)
    before = dossier_count(call)
    answer = call("POST", "/api/dossiers", raw=json.dumps({
        "procedure": "birth_registration",
        "applicant": {**APPLICANT, "name": "A" * TWENTY_MB}}).encode())
    assert answer.status == 413 and "1048576" in answer.json()["error"]
    assert dossier_count(call) == before


def test_a_twenty_megabyte_name_on_the_desk_form_is_refused(visitor):
    clerk = visitor()
    clerk.sign_in("tiepnhan.phucloi", DEMO_PASSWORD)
    form = urllib.parse.urlencode({
        "csrf_token": clerk.csrf("/desk/receive/1.001193"), "applicant_name": "A" * TWENTY_MB,
        "address": "Phúc Lợi"}).encode()
    answer = clerk.oversized("/desk/receive/1.001193", form,
                             {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 413 and "<html" in answer.text


@pytest.mark.parametrize(("raw", "problem"), [
    (b"[" * 900 + b"]" * 900, "deep"),
    (b'{"procedure": "birth_registration", "applicant": {"name": "\\ud800"}}', "JSON"),
    (b'{"procedure": "birth_registration", "applicant": {"name": "A"}, "data": {"x": NaN}}',
     "JSON"),
    (b'{"procedure": "birth_registration", "applicant": {"name": "A"}, "data": {"x": 1e400}}',
     "JSON"),
    (b'{"procedure": "birth_registration", "applicant": {"name": "A\\u0000B"}}',
     "control"),
])
def test_json_the_service_cannot_keep_exactly_is_400_and_nothing_is_written(
        visitor, tokens, raw, problem):
    call = api(visitor, tokens)
    before = dossier_count(call)
    answer = call("POST", "/api/dossiers", raw=raw)
    assert answer.status == 400, answer.text
    assert problem.lower() in answer.text.lower()
    assert dossier_count(call) == before


def test_ten_thousand_papers_are_refused_naming_the_list(visitor, tokens):
    call = api(visitor, tokens)
    before = dossier_count(call)
    answer = call("POST", "/api/dossiers", body={
        "procedure": "birth_registration", "applicant": APPLICANT,
        "documents": [f"Giấy tờ số {n}" for n in range(10_000)]})
    assert answer.status == 422 and "documents" in answer.json()["fields"]
    assert dossier_count(call) == before


@pytest.mark.parametrize("when", ["9999-12-31T17:00:00+07:00", "0001-01-01T08:00:00+07:00"])
def test_dates_out_of_range_are_422_naming_the_field(visitor, tokens, when):
    received = api(visitor, tokens)("POST", "/api/dossiers", body={
        "procedure": "birth_registration", "applicant": APPLICANT}).json()
    leader = api(visitor, tokens, "lanhdao.phucloi")
    answer = leader("POST", f"/api/dossiers/{received['code']}/apology",
                    body={"reason": "Thử", "new_appointment": when})
    assert answer.status == 422 and "new_appointment" in answer.json()["fields"]
    assert leader("GET", f"/api/dossiers/{received['code']}").json()["apologies"] == []


@pytest.mark.parametrize("unit", ["NOPE-UNIT", "VIETHUNG", "BHXH-LONGBIEN", "CA-TRAUQUY"])
def test_a_linked_part_goes_only_to_a_police_post_serving_the_ward(visitor, tokens, unit):
    call = api(visitor, tokens)
    before = dossier_count(call)
    answer = call("POST", "/api/dossiers", body={
        "procedure": "birth_residence_health_card", "applicant": APPLICANT,
        "data": {"police_unit": unit}})
    assert answer.status == 422 and "data.police_unit" in answer.json()["fields"]
    assert dossier_count(call) == before


def test_another_units_dossier_answers_exactly_like_an_unknown_one(visitor, tokens):
    code = api(visitor, tokens)("POST", "/api/dossiers", body={
        "procedure": "birth_registration", "applicant": APPLICANT}).json()["code"]
    unknown = code[:-4] + "9999"
    neighbour = api(visitor, tokens, "tiepnhan.viethung")
    for path in ("/api/dossiers/{}", "/api/dossiers/{}/papers/receipt"):
        theirs = neighbour("GET", path.format(code))
        missing = neighbour("GET", path.format(unknown))
        assert theirs.status == missing.status == 404
        assert theirs.text.replace(code, "X") == missing.text.replace(unknown, "X")
        assert "PHUCLOI" not in theirs.text.replace(code, "X")
    page = visitor()
    page.sign_in("tiepnhan.viethung", DEMO_PASSWORD)
    page.get("/desk/")  # shows the greeting once
    theirs, missing = page.get(f"/dossiers/{code}"), page.get(f"/dossiers/{unknown}")
    assert theirs.status == missing.status == 404
    assert theirs.page.replace(code, "X") == missing.page.replace(unknown, "X")

    # only the security log tells them apart: the tries at another unit's dossier
    admin = visitor()
    admin.sign_in("admin", DEMO_PASSWORD)
    log = admin.get("/admin/security-events?kind=permission_refused&user=tiepnhan.viethung")
    for path in (f"/api/dossiers/{code}", f"/api/dossiers/{code}/papers/receipt",
                 f"/dossiers/{code}"):
        assert re.search(rf"GET {re.escape(path)}(?![/\w-])", log.text), path
    assert unknown not in log.text


@pytest.mark.parametrize("path", ["/api/dossiers/A%00B", "/api/tasks/%00",
                                  "/api/dossiers?q=%00"])
def test_nul_anywhere_in_a_request_is_a_clear_400(visitor, tokens, path):
    answer = api(visitor, tokens)("GET", path)
    assert answer.status == 400 and "control character" in answer.json()["error"]
