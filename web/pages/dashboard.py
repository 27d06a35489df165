"""The supervisors' dashboard: a unit and everything under it over a period, with the
same figures as the period report, broken down by procedure, field of work, child unit
and department, a trend chart drawn on the server, and each row a link one level down
(city → commune → procedure → its dossiers)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.reporting import LIST_LIMIT, build_dashboard, dossier_lines
from web.auth import login_required
from web.db import db
from web.pages.supervision import (
    MAPS,
    PLACEMENTS,
    PRESETS,
    read_period,
    supervised_unit,
    timezone_name,
)

bp = Blueprint("dashboard", __name__, url_prefix="/supervise")

DRILLS = ("procedure", "field", "child")


@bp.get("/", endpoint="home")
@bp.get("/<unit>", endpoint="unit")
@login_required
def show(unit: str | None = None) -> ResponseReturnValue:
    """The dashboard of `unit` (the user's own by default)."""
    home = supervised_unit(unit)
    period = read_period()
    board = build_dashboard(db(), unit=home.code, start=period.start, end=period.end,
                      tz=timezone_name(), finished_as=period.finished_as,
                      unit_map=period.unit_map)
    tallest = max([1, *(max(p.received, p.resolved) for p in board.trend)])
    return render_template("supervise/dashboard.html", board=board, period=period,
                           presets=PRESETS, maps=MAPS, placements=PLACEMENTS,
                           tallest=tallest)


@bp.get("/<unit>/dossiers")
@login_required
def dossiers(unit: str) -> ResponseReturnValue:
    """The dossiers one dashboard row counts: ?procedure=, ?field= or ?child=."""
    home = supervised_unit(unit)
    period = read_period()
    chosen = {name: request.args[name][:300] for name in DRILLS if name in request.args}
    if len(chosen) != 1:
        abort(400, _("Chọn một thủ tục, một lĩnh vực hoặc một đơn vị trực thuộc."))
    ((drill, value),) = chosen.items()
    lines, count = dossier_lines(
        db(), unit=home.code, start=period.start, end=period.end, tz=timezone_name(),
        unit_map=period.unit_map, procedure=value if drill == "procedure" else None,
        field_of_work=value if drill == "field" else None,
        child=value if drill == "child" else None)
    return render_template("supervise/dossiers.html", unit=home, period=period, drill=drill,
                           value=value, lines=lines, count=count, limit=LIST_LIMIT)
