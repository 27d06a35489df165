"""What the supervisors' pages (dashboard, reports) share: who may open a unit's
figures, and the period, rule and map read from the query string, each bad value a
clear 400 page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import InvalidAction, NotFound
from engine.org import UnitView, get_unit
from engine.reporting import DEFAULT_MAP, DEFAULT_RULE, FinishedRule, MapRule, Preset
from engine.reporting import preset_period as engine_preset_period
from engine.runtime import EARLIEST_DAY, LATEST_DAY
from web.access import can_supervise, require, visible_units
from web.auth import signed_in
from web.db import db
from web.inputs import parse_day
from web.pages.base import now, zone

PRESETS = {Preset.MONTH: _l("Tháng này"), Preset.QUARTER: _l("Quý này"),
           Preset.HALF: _l("6 tháng"), Preset.YEAR: _l("Năm nay")}
MAPS = {MapRule.AS_TODAY: _l("Đơn vị hiện nay (gồm đơn vị trước sắp xếp)"),
        MapRule.AS_THEN: _l("Đơn vị theo địa giới trong kỳ")}
PLACEMENTS = {"resolved": _l("Đã giải quyết, theo thời hạn"),
              "on-time": _l("Đã giải quyết đúng hạn"),
              "excluded": _l("Không tính vào số nhận")}
FINISH_KINDS = ("withdrawn", "refused", "stopped")
MAX_TEXT = 200  # a rule or preset longer than this is not one


@dataclass(frozen=True)
class Period:
    """The period, rule and map a supervisor's page shows, as the query string gave them."""

    start: date
    end: date
    preset: str  # "" when the dates were given
    finished_as: FinishedRule
    unit_map: MapRule

    def args(self, **more: Any) -> dict[str, Any]:
        """The query string that shows the same period (for links one level down)."""
        values: dict[str, Any] = ({"preset": self.preset} if self.preset else
                                  {"from": self.start.isoformat(), "to": self.end.isoformat()})
        return {**values, **self.choices(), **more}

    def choices(self, **more: Any) -> dict[str, Any]:
        """The rule and map, when not the defaults, as query values (for a preset's link)."""
        values: dict[str, Any] = {}
        if self.finished_as != DEFAULT_RULE:
            values["finished_as"] = self.finished_as.text()
        if self.unit_map != DEFAULT_MAP:
            values["map"] = self.unit_map.value
        return {**values, **more}


def supervised_unit(code: str | None) -> UnitView:
    """The unit whose figures are asked for (the user's own by default): 403 for someone
    who does not supervise, 404 for an unknown unit, 403 for a unit not under the
    user's."""
    user = signed_in()
    require(can_supervise(user), _("Trang này dành cho giám sát viên và lãnh đạo."))
    code = code or user.unit_code
    try:
        unit = get_unit(db(), code[:64])
    except NotFound:
        abort(404, _("Không có đơn vị %(code)s.", code=code[:64]))
    require(unit.code in visible_units(user),
            _("Bạn chỉ xem được số liệu của đơn vị mình và các đơn vị trực thuộc."))
    return unit


def today() -> date:
    return now().astimezone(zone()).date()


def read_period() -> Period:
    """The period of ?preset= (month, quarter, half, year) or ?from=&to= (this month so
    far when neither is given), the rule of ?finished_as= and the map of ?map=."""
    args = request.args
    preset = args.get("preset", "")[:MAX_TEXT]
    if preset and (args.get("from") or args.get("to")):
        preset = ""  # dates given explicitly win over the preset the form kept
    if preset:
        try:
            chosen = Preset(preset)
        except ValueError:
            abort(400, _("Không có khoảng thời gian “%(preset)s”: chọn tháng, quý, 6 tháng "
                         "hoặc năm.", preset=preset))
        start, end = engine_preset_period(chosen, today())
    else:
        try:
            start = _day(args.get("from"), today().replace(day=1))
            end = _day(args.get("to"), today())
        except ValueError:
            abort(400, _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD, từ %(first)s đến "
                         "%(last)s.", first=EARLIEST_DAY.isoformat(),
                         last=LATEST_DAY.isoformat()))
    if start > end:
        abort(400, _("Ngày bắt đầu phải trước ngày kết thúc."))
    # the page's form gives one choice per way of ending; links and the API's style one rule
    text = ",".join(f"{kind}={args[kind][:MAX_TEXT]}" for kind in FINISH_KINDS if kind in args)
    try:
        rule = FinishedRule.parse(text or args.get("finished_as", "")[:MAX_TEXT]
                                  or DEFAULT_RULE.text())
    except InvalidAction:
        abort(400, _("Không đọc được cách tính hồ sơ rút, từ chối, dừng giải quyết."))
    try:
        unit_map = MapRule(args.get("map", "") or DEFAULT_MAP.value)
    except ValueError:
        abort(400, _("Không có cách đọc đơn vị “%(map)s”.", map=args.get("map", "")[:MAX_TEXT]))
    return Period(start, end, preset, rule, unit_map)


def _day(text: str | None, default: date) -> date:
    return parse_day(text) if text else default


def timezone_name() -> str:
    return str(current_app.config["LIENTHONG"]["TIMEZONE"])


def period_url(endpoint: str, period: Period, **values: Any) -> str:
    return url_for(endpoint, **period.args(**values))
