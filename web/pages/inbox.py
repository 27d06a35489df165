"""The department inbox (việc cần xử lý): the ready tasks of my departments in my unit,
coloured by how much working time is left, and the task page where a step is worked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.definitions import FieldSpec
from engine.dossiers import close, request_supplement
from engine.errors import (
    Conflict,
    Hidden,
    InvalidAction,
    InvalidData,
    NotFound,
    ScriptFailed,
)
from engine.queries import TaskView, get_task, list_tasks, show_dossier
from engine.runtime import claim, complete, send_back, unclaim
from engine.vocabulary import WORKABLE_STATUSES, DossierStatus, FinishKind, TaskStatus
from web.access import can_work, refused, require, visible_units
from web.auth import login_required, signed_in, user_name
from web.db import commit, db, services
from web.engine_messages import explain, field_errors
from web.i18n import DEPARTMENTS, format_datetime
from web.pages.base import next_page, now, page_helpers, reason_errors, supplement_form
from web.pages.sla import NO_TIMING, SLA_STATES, task_rows, timing

bp = Blueprint("inbox", __name__)
bp.context_processor(page_helpers)


# -- the inbox -------------------------------------------------------------------------------

@bp.get("/inbox/")
@login_required
def home() -> ResponseReturnValue:
    user = signed_in()
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

def _task(task_id: str) -> TaskView:
    """The task, if the user may see its dossier; another unit's answers 404 exactly as
    an unknown id."""
    try:
        return get_task(db(), services().runtime.specs, task_id,
                        units=visible_units(signed_in()))
    except NotFound as exc:
        if isinstance(exc, Hidden):
            refused(request.path)  # answered as unknown; the security log knows better
        abort(404, _("Không có việc này."))


def _workable_task(task_id: str) -> TaskView:
    """The task, if the user may claim, complete or hand it back (403 otherwise)."""
    task = _task(task_id)
    require(can_work(signed_in(), task.department, task.unit),
            _("Việc này do bộ phận %(department)s của đơn vị %(unit)s xử lý; "
              "bạn không nhận hoặc xử lý được.",
              department=DEPARTMENTS.get(task.department, task.department),
              unit=task.unit))
    return task


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


def render_task(task: TaskView, *, values: Mapping[str, Any] | None = None,
                errors: Mapping[str, str] | None = None, message: str | None = None,
                status: int = 200) -> ResponseReturnValue:
    user = signed_in()
    dossier = show_dossier(db(), task.dossier_code)
    cal = services().runtime.calendar(db(), task.unit)
    ready = task.status == TaskStatus.READY
    return render_template(
        "inbox/task.html", task=task, dossier=dossier,
        timing=timing(cal, task, now(), dossier.status) if ready else NO_TIMING,
        steps=sorted((s for s in dossier.steps if s.status == TaskStatus.COMPLETED),
                     key=lambda s: (s.completed_at, s.ready_at)),
        workable=ready and can_work(user, task.department, task.unit),
        claimed_by_other=bool(task.claimed_by and task.claimed_by != user.username),
        values=values or {}, errors=errors or {}, message=message, user=user,
        user_name=user_name, waiting=dossier.status == DossierStatus.WAITING_SUPPLEMENT,
        open_statuses=WORKABLE_STATUSES,
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
    if task.status == TaskStatus.COMPLETED:
        message = _("Việc này đã được %(name)s hoàn thành lúc %(at)s. Thông tin bạn nhập "
                    "chưa được lưu.", name=user_name(task.completed_by),
                    at=format_datetime(task.completed_at))
    else:
        message = _("Hồ sơ vừa được người khác thay đổi; thông tin bạn nhập chưa được lưu. "
                    "Hãy mở lại việc và thử lại.")
    return render_template("inbox/conflict.html", task=task, message=message), 409


@bp.post("/tasks/<task_id>/claim", endpoint="claim")
@login_required
def claim_task(task_id: str) -> Response:
    task = _workable_task(task_id)
    try:
        claim(db(), services().runtime, task.id, user=signed_in().username)
    except (InvalidAction, Conflict):
        db().rollback()
        current = _task(task_id)
        if current.claimed_by:
            flash(_("Việc “%(task)s” đã được %(name)s nhận.", task=current.name,
                    name=user_name(current.claimed_by)))
        else:
            flash(_("Không nhận được việc “%(task)s”: việc không còn chờ xử lý.",
                    task=current.name))
        return redirect(next_page(url_for("inbox.home")))
    commit()
    flash(_("Bạn đã nhận việc “%(task)s” (hồ sơ %(code)s).", task=task.name,
            code=task.dossier_code))
    return redirect(next_page(url_for("inbox.task_page", task_id=task.id)))


@bp.post("/tasks/<task_id>/unclaim", endpoint="unclaim")
@login_required
def unclaim_task(task_id: str) -> Response:
    task = _workable_task(task_id)
    try:
        unclaim(db(), services().runtime, task.id, user=signed_in().username)
    except (InvalidAction, Conflict):
        db().rollback()
        flash(_("Không trả lại được việc “%(task)s”: chỉ người đã nhận việc mới trả lại được.",
                task=task.name))
        return redirect(next_page(url_for("inbox.task_page", task_id=task.id)))
    commit()
    flash(_("Đã trả việc “%(task)s” về hàng chờ của bộ phận.", task=task.name))
    return redirect(next_page(url_for("inbox.home")))


@bp.post("/tasks/<task_id>/complete", endpoint="complete")
@login_required
def complete_task(task_id: str) -> ResponseReturnValue:
    task = _workable_task(task_id)
    data = form_values(task.fields, request.form)
    try:
        complete(db(), services().runtime, task.id, user=signed_in().username, data=data)
    except InvalidData as exc:  # the form, or a message refused for its unit
        db().rollback()
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


@bp.post("/tasks/<task_id>/supplement", endpoint="request_supplement")
@login_required
def request_supplement_task(task_id: str) -> ResponseReturnValue:
    """Ask the citizen for missing papers: the dossier's clock stops until they come."""
    task = _workable_task(task_id)
    items, reason, errors = supplement_form(request.form)
    code = task.dossier_code
    return _task_action(
        task, lambda: request_supplement(
            db(), services().runtime, code, user=signed_in().username, items=items,
            reason=reason),
        errors, _("Chưa gửi được yêu cầu bổ sung."),
        lambda _done: _("Đã yêu cầu bổ sung hồ sơ %(code)s; thời hạn giải quyết tạm dừng.",
                        code=code),
        url_for("papers.show", code=code, kind="supplement"))


@bp.post("/tasks/<task_id>/refuse", endpoint="refuse")
@login_required
def refuse_task(task_id: str) -> ResponseReturnValue:
    """Refuse the dossier with its reasons (phiếu từ chối)."""
    task = _workable_task(task_id)
    reason = request.form.get("refusal", "").strip()
    code = task.dossier_code
    return _task_action(
        task, lambda: close(db(), services().runtime, code, FinishKind.REFUSED,
                            user=signed_in().username, reason=reason),
        reason_errors(reason, "refusal", _("Ghi lý do từ chối.")),
        _("Chưa từ chối được hồ sơ."),
        lambda _done: _("Đã từ chối hồ sơ %(code)s.", code=code),
        url_for("papers.show", code=code, kind="refusal"))


@bp.post("/tasks/<task_id>/send-back", endpoint="send_back")
@login_required
def send_back_task(task_id: str) -> ResponseReturnValue:
    """Send the step back to the one completed before it, to be done again."""
    task = _workable_task(task_id)
    reason = request.form.get("send_back_reason", "").strip()
    return _task_action(
        task, lambda: send_back(db(), services().runtime, task.id, user=signed_in().username,
                                reason=reason),
        reason_errors(reason, "send_back_reason", _("Ghi lý do trả lại.")),
        _("Chưa trả lại được bước trước."),
        lambda reopened: _("Đã trả hồ sơ %(code)s về bước “%(step)s” để làm lại.",
                           code=task.dossier_code, step=reopened.name),
        url_for("inbox.home"))
