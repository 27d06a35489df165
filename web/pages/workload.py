"""Workload (Khối lượng công việc) for supervisors and leaders: the open steps of a unit
and the units under it, per department and per person, oldest first; steps completed
and the average handling time per person and week; and giving a step to a colleague of
the same department and unit (recorded in the dossier's log)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.dossiers import MAX_WEEKS, OpenTask, reassign, workload_of
from engine.errors import Conflict, InvalidAction
from engine.org import answers_for, descendants, list_users
from web.access import can_supervise, require
from web.auth import login_required, signed_in
from web.db import commit, db, services
from web.engine_messages import explain
from web.pages.base import now
from web.pages.risk import chosen_unit

bp = Blueprint("workload", __name__, url_prefix="/workload")


def _weeks() -> int:
    text = request.args.get("weeks", "4")
    if not text.isdigit() or not 1 <= int(text) <= MAX_WEEKS:
        abort(400, _("Số tuần phải từ 1 đến %(max)s.", max=MAX_WEEKS))
    return int(text)


def _colleagues(tasks: tuple[OpenTask, ...]) -> dict[tuple[str, str], list[str]]:
    """(department, unit) -> the active people who work it, for the reassign choices."""
    people = [a.user for a in list_users(db()) if a.active]
    serves = {p.unit_code: answers_for(db(), p.unit_code) for p in people}
    wanted = {(t.department, t.unit) for t in tasks}
    return {(dept, unit): [p.username for p in people
                           if dept in p.departments and unit in serves[p.unit_code]]
            for dept, unit in wanted}


@bp.get("/", endpoint="home")
@login_required
def home() -> ResponseReturnValue:
    require(can_supervise(signed_in()))
    unit, weeks = chosen_unit(), _weeks()
    load = workload_of(db(), services().runtime, descendants(db(), unit), now(), weeks)
    return render_template("workload/home.html", load=load, unit=unit, weeks=weeks,
                           colleagues=_colleagues(load.tasks), max_weeks=MAX_WEEKS)


@bp.post("/reassign", endpoint="reassign")
@login_required
def reassign_task() -> ResponseReturnValue:
    user = signed_in()
    require(can_supervise(user))
    task, to = request.form.get("task", ""), request.form.get("to", "")
    if not task or not to or len(task) > 36 or len(to) > 100:
        abort(400, _("Chọn việc và người nhận."))
    try:
        ref = reassign(db(), services().runtime, task, by=user.username, to=to)
    except (InvalidAction, Conflict) as exc:
        db().rollback()
        abort(400, explain(exc))
    commit()
    flash(_("Đã giao việc “%(task)s” của hồ sơ %(code)s cho %(user)s.", task=ref.name,
            code=ref.dossier_code, user=to))
    return redirect(url_for("workload.home", unit=request.form.get("unit", user.unit_code)[:64]))
