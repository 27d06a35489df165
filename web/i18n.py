"""Languages and formats: Vietnamese first (the messages' source language), English
available; dates dd/mm/yyyy and times in the configured zone (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import Babel
from flask_babel import lazy_gettext as _l

from engine.vocabulary import Channel, DossierStatus, Outcome, TaskStatus

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

OUTCOMES = {Outcome.EARLY: _l("Trước hạn"), Outcome.ON_TIME: _l("Đúng hạn"),
            Outcome.LATE: _l("Quá hạn")}
# Dossier statuses, and the two task statuses that are not one of them.
STATUSES = {
    DossierStatus.RUNNING: _l("Đang giải quyết"),
    DossierStatus.WAITING_SUPPLEMENT: _l("Chờ bổ sung"),
    DossierStatus.RESOLVED: _l("Đã có kết quả"), DossierStatus.RETURNED: _l("Đã trả kết quả"),
    DossierStatus.COMPLETED: _l("Hoàn thành"), DossierStatus.REFUSED: _l("Từ chối"),
    DossierStatus.WITHDRAWN: _l("Đã rút"), DossierStatus.STOPPED: _l("Dừng giải quyết"),
    TaskStatus.READY: _l("Chờ xử lý"), TaskStatus.CANCELLED: _l("Đã huỷ"),
}
CHANNELS = {Channel.IN_PERSON: _l("Trực tiếp"), Channel.ONLINE: _l("Trực tuyến"),
            Channel.POST: _l("Bưu chính")}
DEPARTMENTS = {
    "reception": _l("Một cửa"), "civil_status": _l("Tư pháp - Hộ tịch"),
    "land": _l("Địa chính"), "culture_society": _l("Văn hoá - Xã hội"),
    "leadership": _l("Lãnh đạo"), "police": _l("Công an"),
    "social_insurance": _l("Bảo hiểm xã hội"), None: _l("Công dân"),
}


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "vi"


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LIENTHONG"]["TIMEZONE"])


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in the office's zone; empty for None."""
    return value.astimezone(_zone()).strftime("%d/%m/%Y %H:%M") if value else ""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return value.strftime("%d/%m/%Y")


def init_i18n(app: Flask) -> None:
    translations = Path(__file__).parent / "translations"
    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(translations))
    app.jinja_env.filters.update(
        dt=format_datetime, d=format_date,
        outcome=lambda v: OUTCOMES.get(v, ""), status=lambda v: STATUSES.get(v, v),
        channel=lambda v: CHANNELS.get(v, v), department=lambda v: DEPARTMENTS.get(v, v),
    )
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_locale=select_locale)

    @app.get("/lang/<code>")
    def set_language(code: str) -> ResponseReturnValue:
        if code in LANGUAGES:
            session["lang"] = code
        target = request.referrer or "/"
        return redirect(target if target.startswith(request.host_url) else "/")
