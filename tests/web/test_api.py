"""The JSON API under /api/, driven with tokens as an integration would.

Every response is checked against the OpenAPI document's schema for it, so the document
and the API cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, update

from engine import make_sessionmaker
from engine.models import ApiToken
from engine.units import create_token, revoke_tokens
from tests.conftest import VN, WORKFLOWS
from tests.web.conftest import login
from web.api_json import check
from web.app import create_app
from web.openapi import OPERATION_BY_ID, document

CHILD = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27", "gender": "nữ",
         "birth_place": "Bệnh viện Phụ sản Hà Nội", "mother_name": "Trần Thị Bích",
         "father_name": "Nguyễn Văn Cường", "address": "Số 12 ngõ 5 Phúc Lợi, Long Biên",
         "initial_clinic": "Trạm y tế phường Phúc Lợi"}
BIRTH = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
         "documents_complete": True}
MOTHER = {"name": "Trần Thị Bích", "phone": "0912345678", "address": "Số 12 ngõ 5 Phúc Lợi"}
SCHEMAS = document()["components"]["schemas"]
OFFSET = re.compile(r"[+-]\d\d:\d\d$")


class Api:
    """A client acting with one user's token; checks each response against the document."""

    def __init__(self, app: Flask, client: FlaskClient, token: str | None) -> None:
        self.app, self.client, self.token = app, client, token

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        response = self.client.open(f"/api{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == expect, (response.status_code, response.get_json())
        assert response.mimetype == "application/json"
        payload = response.get_json()
        endpoint, _ = self.app.url_map.bind("localhost").match(
            f"/api{path.split('?')[0]}", method)
        operation = OPERATION_BY_ID[endpoint.removeprefix("api.")]
        if expect < 400:
            assert expect == operation.status
            schema = operation.response
        else:
            assert expect in operation.errors, f"{expect} is not documented for {endpoint}"
            schema = SCHEMAS["Error"]
        assert check(schema, payload, SCHEMAS) == {}, check(schema, payload, SCHEMAS)
        return payload

    def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        return self.call("GET", path, expect, **kwargs)

    def post(self, path: str, json: Any = None, expect: int = 200, **kwargs: Any) -> Any:
        if json is not None:
            kwargs["json"] = json
        return self.call("POST", path, expect, **kwargs)

    def task_of(self, code: str, state: str = "ready") -> dict[str, Any]:
        """The user's only task of this dossier."""
        tasks = [t for t in self.get(f"/tasks?state={state}") if t["dossier_code"] == code]
        assert len(tasks) == 1, tasks
        return tasks[0]

    def complete(self, code: str, data: dict[str, Any]) -> dict[str, Any]:
        """Complete the user's only ready task of this dossier."""
        task = self.task_of(code)
        return self.post(f"/tasks/{task['id']}/complete", {"data": data})


@pytest.fixture
def token(db_engine: Engine):
    def make(username: str) -> str:
        with make_sessionmaker(db_engine).begin() as session:
            return create_token(session, username, "test", datetime.now(VN))

    return make


@pytest.fixture
def as_user(app: Flask, client: FlaskClient, token):
    """as_user("tiepnhan.phucloi") -> an Api acting with a fresh token of that user."""
    return lambda username: Api(app, client, token(username))


@pytest.fixture
def reception(as_user) -> Api:
    return as_user("tiepnhan.phucloi")


def receive(api: Api, procedure: str = "birth_registration", **extra: Any) -> dict[str, Any]:
    return api.post("/dossiers", {"procedure": procedure, "applicant": MOTHER,
                                  "documents": ["Tờ khai", "Giấy chứng sinh"], **extra},
                    expect=201)


def received_and_checked(reception: Api) -> str:
    """A birth registration received and checked at the desk: the officer's turn."""
    code = receive(reception)["code"]
    reception.complete(code, BIRTH)
    return code


# -- the document --------------------------------------------------------------------------

def test_openapi_document_describes_every_route_and_only_those(app, client):
    doc = client.get("/api/openapi.json").get_json()  # no token needed
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": "/api"}]
    assert doc["components"]["securitySchemes"]["bearer"] == {
        **doc["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api")),
               method.lower(), rule.endpoint)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method, "api." + op["operationId"])
                  for path, item in doc["paths"].items() for method, op in item.items()}
    assert routes == documented


def test_openapi_document_is_consistent(client):
    doc = client.get("/api/openapi.json").get_json()
    text = str(doc)
    for name in re.findall(r"#/components/(?:schemas|responses)/(\w+)", text):
        assert name in doc["components"]["schemas"] or name in doc["components"]["responses"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            names = re.findall(r"{(\w+)}", path)
            assert [p["name"] for p in op["parameters"] if p["in"] == "path"] == names
            assert op["responses"], (method, path)
            assert any(code.startswith("2") for code in op["responses"])
            if method == "post" and "requestBody" in op:
                assert "422" in op["responses"] and "400" in op["responses"]
            if op.get("security") != []:
                assert "401" in op["responses"], (method, path)
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "fields"]


# -- authentication ------------------------------------------------------------------------

def test_requests_without_a_valid_bearer_token_are_refused(app, client, db_engine, token):
    for headers in ({}, {"Authorization": "Bearer not-a-token"},
                    {"Authorization": "Basic dGllcG5oYW46eA=="}):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"]
        assert response.get_json()["error"]
    revoked = token("tiepnhan.phucloi")
    assert Api(app, client, revoked).get("/me")["username"] == "tiepnhan.phucloi"
    with make_sessionmaker(db_engine).begin() as session:
        session.execute(update(ApiToken).values(revoked=True))
    Api(app, client, revoked).get("/me", 401)
    Api(app, client, None).post("/dossiers", {"procedure": "birth_registration"}, 401)


def test_a_signed_in_session_does_not_authenticate_the_api(app, client):
    login(client, "tiepnhan.phucloi")
    Api(app, client, None).get("/dossiers", 401)


def test_token_command_prints_a_token_that_works(tmp_path, monkeypatch):
    import web.cli.tokens  # noqa: F401  (registers `lienthong token`)
    from web.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LIENTHONG_DATABASE_URL", url)
    runner = CliRunner()
    for args in (["init-db"], ["seed-demo"], ["deploy", str(WORKFLOWS)]):
        assert runner.invoke(main, args).exit_code == 0
    created = runner.invoke(main, ["token", "create", "hotich.phucloi", "--name", "ci"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert len(secret) >= 40 and "not shown again" in created.stderr
    missing = runner.invoke(main, ["token", "create", "nobody", "--name", "ci"])
    assert missing.exit_code == 1 and "user nobody does not exist" in missing.output
    app = create_app({"TESTING": True, "LIENTHONG": {"DATABASE_URL": url}})
    me = app.test_client().get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.get_json()["username"] == "hotich.phucloi"
    app.extensions["lienthong"].db.dispose()


# -- reading -------------------------------------------------------------------------------

def test_catalog_and_me(reception):
    assert reception.get("/me") == {
        "username": "tiepnhan.phucloi", "full_name": "Phạm Thị Lan", "unit_code": "PHUCLOI",
        "roles": ["reception"], "departments": ["reception"]}
    catalog = {p["code"]: p for p in reception.get("/procedures")}
    birth = catalog["1.001193"]
    assert (birth["process_key"], birth["time_limit"], birth["cutoff"]) == (
        "birth_registration", "same_day", "15:00")
    assert birth["documents"][0]["required"] is True
    assert reception.get("/procedures?on=2020-01-01") != reception.get("/procedures")
    reception.get("/procedures?on=yesterday", 400)


def test_reception_receives_a_dossier(reception):
    dossier = receive(reception, channel="online", verification=False)
    assert re.fullmatch(r"PHUCLOI-\d{6}-0001", dossier["code"])
    assert OFFSET.search(dossier["appointment_at"]) and OFFSET.search(dossier["received_at"])
    assert (dossier["status"], dossier["unit"], dossier["channel"]) == (
        "running", "PHUCLOI", "online")
    assert dossier["applicant"] == MOTHER
    assert dossier["documents"] == ["Tờ khai", "Giấy chứng sinh"]
    assert [(s["department"], s["status"]) for s in dossier["steps"]] == [
        ("reception", "ready")]
    assert reception.get(f"/dossiers/{dossier['code']}") == dossier
    receipt = reception.get(f"/dossiers/{dossier['code']}/papers/receipt")
    assert receipt["header"]["applicant_name"] == "Trần Thị Bích"
    assert receipt["appointment_at"] == dossier["appointment_at"]
    assert receipt["received_by"] == "Phạm Thị Lan"


def test_location_header_points_at_the_new_dossier(reception):
    response = reception.client.post(
        "/api/dossiers", json={"procedure": "1.001193", "applicant": {"name": "A"}},
        headers={"Authorization": f"Bearer {reception.token}"})
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/dossiers/{response.get_json()['code']}"
    assert '"applicant": {"name": "A"}' in response.get_data(as_text=True)
    assert "Phường Phúc Lợi" in reception.client.get(  # Vietnamese as is, not \u-escaped
        response.headers["Location"] + "/papers/receipt",
        headers={"Authorization": f"Bearer {reception.token}"}).get_data(as_text=True)


def test_search_dossiers(reception, as_user):
    code = receive(reception)["code"]
    receive(reception, applicant={"name": "Lê Văn Dũng"})
    found = reception.get("/dossiers?q=tran thi bich")
    assert [d["code"] for d in found] == [code]
    assert found[0]["applicant"] == "Trần Thị Bích"
    assert len(reception.get("/dossiers?status=running&limit=5")) == 2
    assert reception.get("/dossiers?status=refused") == []
    district = as_user("giamsat.longbien")  # the district sees its wards' dossiers
    assert len(district.get("/dossiers")) == 2
    assert as_user("hotich.viethung").get("/dossiers") == []
    problems = reception.get("/dossiers?status=lost&limit=0&page=2", 400)["fields"]
    assert set(problems) == {"status", "limit", "page"}


# -- working tasks -------------------------------------------------------------------------

def test_civil_status_officer_lists_claims_and_completes(reception, as_user):
    code = received_and_checked(reception)
    officer = as_user("hotich.phucloi")
    listed = officer.get("/tasks")
    assert [(t["dossier_code"], t["department"], t["name"]) for t in listed] == [
        (code, "civil_status", "Ghi sổ hộ tịch, cấp giấy khai sinh")]
    assert officer.get("/tasks?department=civil_status") == listed
    officer.get("/tasks?department=reception", 403)
    task = officer.get(f"/tasks/{listed[0]['id']}")
    fields = {f["name"]: f for f in task["fields"]}
    assert fields["decision"] == {"name": "decision", "type": "choice", "required": True,
                                  "label": "Kết quả thẩm định",
                                  "choices": ["approve", "refuse"]}
    assert officer.get("/tasks?state=mine") == []
    claimed = officer.post(f"/tasks/{task['id']}/claim")
    assert claimed["claimed_by"] == "hotich.phucloi" and OFFSET.search(claimed["claimed_at"])
    assert [t["id"] for t in officer.get("/tasks?state=mine")] == [task["id"]]
    assert officer.post(f"/tasks/{task['id']}/unclaim")["claimed_by"] is None
    done = officer.post(f"/tasks/{task['id']}/complete",
                        {"data": {"decision": "approve", "register_number": "25/2026"}})
    assert done["task"]["status"] == "completed"
    assert done["task"]["completed_by"] == "hotich.phucloi"
    assert [(s["department"], s["status"]) for s in done["dossier"]["steps"]] == [
        ("reception", "completed"), ("civil_status", "completed"), ("leadership", "ready")]
    assert officer.get("/tasks") == []
    assert [t["id"] for t in officer.get("/tasks?state=completed")] == [task["id"]]


def test_completing_twice_is_a_conflict(reception, as_user):
    code = received_and_checked(reception)
    officer = as_user("hotich.phucloi")
    task = officer.task_of(code)
    data = {"data": {"decision": "approve"}}
    officer.post(f"/tasks/{task['id']}/complete", data)
    before = reception.get(f"/dossiers/{code}")
    again = officer.post(f"/tasks/{task['id']}/complete", data, 409)
    assert "already completed by hotich.phucloi" in again["error"]
    officer.post(f"/tasks/{task['id']}/claim", expect=409)
    assert reception.get(f"/dossiers/{code}") == before


def test_a_task_claimed_by_someone_else_is_a_conflict(reception, as_user, db_engine):
    from engine.units import add_user

    with make_sessionmaker(db_engine).begin() as session:
        add_user(session, username="hotich2.phucloi", full_name="Hộ tịch 2", unit="PHUCLOI",
                 roles=["staff"], departments=["civil_status"], password="x" * 12)
    code = received_and_checked(reception)
    first, second = as_user("hotich.phucloi"), as_user("hotich2.phucloi")
    task = first.task_of(code)
    first.post(f"/tasks/{task['id']}/claim")
    assert "claimed by hotich.phucloi" in second.post(f"/tasks/{task['id']}/claim",
                                                      expect=409)["error"]
    second.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "approve"}}, 409)
    second.post(f"/tasks/{task['id']}/unclaim", expect=409)


# -- refusals ------------------------------------------------------------------------------

def test_bad_task_data_names_the_fields_and_changes_nothing(reception, as_user):
    code = received_and_checked(reception)
    officer = as_user("hotich.phucloi")
    task = officer.task_of(code)
    before = reception.get(f"/dossiers/{code}")
    url = f"/tasks/{task['id']}/complete"
    refused = officer.post(url, {"data": {"decision": "maybe", "register_number": 25,
                                          "secret": "x"}}, 422)
    assert refused["fields"] == {"data.decision": "must be one of approve, refuse",
                                 "data.register_number": "must be text",
                                 "data.secret": "is not a field of this task"}
    assert officer.post(url, {}, 422)["fields"] == {"data.decision": "is required"}
    assert officer.post(url, {"data": [], "note": 1}, 422)["fields"] == {
        "data": "must be an object", "note": "is not a field of this request"}
    assert officer.post(url, [1, 2], 400)["fields"] == {"body": "must be a JSON object"}
    assert "body" in officer.post(url, data="{decision", headers={
        "Content-Type": "application/json"}, expect=400)["fields"]
    assert "body" in officer.post(url, data="decision=approve", expect=400)["fields"]
    assert "body" in officer.post(url, expect=400)["fields"]
    assert reception.get(f"/dossiers/{code}") == before
    assert officer.task_of(code)["claimed_by"] is None


def test_bad_receptions_name_the_fields_and_change_nothing(reception):
    cases = [
        ({"procedure": "birth_registration"}, {"applicant": "is required"}),
        ({"procedure": "birth_registration", "applicant": {"phone": "0912345678"}},
         {"applicant.name": "is required"}),
        ({"procedure": "birth_registration", "applicant": {
            "name": "  ", "nick": "x", "phone": "09", "email": "a@b", "id_number": "0011"}},
         {"applicant.name": "must not be empty",
          "applicant.nick": "is not a field of this request",
          "applicant.phone": "must be a phone number",
          "applicant.email": "must be an email address",
          "applicant.id_number": "must be 12 digits (9 for an old identity card)"}),
        ({"procedure": "birth_registration", "applicant": {"name": "A"},
          "verification": True},
         {"verification": "procedure 1.001193 has no limit for verification"}),
        ({"procedure": "permanent_residence", "applicant": {"name": "A"}},  # the police's
         {"procedure": "is not a procedure in force that PHUCLOI receives (GET "
                       "/api/procedures lists the catalog)"}),
        ({"procedure": "birth_registration_core", "applicant": {"name": "A"}},
         {"procedure": "is not a procedure in force that PHUCLOI receives (GET "
                       "/api/procedures lists the catalog)"}),
        ({"procedure": "birth_registration", "applicant": {"name": "A"}, "documents": "x",
          "channel": "fax", "verification": "yes", "urgent": True},
         {"documents": "must be a list", "channel": "must be one of in_person, online, post",
          "verification": "must be true or false", "urgent": "is not a field of this request"}),
        ({"procedure": "birth_registration", "applicant": {"name": "A"}, "documents": [1]},
         {"documents[0]": "must be text"}),
        ({"procedure": "birth_registration", "applicant": {"name": "A"},
          "data": {"unit": "VIETHUNG", "bad name": 1}},
         {"data.unit": "is set by the service",
          "data.bad name": "must be a name such as police_unit"}),
    ]
    for payload, fields in cases:
        assert reception.post("/dossiers", payload, 422)["fields"] == fields
    assert reception.get("/dossiers") == []
    assert reception.get("/dossiers?q=A") == []


def test_permissions_follow_the_pages(reception, as_user):
    code = received_and_checked(reception)
    task = as_user("hotich.phucloi").task_of(code)
    other_ward = as_user("hotich.viethung")
    other_ward.get(f"/dossiers/{code}", 403)
    other_ward.get(f"/dossiers/{code}/papers/receipt", 403)
    other_ward.get(f"/tasks/{task['id']}", 403)
    other_ward.post(f"/tasks/{task['id']}/claim", expect=403)
    other_ward.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "approve"}}, 403)
    police = as_user("congan.phucloi")  # a unit below the ward: cannot see the ward's dossiers
    police.get(f"/dossiers/{code}", 403)
    refused = police.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "approve"}},
                          403)
    assert "is not CA-PHUCLOI or a unit below it" in refused["error"]
    land = as_user("diachinh.phucloi")  # same ward, another department: sees, cannot work
    assert land.get(f"/tasks/{task['id']}")["id"] == task["id"]
    refused = land.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "approve"}},
                        403)
    assert "is for department civil_status of PHUCLOI" in refused["error"]
    land.post("/dossiers", {"procedure": "birth_registration", "applicant": {"name": "A"}},
              403)
    land.post(f"/dossiers/{code}/refuse", {"reason": "x"}, 403)
    as_user("tiepnhan.viethung").post(f"/dossiers/{code}/refuse", {"reason": "x"}, 403)
    as_user("hotich.phucloi").post(f"/dossiers/{code}/apology", {
        "reason": "x", "new_appointment": "2030-01-01T17:00:00+07:00"}, 403)
    assert as_user("giamsat.longbien").get(f"/dossiers/{code}")["code"] == code
    assert reception.get(f"/dossiers/{code}")["status"] == "running"


def test_unknown_things_are_404(reception):
    assert "does not exist" in reception.get("/dossiers/PHUCLOI-000000-9999", 404)["error"]
    reception.get("/tasks/00000000-0000-0000-0000-000000000000", 404)
    reception.post("/tasks/nope/claim", expect=404)
    code = receive(reception)["code"]
    reception.get(f"/dossiers/{code}/papers/passport", 404)
    reception.get(f"/dossiers/{code}/papers/apology", 404)  # none was signed
    for method in ("GET", "DELETE"):
        response = reception.client.open("/api/no-such-thing", method=method)
        assert response.status_code == 404 and response.get_json()["error"]
    response = reception.client.delete(f"/api/dossiers/{code}")
    assert response.status_code == 405 and "error" in response.get_json()
    assert reception.client.get("/no-such-page").mimetype == "text/html"


# -- the dossier's life --------------------------------------------------------------------

def test_supplement_refusal_withdrawal_apology(reception, as_user):
    code = receive(reception)["code"]
    reception.post(f"/dossiers/{code}/supplement-request", {"items": [], "reason": " "}, 422)
    paused = reception.post(f"/dossiers/{code}/supplement-request",
                            {"items": ["Giấy chứng sinh bản chính"], "reason": "Thiếu"})
    assert paused["status"] == "waiting_supplement"
    assert paused["pauses"][0]["items"] == ["Giấy chứng sinh bản chính"]
    assert paused["pauses"][0]["ended_at"] is None
    paper = reception.get(f"/dossiers/{code}/papers/supplement")
    assert (paper["items"], paper["contact"]) == (["Giấy chứng sinh bản chính"], "Phạm Thị Lan")
    reception.post(f"/dossiers/{code}/supplement-request", {"items": ["x"], "reason": "y"}, 409)
    supplied = reception.post(f"/dossiers/{code}/supplement",
                              {"documents": ["Giấy chứng sinh bản chính"]})
    assert supplied["status"] == "running" and supplied["pauses"][0]["ended_at"]
    assert supplied["documents"][-1] == "Giấy chứng sinh bản chính"

    leader = as_user("lanhdao.phucloi")
    later = (datetime.fromisoformat(supplied["appointment_at"]) + timedelta(days=3))
    assert leader.post(f"/dossiers/{code}/apology", {
        "reason": "x", "new_appointment": supplied["appointment_at"]}, 422)["fields"] == {
        "new_appointment": "must be later than the current appointment "
                           f"({supplied['appointment_at']})"}
    assert leader.post(f"/dossiers/{code}/apology", {
        "reason": "x", "new_appointment": "2030-01-01T17:00"}, 422)["fields"] == {
        "new_appointment": "needs a UTC offset (e.g. 2026-03-10T17:00:00+07:00)"}
    apologized = leader.post(f"/dossiers/{code}/apology", {
        "reason": "Chờ xác minh", "new_appointment": later.isoformat()})
    assert apologized["appointment_at"] == later.isoformat()
    assert apologized["apologies"][0]["signed_by"] == "lanhdao.phucloi"
    assert reception.get(f"/dossiers/{code}/papers/apology")["signed_by"] == "Ngô Thanh Tùng"
    assert [e["code"] for e in reception.get("/late")] == [code]

    refused = reception.post(f"/dossiers/{code}/refuse", {"reason": "Giấy tờ giả"})
    assert (refused["status"], refused["finish_reason"]) == ("refused", "Giấy tờ giả")
    assert all(s["status"] != "ready" for s in refused["steps"])
    assert reception.get(f"/dossiers/{code}/papers/refusal")["reason"] == "Giấy tờ giả"
    reception.post(f"/dossiers/{code}/withdraw", {"reason": "x"}, 409)

    officers = received_and_checked(reception)  # the officer working it may refuse it
    officer = as_user("hotich.phucloi")
    assert officer.post(f"/dossiers/{officers}/refuse", {"reason": "Không có giấy chứng sinh"}
                        )["status"] == "refused"
    officer.post(f"/dossiers/{officers}/withdraw", {"reason": "x"}, 403)  # the desk's job

    other = receive(reception)["code"]
    assert reception.post(f"/dossiers/{other}/withdraw", {}, 422)["fields"] == {
        "reason": "is required"}
    assert reception.post(f"/dossiers/{other}/withdraw",
                          {"reason": "Công dân rút hồ sơ"})["status"] == "withdrawn"


def test_reports_are_for_supervisors_and_leaders(reception, as_user):
    receive(reception, channel="online")
    today = datetime.now(VN).date().isoformat()
    period = f"/reports/period?from={today}&to={today}"
    for username in ("giamsat.phucloi", "lanhdao.phucloi", "giamsat.longbien"):
        report = as_user(username).get(period)
        assert (report["total"]["received_total"], report["total"]["received_online"]) == (1, 1)
    supervisor = as_user("giamsat.phucloi")
    assert supervisor.get(period + "&unit=PHUCLOI")["unit_name"] == "Phường Phúc Lợi"
    supervisor.get(period + "&unit=LONGBIEN", 403)  # above the supervisor's ward
    assert supervisor.get(period + "&unit=NOWHERE", 400)["fields"] == {"unit": "no such unit"}
    assert supervisor.get("/reports/period?from=2026-13-01", 400)["fields"] == {
        "from": "must be a date (YYYY-MM-DD)", "to": "is required"}
    assert supervisor.get("/reports/period?from=2026-03-02&to=2026-03-01", 400)[
        "fields"] == {"from": "is after to"}
    reception.get(period, 403)
    as_user("hotich.phucloi").get(period, 403)
    logbook = reception.get(f"/logbook?from={today}&to={today}")
    assert [row["number"] for row in logbook["rows"]] == [1]
    assert reception.get("/logbook")["rows"] == logbook["rows"]  # this month by default
    assert reception.get("/logbook?from=2024-01-01&to=2026-01-01", 400)["fields"] == {
        "to": "is more than 366 days after from"}
    reception.get("/late?unit=CA-PHUCLOI", 403)  # the police post is the district's
    reception.get("/late?unit=VIETHUNG", 403)


# -- the interlinked procedure, from reception to the police and BHXH and back --------------

def test_interlinked_dossier_through_five_tokens(reception, as_user):
    parent = receive(reception, "birth_residence_health_card")
    code = parent["code"]
    assert parent["process_key"] == "birth_residence_health_card"
    assert parent["procedure_code"] == "1.012924"

    reception.complete(code, CHILD)
    officer = as_user("hotich.phucloi")
    task = officer.task_of(code)
    officer.post(f"/tasks/{task['id']}/claim")
    officer.post(f"/tasks/{task['id']}/complete",
                 {"data": {"decision": "approve", "register_number": "31/2026"}})
    leader = as_user("lanhdao.phucloi")
    signed = leader.complete(code, {"leader_decision": "approve"})["dossier"]
    parts = {link["process_key"]: link["code"] for link in signed["links"]
             if link["relation"] == "started"}
    police_code = parts["residence_linked_part"]
    bhxh_code = parts["health_card_linked_part"]
    assert police_code.startswith("CA-PHUCLOI-") and bhxh_code.startswith("BHXH-LONGBIEN-")

    police = as_user("congan.phucloi")
    police.get(f"/dossiers/{code}", 403)  # the ward's dossier is not the police's
    shown = police.get(f"/dossiers/{police_code}")
    assert shown["links"] == [{"code": code, "process_key": "birth_residence_health_card",
                               "status": "running", "relation": "started_by"}]
    police.complete(police_code, {"residence_decision": "approve",
                                  "needs_verification": False})
    police.complete(police_code, {"residence_number": "CT-0425"})
    bhxh = as_user("bhxh.longbien")
    bhxh.complete(bhxh_code, {"card_decision": "approve"})
    bhxh.complete(bhxh_code, {"card_number": "0126012345", "card_valid_from": "2026-02-27"})

    back = reception.task_of(code)
    assert back["name"] == "Trả kết quả liên thông"
    returned = reception.complete(code, {"returned_to": "Trần Thị Bích",
                                         "return_channel": "desk"})["dossier"]
    assert returned["status"] == "returned"

    slip = reception.get(f"/dossiers/{code}/papers/control-slip")
    assert [(r["from_department"], r["to_department"]) for r in slip["rows"]][:3] == [
        ("Công dân", "Một cửa"), ("Một cửa", "Tư pháp - Hộ tịch"),
        ("Tư pháp - Hộ tịch", "Lãnh đạo")]
    assert slip["rows"][-1]["to_department"] == "Một cửa"
    assert all(r["handed_at"] and r["received_at"] and r["outcome"] for r in slip["rows"])
    police_slip = police.get(f"/dossiers/{police_code}/papers/control-slip")
    assert police_slip["rows"][0]["note"] == f"Chuyển từ hồ sơ {code}"
    assert police_slip["rows"][0]["to_department"] == "Công an"


def test_a_revoked_token_is_refused(app, client, db_engine):
    sessions = make_sessionmaker(db_engine)
    with sessions.begin() as session:
        token = create_token(session, "tiepnhan.phucloi", "test",
                             datetime(2026, 3, 2, 8, tzinfo=VN))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/procedures", headers=headers).status_code == 200
    with sessions.begin() as session:
        assert revoke_tokens(session, "tiepnhan.phucloi") == 1
    assert client.get("/api/procedures", headers=headers).status_code == 401
