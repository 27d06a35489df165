"""The JSON API through a dossier's life: supplements, refusal, withdrawal, apologies,
reports, the interlinked procedure across five tokens, and revoked tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from engine.org import create_token, revoke_tokens, serve
from engine.storage import Dossier, Message, make_sessionmaker
from tests.conftest import VN
from tests.samples import CHILD
from tests.web.api.client import receive, received_and_checked

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
    for bad, field in (({"number": "mười hai"}, "number"),
                       ({"number": "1/" + "A" * 60}, "number"),
                       ({"addressee": "x" * 201}, "addressee"),
                       ({"distribution": []}, "distribution"),
                       ({"distribution": ["x"] * 11}, "distribution")):
        refused = leader.post(f"/dossiers/{code}/apology", {
            "reason": "x", "new_appointment": later.isoformat(), **bad}, 422)
        assert field in refused["fields"], refused
    assert reception.get(f"/dossiers/{code}")["apologies"] == []  # nothing written
    apologized = leader.post(f"/dossiers/{code}/apology", {
        "reason": "Chờ xác minh", "new_appointment": later.isoformat(),
        "number": "12/UBND-VP", "distribution": ["Như trên", "Lưu: VT, VP"]})
    assert apologized["appointment_at"] == later.isoformat()
    assert apologized["apologies"][0]["signed_by"] == "lanhdao.phucloi"
    letter = reception.get(f"/dossiers/{code}/papers/apology")
    assert (letter["signed_by"], letter["number"], letter["distribution"]) == (
        "Ngô Thanh Tùng", "12/UBND-VP", ["Như trên", "Lưu: VT, VP"])
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


def test_stop_a_dossier_and_read_its_notice(reception, as_user):
    code = receive(reception)["code"]
    reception.get(f"/dossiers/{code}/papers/stop-notice", expect=404)  # not stopped yet
    as_user("hotich.phucloi").post(f"/dossiers/{code}/stop", {"reason": "x"}, 403)
    assert reception.post(f"/dossiers/{code}/stop", {}, 422)["fields"] == {
        "reason": "is required"}
    stopped = reception.post(f"/dossiers/{code}/stop",
                             {"reason": "Cơ quan có thẩm quyền đề nghị dừng"})
    assert (stopped["status"], stopped["finish_reason"]) == (
        "stopped", "Cơ quan có thẩm quyền đề nghị dừng")
    notice = reception.get(f"/dossiers/{code}/papers/stop-notice")
    assert notice["reason"] == "Cơ quan có thẩm quyền đề nghị dừng"
    assert reception.post(f"/dossiers/{code}/stop", {"reason": "x"}, 409)["code"] == (
        "dossier_not_open")


def test_reports_are_for_supervisors_and_leaders(reception, as_user):
    receive(reception, channel="online")
    today = datetime.now(VN).date().isoformat()
    period = f"/reports/period?from={today}&to={today}"
    for username in ("giamsat.phucloi", "lanhdao.phucloi", "giamsat.hanoi"):
        report = as_user(username).get(period)
        assert (report["total"]["received_total"], report["total"]["received_online"]) == (1, 1)
    supervisor = as_user("giamsat.phucloi")
    assert supervisor.get(period + "&unit=PHUCLOI")["unit_name"] == "Phường Phúc Lợi"
    supervisor.get(period + "&unit=HANOI", 403)  # above the supervisor's ward
    assert supervisor.get(period + "&unit=NOWHERE", 400)["fields"] == {"unit": "no such unit"}
    as_then = supervisor.get(period + "&map=as-then")
    assert as_then["total"]["received_total"] == 1  # today's ward, as it stood
    assert list(supervisor.get(period + "&map=yesterday", 400)["fields"]) == ["map"]
    assert supervisor.get("/reports/period?from=2026-13-01", 400)["fields"] == {
        "from": "must be a date (YYYY-MM-DD)", "to": "is required"}
    assert supervisor.get("/reports/period?from=2026-03-02&to=2026-03-01", 400)[
        "fields"] == {"from": "is after to"}
    chosen = supervisor.get(period + "&finished_as=withdrawn%3Dexcluded,stopped%3Don-time")
    assert chosen["finished_as"] == {"withdrawn": "excluded", "refused": "resolved",
                                     "stopped": "on-time"}
    assert supervisor.get(period)["finished_as"]["withdrawn"] == "resolved"
    assert supervisor.get(period + "&finished_as=withdrawn%3Dgone", 400)["fields"] == {
        "finished_as": "'gone' is not a placement; use resolved, on-time, excluded"}
    assert supervisor.get(period + "&finished_as=", 400)["fields"] == {
        "finished_as": "the rule is empty; give e.g. withdrawn=excluded"}
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
    police.get(f"/dossiers/{code}", 404)  # the ward's dossier is not the police's
    detail = police.get(f"/tasks/{police.task_of(police_code)['id']}")
    child = {item["name"]: item for item in detail["shown"]}
    assert child["request.child_name"] == {
        "name": "request.child_name", "label": "Họ và tên trẻ", "type": "string",
        "value": "Nguyễn Bảo An", "text": "Nguyễn Bảo An"}
    assert (child["request.birth_date"]["value"], child["request.birth_date"]["text"]) == (
        "2026-02-27", "27/02/2026")
    assert "request.applicant" not in child and "shown" not in police.task_of(police_code)
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
        token = create_token(session, "tiepnhan.phucloi", "test", datetime.now(VN))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/procedures", headers=headers).status_code == 200
    with sessions.begin() as session:
        assert revoke_tokens(session, "tiepnhan.phucloi") == 1
    assert client.get("/api/procedures", headers=headers).status_code == 401


# -- linked parts go only to agencies serving the ward ---------------------------------------

def stored(db_engine) -> tuple[list[str], int]:
    """The dossiers' codes and the number of messages in the database."""
    with make_sessionmaker(db_engine)() as session:
        return (list(session.scalars(select(Dossier.code).order_by(Dossier.id))),
                session.scalar(select(func.count()).select_from(Message)))


def second_police_post(db_engine) -> None:
    """Việt Hưng's police serve Phúc Lợi too (not its default)."""
    with make_sessionmaker(db_engine).begin() as session:
        serve(session, agency="CA-VIETHUNG", served="PHUCLOI")


def test_reception_data_naming_a_wrong_agency_is_refused(reception, db_engine):
    second_police_post(db_engine)
    for unit in ("NOPE-UNIT", "VIETHUNG", "CA-XAGIALAM", "LB-CA-PHUCLOI"):
        # unknown, a ward, not serving, gone
        refused = reception.post("/dossiers", {
            "procedure": "birth_residence_health_card", "applicant": {"name": "A"},
            "data": {"police_unit": unit}}, 422)
        assert refused["fields"] == {
            "data.police_unit": "must be a police unit serving PHUCLOI: CA-PHUCLOI, "
                                "CA-VIETHUNG"}
    assert stored(db_engine) == ([], 0)


def test_the_reception_step_refuses_a_wrong_agency_and_writes_nothing(reception, as_user,
                                                                      db_engine):
    second_police_post(db_engine)
    code = receive(reception, "birth_residence_health_card")["code"]
    task = reception.task_of(code)
    choices = {f["name"]: f for f in reception.get(f"/tasks/{task['id']}")["fields"]}
    assert (choices["police_unit"]["type"], choices["police_unit"]["unit_kind"],
            choices["police_unit"]["choices"]) == ("unit", "police",
                                                  ["CA-PHUCLOI", "CA-VIETHUNG"])
    assert choices["insurance_unit"]["choices"] == ["BHXH-LONGBIEN"]
    before = reception.get(f"/dossiers/{code}")
    for field, unit in (("police_unit", "NOPE-UNIT"), ("police_unit", "PHUCLOI"),
                        ("police_unit", "CA-XAGIALAM"), ("insurance_unit", "BHXH-GIALAM")):
        refused = reception.post(f"/tasks/{task['id']}/complete",
                                 {"data": CHILD | {field: unit}}, 422)
        assert list(refused["fields"]) == [f"data.{field}"]
    assert reception.get(f"/dossiers/{code}") == before
    assert stored(db_engine) == ([code], 0)
    # the happy path: a police unit serving the ward that is not its default
    reception.post(f"/tasks/{task['id']}/complete",
                   {"data": CHILD | {"police_unit": "CA-VIETHUNG"}})
    as_user("hotich.phucloi").complete(code, {"decision": "approve", "register_number": "1"})
    signed = as_user("lanhdao.phucloi").complete(code, {"leader_decision": "approve"})
    assert sorted(link["code"].rsplit("-", 2)[0] for link in signed["dossier"]["links"]) == [
        "BHXH-LONGBIEN", "CA-VIETHUNG"]
