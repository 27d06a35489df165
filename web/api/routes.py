"""The API's own routes: its OpenAPI document, the token's user, the procedure catalog,
the late list, the logbook and the period report."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response

from engine.definitions import list_catalog
from engine.dossiers import late_list, logbook
from engine.reporting import period_report
from web.access import can_supervise
from web.api.base import allow, bp, fail, me, query, reply, send, timezone, units_below
from web.api.openapi import document
from web.db import db, services
from web.inputs import LogbookQuery, PeriodQuery, ProceduresQuery, UnitQuery


@bp.get("/openapi.json", endpoint="openapi")
def openapi_view() -> Response:
    return send(document())


@bp.get("/me", endpoint="me")
def me_view() -> Response:
    return reply(me())


@bp.get("/procedures", endpoint="list_procedures")
def procedures_view() -> Response:
    return reply(list_catalog(db(), on=query(ProceduresQuery).on))


# -- lists and reports ---------------------------------------------------------------------

def _period(values: LogbookQuery | PeriodQuery, longest: timedelta | None = None
            ) -> tuple[date, date]:
    today = services().runtime.clock.now().astimezone(timezone()).date()
    start, end = values.start or today.replace(day=1), values.end or today
    if start > end:
        fail(400, f"the period starts ({start}) after it ends ({end})",
             {"from": "is after to"})
    if longest is not None and end - start > longest:
        fail(400, "the period is too long", {"to": f"is more than {longest.days} days "
                                                   "after from"})
    return start, end


@bp.get("/late", endpoint="late_list")
def late_view() -> Response:
    _unit, units = units_below(query(UnitQuery).unit)
    return reply(late_list(db(), units, services().runtime.clock.now()))


@bp.get("/logbook", endpoint="logbook")
def logbook_view() -> Response:
    values = query(LogbookQuery)
    _unit, units = units_below(values.unit)
    start, end = _period(values, timedelta(days=366))  # as the logbook page
    return reply(logbook(db(), units, start, end, tz=services().settings["TIMEZONE"]))


@bp.get("/reports/period", endpoint="period_report")
def period_report_view() -> Response:
    allow(can_supervise(me()), "the period report is for supervisors and leaders")
    values = query(PeriodQuery)
    unit, _units = units_below(values.unit)
    start, end = _period(values)
    return reply(period_report(db(), unit=unit, start=start, end=end,
                               tz=services().settings["TIMEZONE"],
                               finished_as=values.rule, unit_map=values.unit_map))
