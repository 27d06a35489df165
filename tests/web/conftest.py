"""Web fixtures: the real app on the test database (SQLite, and PostgreSQL when its URL
is given), with the demo units and users and the shipped procedures; rows are really
committed, so the database is emptied after each test."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from engine.calendar import FixedClock
from engine.runtime import Runtime
from engine.simulation import DEMO_PASSWORD, seed_demo_units
from engine.storage import make_sessionmaker
from tests.conftest import WORKFLOWS, deploy_files, vn, wipe
from web.app import create_app
from web.cli import main

# The page tests move the engine's clock by days with a browser signed in; sessions that
# last a year keep them signed in. tests/web/pages/test_sessions.py sets the defaults.
LONG_SESSIONS = {"SESSION_IDLE_MINUTES": "525600", "SESSION_MAX_HOURS": "8760"}


@pytest.fixture
def app(db_engine: Engine) -> Iterator[Flask]:
    with make_sessionmaker(db_engine).begin() as session:
        seed_demo_units(session)
        deploy_files(session, Runtime(FixedClock(vn("2026-03-02 08:00"))), WORKFLOWS)
    url = db_engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                      "LIENTHONG": {"DATABASE_URL": url, **LONG_SESSIONS}})
    yield app
    services = app.extensions.get("lienthong")
    if services is not None:
        services.db.dispose()
    wipe(db_engine)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


@pytest.fixture
def run_cli(tmp_path, monkeypatch):
    """`lienthong` as a newcomer runs it, on a fresh SQLite file; `ok=False` expects an
    error exit."""
    monkeypatch.setenv("LIENTHONG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return run
