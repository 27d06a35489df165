"""The period report (form II.06a) on screen, with the same figures as `lienthong
report`, and downloadable as CSV, XLSX (engine.reporting.render) and PDF (WeasyPrint,
as the papers)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.dossiers import late_list
from engine.org import descendants
from engine.reporting import (
    COLUMNS,
    RATES,
    UNCLASSIFIED,
    period_report,
    procedure_figures,
    rate_text,
    render,
    report_note,
    service_indicators,
)
from web.auth import login_required
from web.db import db
from web.pages.papers import _pdf
from web.pages.supervision import (
    MAPS,
    PLACEMENTS,
    PRESETS,
    read_period,
    supervised_unit,
    timezone_name,
)
from web.security import now

LATE_LIMIT = 500  # rows of the late list on one page

bp = Blueprint("reports", __name__, url_prefix="/reports")

DOWNLOADS = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def header_groups() -> list[tuple[str, int, str]]:
    """The form's first header line: (group, columns under it, the column's own header
    when it has no group)."""
    runs: list[tuple[str, int, str]] = []
    for _key, header, group in COLUMNS:
        if group and runs and runs[-1][0] == group:
            runs[-1] = (group, runs[-1][1] + 1, "")
        else:
            runs.append((group, 1, "" if group else header))
    return runs


@bp.get("/", endpoint="home")
@bp.get("/<unit>", endpoint="unit")
@login_required
def show(unit: str | None = None) -> ResponseReturnValue:
    """The report of `unit` (the user's own by default); ?format=csv, xlsx or pdf
    downloads it."""
    home = supervised_unit(unit)
    period = read_period()
    fmt = request.args.get("format", "")[:10]
    if fmt not in ("", "html", "pdf", *DOWNLOADS):
        abort(400, _("Không có định dạng “%(format)s”: chọn csv, xlsx hoặc pdf.", format=fmt))
    report = period_report(db(), unit=home.code, start=period.start, end=period.end,
                           tz=timezone_name(), finished_as=period.finished_as,
                           unit_map=period.unit_map)
    name = f"bao-cao-{home.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt in DOWNLOADS:
        response = Response(render(report, fmt), mimetype=DOWNLOADS[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
    context = {"report": report, "columns": COLUMNS, "rates": RATES, "rate_text": rate_text,
               "note": report_note(report), "period": period,
               "unclassified": UNCLASSIFIED, "header_groups": header_groups()}
    if fmt == "pdf":
        return _pdf(render_template("papers/period_report.html", **context), f"{name}.pdf")
    board = procedure_figures(db(), unit=home.code, start=period.start, end=period.end,
                              tz=timezone_name(), finished_as=period.finished_as,
                              unit_map=period.unit_map)
    return render_template("supervise/report.html", presets=PRESETS, maps=MAPS,
                           placements=PLACEMENTS,
                           indicators=service_indicators(db(), board, timezone_name()),
                           **context)


@bp.get("/<unit>/late", endpoint="late")
@login_required
def late(unit: str) -> ResponseReturnValue:
    """The late list (danh sách hồ sơ trễ hạn) of `unit` and the units below it: overdue
    or apologized for, with the apology's reason and the new date; the oldest
    LATE_LIMIT."""
    home = supervised_unit(unit)
    entries = late_list(db(), descendants(db(), home.code), now(), limit=LATE_LIMIT)
    return render_template("supervise/late.html", unit=home, entries=entries,
                           limit=LATE_LIMIT)
