"""The Flask app factory and the settings it reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import make_engine, seed_departments, upgrade
from engine.db import make_sessionmaker
from web.app import create_app
from web.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


@pytest.fixture
def client(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        seed_departments(session)
    app = create_app({"TESTING": True, "LIENTHONG": {"DATABASE_URL": url}})
    return app.test_client()


def test_home_page_is_vietnamese_and_lists_procedures(client):
    page = client.get("/").get_data(as_text=True)
    assert "Chưa có thủ tục nào được triển khai." in page
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented(setting):
    text = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"`{setting.env}`", text), f"{setting.env} missing from {DOCS.name}"
