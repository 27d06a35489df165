"""The JSON API under /api/, driven with tokens as an integration would: the document,
authentication, reading, working tasks and refusals. Every response is checked against
the OpenAPI document's schema for it, so the document and the API cannot drift apart.
"""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import update

from engine.storage import ApiToken, make_sessionmaker
from tests.conftest import WORKFLOWS
from tests.samples import MOTHER
from tests.web.api.client import OFFSET, Api, receive, received_and_checked
from tests.web.conftest import login
from web.app import create_app

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
    assert receipt["counting"] == "working_hours"  # the rule its limit is counted by


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
    city = as_user("giamsat.hanoi")  # the city sees its wards' dossiers
    assert len(city.get("/dossiers")) == 2
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
                                  "choices": ["approve", "refuse"], "unit_kind": ""}
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
    assert again["code"] == "task_already_completed"  # for clients with their own texts
    officer.post(f"/tasks/{task['id']}/claim", expect=409)
    assert reception.get(f"/dossiers/{code}") == before


def test_a_task_claimed_by_someone_else_is_a_conflict(reception, as_user, db_engine):
    from engine.org import add_user

    with make_sessionmaker(db_engine).begin() as session:
        add_user(session, username="hotich2.phucloi", full_name="Hộ tịch 2", unit="PHUCLOI",
                 roles=["staff"], departments=["civil_status"], password="mat-khau-dai-2026")
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


UNKNOWN_CODE = "PHUCLOI-260101-0999"


def answers_as_unknown(api, code: str, task_id: str) -> None:
    """Each read and action on the dossier and its task answers 404 with the body an
    unknown code or task id gets (the codes themselves aside): nothing says it exists."""
    unknown_task = "0" * 8 + task_id[8:]
    calls = [("get", "/dossiers/{c}", None), ("get", "/dossiers/{c}/papers/receipt", None),
             ("post", "/dossiers/{c}/refuse", {"reason": "x"}),
             ("get", "/tasks/{t}", None), ("post", "/tasks/{t}/claim", None),
             ("post", "/tasks/{t}/complete", {"data": {"decision": "approve"}})]
    for method, path, payload in calls:
        seen, made_up = (
            getattr(api, method)(path.format(c=c, t=t), *([payload] if method == "post" else
                                                         []), expect=404)
            for c, t in ((code, task_id), (UNKNOWN_CODE, unknown_task)))
        assert repr(seen).replace(code, "X").replace(task_id, "X") == \
            repr(made_up).replace(UNKNOWN_CODE, "X").replace(unknown_task, "X"), path


def test_permissions_follow_the_pages(reception, as_user):
    code = received_and_checked(reception)
    task = as_user("hotich.phucloi").task_of(code)
    # another unit's dossier and task answer exactly as unknown ones (tested below)
    for user in ("hotich.viethung", "congan.phucloi"):
        answers_as_unknown(as_user(user), code, task["id"])
    land = as_user("diachinh.phucloi")  # same ward, another department: sees, cannot work
    assert land.get(f"/tasks/{task['id']}")["id"] == task["id"]
    refused = land.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "approve"}},
                        403)
    assert "is for department civil_status of PHUCLOI" in refused["error"]
    land.post("/dossiers", {"procedure": "birth_registration", "applicant": {"name": "A"}},
              403)
    land.post(f"/dossiers/{code}/refuse", {"reason": "x"}, 403)
    as_user("tiepnhan.viethung").post(f"/dossiers/{code}/refuse", {"reason": "x"}, 404)
    as_user("hotich.phucloi").post(f"/dossiers/{code}/apology", {
        "reason": "x", "new_appointment": "2030-01-01T17:00:00+07:00"}, 403)
    assert as_user("giamsat.hanoi").get(f"/dossiers/{code}")["code"] == code
    assert reception.get(f"/dossiers/{code}")["status"] == "running"


def test_a_leader_of_the_unit_above_cannot_work_the_wards_step(reception, as_user, db_engine):
    """The city sees its wards' dossiers, and has a leadership department too; the
    ward's step is still the ward's leader's to claim, sign or refuse."""
    from engine.org import add_user

    with make_sessionmaker(db_engine).begin() as session:
        add_user(session, username="lanhdao.hanoi", full_name="Lý Văn Thành",
                 unit="HANOI", roles=["leader"], departments=["leadership"],
                 password="mat-khau-dai-2026")
    code = received_and_checked(reception)
    as_user("hotich.phucloi").complete(code, {"decision": "approve",
                                              "register_number": "25/2026"})
    task = as_user("lanhdao.phucloi").task_of(code)
    before = reception.get(f"/dossiers/{code}")
    city = as_user("lanhdao.hanoi")
    assert city.get(f"/dossiers/{code}")["code"] == code
    assert city.get(f"/tasks/{task['id']}")["department"] == "leadership"
    refused = city.post(f"/tasks/{task['id']}/claim", expect=403)
    assert "is for department leadership of PHUCLOI" in refused["error"]
    city.post(f"/tasks/{task['id']}/complete", {"data": {"leader_decision": "approve"}},
                  403)
    city.post(f"/dossiers/{code}/refuse", {"reason": "x"}, 403)
    assert reception.get(f"/dossiers/{code}") == before


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


