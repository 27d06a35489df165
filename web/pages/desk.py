"""The reception desk (Bộ phận Một cửa): receive dossiers, take in supplements, refuse,
stop processing, record withdrawals and hand results back. Reception clerks, their own
unit only."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.definitions import ProcedureView, list_catalog
from engine.dossiers import close, request_supplement, supply
from engine.errors import Conflict, InvalidAction, NotFound
from engine.org import UserView, get_unit
from engine.queries import DossierView, fold, list_tasks, search_dossiers
from engine.runtime import CHANNELS, start
from engine.vocabulary import OPEN_STATUSES, DossierStatus, FinishKind, TaskStatus
from web.access import can_receive, require, working_units
from web.auth import login_required, signed_in, user_name
from web.db import commit, db, services
from web.engine_messages import explain
from web.inputs import ApplicantInput, SupplyInput
from web.pages.base import (
    dossier_view,
    form_errors,
    lines,
    now,
    page_helpers,
    reason_errors,
    supplement_form,
    visible_dossier,
    zone,
)
from web.pages.sla import task_rows

bp = Blueprint("desk", __name__, url_prefix="/desk")
_LIMIT = re.compile(r"P(?:(\d+(?:[.,]\d+)?)D)?(?:T(\d+)H)?")


def limit_text(limit: str | None) -> str:
    """A catalog time limit in words: "same_day" -> "trong ngày làm việc", "P3D" ->
    "3 ngày làm việc"; anything unusual is shown as written."""
    if not limit:
        return ""
    if limit == "same_day":
        return _("trong ngày làm việc")
    found = _LIMIT.fullmatch(limit)
    if found is None or not any(found.groups()):
        return limit
    days, hours = found.groups()
    parts = [_("%(n)s ngày làm việc", n=days.replace(".", ",")) if days else "",
             _("%(n)s giờ làm việc", n=hours) if hours else ""]
    return " ".join(p for p in parts if p)


@bp.context_processor
def helpers() -> dict[str, Any]:
    return page_helpers() | {"limit_text": limit_text}

APPLICANT_FIELDS = (  # form name, key in the dossier's applicant record, label
    ("applicant_name", "name", _l("Họ và tên người nộp")),
    ("applicant_address", "address", _l("Địa chỉ")),
    ("applicant_phone", "phone", _l("Số điện thoại")),
    ("applicant_email", "email", _l("Thư điện tử")),
    ("applicant_id_number", "id_number", _l("Số định danh cá nhân / CCCD")),
)
# The form's own words for a missing or malformed value; the checks are the API's model.
APPLICANT_PROBLEMS = {
    "name": _l("Nhập họ và tên người nộp hồ sơ."),
    "address": _l("Địa chỉ không hợp lệ."),
    "phone": _l("Số điện thoại không hợp lệ."),
    "email": _l("Địa chỉ thư điện tử không hợp lệ."),
    "id_number": _l("Số định danh gồm 12 chữ số (CMND cũ: 9 chữ số)."),
}


def _clerk() -> UserView:
    """The signed-in reception clerk (403 for anyone else)."""
    user = signed_in()
    require(can_receive(user), _("Chỉ cán bộ bộ phận Một cửa mới dùng được trang này."))
    return user


def _own_dossier(code: str) -> DossierView:
    """A dossier of the clerk's own unit or of one it took over (404 if unknown or of a
    unit the clerk does not see, as unknown; 403 if of a unit below it)."""
    user = _clerk()
    dossier = visible_dossier(code)
    require(dossier.unit in working_units(user),
            _("Hồ sơ %(code)s do đơn vị %(unit)s tiếp nhận; bạn không xử lý được.",
              code=code, unit=dossier.unit))
    return dossier


# -- the desk's home page --------------------------------------------------------------------

@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    user = _clerk()
    at = now()
    today = at.astimezone(zone()).date()
    units = [user.unit_code]
    received = [s for s in search_dossiers(db(), units, limit=300)
                if s.received_at.astimezone(zone()).date() == today]
    at_desk = task_rows(list_tasks(db(), department="reception", unit=user.unit_code), at)
    waiting = [dossier_view(s.code) for s in
               search_dossiers(db(), units, status=DossierStatus.WAITING_SUPPLEMENT,
                               limit=200)]
    query = request.args.get("q", "").strip()
    found = search_dossiers(db(), units, text=query, limit=50) if query else None
    return render_template("desk/home.html", received=received, at_desk=at_desk,
                           waiting=waiting, query=query, found=found, today=today, user=user)


# -- receiving a dossier ---------------------------------------------------------------------

def _catalog(user: UserView) -> list[ProcedureView]:
    """The procedures in force that this kind of unit receives (a ward's desk receives
    ward procedures, a police post police ones)."""
    today = now().astimezone(zone()).date()
    return list_catalog(db(), on=today, level=get_unit(db(), user.unit_code).kind)


def matches(procedure: ProcedureView, query: str) -> bool:
    """Search that ignores case and Vietnamese diacritics: "khai sinh" finds "Đăng ký
    khai sinh", as does "dang ky khai sinh"."""
    wanted = fold(query).split()
    text = fold(" ".join((procedure.name, procedure.code, procedure.field_of_work)))
    return all(word in text for word in wanted)


@bp.get("/receive")
@login_required
def choose() -> ResponseReturnValue:
    """Pick the procedure: the catalog, filtered by the search box."""
    user = _clerk()
    query = request.args.get("q", "").strip()
    procedures = [p for p in _catalog(user) if matches(p, query)]
    template = "desk/_procedures.html" if request.headers.get("HX-Request") else \
        "desk/choose.html"
    return render_template(template, procedures=procedures, query=query)


def _procedure(user: UserView, code: str) -> ProcedureView:
    for procedure in _catalog(user):
        if procedure.code == code:
            return procedure
    abort(404, _("Không có thủ tục %(code)s trong danh mục đang áp dụng của đơn vị.",
                 code=code))


def check_receipt(procedure: ProcedureView, form: Mapping[str, Any]
                  ) -> tuple[dict[str, str], dict[str, Any]]:
    """Field errors of a receipt form, and what to receive when there are none."""
    applicant = {key: str(form.get(name, "")).strip() for name, key, _label in APPLICANT_FIELDS}
    errors = form_errors(ApplicantInput, {k: v for k, v in applicant.items() if v}, {
        key: (name, str(APPLICANT_PROBLEMS[key])) for name, key, _label in APPLICANT_FIELDS})
    ticked = set(form.getlist("documents")) if hasattr(form, "getlist") else set()
    documents = [doc.name for i, doc in enumerate(procedure.documents) if str(i) in ticked]
    missing = [doc.name for i, doc in enumerate(procedure.documents)
               if doc.required and str(i) not in ticked]
    later = bool(form.get("supplement_later"))
    if missing and not later:
        errors["documents"] = _("Chưa đủ giấy tờ bắt buộc. Đánh dấu đủ các giấy tờ bắt buộc, "
                                "hoặc chọn “Tiếp nhận, yêu cầu bổ sung sau”.")
    channel = str(form.get("channel", "in_person"))
    if channel not in CHANNELS:
        errors["channel"] = _("Chọn hình thức nộp hồ sơ.")
    verification = bool(form.get("verification")) and bool(procedure.verification_time_limit)
    return errors, {"applicant": {k: v for k, v in applicant.items() if v},
                    "documents": documents, "missing": missing, "channel": channel,
                    "verification": verification}


@bp.route("/receive/<code>", methods=["GET", "POST"])
@login_required
def receive(code: str) -> ResponseReturnValue:
    """The receipt form; on success the dossier is created and its appointment set."""
    user = _clerk()
    procedure = _procedure(user, code)
    if request.method == "GET":
        return render_template("desk/receive.html", procedure=procedure, values={},
                               errors={}, ticked=set(), fields=APPLICANT_FIELDS,
                               channels=CHANNELS)
    errors, receipt = check_receipt(procedure, request.form)
    message = None
    if not errors:
        try:
            dossier = start(
                db(), services().runtime, procedure.code, unit=user.unit_code,
                applicant=receipt["applicant"], channel=receipt["channel"], actor=user.username,
                documents=receipt["documents"], verification=receipt["verification"])
        except (InvalidAction, NotFound) as exc:
            db().rollback()
            message = _("Chưa tiếp nhận được hồ sơ: %(reason)s", reason=explain(exc))
        else:
            dossier_code = dossier.code
            commit()
            return redirect(url_for("desk.received", code=dossier_code))
    return render_template("desk/receive.html", procedure=procedure, values=request.form,
                           errors=errors, ticked=set(request.form.getlist("documents")),
                           fields=APPLICANT_FIELDS, channels=CHANNELS,
                           message=message or _("Hồ sơ chưa được tiếp nhận: hãy sửa các "
                                                "mục được đánh dấu.")), 400


@bp.get("/received/<code>")
@login_required
def received(code: str) -> ResponseReturnValue:
    """The dossier was received: its code, its appointment, the receipt to print and the
    reception step that records the procedure's own data."""
    dossier = _own_dossier(code)
    first = _at_desk(dossier)
    return render_template("desk/received.html", dossier=dossier, first=first,
                           missing=missing_documents(dossier))


def missing_documents(dossier: DossierView) -> list[str]:
    """Required papers of the dossier's procedure that were not received."""
    for procedure in list_catalog(db()):
        if procedure.code == dossier.procedure_code:
            return [d.name for d in procedure.documents
                    if d.required and d.name not in dossier.documents]
    return []


# -- one dossier at the desk -----------------------------------------------------------------

@bp.get("/find")
@login_required
def find() -> ResponseReturnValue:
    _clerk()
    code = request.args.get("code", "").strip()
    if not code:
        return redirect(url_for("desk.home"))
    return redirect(url_for("desk.dossier", code=code))


def _at_desk(dossier: DossierView) -> list[Any]:
    """The dossier's ready steps at the one-stop desk."""
    return [s for s in dossier.steps
            if s.status == TaskStatus.READY and s.department == "reception"]


def render_dossier(dossier: DossierView, *, values: Mapping[str, Any] | None = None,
                   errors: Mapping[str, str] | None = None, message: str | None = None,
                   status: int = 200) -> ResponseReturnValue:
    open_pause = next((p for p in dossier.pauses if p.ended_at is None), None)
    return render_template("desk/dossier.html", dossier=dossier, at_desk=_at_desk(dossier),
                           open_pause=open_pause, is_open=dossier.status in OPEN_STATUSES,
                           missing=missing_documents(dossier),
                           values=values or {}, errors=errors or {}, message=message,
                           user_name=user_name), status


@bp.get("/dossiers/<code>")
@login_required
def dossier(code: str) -> ResponseReturnValue:
    return render_dossier(_own_dossier(code))


def _act(code: str, run: Callable[[], object], done: str, paper: str | None = None
         ) -> ResponseReturnValue:
    """Run one lifecycle command in the request's transaction; say what happened."""
    try:
        run()
    except Conflict:
        db().rollback()
        return render_dossier(dossier_view(code), status=409, message=_(
            "Hồ sơ vừa được người khác thay đổi; chưa có gì được lưu. Hãy thử lại."))
    except InvalidAction as exc:
        db().rollback()
        return render_dossier(dossier_view(code), values=request.form, status=400,
                              message=_("Không thực hiện được: %(reason)s", reason=explain(exc)))
    commit()
    flash(done)
    return redirect(url_for("papers.show", code=code, kind=paper) if paper
                    else url_for("desk.dossier", code=code))


def _missing(dossier: DossierView, errors: dict[str, str]) -> ResponseReturnValue:
    return render_dossier(dossier, values=request.form, errors=errors, status=400,
                          message=_("Chưa thực hiện được: hãy bổ sung các mục được đánh dấu."))


@bp.post("/dossiers/<code>/supply", endpoint="supply")
@login_required
def supply_papers(code: str) -> ResponseReturnValue:
    """The citizen brought the missing papers: the clock runs again."""
    user = _clerk()
    dossier = _own_dossier(code)
    documents = [*request.form.getlist("items"), *lines(request.form.get("other", ""))]
    errors = form_errors(SupplyInput, {"documents": documents}, {
        "documents": ("supply", _("Đánh dấu giấy tờ công dân đã bổ sung."))})
    if not documents:
        errors["supply"] = _("Đánh dấu giấy tờ công dân đã bổ sung.")
    if errors:
        return _missing(dossier, errors)
    return _act(code, lambda: supply(
        db(), services().runtime, code, user=user.username, documents=documents),
        _("Đã ghi nhận giấy tờ bổ sung của hồ sơ %(code)s; thời hạn giải quyết tiếp tục tính.",
          code=code))


@bp.post("/dossiers/<code>/supplement", endpoint="request_supplement")
@login_required
def ask_for_papers(code: str) -> ResponseReturnValue:
    """Ask for missing papers (e.g. a dossier received as "supplement later")."""
    user = _clerk()
    dossier = _own_dossier(code)
    items, reason, errors = supplement_form(request.form)
    if errors:
        return _missing(dossier, errors)
    return _act(code, lambda: request_supplement(
        db(), services().runtime, code, user=user.username, items=items, reason=reason),
        _("Đã yêu cầu bổ sung hồ sơ %(code)s; thời hạn giải quyết tạm dừng.", code=code),
        paper="supplement")


# The reason's input and what the desk says once done, by how the dossier is closed.
CLOSING = {
    FinishKind.REFUSED: ("refusal", _l("Đã từ chối hồ sơ %(code)s."), "refusal"),
    FinishKind.STOPPED: ("stopping", _l("Đã dừng giải quyết hồ sơ %(code)s."), "stop-notice"),
    FinishKind.WITHDRAWN: ("withdrawal", _l("Đã ghi nhận công dân rút hồ sơ %(code)s."), None),
}


def _close(code: str, kind: FinishKind) -> ResponseReturnValue:
    user = _clerk()
    dossier = _own_dossier(code)
    field, done, paper = CLOSING[kind]
    reason = request.form.get(field, "").strip()
    errors = reason_errors(reason, field, _("Ghi lý do."))
    if errors:
        return _missing(dossier, errors)
    return _act(code, lambda: close(db(), services().runtime, code, kind,
                                    user=user.username, reason=reason),
                str(done) % {"code": code}, paper=paper)


@bp.post("/dossiers/<code>/refuse")
@login_required
def refuse(code: str) -> ResponseReturnValue:
    """Refuse the dossier with its reasons (phiếu từ chối tiếp nhận, giải quyết hồ sơ)."""
    return _close(code, FinishKind.REFUSED)


@bp.post("/dossiers/<code>/stop")
@login_required
def stop(code: str) -> ResponseReturnValue:
    """Stop processing the dossier with the reason (thông báo dừng giải quyết hồ sơ)."""
    return _close(code, FinishKind.STOPPED)


@bp.post("/dossiers/<code>/withdraw")
@login_required
def withdraw(code: str) -> ResponseReturnValue:
    """The citizen takes the dossier back."""
    return _close(code, FinishKind.WITHDRAWN)
