"""Sessions are records in the database: the cookie holds only their random id, so
sign-out, a password change, a deactivation or an administrator ends them at once; they
end by themselves after an idle time and a longest time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from engine.calendar import FixedClock
from tests.web.conftest import login
from tests.web.pages.helpers import page


@pytest.fixture
def default_limits(app: Flask) -> None:
    """The shipped limits: 30 minutes idle, 12 hours in all."""
    app.config["LIENTHONG"].update(SESSION_IDLE_MINUTES="30", SESSION_MAX_HOURS="12")


def opens_desk(browser) -> bool:
    response = browser.get("/desk/")
    return response.status_code == 200


def signed_in(app: Flask, username: str = "tiepnhan.phucloi"):
    browser = app.test_client()
    login(browser, username)
    return browser


def test_the_cookie_holds_no_user_id_only_a_session_id(app):
    browser = signed_in(app)
    with browser.session_transaction() as cookie:
        assert set(cookie) >= {"sid"} and "user_id" not in cookie
        assert len(cookie["sid"]) >= 40


def test_the_old_cookie_no_longer_opens_the_desk_after_sign_out(app):
    browser = signed_in(app)
    with browser.session_transaction() as cookie:
        stolen = dict(cookie)  # what an attacker copied before the clerk signed out
    assert opens_desk(browser)
    browser.post("/logout")
    attacker = app.test_client()
    with attacker.session_transaction() as cookie:
        cookie.update(stolen)
    response = attacker.get("/desk/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_forged_cookie_with_a_user_id_is_not_signed_in(app):
    attacker = app.test_client()
    with attacker.session_transaction() as cookie:
        cookie["user_id"] = 1
        cookie["sid"] = "a-guess"
    assert attacker.get("/desk/").status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(app, clock: FixedClock, default_limits):
    browser = signed_in(app)
    for _ in range(4):  # used every 29 minutes: still signed in after almost two hours
        clock.advance(timedelta(minutes=29))
        assert opens_desk(browser)
    clock.advance(timedelta(minutes=30))
    assert not opens_desk(browser)
    clock.advance(timedelta(minutes=-30))  # the session is gone, not only out of time
    assert not opens_desk(browser)


def test_a_session_ends_twelve_hours_after_sign_in_even_in_use(app, clock: FixedClock,
                                                               default_limits):
    browser = signed_in(app)
    for _ in range(23):  # every 30 minutes minus one: 11 h 07 in all
        clock.advance(timedelta(minutes=29))
        assert opens_desk(browser)
    for minutes in (29, 23):  # 11 h 36, 11 h 59
        clock.advance(timedelta(minutes=minutes))
        assert opens_desk(browser)
    clock.advance(timedelta(minutes=1))  # 12 h
    assert not opens_desk(browser)
    login(browser, "tiepnhan.phucloi")  # signing in again gives a new session
    assert opens_desk(browser)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    here, elsewhere = signed_in(app), signed_in(app)
    response = here.post("/account/password", data={
        "current_password": "lienthong-demo", "new_password": "một-mật-khẩu-mới",
        "confirm_password": "một-mật-khẩu-mới"})
    assert response.status_code == 302
    assert "Đã đổi mật khẩu" in page(here.get(response.headers["Location"],
                                              follow_redirects=True))
    assert opens_desk(here) and not opens_desk(elsewhere)
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "tiepnhan.phucloi",
                                      "password": "lienthong-demo"}).status_code == 401
    login(fresh, "tiepnhan.phucloi", "một-mật-khẩu-mới")


@pytest.mark.parametrize(("form", "reason"), [
    ({"current_password": "sai-mat-khau-roi"}, "Mật khẩu hiện tại không đúng"),
    ({"confirm_password": "khác-hẳn-mật-khẩu"}, "không giống nhau"),
    ({"new_password": "12345678", "confirm_password": "12345678"}, "ít nhất 10 ký tự"),
    ({"new_password": "tiepnhan.phucloi!", "confirm_password": "tiepnhan.phucloi!"},
     "không được chứa tên đăng nhập"),
    ({"new_password": "password1234", "confirm_password": "password1234"},
     "mật khẩu phổ biến"),
    ({"new_password": "1234567890123", "confirm_password": "1234567890123"}, "dễ bị đoán"),
])
def test_a_weak_or_mistyped_new_password_is_refused_with_its_reason(app, form, reason):
    browser = signed_in(app)
    other = signed_in(app)
    data = {"current_password": "lienthong-demo", "new_password": "một-mật-khẩu-mới",
            "confirm_password": "một-mật-khẩu-mới"} | form
    response = browser.post("/account/password", data=data)
    assert response.status_code == 400 and reason in page(response)
    assert opens_desk(other)  # nothing changed
    login(app.test_client(), "tiepnhan.phucloi")


def test_the_password_page_is_linked_from_every_page(app):
    assert 'href="/account/password"' in page(signed_in(app).get("/desk/"))
    assert app.test_client().get("/account/password").status_code == 302


def test_guessing_the_current_password_locks_the_name_as_sign_in_does(app):
    """A borrowed session gets five tries at the current password, then the name is
    locked: on this page and at sign-in, the right password too."""
    borrowed = signed_in(app)
    wrong = {"new_password": "một-mật-khẩu-mới", "confirm_password": "một-mật-khẩu-mới"}
    statuses = [borrowed.post("/account/password", data={
        **wrong, "current_password": f"doan-thu-{n}"}).status_code for n in range(6)]
    assert statuses == [400] * 4 + [429] * 2
    right = borrowed.post("/account/password", data={**wrong,
                                                      "current_password": "lienthong-demo"})
    assert right.status_code == 429 and "tạm bị khóa" in page(right)
    assert app.test_client().post("/login", data={
        "username": "tiepnhan.phucloi", "password": "lienthong-demo"}).status_code == 429
