"""The step-timing audit (Kiểm tra thời gian xử lý) for supervisors: the procedures of
their units, one procedure's steps as a table and as a heatmap over its diagram, and
one step's late dossiers and slowest 5% (docs/audit.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import NotFound
from engine.org import descendants, find_user
from engine.reporting import (
    MAX_PERIOD_DAYS,
    StepAudit,
    audited_procedures,
    step_audit,
    step_detail,
)
from web.access import can_supervise, require, visible_units
from web.auth import login_required, signed_in
from web.db import db, services
from web.pages.base import now, zone
from web.pages.dossiers import viewer_assets

bp = Blueprint("audit", __name__, url_prefix="/audit")

DEFAULT_DAYS = 90  # the period shown when none is asked for: the last 90 days


@dataclass(frozen=True)
class Query:
    """What the audit is asked for, checked: a 400 page for anything else."""

    start: date
    end: date
    unit: str
    units: list[str]
    version: int | None
    all_versions: bool

    def args(self) -> dict[str, str]:
        version = "all" if self.all_versions else (str(self.version) if self.version else "")
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "unit": self.unit,
                **({"version": version} if version else {})}


def _day(name: str, default: date) -> date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        abort(400, _("Ngày không hợp lệ: ghi dạng YYYY-MM-DD."))


def _query() -> Query:
    user = signed_in()
    require(can_supervise(user))
    today = now().astimezone(zone()).date()
    end = _day("to", today)
    start = _day("from", end - timedelta(days=DEFAULT_DAYS - 1))
    if end < start:
        abort(400, _("Ngày kết thúc phải sau ngày bắt đầu."))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        abort(400, _("Chỉ xem được tối đa %(days)s ngày một lần.", days=MAX_PERIOD_DAYS))
    unit = request.args.get("unit", "").strip()[:64] or user.unit_code
    require(unit in visible_units(user), _("Bạn không có quyền xem đơn vị này."))
    text = request.args.get("version", "").strip()
    version, all_versions = None, text == "all"
    if text and not all_versions:
        if not text.isdigit() or len(text) > 6:
            abort(400, _("Phiên bản không hợp lệ."))
        version = int(text)
    return Query(start, end, unit, descendants(db(), unit), version, all_versions)


def _calendars() -> Any:
    session, runtime = db(), services().runtime
    return lambda unit: runtime.calendar(session, unit)


@bp.get("/", endpoint="index")
@login_required
def index() -> ResponseReturnValue:
    """The procedures the supervisor's units have dossiers of."""
    user = signed_in()
    require(can_supervise(user))
    return render_template("audit/index.html",
                           procedures=audited_procedures(db(), visible_units(user)))


@bp.get("/<process_key>", endpoint="procedure")
@login_required
def procedure(process_key: str) -> ResponseReturnValue:
    """Each step's timing as a table and as a heatmap over the diagram."""
    query = _query()
    try:
        audit = step_audit(db(), process_key[:200], units=query.units, start=query.start,
                           end=query.end, calendars=_calendars(), version=query.version,
                           all_versions=query.all_versions)
    except NotFound:
        abort(404, _("Không có thủ tục hoặc phiên bản này."))
    mode = "sla" if request.args.get("colour") == "sla" else "late"
    script, stylesheet = viewer_assets()
    return render_template("audit/procedure.html", audit=audit, query=query, mode=mode,
                           diagrams=_heat(audit, query), viewer_script=script,
                           viewer_stylesheet=stylesheet)


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h".replace(".", ",")


def _heat(audit: StepAudit, query: Query) -> list[dict[str, Any]]:
    """Each diagram with what the heatmap draws on it (viewer.js `heatmap`)."""
    hottest = audit.edges[:3]
    shown = []
    for diagram in audit.diagrams:
        steps = {
            s.spec_id: {
                "late_share": s.late_share, "p90_over_sla": s.p90_over_sla,
                "label": _("%(count)s hồ sơ · %(late)s%% trễ\nTV %(median)s · P90 %(p90)s",
                           count=s.count, late=round(100 * (s.late_share or 0)),
                           median=_hours(s.median_hours), p90=_hours(s.p90_hours)),
                "href": url_for("audit.step", process_key=audit.process_key,
                                spec_id=s.spec_id, **query.args()),
            } for s in audit.steps if s.process_id == diagram.process_id}
        if not steps:
            continue
        edges = [{"step": e.spec_id, "label": _("bàn giao %(hours)s",
                                                hours=_hours(e.median_hours))}
                 for e in hottest if e.process_id == diagram.process_id]
        shown.append({"process_id": diagram.process_id, "version": diagram.version,
                      "xml": diagram.xml, "stats": {"steps": steps, "edges": edges}})
    return shown


@bp.get("/<process_key>/steps/<spec_id>", endpoint="step")
@login_required
def step(process_key: str, spec_id: str) -> ResponseReturnValue:
    """A step's late dossiers, who held them and for how long; its slowest 5%."""
    query = _query()
    try:
        detail = step_detail(db(), process_key[:200], spec_id[:200], units=query.units,
                             start=query.start, end=query.end, calendars=_calendars(),
                             version=query.version, all_versions=query.all_versions)
    except NotFound:
        abort(404, _("Bước này không có lần hoàn thành nào trong kỳ."))
    people = {run.held_by for run in (*detail.late, *detail.outliers) if run.held_by}
    return render_template("audit/step.html", detail=detail, query=query,
                           process_key=process_key, names=_names(people))


def _names(usernames: set[str]) -> dict[str, str]:
    names = {}
    for username in usernames:
        try:
            names[username] = find_user(db(), username).full_name
        except NotFound:
            names[username] = username
    return names
