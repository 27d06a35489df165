"""The signed-in user's own account: changing the password (Đổi mật khẩu) and the
address notifications are e-mailed to (Thư điện tử nhận thông báo)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import InvalidAction
from engine.org import (
    EMAIL_LENGTH,
    MIN_LENGTH,
    account_key,
    address_key,
    authenticate,
    find_account,
    locked_until,
    open_session,
    record_failure,
    set_email,
    set_password,
)
from engine.vocabulary import SecurityEventKind
from web.auth import locked, login_required, signed_in
from web.db import commit, db
from web.engine_messages import explain
from web.security import client_address, note, now, throttle_rules, throttle_store

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change one's password: the current one, then the new one twice. Every other
    session of the user ends; this browser stays signed in with a new session."""
    user, error = signed_in(), None
    if request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        # the current password is guessed against the sign-in's counters: a borrowed
        # session gets the same five tries as the sign-in page, then the same lock (a
        # POST: the write lock is held from the start, see web.db.db)
        at, address = now(), client_address()
        store = throttle_store(db())
        until = locked_until(store, [account_key(user.username), address_key(address)], at)
        if until is not None:
            note(SecurityEventKind.SIGNIN_REFUSED, username=user.username,
                 detail="locked (current password on the password page)")
            return locked(until, "account/password.html", minimum=MIN_LENGTH)
        if authenticate(db(), user.username, current) is None:
            lock = record_failure(store, user.username, address, throttle_rules(), at)
            note(SecurityEventKind.SIGNIN_FAILED, username=user.username, session=db(),
                 detail="current password on the password page")
            if lock is not None:
                note(SecurityEventKind.SIGNIN_LOCKED, username=user.username, session=db(),
                     detail=f"locked until {lock.isoformat()}")
            commit()
            if lock is not None:
                return locked(lock, "account/password.html", minimum=MIN_LENGTH)
            error = _("Mật khẩu hiện tại không đúng.")
        elif new != request.form.get("confirm_password", ""):
            error = _("Hai lần nhập mật khẩu mới không giống nhau.")
        else:
            try:
                set_password(db(), user.username, new)
            except InvalidAction as refusal:
                error = explain(refusal)
        if error is None:
            session_id = open_session(db(), user.id, now(), address=client_address(),
                                      user_agent=request.headers.get("User-Agent", ""))
            note(SecurityEventKind.PASSWORD_CHANGED, session=db())
            commit()
            session["sid"] = session_id
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."))
            return redirect(url_for("index"))
    return (render_template("account/password.html", error=error, minimum=MIN_LENGTH),
            400 if error else 200)


@bp.route("/email", methods=["GET", "POST"])
@login_required
def email() -> ResponseReturnValue:
    """One's own e-mail address for notifications: set, change or clear (empty)."""
    user, error = signed_in(), None
    value = find_account(db(), user.username).email or ""
    if request.method == "POST":
        value = request.form.get("email", "")
        try:
            account = set_email(db(), user.username, value, at=now(), by=user.username,
                                address=client_address())
        except InvalidAction as refusal:
            db().rollback()
            error = explain(refusal)
            value = value[:EMAIL_LENGTH + 50]
        else:
            commit()
            flash(_("Đã lưu địa chỉ thư điện tử %(email)s.", email=account.email)
                  if account.email else _("Đã xóa địa chỉ thư điện tử."))
            return redirect(url_for("account.email"))
    return (render_template("account/email.html", error=error, value=value,
                            longest=EMAIL_LENGTH), 400 if error else 200)
