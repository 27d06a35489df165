"""Where a task stands against its due time, in the pages' words: late, due soon, on
track, paused while the citizen supplements; and task lists sorted by it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.calendar import SAME_DAY, WorkingCalendar
from engine.queries import DossierSummary, TaskView, search_dossiers, show_dossier
from engine.vocabulary import DossierStatus
from web.db import db, services

SOON_SHARE = 0.25  # due soon: less than a quarter of the step's working time left...
SOON_LEFT = timedelta(hours=2)  # ...or less than two working hours

SLA_STATES = {"late": _l("Quá hạn"), "soon": _l("Sắp đến hạn"), "ok": _l("Trong hạn"),
              "paused": _l("Chờ bổ sung"), "none": _l("Không có hạn")}


def working_time(value: timedelta) -> str:
    """'3 giờ 20 phút' of working time."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d giờ %(m)d phút", h=hours, m=minutes)
    if hours:
        return _("%(h)d giờ", h=hours)
    return _("%(m)d phút", m=minutes)


@dataclass(frozen=True)
class Timing:
    """Where a task stands against its due time: state and working time left (or late)."""

    state: str  # late, soon, ok, paused (the dossier waits for the citizen), none
    amount: timedelta

    @property
    def css(self) -> str:
        return {"late": "sla-late", "soon": "sla-soon", "ok": "sla-ok"}.get(self.state, "")

    @property
    def badge(self) -> str:
        return {"late": "late", "soon": "soon", "ok": "ok"}.get(self.state, "")

    def describe(self) -> str:
        if self.state == "late":
            if self.amount > timedelta(0):
                return _("Quá hạn %(time)s", time=working_time(self.amount))
            return _("Quá hạn")
        if self.state in ("soon", "ok"):
            return _("Còn %(time)s", time=working_time(self.amount))
        return str(SLA_STATES[self.state])


NO_TIMING = Timing("none", timedelta(0))


def _step_length(cal: WorkingCalendar, task: TaskView) -> timedelta:
    """The working time the step was given: its SLA, or ready -> due for "same_day"."""
    if task.sla and task.sla != SAME_DAY:
        try:
            return cal.parse_duration(task.sla)
        except ValueError:
            pass
    assert task.due_at is not None  # noqa: S101 - only called for tasks with a due time
    return cal.between(task.ready_at, task.due_at)


def timing(cal: WorkingCalendar, task: TaskView, at: datetime,
           status: str = DossierStatus.RUNNING) -> Timing:
    """Late when the due time passed; due soon with less than 25 % of the step's working
    time or under 2 working hours left; else on track. While the dossier waits for a
    supplement the clock is stopped (the due time moves when the papers come)."""
    if status == DossierStatus.WAITING_SUPPLEMENT:
        return Timing("paused", timedelta(0))
    if task.due_at is None:
        return NO_TIMING
    if at > task.due_at:
        return Timing("late", cal.between(task.due_at, at))
    left = cal.between(at, task.due_at)
    if left < SOON_LEFT or left < _step_length(cal, task) * SOON_SHARE:
        return Timing("soon", left)
    return Timing("ok", left)


@dataclass(frozen=True)
class Row:
    task: TaskView
    dossier: DossierSummary | None
    timing: Timing

    @property
    def procedure(self) -> str:
        return self.dossier.procedure if self.dossier else ""


def summaries(units: Iterable[str], codes: Iterable[str]) -> dict[str, DossierSummary]:
    """Procedure, applicant and status of these dossiers (those of the units in one query;
    any other one by itself)."""
    wanted = set(codes)
    found: dict[str, DossierSummary] = {}
    units = sorted(set(units))
    if not wanted:
        return found
    for s in search_dossiers(db(), units, codes=wanted, limit=len(wanted)):
        found[s.code] = s
    for code in wanted - found.keys():
        view = show_dossier(db(), code)
        found[code] = DossierSummary(
            view.code, view.process_name, view.unit, str(view.applicant.get("name", "")),
            view.channel, view.status, view.received_at, view.appointment_at, view.outcome)
    return found


def task_rows(tasks: Iterable[TaskView], at: datetime) -> list[Row]:
    """Rows for a task list, soonest due first (tasks without a due time last)."""
    tasks = list(tasks)
    known = summaries((t.unit for t in tasks), (t.dossier_code for t in tasks))
    rows = []
    for task in tasks:
        summary = known.get(task.dossier_code)
        cal = services().runtime.calendar(db(), task.unit)
        status = summary.status if summary else DossierStatus.RUNNING
        rows.append(Row(task, summary, timing(cal, task, at, status)))
    far = datetime.max.replace(tzinfo=at.tzinfo)
    rows.sort(key=lambda r: (r.task.due_at is None, r.task.due_at or far, r.task.ready_at))
    return rows
