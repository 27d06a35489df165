"""The supervisors' pages of issue 12 (items 3 and 4): dossiers at risk and late with
the leader's apology one click away, the notifications with their unread count, and the
workload with reassigning."""

from __future__ import annotations

import pytest

from engine.dossiers import tick
from engine.org import add_user
from tests.conftest import vn
from tests.web.conftest import login
from tests.web.pages.helpers import (
    civil_status_task,
    dossier,
    engine_services,
    fixed_clock,
    page,
    ready,
)


@pytest.mark.parametrize("path", ["/risk/", "/workload/"])
def test_only_supervisors_and_leaders_see_the_lists(client, path):
    login(client, "hotich.phucloi")
    assert client.get(path).status_code == 403
    client.post("/logout")
    login(client, "giamsat.phucloi")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", [
    "/risk/?sort=name", "/risk/?unit=VIETHUNG", "/risk/?all=2", "/risk/?unit=" + "X" * 500,
    "/workload/?weeks=0", "/workload/?weeks=27", "/workload/?weeks=abc",
    "/notifications/?page=0", "/notifications/?page=x", "/notifications/?unread=yes"])
def test_bad_query_values_get_a_400_page(client, path):
    login(client, "lanhdao.phucloi")
    response = client.get(path)
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)


def test_a_late_dossier_is_listed_with_its_step_and_the_apology_form(app, client):
    clock = fixed_clock(app)
    code, _task = civil_status_task(app, "2026-03-09 09:00")  # same day: due 17:00
    clock.set(vn("2026-03-09 17:30"))
    login(client, "giamsat.phucloi")
    html = page(client.get("/risk/?sort=holder"))
    row = html.split(f'data-code="{code}" data-state="late"')[1].split("</tr>")[0]
    assert "Chưa có người nhận" in row
    assert f"/risk/{code}/apology" not in row  # a supervisor does not sign
    client.post("/logout")
    login(client, "lanhdao.phucloi")
    html = page(client.get("/risk/"))
    assert f'data-code="{code}" data-state="late"' in html
    assert f"/risk/{code}/apology" in html
    form = page(client.get(f"/risk/{code}/apology"))
    assert code in form
    refused = client.post(f"/risk/{code}/apology", data={
        "reason": "", "new_appointment": "2026-03-10T17:00"})
    assert refused.status_code == 400
    done = client.post(f"/risk/{code}/apology", data={
        "reason": "Chờ xác minh", "new_appointment": "2026-03-10T17:00",
        "number": "12/UBND-VP"})
    assert done.status_code == 302
    assert dossier(app, code).appointment_at == vn("2026-03-10 17:00")


def test_a_clerk_cannot_open_the_apology_form(app, client):
    code, _task = civil_status_task(app)
    login(client, "hotich.phucloi")
    assert client.get(f"/risk/{code}/apology").status_code == 403


def test_notifications_show_with_their_unread_count_and_are_marked_read(app, client):
    clock = fixed_clock(app)
    code, _task = civil_status_task(app, "2026-03-09 09:00")
    svc = engine_services(app)
    result = tick(svc.transaction, svc.runtime, vn("2026-03-09 16:00"))
    assert result.notified >= 1
    assert tick(svc.transaction, svc.runtime, vn("2026-03-09 16:00")).notified == 0
    clock.set(vn("2026-03-09 16:10"))
    login(client, "lanhdao.phucloi")
    html = page(client.get("/notifications/"))
    assert 'id="unread-count"' in html and code in html
    client.post("/notifications/read", data={"all": "1"})
    html = page(client.get("/notifications/"))
    assert 'id="unread-count"' not in html
    assert client.post("/notifications/read", data={"id": "x"}).status_code == 400
    client.post("/logout")
    login(client, "hotich.phucloi")  # told nothing
    assert code not in page(client.get("/notifications/"))


def test_a_supervisor_gives_a_step_to_a_colleague_of_its_department(app, client):
    fixed_clock(app)
    code, task = civil_status_task(app)
    svc = engine_services(app)
    with svc.transaction() as session:
        add_user(session, username="hotich2.phucloi", full_name="Lê Văn B", unit="PHUCLOI",
                 roles=["staff"], departments=["civil_status"], password="another-password-2")
    login(client, "giamsat.phucloi")
    html = page(client.get("/workload/"))
    assert f'data-task="{task}"' in html and "hotich2.phucloi" in html
    wrong = client.post("/workload/reassign", data={"task": task, "to": "diachinh.phucloi"})
    assert wrong.status_code == 400
    assert client.post("/workload/reassign", data={"task": task, "to": "nobody"}
                       ).status_code in (400, 404)
    done = client.post("/workload/reassign", data={"task": task, "to": "hotich2.phucloi"})
    assert done.status_code == 302
    (step,) = ready(app, code, "civil_status")
    assert step.claimed_by == "hotich2.phucloi"
    assert [e.actor for e in dossier(app, code).events if e.kind == "task_reassigned"] == [
        "giamsat.phucloi"]
    timeline = page(client.get(f"/dossiers/{code}"))
    assert "Giao bước “Ghi sổ hộ tịch, cấp giấy khai sinh” cho" in timeline
    client.post("/logout")
    login(client, "hotich.phucloi")
    assert client.post("/workload/reassign", data={"task": task, "to": "hotich.phucloi"}
                       ).status_code == 403
