"""The app factory, signing in and out, CSRF, languages, settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.web.conftest import csrf_token, login
from web.app import create_app
from web.cli import main
from web.settings import SETTINGS, SettingsError, load

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Tên đăng nhập" in page


def test_wrong_password_is_refused(client):
    response = client.post("/login", data={"username": "tiepnhan.phucloi",
                                           "password": "not-the-password"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)


def test_sign_in_and_out(client):
    login(client, "tiepnhan.phucloi")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Phạm Thị Lan" in home
    client.post("/logout")
    assert client.get("/").headers["Location"].startswith("/login")


def test_session_cookie_is_http_only_and_same_site(client):
    response = client.post("/login", data={"username": "tiepnhan.phucloi",
                                           "password": "lienthong-demo"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forms_without_the_csrf_token_are_refused(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    refused = client.post("/login", data={"username": "tiepnhan.phucloi",
                                          "password": "lienthong-demo"})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    accepted = client.post("/login", data={"username": "tiepnhan.phucloi",
                                           "password": "lienthong-demo", "csrf_token": token})
    assert accepted.status_code == 302


def test_english_is_available(client):
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and 'lang="en"' in page


def test_health(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_unknown_page_is_a_clear_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Không tìm thấy" in response.get_data(as_text=True)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented(setting):
    text = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"`{setting.env}`", text), f"{setting.env} missing from {DOCS.name}"


def test_factory_takes_test_config():
    app = create_app({"TESTING": True, "LIENTHONG": {"SECRET_KEY": "k" * 32}})
    assert app.config["SECRET_KEY"] == "k" * 32 and app.testing


def test_the_defaults_are_valid_settings():
    assert load({})["LIVE_WORKFLOWS"] == "128"


def test_settings_that_cannot_work_are_each_named_in_one_line():
    bad = {"LIENTHONG_LIVE_WORKFLOWS": "many", "LIENTHONG_TIMEZONE": "Mars/Base",
           "LIENTHONG_OFFICE_HOURS": "13:00-12:00", "LIENTHONG_SCRIPT_TIME_LIMIT": "0",
           "LIENTHONG_DOSSIER_CODE_FORMAT": "{unit}-{number}",
           "LIENTHONG_DATABASE_URL": "not a url", "LIENTHONG_SECURE_COOKIES": "yes"}
    with pytest.raises(SettingsError) as raised:
        load(bad)
    lines = str(raised.value).splitlines()
    assert sorted(line.split("=")[0] for line in lines) == sorted(bad)
    assert "LIENTHONG_TIMEZONE='Mars/Base' is not a time zone name" in str(raised.value)


def test_the_command_line_stops_on_a_bad_setting_without_a_traceback(monkeypatch):
    monkeypatch.setenv("LIENTHONG_WORKER_INTERVAL", "soon")
    result = CliRunner().invoke(main, ["definitions"])
    assert result.exit_code == 2
    assert result.output == ("error: setting LIENTHONG_WORKER_INTERVAL='soon' must be a "
                             "number of seconds\n")


def test_the_command_line_says_when_the_tables_are_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("LIENTHONG_DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'x.db'}")
    result = CliRunner().invoke(main, ["definitions"])
    assert result.exit_code == 2
    assert "run `lienthong init-db` first" in result.output
