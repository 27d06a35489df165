"""Signing in and out, the current user, and API tokens."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
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
from engine.org import (
    UserView,
    account_key,
    address_key,
    authenticate,
    check_session,
    check_token,
    end_session,
    find_user,
    locked_until,
    open_session,
    record_failure,
    record_success,
    resume_session,
    use_token,
)
from engine.vocabulary import SecurityEventKind as Kind
from web.db import commit, db, short_transaction, writing
from web.security import (
    client_address,
    note,
    now,
    session_limits,
    throttle_rules,
    throttle_store,
)

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
    """Find who makes the request: an API token (Authorization: Bearer) or the session
    record whose id the cookie holds, read in the request's own transaction. When its last
    use is due to be written (at most once a minute) or an ended session to be deleted, a
    request that writes does it in its own transaction too (it commits with the action, or
    the next request writes it); a request that only reads does it in a short transaction
    of its own."""
    g.user = None
    if request.path.startswith("/api/"):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            _load_token(header.removeprefix("Bearer ").strip())
        return
    session_id = session.get("sid")
    if isinstance(session_id, str):
        at, limits = now(), session_limits()
        if writing():  # read, and write when due, in the request's transaction
            g.user = resume_session(db(), session_id, at, limits)
        else:
            check = check_session(db(), session_id, at, limits)
            g.user = short_transaction(
                lambda own: resume_session(own, session_id, at, limits)
            ) if check.due else check.user
        if g.user is None:
            session.clear()  # ended or expired: the cookie is of no more use


def _load_token(token: str) -> None:
    at, token = now(), token[:200]
    if writing():  # read, and write when due, in the request's transaction
        use = use_token(db(), token, at)
    else:
        use = check_token(db(), token, at)
        if use.due:
            use = short_transaction(lambda own: use_token(own, token, at))
    g.user = use.user
    if use.refused is not None:
        note(Kind.TOKEN_REFUSED, username=use.username,
             detail=f"token {use.name!r}: {use.refused}" if use.name else "unknown token")
    elif use.noted:  # with the write of its last use: in the request's transaction if there
        note(Kind.TOKEN_USED, detail=f"token {use.name!r}",
             session=db() if writing() else None)


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
        username = request.form.get("username", "").strip()[:200]
        password = request.form.get("password", "")
        # Sign-in reads the counters and the user, then writes what it found: as every
        # POST (web.db.db) it holds SQLite's write lock from the start, so parallel
        # guesses wait their turn (one argon2 check each, 0.1 s) instead of failing.
        at, address = now(), client_address()
        store = throttle_store(db())
        until = locked_until(store, [account_key(username), address_key(address)], at)
        if until is not None:  # no password is checked while locked, the right one neither
            note(Kind.SIGNIN_REFUSED, username=username, detail="locked")
            return locked(until)
        user = authenticate(db(), username, password)
        if user is None:
            lock = record_failure(store, username, address, throttle_rules(), at)
            note(Kind.SIGNIN_FAILED, username=username, session=db())
            if lock is not None:
                note(Kind.SIGNIN_LOCKED, username=username, session=db(),
                     detail=f"locked until {lock.isoformat()}")
            commit()
            if lock is not None:
                return locked(lock)
            error = _("Sai tên đăng nhập hoặc mật khẩu.")
        else:
            record_success(store, username)
            session_id = open_session(db(), user.id, at, address=address,
                                      user_agent=request.headers.get("User-Agent", ""))
            note(Kind.SIGNIN, username=user.username, session=db())
            commit()
            session.clear()
            session["sid"] = session_id
            flash(_("Xin chào, %(name)s.", name=user.full_name))
            return redirect(safe_next(request.args.get("next"), url_for("index")))
    return render_template("login.html", error=error), 401 if error else 200


def locked(until: datetime, template: str = "login.html", **context: Any
           ) -> ResponseReturnValue:
    """429 on `template`: the name or the address is locked; say when to try again."""
    zone = ZoneInfo(current_app.config["LIENTHONG"]["TIMEZONE"])
    seconds = max(1, math.ceil((until - now()).total_seconds()))
    error = _("Đăng nhập tạm bị khóa vì nhập sai nhiều lần. Hãy thử lại sau %(minutes)s "
              "phút (lúc %(time)s).", minutes=math.ceil(seconds / 60),
              time=until.astimezone(zone).strftime("%H:%M:%S"))
    return (render_template(template, error=error, **context), 429,
            {"Retry-After": str(seconds)})


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session_id = session.get("sid")
    if isinstance(session_id, str):
        end_session(db(), session_id)
        if current_user() is not None:
            note(Kind.SIGNOUT, session=db())
        commit()
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
