"""The map of units (Đơn vị): the units in force on a day, and one unit with its days,
the units it came from and went into, the agencies serving it and the units below it.
Any signed-in person may read it: the organisation is no secret."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import NotFound
from engine.org import (
    UnitView,
    get_unit,
    list_units,
    predecessors_of,
    services_of,
    successors_of,
)
from web.auth import login_required
from web.db import db
from web.pages.base import zone
from web.security import now

bp = Blueprint("units", __name__, url_prefix="/units")


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        abort(400, _("Ngày không hợp lệ: ghi dạng YYYY-MM-DD."))
    return day


@bp.get("/", endpoint="index")
@login_required
def index() -> ResponseReturnValue:
    """The units in force on `?on=` (today by default), each under its parent."""
    on = _day(request.args.get("on"), now().astimezone(zone()).date())
    units = list_units(db(), on=on)
    codes = {u.code for u in units}
    below: dict[str | None, list[UnitView]] = {}
    for unit in units:
        below.setdefault(unit.parent_code if unit.parent_code in codes else None,
                         []).append(unit)
    return render_template("units/index.html", on=on, below=below)


@bp.get("/<code>", endpoint="unit")
@login_required
def unit(code: str) -> ResponseReturnValue:
    try:
        shown = get_unit(db(), code[:64])
    except NotFound:
        abort(404, _("Không có đơn vị %(unit)s.", unit=code[:64]))
    children = [u for u in list_units(db()) if u.parent_code == shown.code]
    parent = get_unit(db(), shown.parent_code) if shown.parent_code else None
    return render_template(
        "units/unit.html", unit=shown, parent=parent, children=children,
        predecessors=predecessors_of(db(), shown.code),
        successors=successors_of(db(), shown.code),
        services=services_of(db(), shown.code))
