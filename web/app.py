"""The Flask application factory."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError
from engine.org import UserView
from web import security
from web import settings as settings_module
from web.access import can_receive, can_supervise, is_admin
from web.auth import bp as auth_bp
from web.auth import current_user, load_user
from web.db import close_session, services
from web.engine_messages import explain
from web.headers import init_headers
from web.i18n import init_i18n
from web.pages import notifications
from web.request_limits import refuse_control_characters, refuse_large_requests

csrf = CSRFProtect()

# (endpoint, label, who sees it) of the top navigation
NAVIGATION: list[tuple[str, Any, Callable[[UserView], bool]]] = [
    ("desk.home", _l("Tiếp nhận hồ sơ"), can_receive),
    ("inbox.home", _l("Việc cần xử lý"), lambda user: bool(user.departments)),
    # after the desk and the inbox: a supervisor with no department of work lands here
    ("dashboard.home", _l("Giám sát"), can_supervise),
    ("reports.home", _l("Báo cáo"), can_supervise),
    ("dossiers.search", _l("Tra cứu hồ sơ"), lambda user: True),
    ("papers.logbook", _l("Sổ theo dõi"), lambda user: True),
    ("audit.index", _l("Kiểm tra thời gian"), can_supervise),
    ("risk.home", _l("Nguy cơ trễ hạn"), can_supervise),
    ("workload.home", _l("Khối lượng công việc"), can_supervise),
    ("admin.users", _l("Quản trị"), is_admin),
]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from LIENTHONG_* variables, overridden by `test_config`."""
    app = Flask(__name__)
    config = settings_module.load()
    config.update((test_config or {}).get("LIENTHONG", {}))
    app.config.update(
        # without a key (tests, `serve --dev`) a random one per process: `lienthong serve`
        # refuses to start without a real one (web.server)
        SECRET_KEY=config["SECRET_KEY"] or secrets.token_urlsafe(48),
        LIENTHONG=config,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config["SECURE_COOKIES"] == "1",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=int(config["MAX_REQUEST_BYTES"]),
    )
    app.config.update({k: v for k, v in (test_config or {}).items() if k != "LIENTHONG"})
    app.before_request(refuse_large_requests)  # before anything reads the body
    app.before_request(refuse_control_characters)
    csrf.init_app(app)
    init_headers(app, secure_cookies=config["SECURE_COOKIES"] == "1",
                 proxy_hops=int(config["PROXY_HOPS"]))
    init_i18n(app)
    app.before_request(load_user)
    security.init_app(app)  # before close_session: its teardown runs after it
    app.teardown_appcontext(close_session)
    app.register_blueprint(auth_bp)
    _register_areas(app)

    @app.context_processor
    def navigation() -> dict[str, Any]:
        def nav_items() -> list[tuple[str, Any]]:
            user = current_user()
            if user is None:
                return []
            return [(endpoint, label) for endpoint, label, allowed in NAVIGATION
                    if allowed(user)]

        return {"nav_items": nav_items, "unread_notices": notifications.unread}

    @app.get("/")
    def index() -> ResponseReturnValue:
        user = current_user()
        if user is None:
            return redirect(url_for("auth.login"))
        for endpoint, _label, allowed in NAVIGATION:  # the first area the user works in
            if allowed(user):
                return redirect(url_for(endpoint))
        return render_template("home.html")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        services()
        return {"status": "ok"}

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_template("errors/error.html", code=400, message=error.description), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        return render_template("errors/error.html", code=code,
                               message=error.description), code

    @app.errorhandler(EngineError)
    def engine_error(error: EngineError) -> ResponseReturnValue:
        return render_template("errors/error.html", code=400, message=explain(error)), 400

    return app


def _register_areas(app: Flask) -> None:
    """One blueprint per area of work."""
    from web.api import bp as api
    from web.pages import (
        account,
        admin,
        audit,
        dashboard,
        desk,
        dossiers,
        inbox,
        notifications,
        papers,
        reports,
        risk,
        units,
        workload,
    )

    for module in (desk, inbox, dossiers, papers, account, admin, units, dashboard, reports,
                   audit, risk, workload, notifications):
        app.register_blueprint(module.bp)
    app.register_blueprint(api)
    csrf.exempt(api)  # token-authenticated, no cookies
