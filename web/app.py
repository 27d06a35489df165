"""The Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template

from engine import latest_versions, list_tasks
from web import settings as settings_module
from web.services import Services, build_services


def services() -> Services:
    """The process's engine services, built on first use."""
    found: Services | None = current_app.extensions.get("lienthong")
    if found is None:
        found = build_services(current_app.config["LIENTHONG"])
        current_app.extensions["lienthong"] = found
    return found


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from LIENTHONG_* variables, overridden by `test_config`."""
    app = Flask(__name__)
    config = settings_module.load()
    config.update((test_config or {}).get("LIENTHONG", {}))
    app.config.update(SECRET_KEY=config["SECRET_KEY"], LIENTHONG=config)
    app.config.update({k: v for k, v in (test_config or {}).items() if k != "LIENTHONG"})

    @app.get("/")
    def index() -> str:
        with services().transaction() as session:
            procedures = sorted(latest_versions(session).values(), key=lambda v: v.name)
            rows = [(p.key, p.version, p.name) for p in procedures]
            ready = list_tasks(session)
        return render_template("index.html", procedures=rows, ready=len(ready))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
