"""What the page families (desk, inbox, dossiers, papers) share: the engine's clock,
the dossier by code, the forms' small readers, and the helpers templates use."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from engine.errors import Hidden, NotFound
from engine.org import get_unit
from engine.queries import DossierView, show_dossier
from web.access import refused, visible_units
from web.auth import safe_next, signed_in
from web.db import db, services
from web.inputs import ReasonInput, RequestSupplementInput
from web.pages.sla import SLA_STATES, working_time

# Codes the shipped diagrams use as choices; anything else is shown as written.
CHOICE_LABELS = {
    "approve": _l("Đồng ý"), "refuse": _l("Từ chối"),
    "desk": _l("Tại bộ phận một cửa"), "post": _l("Qua bưu chính"), "online": _l("Trực tuyến"),
    "own_home": _l("Chỗ ở của mình"), "family": _l("Về ở với người thân"),
    "rented": _l("Thuê, mượn, ở nhờ"), "other": _l("Khác"),
}

INPUT_TYPES = {"string": "text", "date": "date", "datetime": "datetime-local",
               "integer": "number", "number": "number"}


def page_helpers() -> dict[str, Any]:
    """Names every page family's templates use."""
    return {"sla_states": SLA_STATES, "choice_label": lambda v: CHOICE_LABELS.get(v, v),
            "input_types": INPUT_TYPES, "working_time": working_time, "unit_label": unit_label}


def unit_label(code: str) -> str:
    """A unit as a choice list shows it: its name and code."""
    try:
        return f"{get_unit(db(), code).name} ({code})"
    except NotFound:
        return code


def now() -> datetime:
    """The engine's clock: the same instant the runtime stamps actions with."""
    return services().runtime.clock.now()


def zone() -> ZoneInfo:
    """The offices' time zone."""
    return ZoneInfo(current_app.config["LIENTHONG"]["TIMEZONE"])


def dossier_view(code: str, units: Collection[str] | None = None) -> DossierView:
    """The dossier (404 if there is none, or with `units` if it is not of one of them)."""
    try:
        return show_dossier(db(), code, units=units)
    except NotFound as exc:
        if isinstance(exc, Hidden):
            refused(request.path)  # answered as unknown; the security log knows better
        abort(404, _("Không có hồ sơ mã %(code)s.", code=code))


def visible_dossier(code: str) -> DossierView:
    """The dossier, if the signed-in user's unit or one above it holds it; another unit's
    answers 404 exactly as an unknown code."""
    return dossier_view(code, visible_units(signed_in()))


def lines(text: str) -> list[str]:
    """The non-blank lines of a textarea, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def form_errors(model: type[BaseModel], values: Mapping[str, Any],
                inputs: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The problems of a form's values against the API's model of the same action (the
    same bounds), by input: `inputs` maps each of the model's fields to its input's name
    and the form's own message for a missing or malformed value. Too long a text or
    list, or a control character, is said as such."""
    try:
        model.model_validate(values)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name, otherwise = inputs[str(error["loc"][0])]
            errors.setdefault(name, _bound_problem(error) or otherwise)
        return errors
    return {}


def _bound_problem(error: Any) -> str | None:
    ctx = error.get("ctx") or {}
    if error["type"] == "string_too_long":
        return _("Dài quá %(max)s ký tự.", max=ctx["max_length"])
    if error["type"] == "too_long":
        return _("Nhiều quá %(max)s mục.", max=ctx["max_length"])
    if error["type"] == "bad_characters":
        return _("Có ký tự điều khiển không hợp lệ.")
    return None


def reason_errors(reason: str, name: str, missing: str) -> dict[str, str]:
    """The problem of a reason input `name` (`missing` when blank), with the API's bounds."""
    return form_errors(ReasonInput, {"reason": reason}, {"reason": (name, missing)})


def supplement_form(form: Mapping[str, str]) -> tuple[list[str], str, dict[str, str]]:
    """The papers to ask for and the reason, from a supplement request form, with an
    error per missing or too long input (the desk and the task page use the same form,
    with the API's bounds)."""
    items, reason = lines(form.get("items", "")), form.get("reason", "").strip()
    errors = form_errors(RequestSupplementInput, {"items": items, "reason": reason}, {
        "items": ("items", _("Ghi ít nhất một giấy tờ cần bổ sung.")),
        "reason": ("reason", _("Ghi lý do yêu cầu bổ sung."))})
    return items, reason, errors


def next_page(default: str) -> str:
    """Where to go after a POST: the form's or the query's `next` if it is a local path."""
    return safe_next(request.form.get("next") or request.args.get("next"), default)
