"""The department inbox (việc cần xử lý): the ready tasks of my departments in my unit,
coloured by how much working time is left, and the task page where a step is worked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from engine import (
    Conflict,
    DossierView,
    FieldSpec,
    InvalidAction,
    InvalidData,
    NotFound,
    ScriptFailed,
    TaskView,
    WorkingCalendar,
    get_task,
    lifecycle,
    list_tasks,
    show_dossier,
)
from engine.queries import DossierSummary, search_dossiers
from engine.units import UserView
from web.access import can_view_dossier, can_work, require
from web.auth import current_user, login_required, user_name
from web.db import commit, db, services
from web.engine_messages import explain
from web.i18n import DEPARTMENTS, format_datetime

bp = Blueprint("inbox", __name__)

SOON_SHARE = 0.25  # due soon: less than a quarter of the step's working time left...
SOON_LEFT = timedelta(hours=2)  # ...or less than two working hours

SLA_STATES = {"late": _l("Quá hạn"), "soon": _l("Sắp đến hạn"), "ok": _l("Trong hạn"),
              "paused": _l("Chờ bổ sung"), "none": _l("Không có hạn")}

# The engine reports field problems in English; officers read them in the UI language.
FIELD_PROBLEMS = {
    "is required": _l("Bắt buộc nhập."),
    "must be text": _l("Phải là văn bản."),
    "must be a whole number": _l("Phải là số nguyên."),
    "must be a number": _l("Phải là số."),
    "must be true or false": _l("Phải là Có hoặc Không."),
    "must be a date (YYYY-MM-DD)": _l("Phải là một ngày hợp lệ."),
    "must be a date and time (ISO 8601)": _l("Phải là ngày giờ hợp lệ."),
}

# Codes the shipped diagrams use as choices; anything else is shown as written.
CHOICE_LABELS = {
    "approve": _l("Đồng ý"), "refuse": _l("Từ chối"),
    "desk": _l("Tại bộ phận một cửa"), "post": _l("Qua bưu chính"), "online": _l("Trực tuyến"),
    "own_home": _l("Chỗ ở của mình"), "family": _l("Về ở với người thân"),
    "rented": _l("Thuê, mượn, ở nhờ"), "other": _l("Khác"),
}

INPUT_TYPES = {"string": "text", "date": "date", "datetime": "datetime-local",
               "integer": "number", "number": "number"}


# -- helpers shared with the desk ---------------------------------------------------------

def optional_url(endpoint: str, **values: Any) -> str | None:
    """A link to a page of another area, or None while that area is not installed."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def page_helpers() -> dict[str, Any]:
    return {"optional_url": optional_url, "sla_states": SLA_STATES,
            "choice_label": lambda v: CHOICE_LABELS.get(v, v), "input_types": INPUT_TYPES,
            "working_time": working_time}


bp.context_processor(page_helpers)


def now() -> datetime:
    """The engine's clock: the same instant the runtime stamps actions with."""
    return services().runtime.clock.now()


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


def _step_length(cal: WorkingCalendar, task: TaskView) -> timedelta:
    """The working time the step was given: its SLA, or ready -> due for "same_day"."""
    if task.sla and task.sla != "same_day":
        try:
            return cal.parse_duration(task.sla)
        except ValueError:
            pass
    assert task.due_at is not None  # noqa: S101 - only called for tasks with a due time
    return cal.between(task.ready_at, task.due_at)


def timing(cal: WorkingCalendar, task: TaskView, at: datetime, status: str = "running"
           ) -> Timing:
    """Late when the due time passed; due soon with less than 25 % of the step's working
    time or under 2 working hours left; else on track. While the dossier waits for a
    supplement the clock is stopped (the due time moves when the papers come)."""
    if status == "waiting_supplement":
        return Timing("paused", timedelta(0))
    if task.due_at is None:
        return Timing("none", timedelta(0))
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
        rows.append(Row(task, summary, timing(cal, task, at,
                                              summary.status if summary else "running")))
    far = datetime.max.replace(tzinfo=at.tzinfo)
    rows.sort(key=lambda r: (r.task.due_at is None, r.task.due_at or far, r.task.ready_at))
    return rows


def _safe_next(default: str) -> str:
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return default


# -- the inbox -------------------------------------------------------------------------------

@bp.get("/inbox/")
@login_required
def home() -> ResponseReturnValue:
    user = _user()
    require(bool(user.departments), _("Bạn chưa thuộc phòng ban nào nên không có việc cần xử lý."))
    tasks = [t for department in user.departments
             for t in list_tasks(db(), department=department, unit=user.unit_code)]
    rows = task_rows(tasks, now())
    procedures = sorted({r.procedure for r in rows if r.procedure})
    chosen_procedure = request.args.get("procedure", "")
    chosen_state = request.args.get("sla", "")
    shown = [r for r in rows
             if (not chosen_procedure or r.procedure == chosen_procedure)
             and (not chosen_state or r.timing.state == chosen_state)]
    counts = {state: sum(1 for r in rows if r.timing.state == state) for state in SLA_STATES}
    return render_template("inbox/home.html", rows=shown, total=len(rows), counts=counts,
                           procedures=procedures, chosen_procedure=chosen_procedure,
                           chosen_state=chosen_state, user=user)


# -- one task --------------------------------------------------------------------------------

def _user() -> UserView:
    user = current_user()
    assert user is not None  # noqa: S101 - login_required ran first
    return user


def _task(task_id: str) -> TaskView:
    """The task, if the user may see its dossier (403 otherwise, 404 if unknown)."""
    try:
        task = get_task(db(), services().runtime.specs, task_id)
    except NotFound:
        abort(404, _("Không có việc này."))
    require(can_view_dossier(_user(), task.unit),
            _("Việc này thuộc hồ sơ của đơn vị khác; bạn không xem được."))
    return task


def _require_work(task: TaskView) -> None:
    require(can_work(_user(), task.department, task.unit),
            _("Việc này do bộ phận %(department)s của đơn vị %(unit)s xử lý; "
              "bạn không nhận hoặc xử lý được.",
              department=DEPARTMENTS.get(task.department, task.department),
              unit=task.unit))


def form_values(fields: Iterable[FieldSpec], form: Mapping[str, str]) -> dict[str, Any]:
    """What a task's form submits, as the engine checks it: blank inputs are left out
    (so a required field is reported missing), an unticked checkbox is False."""
    data: dict[str, Any] = {}
    for field in fields:
        if field.type == "boolean":
            data[field.name] = field.name in form
            continue
        value = form.get(field.name, "").strip()
        if value:
            data[field.name] = value
    return data


def field_errors(error: InvalidData) -> dict[str, str]:
    messages = {}
    for name, problem in error.fields.items():
        if problem.startswith("must be one of"):
            messages[name] = _("Hãy chọn một giá trị trong danh sách.")
        else:
            known = FIELD_PROBLEMS.get(problem)
            messages[name] = str(known) if known is not None else problem
    return messages


def render_task(task: TaskView, *, values: Mapping[str, Any] | None = None,
                errors: Mapping[str, str] | None = None, message: str | None = None,
                status: int = 200) -> ResponseReturnValue:
    user = _user()
    dossier = show_dossier(db(), task.dossier_code)
    cal = services().runtime.calendar(db(), task.unit)
    if task.status == "ready":
        state = timing(cal, task, now(), dossier.status)
    else:
        state = Timing("none", timedelta(0))
    return render_template(
        "inbox/task.html", task=task, dossier=dossier, timing=state,
        steps=sorted((s for s in dossier.steps if s.status == "completed"),
                     key=lambda s: (s.completed_at, s.ready_at)),
        workable=task.status == "ready" and can_work(user, task.department, task.unit),
        claimed_by_other=bool(task.claimed_by and task.claimed_by != user.username),
        values=values or {}, errors=errors or {}, message=message, user=user,
        user_name=user_name, waiting=dossier.status == "waiting_supplement",
        linked_from=next((link.code for link in dossier.links
                          if link.relation == "started_by"), None),
    ), status


@bp.get("/tasks/<task_id>")
@login_required
def task_page(task_id: str) -> ResponseReturnValue:
    return render_task(_task(task_id))


def _conflict(task_id: str) -> ResponseReturnValue:
    """Someone else got there first: say who and when, nothing was saved (409)."""
    db().rollback()
    task = _task(task_id)
    if task.status == "completed":
        message = _("Việc này đã được %(name)s hoàn thành lúc %(at)s. Thông tin bạn nhập "
                    "chưa được lưu.", name=user_name(task.completed_by),
                    at=format_datetime(task.completed_at))
    else:
        message = _("Hồ sơ vừa được người khác thay đổi; thông tin bạn nhập chưa được lưu. "
                    "Hãy mở lại việc và thử lại.")
    return render_template("inbox/conflict.html", task=task, message=message), 409


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> Response:
    task = _task(task_id)
    _require_work(task)
    try:
        services().runtime.claim(db(), task.id, user=_user().username)
    except (InvalidAction, Conflict):
        db().rollback()
        current = _task(task_id)
        if current.claimed_by:
            flash(_("Việc “%(task)s” đã được %(name)s nhận.", task=current.name,
                    name=user_name(current.claimed_by)))
        else:
            flash(_("Không nhận được việc “%(task)s”: việc không còn chờ xử lý.",
                    task=current.name))
        return redirect(_safe_next(url_for("inbox.home")))
    commit()
    flash(_("Bạn đã nhận việc “%(task)s” (hồ sơ %(code)s).", task=task.name,
            code=task.dossier_code))
    return redirect(_safe_next(url_for("inbox.task_page", task_id=task.id)))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str) -> Response:
    task = _task(task_id)
    _require_work(task)
    try:
        services().runtime.unclaim(db(), task.id, user=_user().username)
    except (InvalidAction, Conflict):
        db().rollback()
        flash(_("Không trả lại được việc “%(task)s”: chỉ người đã nhận việc mới trả lại được.",
                task=task.name))
        return redirect(_safe_next(url_for("inbox.task_page", task_id=task.id)))
    commit()
    flash(_("Đã trả việc “%(task)s” về hàng chờ của bộ phận.", task=task.name))
    return redirect(_safe_next(url_for("inbox.home")))


@bp.post("/tasks/<task_id>/complete")
@login_required
def complete(task_id: str) -> ResponseReturnValue:
    task = _task(task_id)
    _require_work(task)
    data = form_values(task.fields, request.form)
    try:
        services().runtime.complete(db(), task.id, user=_user().username, data=data)
    except InvalidData as exc:
        return render_task(task, values=request.form, errors=field_errors(exc),
                           message=_("Thông tin chưa hợp lệ, chưa có gì được lưu."), status=400)
    except Conflict:
        return _conflict(task_id)
    except (InvalidAction, ScriptFailed) as exc:
        db().rollback()
        return render_task(_task(task_id), values=request.form, status=400,
                           message=_("Không hoàn thành được việc: %(reason)s",
                                     reason=explain(exc)))
    commit()
    flash(_("Đã hoàn thành “%(task)s” của hồ sơ %(code)s.", task=task.name,
            code=task.dossier_code))
    return redirect(url_for("inbox.home"))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _task_action(task: TaskView, run: Callable[[], Any], errors: dict[str, str],
                 failed: str, done: Callable[[Any], str], then: str) -> ResponseReturnValue:
    """A dossier action from the task page: form errors or a refusal re-render the page
    (400, nothing saved); someone else's change is a 409; else commit and go on."""
    if errors:
        return render_task(task, values=request.form, errors=errors, status=400, message=failed)
    try:
        result = run()
    except Conflict:
        return _conflict(task.id)
    except (InvalidAction, ScriptFailed) as exc:
        db().rollback()
        return render_task(_task(task.id), values=request.form, status=400,
                           message=f"{failed} {explain(exc)}")
    message = done(result)
    commit()
    flash(message)
    return redirect(then)


@bp.post("/tasks/<task_id>/supplement")
@login_required
def request_supplement(task_id: str) -> ResponseReturnValue:
    """Ask the citizen for missing papers: the dossier's clock stops until they come."""
    task = _task(task_id)
    _require_work(task)
    items, reason = _lines(request.form.get("items", "")), request.form.get("reason", "").strip()
    errors = {}
    if not items:
        errors["items"] = _("Ghi ít nhất một giấy tờ cần bổ sung.")
    if not reason:
        errors["supplement_reason"] = _("Ghi lý do yêu cầu bổ sung.")
    code = task.dossier_code
    return _task_action(
        task, lambda: lifecycle.request_supplement(
            db(), services().runtime, code, user=_user().username, items=items, reason=reason),
        errors, _("Chưa gửi được yêu cầu bổ sung."),
        lambda _pause: _("Đã yêu cầu bổ sung hồ sơ %(code)s; thời hạn giải quyết tạm dừng.",
                         code=code),
        optional_url("papers.show", code=code, kind="supplement")
        or url_for("inbox.task_page", task_id=task.id))


@bp.post("/tasks/<task_id>/refuse")
@login_required
def refuse(task_id: str) -> ResponseReturnValue:
    """Refuse the dossier with its reasons (phiếu từ chối)."""
    task = _task(task_id)
    _require_work(task)
    reason = request.form.get("refusal", "").strip()
    code = task.dossier_code
    return _task_action(
        task, lambda: lifecycle.refuse(db(), services().runtime, code,
                                       user=_user().username, reason=reason),
        {} if reason else {"refusal": _("Ghi lý do từ chối.")},
        _("Chưa từ chối được hồ sơ."),
        lambda _dossier: _("Đã từ chối hồ sơ %(code)s.", code=code),
        optional_url("papers.show", code=code, kind="refusal") or url_for("inbox.home"))


@bp.post("/tasks/<task_id>/send-back")
@login_required
def send_back(task_id: str) -> ResponseReturnValue:
    """Send the step back to the one completed before it, to be done again."""
    task = _task(task_id)
    _require_work(task)
    reason = request.form.get("send_back_reason", "").strip()
    return _task_action(
        task, lambda: services().runtime.send_back(db(), task.id, user=_user().username,
                                                   reason=reason),
        {} if reason else {"send_back_reason": _("Ghi lý do trả lại.")},
        _("Chưa trả lại được bước trước."),
        lambda reopened: _("Đã trả hồ sơ %(code)s về bước “%(step)s” để làm lại.",
                           code=task.dossier_code, step=reopened.name),
        url_for("inbox.home"))


def dossier_view(code: str) -> DossierView:
    """The dossier (404 if there is none)."""
    try:
        return show_dossier(db(), code)
    except NotFound:
        abort(404, _("Không có hồ sơ %(code)s.", code=code))
