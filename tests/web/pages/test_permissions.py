"""Who may do what: each role against each action of the desk, the inbox and the task
page, on a birth registration of Phúc Lợi waiting at its civil-status department.
A refusal is the 403 page (never a traceback); a dossier or task of a unit the user does
not see answers 404 as an unknown one; anonymous visitors are sent to sign in."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.org import add_user
from tests.web.conftest import login
from tests.web.pages.helpers import (
    civil_status_task,
    dossier,
    engine_services,
    page,
    ready,
    work,
)

ROLES = {  # role -> demo user (None: not signed in)
    "reception": "tiepnhan.phucloi",
    "civil_status": "hotich.phucloi",
    "police": "congan.phucloi",
    "bhxh": "bhxh.longbien",
    "other_ward_clerk": "tiepnhan.viethung",
    "city_supervisor": "giamsat.hanoi",
    "anonymous": None,
}

LOGIN = "login"  # sent to the sign-in page
OK, REDIRECT, FORBIDDEN, UNKNOWN = 200, 302, 403, 404

# action -> expected outcome per role, in the order of ROLES
MATRIX = {
    "open desk": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
    "receive": (REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, LOGIN),
    "open dossier at desk": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNKNOWN, FORBIDDEN, LOGIN),
    "refuse at desk": (REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNKNOWN, FORBIDDEN, LOGIN),
    "stop at desk": (REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNKNOWN, FORBIDDEN, LOGIN),
    "open inbox": (OK, OK, OK, OK, OK, FORBIDDEN, LOGIN),
    "open civil-status task": (OK, OK, UNKNOWN, UNKNOWN, UNKNOWN, OK, LOGIN),
    "claim it": (FORBIDDEN, REDIRECT, UNKNOWN, UNKNOWN, UNKNOWN, FORBIDDEN, LOGIN),
    "complete it": (FORBIDDEN, REDIRECT, UNKNOWN, UNKNOWN, UNKNOWN, FORBIDDEN, LOGIN),
    "request supplement on it": (FORBIDDEN, REDIRECT, UNKNOWN, UNKNOWN, UNKNOWN,
                                 FORBIDDEN, LOGIN),
    "open dossier page": (OK, OK, UNKNOWN, UNKNOWN, UNKNOWN, OK, LOGIN),
}


def act(client: FlaskClient, action: str, code: str, task_id: str):
    if action == "open desk":
        return client.get("/desk/")
    if action == "receive":
        return client.post("/desk/receive/1.001193", data={
            "applicant_name": "Trần Thị Bích", "documents": ["0", "1"],
            "channel": "in_person"})
    if action == "open dossier at desk":
        return client.get(f"/desk/dossiers/{code}")
    if action == "refuse at desk":
        return client.post(f"/desk/dossiers/{code}/refuse", data={"refusal": "Không đủ"})
    if action == "stop at desk":
        return client.post(f"/desk/dossiers/{code}/stop", data={"stopping": "Chờ xác minh"})
    if action == "open inbox":
        return client.get("/inbox/")
    if action == "open civil-status task":
        return client.get(f"/tasks/{task_id}")
    if action == "claim it":
        return client.post(f"/tasks/{task_id}/claim")
    if action == "complete it":
        return client.post(f"/tasks/{task_id}/complete", data={"decision": "approve"})
    if action == "request supplement on it":
        return client.post(f"/tasks/{task_id}/supplement",
                           data={"items": "Giấy chứng sinh", "reason": "Bản sao mờ"})
    if action == "open dossier page":
        return client.get(f"/dossiers/{code}")
    raise AssertionError(action)


MUTATING = {"refuse at desk", "stop at desk", "claim it", "complete it", "request supplement on it"}


def check(app: Flask, client: FlaskClient, action: str, expected, code: str, task_id: str
          ) -> str | None:
    """Run one action; the problem if the outcome is not the expected one."""
    response = act(client, action, code, task_id)
    status, location = response.status_code, response.headers.get("Location", "")
    if expected == LOGIN:
        return None if status == 302 and location.startswith("/login") else \
            f"{action}: {status} {location}, expected the sign-in page"
    if status != expected:
        return f"{action}: {status}, expected {expected}"
    if status == 302 and location.startswith("/login"):
        return f"{action}: sent to sign in"
    if status == 403:
        html = page(response)
        if "Không có quyền truy cập" not in html or "Traceback" in html:
            return f"{action}: 403 without the refusal page"
    return None


# One test per role (each test needs a fresh app, which is the costly part); it runs every
# action of the matrix and reports every cell that differs.
@pytest.mark.parametrize("role", list(ROLES))
def test_permissions(app: Flask, clock, role: str) -> None:
    column = list(ROLES).index(role)
    client = app.test_client()
    if ROLES[role] is not None:
        login(client, ROLES[role])
    code, task_id = civil_status_task(app)
    problems = []
    for action, expected in MATRIX.items():
        if action == "open dossier page" and "dossiers.page" not in app.view_functions:
            continue  # the dossier page is not installed yet
        problem = check(app, client, action, expected[column], code, task_id)
        if problem:
            problems.append(problem)
        if action in MUTATING and expected[column] == REDIRECT:
            code, task_id = civil_status_task(app)  # the next action starts afresh
    assert problems == []


def test_another_units_task_and_dossier_answer_as_unknown_ones(app, clock) -> None:
    code, task_id = civil_status_task(app)
    unknown_code, unknown_task = "PHUCLOI-260101-0999", "0" * 8 + task_id[8:]
    client = app.test_client()
    login(client, "congan.phucloi")
    client.get("/inbox/")  # shows the greeting once
    for known, unknown in ((f"/tasks/{task_id}", f"/tasks/{unknown_task}"),
                           (f"/tasks/{task_id}/claim", f"/tasks/{unknown_task}/claim"),
                           (f"/dossiers/{code}", f"/dossiers/{unknown_code}"),
                           (f"/dossiers/{code}/papers/receipt",
                            f"/dossiers/{unknown_code}/papers/receipt")):
        method = client.post if known.endswith("/claim") else client.get
        seen, made_up = method(known), method(unknown)
        assert seen.status_code == made_up.status_code == 404, known
        assert same_page(seen).replace(code, "X").replace(task_id, "X") == \
            same_page(made_up).replace(unknown_code, "X").replace(unknown_task, "X"), known


def same_page(response) -> str:
    """The page without its CSRF token, which is signed with the second it was made in
    (two requests a second apart give two tokens, and nothing else differs)."""
    return re.sub(r'(name="csrf_token" value=")[^"]+"', r'\1"', page(response))


def test_a_ward_clerk_sees_only_its_own_wards_dossiers(app, clock) -> None:
    code, _ = civil_status_task(app)
    client = app.test_client()
    login(client, "tiepnhan.viethung")
    assert "Không tìm thấy hồ sơ nào." in page(client.get(f"/desk/?q={code}"))
    assert code not in page(client.get("/inbox/"))
    response = client.post(f"/desk/dossiers/{code}/withdraw", data={"withdrawal": "x"})
    assert response.status_code == 404


def test_viewers_who_cannot_work_a_task_get_no_form(app, clock) -> None:
    _, task_id = civil_status_task(app)
    client = app.test_client()
    login(client, "giamsat.hanoi")
    html = page(client.get(f"/tasks/{task_id}"))
    assert "Bạn chỉ xem được việc này" in html
    assert 'action="/tasks/' not in html


# -- a unit above the dossier's --------------------------------------------------------------

CITY_LEADER = "lanhdao.hanoi"
CITY_PASSWORD = "thanh-pho-ha-noi-2026"  # noqa: S105 - a test user's password


def at_the_leaders_step(app: Flask) -> tuple[str, str]:
    """A Phúc Lợi birth registration registered by the officer, now at the ward's
    leadership, and a city leader (Hà Nội, department leadership) who oversees the
    ward: (code, leadership task id)."""
    svc = engine_services(app)
    with svc.transaction() as session:
        add_user(session, username=CITY_LEADER, full_name="Lý Văn Thành", unit="HANOI",
                 roles=["leader"], departments=["leadership"], password=CITY_PASSWORD)
    code, _ = civil_status_task(app)
    work(app, code, {"decision": "approve", "register_number": "15/2026"}, "2026-03-09 09:00",
         user="hotich.phucloi")
    (task,) = ready(app, code, "leadership")
    return code, task.id


def test_a_leader_of_the_unit_above_sees_the_wards_step_but_cannot_work_it(app, clock):
    """Same department, but another unit: the city oversees the ward's dossiers and
    must not sign for the ward's leader."""
    code, task_id = at_the_leaders_step(app)
    before = dossier(app, code)
    client = app.test_client()
    login(client, CITY_LEADER, CITY_PASSWORD)
    assert client.get(f"/dossiers/{code}").status_code == 200  # the ward is below the city
    html = page(client.get(f"/tasks/{task_id}"))
    assert "Bạn chỉ xem được việc này" in html and 'action="/tasks/' not in html
    for action, form in [("claim", {}), ("complete", {"leader_decision": "approve"}),
                         ("refuse", {"refusal": "Không đủ điều kiện"}),
                         ("send-back", {"send_back_reason": "Ghi sai số đăng ký"})]:
        response = client.post(f"/tasks/{task_id}/{action}", data=form)
        assert response.status_code == 403, action
        assert "Không có quyền truy cập" in page(response)
    assert dossier(app, code) == before  # nothing claimed, signed, refused or sent back
    assert task_id not in page(client.get("/inbox/"))
