"""Finding a dossier and its page: applicant, appointment, diagram, timeline, control slip,
supplements, apologies and linked dossiers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from engine.errors import NotFound
from engine.org import find_user, get_unit
from engine.queries import DossierView, dossier_diagram, search_dossiers, show_dossier
from engine.vocabulary import DossierStatus, FinishKind
from web.access import visible_units
from web.auth import login_required, signed_in
from web.db import db, services
from web.i18n import DEPARTMENTS, STATUSES
from web.pages.base import visible_dossier

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"

# What the applicant fields are called on the page; others show their own key.
APPLICANT_FIELDS = {
    "name": _l("Họ và tên"), "address": _l("Địa chỉ"), "phone": _l("Số điện thoại"),
    "email": _l("Thư điện tử"), "id_number": _l("Số định danh cá nhân"),
    "organisation": _l("Tổ chức"),
}
# Dossiers a dossier started or was started by, by the relation's name.
RELATIONS = {
    "started": _l("Hồ sơ thành phần"), "started_by": _l("Hồ sơ liên thông gốc"),
    "notified": _l("Đã gửi thông báo tới"), "notified_by": _l("Nhận thông báo từ"),
}
# The event log's kinds in words; %(...)s takes the event's details.
EVENT_LABELS = {
    "received": _l("Đã tiếp nhận hồ sơ"),
    "task_ready": _l("Chuyển đến bước “%(task)s” (%(department)s)"),
    "task_claimed": _l("Nhận xử lý bước “%(task)s”"),
    "task_unclaimed": _l("Trả bước “%(task)s” về hàng chờ"),
    "task_reassigned": _l("Giao bước “%(task)s” cho %(to)s"),
    "task_completed": _l("Hoàn thành bước “%(task)s”"),
    "task_cancelled": _l("Huỷ bước “%(task)s”"),
    "message_sent": _l("Gửi hồ sơ liên thông sang cơ quan khác"),
    "message_received": _l("Nhận hồ sơ liên thông từ %(sender)s"),
    "resolved": _l("Có kết quả giải quyết"),
    "returned": _l("Trả kết quả cho công dân"),
    "completed": _l("Kết thúc quy trình"),
    "refused": _l("Từ chối hồ sơ"),
    "withdrawn": _l("Công dân rút hồ sơ"),
    "stopped": _l("Dừng giải quyết hồ sơ"),
    "supplement_requested": _l("Yêu cầu bổ sung hồ sơ (lần %(count)s)"),
    "supplemented": _l("Công dân đã bổ sung hồ sơ"),
    "at_risk": _l("Cảnh báo: có nguy cơ trễ hẹn"),
    "apology": _l("Xin lỗi và hẹn lại ngày trả kết quả"),
    "timer_fired": _l("Đến thời điểm hẹn giờ"),
}
SEARCH_STATUSES = tuple(DossierStatus)


@cache
def viewer_assets() -> tuple[str, str]:
    """The committed diagram viewer bundle (its name carries bpmn-js's version)."""
    scripts = sorted(VENDOR.glob("bpmn-viewer-*.js"))
    if not scripts:
        raise RuntimeError(f"no bpmn-viewer-*.js in {VENDOR}: run `npm run build`")
    script = scripts[-1]
    return f"vendor/{script.name}", f"vendor/{script.with_suffix('.css').name}"


@bp.get("")
@login_required
def search() -> ResponseReturnValue:
    """Dossiers of the user's units by code or applicant name (diacritics ignored)."""
    user = signed_in()
    text = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    if status not in SEARCH_STATUSES:
        status = ""
    found = search_dossiers(db(), visible_units(user), text=text, status=status or None)
    return render_template("dossiers/search.html", found=found, q=text, status=status,
                           statuses=[(s, STATUSES[s]) for s in SEARCH_STATUSES])


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    actor: str
    outcome: str | None


@dataclass(frozen=True)
class LinkedDossier:
    code: str
    relation: Any
    procedure: str
    unit: str
    status: str
    appointment_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    visible: bool


@bp.get("/<code>")
@login_required
def page(code: str) -> ResponseReturnValue:
    """Everything about one dossier, for the units that can see it."""
    session = db()
    view = visible_dossier(code)
    units = visible_units(signed_in())
    diagram = dossier_diagram(session, code, specs=services().runtime.specs)
    names = _names([*(e.actor for e in view.events),
                    *(h.giver for h in view.handovers), *(h.receiver for h in view.handovers),
                    *(p.requested_by for p in view.pauses), *(a.signed_by for a in view.apologies)])
    script, stylesheet = viewer_assets()
    return render_template(
        "dossiers/page.html", view=view, names=names, unit_name=_unit_name(view.unit),
        applicant=_applicant_rows(view.applicant), timeline=_timeline(view, names),
        links=_linked(view, units), papers=_papers(view),
        diagram={"xml": diagram.xml, "done": list(diagram.done),
                 "current": list(diagram.current)},
        viewer_script=script, viewer_stylesheet=stylesheet,
    )


def _names(usernames: Iterable[str | None]) -> dict[str, str]:
    """Full names of the people who acted, by username (the username if unknown)."""
    names: dict[str, str] = {}
    for username in usernames:
        if username and username not in names:
            try:
                names[username] = find_user(db(), username).full_name
            except NotFound:
                names[username] = username
    return names


def _unit_name(code: str) -> str:
    try:
        return get_unit(db(), code).name
    except NotFound:
        return code


def _applicant_rows(applicant: dict[str, Any]) -> list[tuple[Any, str]]:
    known = [(label, str(applicant[key])) for key, label in APPLICANT_FIELDS.items()
             if applicant.get(key) not in (None, "")]
    others = [(key, str(value)) for key, value in applicant.items()
              if key not in APPLICANT_FIELDS and value not in (None, "", [], {})]
    return known + others


def _timeline(view: DossierView, names: dict[str, str]) -> list[TimelineEntry]:
    """The event log in words, oldest first."""
    steps = {step.spec_id: step.name for step in view.steps}
    entries = []
    for event in view.events:
        detail = event.detail
        task = str(detail.get("task", ""))
        params = {
            "task": steps.get(task, task), "count": detail.get("count", ""),
            "department": DEPARTMENTS.get(detail.get("department"),
                                          detail.get("department", "")),
            "message": detail.get("message", ""), "sender": detail.get("sender", ""),
            "to": names.get(detail.get("to", ""), detail.get("to", "")),
        }
        template = EVENT_LABELS.get(event.kind)
        label = str(template) % params if template is not None else event.kind
        outcome = detail.get("outcome") if event.kind in ("task_completed", "resolved") else None
        entries.append(TimelineEntry(event.at, label, names.get(event.actor or "", ""),
                                     outcome))
    return entries


def _linked(view: DossierView, units: list[str]) -> list[LinkedDossier]:
    """The linked dossiers (police, social insurance parts) with their state."""
    linked = []
    for link in view.links:
        try:
            other = show_dossier(db(), link.code)
        except NotFound:
            continue
        linked.append(LinkedDossier(
            code=link.code, relation=RELATIONS.get(link.relation, link.relation),
            procedure=other.process_name, unit=_unit_name(other.unit), status=other.status,
            appointment_at=other.appointment_at, resolved_at=other.resolved_at,
            outcome=other.outcome, visible=other.unit in units))
    return linked


def _papers(view: DossierView) -> list[tuple[str, Any]]:
    """The papers this dossier has: (kind, name)."""
    papers: list[tuple[str, Any]] = [("receipt", _l("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"))]
    if view.pauses:
        papers.append(("supplement", _l("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")))
    if view.finish_kind == FinishKind.REFUSED:
        papers.append(("refusal", _l("Phiếu từ chối tiếp nhận, giải quyết hồ sơ")))
    if view.finish_kind == FinishKind.STOPPED:
        papers.append(("stop-notice", _l("Thông báo dừng giải quyết hồ sơ")))
    if view.apologies:
        papers.append(("apology",
                       _l("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")))
    papers.append(("control-slip", _l("Phiếu kiểm soát quá trình giải quyết hồ sơ")))
    return papers
