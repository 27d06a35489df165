"""The supervisors' views in the API: the dashboard, the step-timing audit of a
procedure and of one step, dossiers at risk, the workload, and the user's own
notifications. Registered on the API's blueprint; the permissions, query values and
refusals are their pages' (web/pages/supervision.py, dashboard.py, audit.py, risk.py,
workload.py, notifications.py).

The engine's records are sent whole (`web.api.shapes.to_json`: every field of each
dataclass, dates and instants as ISO 8601, enums by value), so a field the engine adds
or renames reaches the JSON and the OpenAPI document without a change here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Response

from engine.dossiers import assess, mark_read, notice_of, notices_of, unread_count, workload_of
from engine.errors import InvalidAction, NotFound
from engine.org import descendants, get_unit
from engine.reporting import (
    MAX_PERIOD_DAYS,
    Preset,
    build_dashboard,
    check_period,
    preset_period,
    step_audit,
    step_detail,
)
from web.access import can_supervise, visible_units
from web.api.base import allow, body, bp, fail, me, query, reply, save, timezone
from web.api.supervision_inputs import (
    AUDIT_DAYS,
    NOTICE_PAGE,
    AuditQuery,
    DashboardQuery,
    NoticesQuery,
    ReadNoticesInput,
    RiskQuery,
    WorkloadQuery,
)
from web.db import db, services

SUPERVISORS = "this view is for supervisors and leaders"
LONGEST_PATH_PART = 200  # a procedure's key or a step's id longer than this is not one


def _now() -> datetime:
    return services().runtime.clock.now()


def _today() -> date:
    return _now().astimezone(timezone()).date()


def _supervisor() -> None:
    allow(can_supervise(me()), SUPERVISORS)


def _outside(unit: str) -> str:
    return f"unit {unit} is not {me().unit_code} or a unit below it"


# -- the dashboard ---------------------------------------------------------------------------

@bp.get("/dashboard", endpoint="dashboard")
def dashboard_view() -> Response:
    """As /supervise/: an unknown unit is a 404, one not under the user's a 403."""
    _supervisor()
    values = query(DashboardQuery)
    code = (values.unit or me().unit_code)
    try:
        unit = get_unit(db(), code).code
    except NotFound:
        fail(404, f"unit {code} does not exist")
    allow(unit in visible_units(me()), _outside(unit))
    if values.preset and (values.start or values.end):
        fail(400, "give a preset or from/to, not both",
             {"preset": "is given with from/to; give one or the other"})
    today = _today()
    if values.preset:
        start, end = preset_period(Preset(values.preset), today)
    else:
        start, end = values.start or today.replace(day=1), values.end or today
    try:
        check_period(start, end)
    except InvalidAction as exc:
        fail(400, str(exc), {"from" if start > end else "to": str(exc)})
    return reply(build_dashboard(db(), unit=unit, start=start, end=end,
                                 tz=services().settings["TIMEZONE"],
                                 finished_as=values.rule, unit_map=values.unit_map))


# -- the step-timing audit -------------------------------------------------------------------

def _audit_scope(values: AuditQuery) -> dict[str, Any]:
    """The audit's units, period and version, as /audit/ reads them: a unit the user does
    not see (unknown or not under theirs) is a 403, a bad period a 400."""
    _supervisor()
    unit = values.unit or me().unit_code
    allow(unit in visible_units(me()), _outside(unit))
    end = values.end or _today()
    start = values.start or end - timedelta(days=AUDIT_DAYS - 1)
    if end < start:
        fail(400, f"the period starts ({start}) after it ends ({end})",
             {"from": "is after to"})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        fail(400, "the period is too long",
             {"to": f"is more than {MAX_PERIOD_DAYS} days from from, counting both"})
    version = values.version or ""
    session, runtime = db(), services().runtime
    return {"units": descendants(session, unit), "start": start, "end": end,
            "version": int(version) if version.isdigit() else None,
            "all_versions": version == "all",
            "calendars": lambda code: runtime.calendar(session, code)}


@bp.get("/audit/<procedure>", endpoint="step_audit")
def audit_view(procedure: str) -> Response:
    scope = _audit_scope(query(AuditQuery))
    return reply(step_audit(db(), procedure[:LONGEST_PATH_PART], **scope))


@bp.get("/audit/<procedure>/steps/<step>", endpoint="step_detail")
def step_view(procedure: str, step: str) -> Response:
    scope = _audit_scope(query(AuditQuery))
    return reply(step_detail(db(), procedure[:LONGEST_PATH_PART], step[:LONGEST_PATH_PART],
                             **scope))


# -- dossiers at risk and the workload -------------------------------------------------------

def _chosen_units(unit: str | None) -> list[str]:
    """As /risk/ and /workload/: a unit the user does not see is a 400 naming it."""
    chosen = unit or me().unit_code
    if chosen not in visible_units(me()):
        fail(400, _outside(chosen), {"unit": "is not your unit or a unit below it"})
    return descendants(db(), chosen)


@bp.get("/risk", endpoint="dossiers_at_risk")
def risk_view() -> Response:
    _supervisor()
    values = query(RiskQuery)
    return reply(assess(db(), services().runtime, _chosen_units(values.unit), _now(),
                        everything=values.everything == "1", sort=values.sort))


@bp.get("/workload", endpoint="workload")
def workload_view() -> Response:
    _supervisor()
    values = query(WorkloadQuery)
    return reply(workload_of(db(), services().runtime, _chosen_units(values.unit), _now(),
                             values.weeks))


# -- the user's notifications ----------------------------------------------------------------

@bp.get("/notifications", endpoint="list_notifications")
def notifications_view() -> Response:
    """The user's own notifications, newest first, a page of them (every user has some)."""
    values, username = query(NoticesQuery), me().username
    found = notices_of(db(), username, unread_only=values.unread == "1",
                       limit=NOTICE_PAGE + 1, offset=(values.page - 1) * NOTICE_PAGE)
    return reply({"notices": found[:NOTICE_PAGE], "page": values.page,
                  "more": len(found) > NOTICE_PAGE, "unread": unread_count(db(), username)})


@bp.post("/notifications/<notice>/read", endpoint="read_notification")
def read_one_view(notice: str) -> Response:
    """Mark one notification read: the notification after. Another person's is a 404,
    as an unknown one."""
    if not notice.isdigit() or len(notice) > 9:
        fail(404, f"no notification {notice[:20]}")
    username = me().username
    notice_of(db(), username, int(notice))
    mark_read(db(), username, _now(), [int(notice)])
    response = reply(notice_of(db(), username, int(notice)))
    save()
    return response


@bp.post("/notifications/read", endpoint="read_notifications")
def read_many_view() -> Response:
    """Mark the chosen notifications read, or all of them, as the page's button does:
    how many changed and how many are left unread."""
    values, username = body(ReadNoticesInput), me().username
    if values.all == bool(values.ids):
        fail(422, "give the ids to mark read, or all: true (not both)",
             {"ids": "give at least one id, or all: true, not both"})
    changed = mark_read(db(), username, _now(), None if values.all else values.ids)
    response = reply({"marked": changed, "unread": unread_count(db(), username)})
    save()
    return response
