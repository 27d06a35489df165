"""The JSON API under /api/: every action of the pages, for integrations, described by
the OpenAPI document at /api/openapi.json (web/openapi.py). Token authentication, the
pages' permissions, JSON errors naming the wrong fields: see web/api_base.py and
docs/api.md. Each view's endpoint is its operationId in the document.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response

from engine import InvalidData, list_tasks, show_dossier
from engine.catalog import list_catalog
from engine.lifecycle import late_list
from engine.papers import logbook
from engine.report import period_report
from web import api_dossiers  # noqa: F401  (registers the dossier routes on `bp`)
from web.access import can_supervise
from web.api_base import (
    allow,
    body,
    bp,
    fail,
    me,
    query,
    reply,
    save,
    send,
    timezone,
    units_below,
    visible_task,
    workable_task,
)
from web.api_json import to_json
from web.db import db, services
from web.openapi import document

__all__ = ["bp"]


@bp.get("/openapi.json", endpoint="openapi")
def openapi_view() -> Response:
    return send(document())


@bp.get("/me", endpoint="me")
def me_view() -> Response:
    return reply(me())


@bp.get("/procedures", endpoint="list_procedures")
def procedures_view() -> Response:
    return reply(list_catalog(db(), on=query().get("on")))


# -- tasks ---------------------------------------------------------------------------------

@bp.get("/tasks", endpoint="list_tasks")
def tasks_view() -> Response:
    values, user = query(), me()
    department = values.get("department")
    if department is not None:
        allow(department in user.departments,
              f"{user.username} does not work in department {department}")
    state = values["state"]
    found = [task for dept in ([department] if department else user.departments)
             for task in list_tasks(db(), department=dept, unit=user.unit_code,
                                    status="completed" if state == "completed" else "ready")]
    if state == "mine":
        found = [t for t in found if t.claimed_by == user.username]
    if state == "completed":  # the latest first
        found.sort(key=lambda t: t.completed_at or t.ready_at, reverse=True)
    else:  # soonest due first, across the user's departments
        found.sort(key=lambda t: (t.due_at is None, t.due_at or t.ready_at, t.ready_at))
    return reply(found[:values["limit"]])


@bp.get("/tasks/<task_id>", endpoint="get_task")
def task_view(task_id: str) -> Response:
    task = visible_task(task_id)
    result: dict[str, Any] = to_json(task, timezone())
    result["fields"] = to_json(task.fields, timezone())
    result["shown"] = to_json(task.shown, timezone())
    return send(result)


@bp.post("/tasks/<task_id>/claim", endpoint="claim")
def claim_view(task_id: str) -> Response:
    workable_task(task_id)
    services().runtime.claim(db(), task_id, user=me().username)
    response = reply(visible_task(task_id))
    save()
    return response


@bp.post("/tasks/<task_id>/unclaim", endpoint="unclaim")
def unclaim_view(task_id: str) -> Response:
    workable_task(task_id)
    services().runtime.unclaim(db(), task_id, user=me().username)
    response = reply(visible_task(task_id))
    save()
    return response


@bp.post("/tasks/<task_id>/complete", endpoint="complete")
def complete_view(task_id: str) -> Response:
    workable_task(task_id)
    data = body().get("data", {})
    try:
        services().runtime.complete(db(), task_id, user=me().username, data=data)
    except InvalidData as exc:
        fail(422, "the task's data was refused; nothing was saved",
             {f"data.{name}": problem for name, problem in exc.fields.items()})
    task = visible_task(task_id)
    response = reply({"task": task, "dossier": show_dossier(db(), task.dossier_code)})
    save()
    return response


# -- lists and reports ---------------------------------------------------------------------

def _period(values: dict[str, Any], longest: timedelta | None = None) -> tuple[date, date]:
    today = services().runtime.clock.now().astimezone(timezone()).date()
    start, end = values.get("from") or today.replace(day=1), values.get("to") or today
    if start > end:
        fail(400, f"the period starts ({start}) after it ends ({end})",
             {"from": "is after to"})
    if longest is not None and end - start > longest:
        fail(400, "the period is too long", {"to": f"is more than {longest.days} days "
                                                   "after from"})
    return start, end


@bp.get("/late", endpoint="late_list")
def late_view() -> Response:
    _unit, units = units_below(query().get("unit"))
    return reply(late_list(db(), units, services().runtime.clock.now()))


@bp.get("/logbook", endpoint="logbook")
def logbook_view() -> Response:
    values = query()
    _unit, units = units_below(values.get("unit"))
    start, end = _period(values, timedelta(days=366))  # as the logbook page
    return reply(logbook(db(), units, start, end, tz=services().settings["TIMEZONE"]))


@bp.get("/reports/period", endpoint="period_report")
def period_report_view() -> Response:
    allow(can_supervise(me()), "the period report is for supervisors and leaders")
    values = query()
    unit, _units = units_below(values.get("unit"))
    start, end = _period(values)
    return reply(period_report(db(), unit=unit, start=start, end=end,
                               tz=services().settings["TIMEZONE"]))
