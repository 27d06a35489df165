"""Administration (role admin): users with their sessions, ending sessions, deactivating
and reactivating users, their e-mail addresses, and the security events (Nhật ký an
ninh)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import InvalidAction
from engine.org import (
    EMAIL_LENGTH,
    end_sessions,
    find_account,
    list_events,
    list_sessions,
    list_tokens,
    list_users,
    revoke_session,
    set_active,
    set_email,
)
from engine.vocabulary import SecurityEventKind as Kind
from web.access import is_admin, require
from web.auth import login_required, signed_in
from web.db import commit, db
from web.engine_messages import explain
from web.security import client_address, note, now, session_limits

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50

EVENT_KINDS = {
    Kind.SIGNIN: _l("Đăng nhập"), Kind.SIGNIN_FAILED: _l("Đăng nhập sai"),
    Kind.SIGNIN_LOCKED: _l("Khóa đăng nhập"), Kind.SIGNIN_REFUSED: _l("Đăng nhập khi đang khóa"),
    Kind.SIGNIN_UNLOCKED: _l("Mở khóa đăng nhập"),
    Kind.SIGNOUT: _l("Đăng xuất"), Kind.SESSION_REVOKED: _l("Kết thúc phiên"),
    Kind.PASSWORD_CHANGED: _l("Đổi mật khẩu"),
    Kind.EMAIL_CHANGED: _l("Đổi địa chỉ thư điện tử"), Kind.USER_DEACTIVATED: _l("Khóa tài khoản"),
    Kind.USER_REACTIVATED: _l("Mở lại tài khoản"),
    Kind.USER_MOVED: _l("Chuyển đơn vị do sắp xếp"), Kind.TOKEN_CREATED: _l("Tạo mã API"),
    Kind.TOKEN_USED: _l("Dùng mã API"), Kind.TOKEN_REFUSED: _l("Mã API bị từ chối"),
    Kind.TOKEN_REVOKED: _l("Thu hồi mã API"), Kind.PERMISSION_REFUSED: _l("Từ chối quyền"),
}


@bp.before_request
@login_required
def admins_only() -> None:
    require(is_admin(signed_in()))


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users() -> ResponseReturnValue:
    sessions = list_sessions(db(), now(), session_limits())
    counts = {name: sum(s.username == name for s in sessions)
              for name in {s.username for s in sessions}}
    return render_template("admin/users.html", users=list_users(db()), counts=counts)


@bp.get("/users/<username>")
def user(username: str) -> ResponseReturnValue:
    return _user_page(username)


def _user_page(username: str, email_error: str | None = None, email_value: str = ""
               ) -> ResponseReturnValue:
    person = find_account(db(), username)
    page = render_template("admin/user.html", person=person,
                           sessions=list_sessions(db(), now(), session_limits(), username),
                           tokens=list_tokens(db(), username), at=now(),
                           email_error=email_error,
                           email_value=email_value if email_error else person.email or "",
                           email_length=EMAIL_LENGTH)
    return (page, 400) if email_error else page


@bp.post("/users/<username>/email")
def email(username: str) -> ResponseReturnValue:
    """Set the address the user's notices are e-mailed to, or clear it (empty)."""
    find_account(db(), username)  # an unknown user: the error page, before anything else
    text = request.form.get("email", "")
    try:
        account = set_email(db(), username, text, at=now(), by=signed_in().username,
                            address=client_address())
    except InvalidAction as refusal:
        db().rollback()
        return _user_page(username, explain(refusal), text[:EMAIL_LENGTH + 50])
    commit()
    flash(_("Đã đặt địa chỉ thư điện tử của %(user)s: %(email)s.", user=username,
            email=account.email) if account.email else
          _("Đã xóa địa chỉ thư điện tử của %(user)s.", user=username))
    return redirect(url_for("admin.user", username=username))


@bp.post("/sessions/<int:session_id>/revoke")
def revoke(session_id: int) -> ResponseReturnValue:
    ended = revoke_session(db(), session_id)
    note(Kind.SESSION_REVOKED, username=ended.username, session=db(),
         detail=f"session {ended.id} by {signed_in().username}")
    commit()
    flash(_("Đã kết thúc một phiên của %(user)s.", user=ended.username))
    return redirect(url_for("admin.user", username=ended.username))


@bp.post("/users/<username>/sessions/revoke")
def revoke_all(username: str) -> ResponseReturnValue:
    count = end_sessions(db(), username)
    note(Kind.SESSION_REVOKED, username=username, session=db(),
         detail=f"all {count} sessions by {signed_in().username}")
    commit()
    flash(_("Đã kết thúc %(count)s phiên của %(user)s.", count=count, user=username))
    return redirect(url_for("admin.user", username=username))


@bp.post("/users/<username>/active")
def activate(username: str) -> ResponseReturnValue:
    """Deactivate (active=0: sessions end, API tokens are revoked) or reactivate a user."""
    active = request.form.get("active") == "1"
    if not active and username == signed_in().username:
        abort(400, _("Không thể tự khóa tài khoản của chính mình."))
    set_active(db(), username, active)
    note(Kind.USER_REACTIVATED if active else Kind.USER_DEACTIVATED, username=username,
         session=db(), detail=f"by {signed_in().username}")
    commit()
    flash(_("Đã mở lại tài khoản %(user)s.", user=username) if active else
          _("Đã khóa tài khoản %(user)s; các phiên và mã API của tài khoản đã kết thúc.",
            user=username))
    return redirect(url_for("admin.user", username=username))


@bp.get("/security-events")
def security_events() -> ResponseReturnValue:
    """Nhật ký an ninh: the newest first, filtered by kind and user, 50 a page."""
    kind = request.args.get("kind", "")
    username = request.args.get("user", "").strip()[:100]
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    chosen = Kind(kind) if kind in Kind.__members__.values() else None
    found = list_events(db(), kind=chosen, username=username or None,
                        offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render_template("admin/events.html", found=found, kinds=EVENT_KINDS,
                           kind=chosen, username=username, page=number, pages=pages)
