"""Administration: users with their sessions, ending one or all of them, deactivating and
reactivating a user, and the security events; for administrators only."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import Engine

from engine.org import create_token
from engine.simulation import DEMO_PASSWORD
from engine.storage import make_sessionmaker
from tests.conftest import VN
from tests.web.conftest import csrf_token, login
from tests.web.pages.helpers import page

PAGES = ["/admin/users", "/admin/users/hotich.phucloi", "/admin/security-events"]


def signed_in(app: Flask, username: str, agent: str = "Firefox/140.0"):
    browser = app.test_client()
    browser.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR="192.0.2.10")
    login(browser, username)
    return browser


def session_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-session="(\d+)"', html)]


@pytest.mark.parametrize("username", ["tiepnhan.phucloi", "giamsat.hanoi", "lanhdao.phucloi"])
def test_only_administrators_open_the_admin_pages(app, username):
    browser = signed_in(app, username)
    for path in PAGES:
        assert browser.get(path).status_code == 403, path
    assert browser.post("/admin/users/hotich.phucloi/active",
                        data={"active": "0"}).status_code == 403
    assert "/admin/users" not in page(browser.get("/dossiers/"))
    anonymous = app.test_client()
    assert all(anonymous.get(path).status_code == 302 for path in PAGES)


def test_refusals_are_security_events_the_admin_reads(app):
    signed_in(app, "tiepnhan.phucloi").get("/admin/security-events")
    admin = signed_in(app, "admin")
    html = page(admin.get("/admin/security-events?kind=permission_refused"))
    assert "tiepnhan.phucloi" in html and "GET /admin/security-events" in html
    assert 'data-kind="signin"' not in html


def test_the_admin_sees_each_session_and_ends_one(app):
    office, home = (signed_in(app, "hotich.phucloi", "Firefox/140.0"),
                    signed_in(app, "hotich.phucloi", "Chrome/141.0"))
    admin = signed_in(app, "admin")
    users = page(admin.get("/admin/users"))
    assert re.search(r'data-user="hotich.phucloi">.*?<td>2</td>', users, re.S)
    html = page(admin.get("/admin/users/hotich.phucloi"))
    assert "Firefox/140.0" in html and "Chrome/141.0" in html and "192.0.2.10" in html
    newest, older = session_ids(html)  # the most recently used first: the Chrome one
    response = admin.post(f"/admin/sessions/{newest}/revoke")
    assert response.status_code == 302
    assert home.get("/inbox/").status_code == 302  # sent to sign in
    assert office.get("/inbox/").status_code == 200
    assert session_ids(page(admin.get("/admin/users/hotich.phucloi"))) == [older]
    admin.post("/admin/users/hotich.phucloi/sessions/revoke")
    assert office.get("/inbox/").status_code == 302
    assert "Không có phiên nào đang mở" in page(admin.get("/admin/users/hotich.phucloi"))
    assert admin.post("/admin/sessions/99999/revoke").status_code == 400


def test_deactivation_ends_sessions_and_tokens_at_once_and_reactivation_lets_in(
        app, client, db_engine: Engine):
    clerk = signed_in(app, "hotich.phucloi")
    with make_sessionmaker(db_engine).begin() as session:
        token = create_token(session, "hotich.phucloi", "cổng", datetime.now(VN))
    api = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/procedures", headers=api).status_code == 200
    admin = signed_in(app, "admin")
    admin.post("/admin/users/hotich.phucloi/active", data={"active": "0"})
    assert clerk.get("/inbox/").status_code == 302
    assert client.get("/api/procedures", headers=api).status_code == 401
    refused = app.test_client().post("/login", data={"username": "hotich.phucloi",
                                                     "password": "lienthong-demo"})
    assert refused.status_code == 401
    assert "Đã khóa" in page(admin.get("/admin/users"))
    admin.post("/admin/users/hotich.phucloi/active", data={"active": "1"})
    login(app.test_client(), "hotich.phucloi")
    assert client.get("/api/procedures", headers=api).status_code == 401  # stays revoked
    events = page(admin.get("/admin/security-events?user=hotich.phucloi"))
    kinds = re.findall(r'data-kind="(\w+)"', events)
    assert kinds[:7] == ["token_refused", "signin", "user_reactivated", "signin_failed",
                         "token_refused", "user_deactivated", "token_used"]
    assert admin.post("/admin/users/admin/active", data={"active": "0"}).status_code == 400


def test_the_security_events_page_filters_and_pages(app):
    for n in range(60):  # 60 failures, each name and address its own (none is locked)
        app.test_client().post("/login", data={"username": f"ai.{n}", "password": "x"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    admin = signed_in(app, "admin")
    first = page(admin.get("/admin/security-events?kind=signin_failed"))
    assert first.count('data-kind="signin_failed"') == 50 and "Trang sau" in first
    assert "trang 1/2" in first
    second = page(admin.get("/admin/security-events?kind=signin_failed&page=2"))
    assert second.count('data-kind="signin_failed"') == 10 and "Trang trước" in second
    mine = page(admin.get("/admin/security-events?user=admin"))
    assert set(re.findall(r'data-kind="(\w+)"', mine)) == {"signin"}
    assert admin.get("/admin/security-events?kind=nope&page=-3").status_code == 200


# -- a user's e-mail address -----------------------------------------------------------------

def email_events(admin) -> str:
    return page(admin.get("/admin/security-events?kind=email_changed"))


def test_the_admin_sets_and_clears_a_users_address(app):
    admin = signed_in(app, "admin")
    html = page(admin.get("/admin/users/hotich.phucloi"))
    assert "Chưa có địa chỉ" in html and 'name="email"' in html
    done = admin.post("/admin/users/hotich.phucloi/email",
                      data={"email": " hotich@phucloi.gov.vn "})
    assert done.status_code == 302
    html = page(admin.get("/admin/users/hotich.phucloi"))
    assert "<span data-email>hotich@phucloi.gov.vn</span>" in html
    assert "Đã đặt địa chỉ thư điện tử" in html
    events = email_events(admin)
    assert "set by admin" in events and "hotich@phucloi.gov.vn" not in events
    assert "Đổi địa chỉ thư điện tử" in events  # the kind's label, also in the filter
    assert admin.post("/admin/users/hotich.phucloi/email",
                      data={"email": ""}).status_code == 302
    html = page(admin.get("/admin/users/hotich.phucloi"))
    assert "Chưa có địa chỉ" in html and "data-email" not in html
    assert "cleared by admin" in email_events(admin)


@pytest.mark.parametrize("text", ["khong-phai-dia-chi", "a b@c.vn", "a@b", "a@b@c.vn",
                                  "x" * 300 + "@c.vn", "a\x07@b.vn", "<script>@x.vn"])
def test_a_bad_address_reshows_the_form_with_the_reason_and_changes_nothing(app, text):
    admin = signed_in(app, "admin")
    admin.post("/admin/users/hotich.phucloi/email", data={"email": "cu@phucloi.gov.vn"})
    refused = admin.post("/admin/users/hotich.phucloi/email", data={"email": text})
    assert refused.status_code == 400
    html = page(refused)
    assert "Địa chỉ thư điện tử" in html and 'role="alert"' in html
    assert "<script>@" not in html
    assert "<span data-email>cu@phucloi.gov.vn</span>" in page(
        admin.get("/admin/users/hotich.phucloi"))
    assert email_events(admin).count("set by admin") == 1


def test_the_address_form_needs_the_csrf_token_and_an_admin(app):
    assert signed_in(app, "lanhdao.phucloi").post(
        "/admin/users/hotich.phucloi/email", data={"email": "a@b.vn"}).status_code == 403
    assert signed_in(app, "admin").post("/admin/users/khong.co/email",
                                        data={"email": "a@b.vn"}).status_code in (400, 404)
    app.config["WTF_CSRF_ENABLED"] = True
    admin = signed_in_with_csrf(app, "admin")
    assert admin.post("/admin/users/hotich.phucloi/email",
                      data={"email": "a@b.vn"}).status_code == 400
    token = csrf_token(page(admin.get("/admin/users/hotich.phucloi")))
    assert admin.post("/admin/users/hotich.phucloi/email",
                      data={"email": "a@b.vn", "csrf_token": token}).status_code == 302


def signed_in_with_csrf(app: Flask, username: str):
    browser = app.test_client()
    token = csrf_token(page(browser.get("/login")))
    assert browser.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                        "csrf_token": token}).status_code == 302
    return browser


# -- one's own address -------------------------------------------------------------------------

def test_a_user_sets_and_clears_their_own_address(app):
    officer = signed_in(app, "hotich.phucloi")
    html = page(officer.get("/account/email"))
    assert 'href="/account/email"' in html and 'name="email" type="email" value=""' in html
    assert officer.post("/account/email", data={"email": "toi@phucloi.gov.vn"}
                        ).status_code == 302
    assert 'value="toi@phucloi.gov.vn"' in page(officer.get("/account/email"))
    refused = officer.post("/account/email", data={"email": "toi@@phucloi.gov.vn"})
    assert refused.status_code == 400 and 'role="alert"' in page(refused)
    assert 'value="toi@@phucloi.gov.vn"' in page(refused)  # kept to be corrected
    assert 'value="toi@phucloi.gov.vn"' in page(officer.get("/account/email"))
    assert officer.post("/account/email", data={"email": "  "}).status_code == 302
    assert 'value=""' in page(officer.get("/account/email"))
    events = email_events(signed_in(app, "admin"))
    assert events.count("by hotich.phucloi") == 2 and "toi@phucloi" not in events
