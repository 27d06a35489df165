"""The query parameters of the supervisors' API views (web/api/supervision.py): the same
values their pages accept (web/pages/dashboard.py, audit.py, risk.py, workload.py,
notifications.py), as pydantic models the OpenAPI document is generated from. Kept out
of web/inputs.py, which is near its size limit; the bounds are the engine's and the
pages'."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from engine.dossiers import MAX_WEEKS, SORTS
from engine.reporting import Preset
from web.inputs import Body, Day, PeriodQuery, Query, UnitQuery

AUDIT_DAYS = 90  # the audit's period when none is given: the last 90 days (as its page)
NOTICE_PAGE = 50  # notifications a page (as the page)
MAX_NOTICE_PAGES = 1000
MAX_READ_IDS = NOTICE_PAGE


class DashboardQuery(PeriodQuery):
    start: Day | None = Field(None, alias="from", description=(  # type: ignore[assignment]
        "First day (default: the first of this month); not with preset."))
    end: Day | None = Field(None, alias="to", description=(  # type: ignore[assignment]
        "Last day, included (default: today); not with preset."))
    preset: Literal[tuple(p.value for p in Preset)] | None = Field(  # type: ignore[valid-type]
        None, description="This month, quarter, half-year or year so far; not with from/to.")


class AuditQuery(UnitQuery):
    start: Day | None = Field(None, alias="from", description=(
        f"First day (default: {AUDIT_DAYS - 1} days before to)."))
    end: Day | None = Field(None, alias="to", description="Last day, included (default: "
                            "today).")
    version: Annotated[str, Field(pattern=r"^(?:all|[0-9]{1,6})$", description=(
        "The procedure's version whose steps are read, or all (default: the newest)."))
    ] | None = None


class RiskQuery(UnitQuery):
    sort: Literal[tuple(SORTS)] = Field("left", description=(  # type: ignore[valid-type]
        "left: the least working time left first; procedure, step or holder."))
    everything: Literal["0", "1"] = Field("0", alias="all", description=(
        "1: dossiers on track too; 0 (default): late and at risk only."))


class WorkloadQuery(UnitQuery):
    weeks: int = Field(4, ge=1, le=MAX_WEEKS, description=(
        "Weeks of completed steps counted per person (default 4)."))


class NoticesQuery(Query):
    unread: Literal["0", "1"] = Field("0", description="1: only the unread ones.")
    page: int = Field(1, ge=1, le=MAX_NOTICE_PAGES, description=(
        f"Page of {NOTICE_PAGE}, newest first."))


class ReadNoticesInput(Body):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=MAX_READ_IDS,
        description="The notifications to mark read (the user's own; others are ignored).")
    all: bool = Field(False, description="true: mark every notification of the user read.")
