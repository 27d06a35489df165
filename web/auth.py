"""Signing in and out, the current user, and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import NotFound
from engine.org import UserView, authenticate, authenticate_token, find_user, get_user
from web.db import db

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> UserView | None:
    user: UserView | None = g.get("user")
    return user


def signed_in() -> UserView:
    """The signed-in user, in a view behind `login_required` (or the API's token check)."""
    user = current_user()
    assert user is not None  # noqa: S101 - login_required ran first
    return user


def load_user() -> None:
    """Find who makes the request: an API token (Authorization: Bearer) or the session."""
    g.user = None
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/"):
        if header.startswith("Bearer "):
            g.user = authenticate_token(db(), header.removeprefix("Bearer ").strip())
        return
    user_id = session.get("user_id")
    if isinstance(user_id, int):
        g.user = get_user(db(), user_id)


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page (API: 401)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if request.path.startswith("/api/"):
                abort(401, _("Cần mã truy cập API hợp lệ."))
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default`: never redirect to another
    site. Browsers drop tabs and newlines and read a backslash as a slash, so
    `/%09/evil.example` and `/\\evil.example` lead off-site: any control character,
    whitespace or backslash refuses the target."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ch.isspace() or ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        user = authenticate(db(), username, password)
        if user is None:
            error = _("Sai tên đăng nhập hoặc mật khẩu.")
        else:
            session.clear()
            session["user_id"] = user.id
            flash(_("Xin chào, %(name)s.", name=user.full_name))
            return redirect(safe_next(request.args.get("next"), url_for("index")))
    return render_template("login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    return redirect(url_for("auth.login"))


def user_name(username: str | None) -> str:
    """Full name of a user for display, the username if unknown."""
    if not username:
        return ""
    try:
        return find_user(db(), username).full_name
    except NotFound:
        return username
