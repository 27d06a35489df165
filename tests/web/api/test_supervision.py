"""The supervisors' views in the API (web/api/supervision.py): each answers what its
engine function gives (every response is checked against the OpenAPI document by the
client), with its page's permissions and query values. The audit's step figures are
being reworked: only count, median_hours, p90_hours, late, sla and the step ids are
asserted here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from engine.dossiers import Reason, assess, workload_of
from engine.dossiers.notices import notify
from engine.org import descendants
from engine.reporting import build_dashboard, step_audit, step_detail
from engine.storage import Dossier, make_sessionmaker
from tests.conftest import VN
from tests.web.api.client import receive, received_and_checked
from web.api.shapes import to_json

AUDITED = ("count", "median_hours", "p90_hours", "late", "sla")


def today() -> date:
    return datetime.now(VN).date()


def engine_json(db_engine: Engine, make: Any) -> Any:
    """What an engine function gives, as the API writes it."""
    with make_sessionmaker(db_engine).begin() as session:
        return to_json(make(session), VN)


def audited(steps: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(s["spec_id"], *(s[name] for name in AUDITED)) for s in steps]


@pytest.fixture
def supervisor(as_user):
    return as_user("giamsat.phucloi")


# -- the dashboard ---------------------------------------------------------------------------

def test_the_dashboard_is_the_engines(reception, supervisor, db_engine):
    receive(reception, channel="online")
    first = today().replace(day=1)
    board = supervisor.get("/dashboard")
    expected = engine_json(db_engine, lambda s: build_dashboard(
        s, unit="PHUCLOI", start=first, end=today(), tz="Asia/Ho_Chi_Minh"))
    assert board == expected
    assert board["total"]["row"]["received_online"] == 1
    assert (board["start"], board["end"]) == (first.isoformat(), today().isoformat())
    assert supervisor.get("/dashboard?preset=year")["start"] == today().replace(
        month=1, day=1).isoformat()
    assert supervisor.get(f"/dashboard?unit=PHUCLOI&from={first}&to={today()}&map=as-then"
                          "&finished_as=excluded")["finished_as"] == {
        "withdrawn": "excluded", "refused": "excluded", "stopped": "excluded"}


def test_the_dashboard_refuses_like_its_page(reception, supervisor, as_user):
    supervisor.get("/dashboard?unit=HANOI", 403)  # above the supervisor's ward
    supervisor.get("/dashboard?unit=NOWHERE", 404)
    reception.get("/dashboard", 403)  # not a supervisor
    assert as_user("giamsat.hanoi").get("/dashboard?unit=PHUCLOI")["unit"] == "PHUCLOI"
    assert supervisor.get("/dashboard?from=2026-03-02&to=2026-03-01", 400)["fields"] == {
        "from": "the period starts (02/03/2026) after it ends (01/03/2026)"}
    assert list(supervisor.get("/dashboard?from=2024-01-01&to=2026-01-01", 400)["fields"]
                ) == ["to"]
    assert list(supervisor.get("/dashboard?preset=decade", 400)["fields"]) == ["preset"]
    assert list(supervisor.get("/dashboard?preset=year&from=2026-01-01", 400)["fields"]
                ) == ["preset"]
    assert list(supervisor.get("/dashboard?from=2026-13-01", 400)["fields"]) == ["from"]
    assert list(supervisor.get("/dashboard?map=yesterday", 400)["fields"]) == ["map"]
    assert list(supervisor.get("/dashboard?finished_as=gone", 400)["fields"]) == [
        "finished_as"]
    assert list(supervisor.get("/dashboard?colour=red", 400)["fields"]) == ["colour"]


# -- the step-timing audit -------------------------------------------------------------------

def audit_args(app: Any, session: Any) -> dict[str, Any]:
    runtime = app.extensions["lienthong"].runtime
    return {"units": descendants(session, "PHUCLOI"), "start": today() - timedelta(days=89),
            "end": today(), "calendars": lambda unit: runtime.calendar(session, unit)}


def test_the_audit_of_a_procedure_and_of_a_step_are_the_engines(reception, supervisor,
                                                                   app, db_engine):
    received_and_checked(reception)
    audit = supervisor.get("/audit/birth_registration")
    expected = engine_json(db_engine, lambda s: step_audit(
        s, "birth_registration", **audit_args(app, s)))
    assert audited(audit["steps"]) == audited(expected["steps"])
    assert "receive_check" in [s["spec_id"] for s in audit["steps"]]
    checked = next(s for s in audit["steps"] if s["spec_id"] == "receive_check")
    assert checked["count"] == 1 and checked["late"] == 0
    assert audit["edges"] == expected["edges"]
    assert audit["dossiers"] == expected["dossiers"] and "diagrams" not in audit
    detail = supervisor.get("/audit/birth_registration/steps/receive_check")
    expected = engine_json(db_engine, lambda s: step_detail(
        s, "birth_registration", "receive_check", **audit_args(app, s)))
    assert audited([detail["step"]]) == audited([expected["step"]])
    assert (detail["late"], detail["outliers"]) == (expected["late"], expected["outliers"])
    version = audit["versions"][0]
    assert supervisor.get(f"/audit/birth_registration?version={version}")["version"] == version
    assert supervisor.get("/audit/birth_registration?version=all")["version"] is None


def test_the_audit_refuses_like_its_page(reception, supervisor):
    received_and_checked(reception)
    supervisor.get("/audit/no_such_procedure", 404)
    supervisor.get("/audit/birth_registration?version=999", 404)
    supervisor.get("/audit/birth_registration/steps/no_such_step", 404)
    supervisor.get("/audit/birth_registration?unit=HANOI", 403)
    supervisor.get("/audit/birth_registration?unit=NOWHERE", 403)  # as the page: not seen
    reception.get("/audit/birth_registration", 403)
    assert supervisor.get("/audit/birth_registration?from=2026-03-02&to=2026-03-01",
                          400)["fields"] == {"from": "is after to"}
    assert list(supervisor.get("/audit/birth_registration?from=2024-01-01&to=2026-01-01",
                               400)["fields"]) == ["to"]
    assert list(supervisor.get("/audit/birth_registration?version=latest", 400)["fields"]
                ) == ["version"]
    assert list(supervisor.get("/audit/birth_registration/steps/receive_check?to=x",
                               400)["fields"]) == ["to"]


# -- dossiers at risk and the workload -------------------------------------------------------

def test_risk_and_workload_are_the_engines(reception, supervisor, app, db_engine):
    code = receive(reception)["code"]
    runtime = app.extensions["lienthong"].runtime
    rows = supervisor.get("/risk?all=1")
    expected = engine_json(db_engine, lambda s: assess(
        s, runtime, descendants(s, "PHUCLOI"), datetime.now(VN), everything=True))
    assert [(r["code"], r["state"]) for r in rows] == [
        (r["code"], r["state"]) for r in expected]
    assert code in [r["code"] for r in rows] and "dossier_id" not in rows[0]
    late_only = supervisor.get("/risk?sort=procedure&all=0")
    assert {r["code"] for r in late_only} <= {r["code"] for r in rows}
    def engine_load() -> Any:
        return engine_json(db_engine, lambda s: workload_of(
            s, runtime, descendants(s, "PHUCLOI"), datetime.now(VN), 2))

    # the engine asked just before and just after: a week may begin in between
    before, load, after = engine_load(), supervisor.get("/workload?weeks=2"), engine_load()
    assert load in (before, after)
    assert [t["dossier_code"] for t in load["tasks"]] == [code]


def test_risk_and_workload_refuse_like_their_pages(reception, supervisor):
    for path in ("/risk", "/workload"):
        reception.get(path, 403)
        assert supervisor.get(f"{path}?unit=HANOI", 400)["fields"] == {
            "unit": "is not your unit or a unit below it"}
        assert list(supervisor.get(f"{path}?unit=NOWHERE", 400)["fields"]) == ["unit"]
    assert list(supervisor.get("/risk?sort=colour", 400)["fields"]) == ["sort"]
    assert list(supervisor.get("/risk?all=yes", 400)["fields"]) == ["all"]
    assert list(supervisor.get("/workload?weeks=0", 400)["fields"]) == ["weeks"]
    assert list(supervisor.get("/workload?weeks=27", 400)["fields"]) == ["weeks"]


# -- notifications ---------------------------------------------------------------------------

def notified(db_engine: Engine, code: str) -> None:
    with make_sessionmaker(db_engine).begin() as session:
        dossier = session.scalar(select(Dossier.id).where(Dossier.code == code))
        for reason in (Reason.AT_RISK, Reason.STEP_LATE):
            notify(session, reason=reason, subject=f"dossier:{dossier}:{reason}",
                   dossier_id=dossier, unit="PHUCLOI", department="reception",
                   task_record_id=None, now=datetime.now(VN))


def test_notifications_are_listed_and_marked_read(reception, as_user, db_engine):
    code = receive(reception)["code"]
    notified(db_engine, code)
    leader = as_user("lanhdao.phucloi")
    found = leader.get("/notifications")
    assert (found["unread"], found["page"], found["more"]) == (2, 1, False)
    assert [n["dossier_code"] for n in found["notices"]] == [code, code]
    first, second = (n["id"] for n in found["notices"])
    reception.post(f"/notifications/{first}/read", expect=404)  # not the desk's
    read = leader.post(f"/notifications/{first}/read")
    assert read["id"] == first and read["read_at"] is not None
    assert [n["id"] for n in leader.get("/notifications?unread=1")["notices"]] == [second]
    assert reception.post("/notifications/read", {"all": True}) == {"marked": 0, "unread": 0}
    assert leader.post("/notifications/read", {"ids": [second, 99999]}) == {
        "marked": 1, "unread": 0}
    assert leader.get("/notifications?page=2")["notices"] == []


def test_notification_requests_are_checked(as_user):
    leader = as_user("lanhdao.phucloi")
    leader.post("/notifications/abc/read", expect=404)
    leader.post("/notifications/99999/read", expect=404)
    assert list(leader.post("/notifications/read", {}, 422)["fields"]) == ["ids"]
    assert list(leader.post("/notifications/read", {"ids": [1], "all": True}, 422)["fields"]
                ) == ["ids"]
    assert list(leader.post("/notifications/read", {"ids": ["1"]}, 422)["fields"]) == [
        "ids[0]"]
    assert list(leader.get("/notifications?page=0", 400)["fields"]) == ["page"]
    assert list(leader.get("/notifications?unread=yes", 400)["fields"]) == ["unread"]
