"""Notifications (Thông báo): the escalations the worker wrote for the signed-in person,
newest first, with the unread count in the header; marking them read."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.dossiers import mark_read, notices_of, unread_count
from web.auth import current_user, login_required, signed_in
from web.db import commit, db
from web.pages.base import now

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE = 50
MAX_PAGES = 1000
MAX_IDS = PAGE


def unread() -> int:
    """The signed-in person's unread notifications (0 for a visitor)."""
    user = current_user()
    return unread_count(db(), user.username) if user is not None else 0


def _page() -> int:
    text = request.args.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGES:
        abort(400, _("Số trang phải từ 1 đến %(max)s.", max=MAX_PAGES))
    return int(text)


@bp.get("/", endpoint="home")
@login_required
def home() -> ResponseReturnValue:
    only = request.args.get("unread", "0")
    if only not in ("0", "1"):
        abort(400, _("Giá trị không hợp lệ."))
    page = _page()
    notices = notices_of(db(), signed_in().username, unread_only=only == "1", limit=PAGE + 1,
                         offset=(page - 1) * PAGE)
    return render_template("notifications/home.html", notices=notices[:PAGE], page=page,
                           more=len(notices) > PAGE, unread_only=only == "1")


@bp.post("/read", endpoint="read")
@login_required
def read() -> ResponseReturnValue:
    """Mark the chosen notifications read (`id`, repeated), or all with `all=1`."""
    ids = request.form.getlist("id")
    if len(ids) > MAX_IDS or not all(i.isdigit() and len(i) <= 12 for i in ids):
        abort(400, _("Giá trị không hợp lệ."))
    if request.form.get("all") != "1" and not ids:
        abort(400, _("Chọn ít nhất một thông báo."))
    mark_read(db(), signed_in().username, now(),
              None if request.form.get("all") == "1" else [int(i) for i in ids])
    commit()
    return redirect(url_for("notifications.home"))
