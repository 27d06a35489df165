"""The standard papers of the one-stop desk (Circular 03/2025/TT-VPCP, Appendix I, Mẫu 01
to 07), printable as HTML and as PDF: receipt, supplement request, refusal,
apology, notice of stopping, control slip and the logbook.

The papers' own text is Vietnamese whatever the interface language (they are legal
forms); only the page around them is translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import Session

from engine import dossiers as engine_papers
from engine.errors import InvalidAction
from engine.runtime import EARLIEST_DAY, LATEST_DAY
from web.access import visible_units
from web.auth import login_required, signed_in
from web.db import db
from web.i18n import STATUSES
from web.inputs import parse_day
from web.pages.base import now, visible_dossier, zone

bp = Blueprint("papers", __name__)

STATIC = Path(__file__).resolve().parents[1] / "static"


@dataclass(frozen=True)
class Paper:
    """One kind of paper of a dossier: its legal title, its name in the interface, what
    to say when the dossier has none, the date it is signed on (an attribute of its
    record; the receipt's date without one), the page size and the PDF's file name."""

    kind: str
    title: str
    name: Any
    missing: Any
    dated: str
    slug: str
    size: str = "A4"

    def build(self, session: Session, code: str) -> Any:
        return engine_papers.PAPERS[self.kind](session, code)


# The titles are the forms' own (legal) text; `name` and `missing` are interface text.
PAPERS = {paper.kind: paper for paper in (
    Paper("receipt", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
          _l("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), None, "received_at",
          "giay-tiep-nhan", size="A5"),
    Paper("supplement", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
          _l("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
          _l("Hồ sơ %(code)s chưa có yêu cầu bổ sung nào, nên không có phiếu yêu cầu bổ "
             "sung."), "requested_at", "phieu-yeu-cau-bo-sung"),
    Paper("refusal", "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
          _l("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
          _l("Hồ sơ %(code)s không bị từ chối, nên không có phiếu từ chối."), "refused_at",
          "phieu-tu-choi"),
    Paper("apology", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
          _l("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
          _l("Hồ sơ %(code)s chưa có thư xin lỗi nào, nên không có phiếu xin lỗi."), "at",
          "van-ban-xin-loi"),
    Paper("stop-notice", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
          _l("Thông báo dừng giải quyết hồ sơ"),
          _l("Hồ sơ %(code)s không bị dừng giải quyết, nên không có thông báo dừng giải "
             "quyết."), "stopped_at", "thong-bao-dung-giai-quyet"),
    Paper("control-slip", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
          _l("Phiếu kiểm soát quá trình giải quyết hồ sơ"), None, "", "phieu-kiem-soat"),
)}
LOGBOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"

_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
# Words naming a level of government before a place's name ("Phường Phúc Lợi").
_PLACE_PREFIX = re.compile(
    r"^.*\b(?:phường|xã|thị trấn|thị xã|quận|huyện|thành phố|tỉnh)\s+(?=\S)", re.IGNORECASE)


def _local(value: datetime) -> datetime:
    return value.astimezone(zone())


def time_and_date(value: datetime | None) -> str:
    """'14 giờ 30 phút, ngày 09/03/2026', as the forms write an instant."""
    if value is None:
        return "…… giờ …… phút, ngày …… /…… /…………"
    local = _local(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def long_date(value: date | datetime | None) -> str:
    """'ngày 09 tháng 03 năm 2026' (blank to fill in by hand when unknown)."""
    if value is None:
        return "ngày …… tháng …… năm ………"
    if isinstance(value, datetime):
        value = _local(value).date()
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def short_time(value: datetime | None) -> str:
    return f"{_local(value):%H:%M %d/%m/%Y}" if value else ""


def short_date(value: datetime | None) -> str:
    return f"{_local(value):%d/%m/%Y}" if value else ""


def time_limit(limit: str | None) -> str:
    """A statutory limit in the form's words: 'P3D' -> '03 ngày làm việc'."""
    if not limit:
        return "theo quy định"
    if limit == "same_day":
        return "trong ngày làm việc"
    found = _DURATION.match(limit)
    if not found or not any(found.groups()):
        return limit
    days, hours, minutes = found.groups()
    parts = [f"{int(days):02d} ngày làm việc" if days else "",
             f"{int(hours)} giờ làm việc" if hours else "",
             f"{int(minutes)} phút" if minutes else ""]
    return " ".join(p for p in parts if p)


def place(unit_name: str) -> str:
    """Where a paper is signed, for 'Phúc Lợi, ngày …': the unit's place name."""
    return _PLACE_PREFIX.sub("", unit_name) or unit_name


def status_vi(status: str) -> str:
    """A dossier status in the logbook's (Vietnamese) words."""
    with force_locale("vi"):
        return str(STATUSES.get(status, status))


@bp.context_processor
def paper_helpers() -> dict[str, Any]:
    return {"time_and_date": time_and_date, "long_date": long_date, "short_time": short_time,
            "short_date": short_date, "time_limit": time_limit, "place": place,
            "status_vi": status_vi}


def _wants_pdf(fmt: str | None) -> bool:
    return fmt == "pdf" or request.args.get("format") == "pdf"


@bp.get("/dossiers/<code>/papers/<kind>.pdf", defaults={"fmt": "pdf"}, endpoint="show_pdf")
@bp.get("/dossiers/<code>/papers/<kind>", defaults={"fmt": None})
@login_required
def show(code: str, kind: str, fmt: str | None) -> ResponseReturnValue:
    """One paper of a dossier: print-ready HTML, or PDF with ?format=pdf or .pdf (its own
    endpoint, so url_for("papers.show") always builds the printable page)."""
    paper = PAPERS.get(kind)
    if paper is None:
        abort(404, _("Không có loại phiếu “%(kind)s”.", kind=kind))
    dossier = visible_dossier(code)
    try:
        record = paper.build(db(), code)
    except InvalidAction:
        message = paper.missing % {"code": code} if paper.missing is not None else None
        abort(404, message or _("Phiếu này không áp dụng cho hồ sơ %(code)s.", code=code))
    pdf = _wants_pdf(fmt)
    html = render_template(f"papers/{kind.replace('-', '_')}.html", paper=paper, record=record,
                           code=code, pdf=pdf, size=paper.size,
                           title=paper.title, name=paper.name,
                           dated=getattr(record, paper.dated, dossier.received_at),
                           appointment_at=dossier.appointment_at)
    if pdf:
        return _pdf(html, f"{paper.slug}-{code}.pdf")
    return html


@bp.get("/papers/logbook")
@login_required
def logbook() -> ResponseReturnValue:
    """Sổ theo dõi hồ sơ: the dossiers the user's unit and those below it received
    between two dates (this month so far by default)."""
    user = signed_in()
    today = now().astimezone(zone()).date()
    try:
        start = _day(request.args.get("from"), today.replace(day=1))
        end = _day(request.args.get("to"), today)
    except ValueError:
        abort(400, _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD, từ %(first)s đến %(last)s.",
                     first=EARLIEST_DAY.isoformat(), last=LATEST_DAY.isoformat()))
    if end < start:
        abort(400, _("Ngày bắt đầu phải trước ngày kết thúc."))
    if end - start > timedelta(days=366):
        abort(400, _("Chỉ in sổ theo dõi cho tối đa một năm mỗi lần."))
    record = engine_papers.logbook(db(), visible_units(user), start, end,
                                   tz=current_app.config["LIENTHONG"]["TIMEZONE"])
    pdf = _wants_pdf(None)
    html = render_template("papers/logbook.html", record=record, pdf=pdf, size="A4 landscape",
                           title=LOGBOOK_TITLE, name=_("Sổ theo dõi hồ sơ"),
                           start=start, end=end)
    if pdf:
        return _pdf(html, f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
    return html


def _day(text: str | None, default: date) -> date:
    return parse_day(text) if text else default


def paper_css() -> Markup:
    """The papers' stylesheet, inlined into the PDF's HTML (WeasyPrint fetches nothing).
    Our own file, so not escaped."""
    return Markup((STATIC / "papers.css").read_text(encoding="utf-8"))  # noqa: S704


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A paper is self-contained (its stylesheet inlined): the PDF renderer loads nothing,
    so no text in a dossier can make the server fetch a URL."""
    raise ValueError(f"papers load no resources ({url})")


def _pdf(html: str, filename: str) -> Response:
    """The HTML as a PDF (WeasyPrint, imported here: it loads Pango, which is slow)."""
    import weasyprint

    data = weasyprint.HTML(string=html, base_url=str(STATIC),
                           url_fetcher=_fetch_nothing).write_pdf()
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


bp.add_app_template_global(paper_css, "paper_css")
