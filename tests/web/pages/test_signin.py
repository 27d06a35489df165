"""Sign-in resists guessing: after 5 failures for one name (known or not) the name is
locked for a minute, then two, four ... up to an hour; after 20 from one address, the
address. While locked, sign-in answers 429 with when to try again and checks no password,
the right one neither. An unknown name is answered and locked exactly like a real one."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from engine.calendar import FixedClock
from engine.org import list_events
from tests.web.pages.helpers import engine_services, page

RIGHT = "lienthong-demo"


def sign_in(browser, username: str, password: str, address: str = "203.0.113.5"):
    return browser.post("/login", data={"username": username, "password": password},
                        environ_base={"REMOTE_ADDR": address})


def text(response) -> str:
    """The page without its CSRF token (each browser has its own)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page(response))


def fail_five_times(browser, username: str, address: str = "203.0.113.5") -> list:
    return [sign_in(browser, username, f"doan-sai-{n}", address) for n in range(5)]


def test_five_failures_lock_the_name_and_the_right_password_is_refused_while_locked(
        app: Flask, clock: FixedClock):
    browser = app.test_client()
    answers = fail_five_times(browser, "hotich.phucloi")
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    locked = sign_in(browser, "hotich.phucloi", RIGHT)
    text = page(locked)
    assert locked.status_code == 429 and "tạm bị khóa" in text
    assert "thử lại sau 1 phút (lúc 08:01:00)" in text  # the clock says 08:00
    assert locked.headers["Retry-After"] == "60"
    clock.advance(timedelta(seconds=59))
    assert sign_in(browser, "hotich.phucloi", RIGHT).status_code == 429
    clock.advance(timedelta(seconds=1))
    assert sign_in(browser, "hotich.phucloi", RIGHT).status_code == 302


def test_each_next_lock_lasts_twice_as_long_up_to_an_hour(app: Flask, clock: FixedClock):
    browser = app.test_client()
    for minutes in (1, 2, 4, 8, 16, 32, 60, 60):
        assert fail_five_times(browser, "hotich.phucloi")[-1].status_code == 429
        clock.advance(timedelta(minutes=minutes) - timedelta(seconds=1))
        assert sign_in(browser, "hotich.phucloi", RIGHT).status_code == 429
        clock.advance(timedelta(seconds=1))
    assert sign_in(browser, "hotich.phucloi", RIGHT).status_code == 302
    # a right password starts the count again: the next lock is a minute long
    assert fail_five_times(app.test_client(), "hotich.phucloi")[-1].status_code == 429
    clock.advance(timedelta(minutes=1))
    assert sign_in(browser, "hotich.phucloi", RIGHT).status_code == 302


def test_an_unknown_name_gets_the_same_answers_and_the_same_lock(app: Flask,
                                                                 clock: FixedClock):
    real, unknown = app.test_client(), app.test_client()
    real_answers = fail_five_times(real, "hotich.phucloi", "203.0.113.5")
    unknown_answers = fail_five_times(unknown, "khong.co.ai", "203.0.113.6")
    assert [a.status_code for a in real_answers] == [a.status_code for a in unknown_answers]
    assert [text(a) for a in real_answers] == [text(a) for a in unknown_answers]
    assert text(sign_in(real, "hotich.phucloi", RIGHT, "203.0.113.5")) == text(
        sign_in(unknown, "khong.co.ai", RIGHT, "203.0.113.6"))


def test_other_names_are_not_locked_by_one_names_failures(app: Flask, clock: FixedClock):
    browser = app.test_client()
    fail_five_times(browser, "hotich.phucloi")
    assert sign_in(browser, "tiepnhan.phucloi", RIGHT).status_code == 302


def test_twenty_failures_from_one_address_lock_it_whatever_the_names(app: Flask,
                                                                    clock: FixedClock):
    browser = app.test_client()
    answers = [sign_in(browser, f"ten.{n}", "doan-sai", "198.51.100.7") for n in range(20)]
    assert [a.status_code for a in answers] == [401] * 19 + [429]
    assert sign_in(browser, "tiepnhan.phucloi", RIGHT, "198.51.100.7").status_code == 429
    assert sign_in(browser, "tiepnhan.phucloi", RIGHT, "198.51.100.8").status_code == 302
    clock.advance(timedelta(minutes=1))
    assert sign_in(browser, "tiepnhan.phucloi", RIGHT, "198.51.100.7").status_code == 302


def test_failures_far_apart_do_not_add_up(app: Flask, clock: FixedClock):
    browser = app.test_client()
    for _ in range(3):
        for n in range(4):
            assert sign_in(browser, "hotich.phucloi", f"sai-{n}").status_code == 401
        clock.advance(timedelta(minutes=16))
    assert sign_in(browser, "hotich.phucloi", RIGHT).status_code == 302


def test_sign_ins_failures_and_locks_are_security_events(app: Flask, clock: FixedClock):
    browser = app.test_client()
    fail_five_times(browser, "khong.co.ai")
    sign_in(browser, "khong.co.ai", RIGHT)
    sign_in(browser, "tiepnhan.phucloi", RIGHT)
    browser.post("/logout", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    svc = engine_services(app)
    with svc.transaction() as session:
        events = list_events(session).events
    assert [(e.kind, e.username) for e in reversed(events)] == [
        *[("signin_failed", "khong.co.ai")] * 5, ("signin_locked", "khong.co.ai"),
        ("signin_refused", "khong.co.ai"), ("signin", "tiepnhan.phucloi"),
        ("signout", "tiepnhan.phucloi")]
    assert {e.address for e in events} == {"203.0.113.5"}
    assert not any(RIGHT in e.detail or "doan-sai" in e.detail for e in events)
