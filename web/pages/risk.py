"""Dossiers at risk and late (Hồ sơ có nguy cơ trễ hạn) for supervisors and leaders: each
open dossier of a unit and the units under it, the working time left to its appointment
against its remaining steps' expected time (engine.dossiers.assess), sortable, with the
step and who holds it; and the leader's apology with a new date, one click from a row."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.dossiers import SORTS, apologize, assess
from engine.errors import Conflict, InvalidAction
from engine.org import descendants
from web.access import can_sign, can_supervise, require, visible_units
from web.auth import login_required, signed_in
from web.db import commit, db, services
from web.engine_messages import explain
from web.pages.base import now, reason_errors, visible_dossier, zone

bp = Blueprint("risk", __name__, url_prefix="/risk")


def chosen_unit() -> str:
    """The unit of `?unit=` (the user's own by default): one the user sees, else 400."""
    user = signed_in()
    unit = request.args.get("unit", user.unit_code)
    if unit not in visible_units(user):
        abort(400, _("Không có đơn vị %(unit)s trong phạm vi bạn được xem.", unit=unit[:64]))
    return unit


@bp.get("/", endpoint="home")
@login_required
def home() -> ResponseReturnValue:
    user = signed_in()
    require(can_supervise(user))
    unit = chosen_unit()
    sort = request.args.get("sort", "left")
    if sort not in SORTS:
        abort(400, _("Không sắp xếp được theo “%(sort)s”.", sort=sort[:30]))
    everything = request.args.get("all", "0")
    if everything not in ("0", "1"):
        abort(400, _("Giá trị không hợp lệ."))
    rows = assess(db(), services().runtime, descendants(db(), unit), now(),
                  everything=everything == "1", sort=sort)
    return render_template("risk/home.html", rows=rows, unit=unit, sort=sort,
                           everything=everything == "1", units=visible_units(user),
                           may_sign=can_sign(user))


def _new_appointment(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text[:16])
    except ValueError:
        return None
    return value.replace(tzinfo=zone()) if value.tzinfo is None else None


@bp.route("/<code>/apology", methods=["GET", "POST"], endpoint="apology")
@login_required
def apology(code: str) -> ResponseReturnValue:
    """The leader's apology and new date (văn bản xin lỗi và đề nghị gia hạn)."""
    user = signed_in()
    require(can_sign(user), _("Chỉ lãnh đạo đơn vị ký văn bản xin lỗi."))
    dossier = visible_dossier(code[:64])
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        reason = form.get("reason", "").strip()
        errors = reason_errors(reason, "reason", _("Ghi lý do hồ sơ trễ hạn."))
        new_at = _new_appointment(form.get("new_appointment", ""))
        if new_at is None:
            errors["new_appointment"] = _("Ghi ngày giờ hẹn mới.")
        if not errors and new_at is not None:
            try:
                apologize(db(), services().runtime, dossier.code, leader=user.username,
                          reason=reason, new_appointment=new_at,
                          number=form.get("number", "").strip()[:60] or None)
            except (InvalidAction, Conflict) as exc:
                db().rollback()
                return render_template("risk/apology.html", dossier=dossier,
                                       values=form, errors=errors,
                                       message=explain(exc)), 400
            commit()
            flash(_("Đã ghi văn bản xin lỗi và ngày hẹn mới của hồ sơ %(code)s.",
                    code=dossier.code))
            return redirect(url_for("papers.show", code=dossier.code, kind="apology"))
        return render_template("risk/apology.html", dossier=dossier, values=form,
                               errors=errors, message=None), 400
    return render_template("risk/apology.html", dossier=dossier, values={}, errors=errors,
                           message=None)
