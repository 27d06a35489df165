"""The period report as an aligned text table, JSON, CSV or an Excel workbook.

Pure functions from a PeriodReport to text or bytes; writing them anywhere is the
caller's business (the CLI prints or saves them, the web can send them).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import asdict
from typing import Any

from engine.reporting.period import PeriodReport, ReportRow

FORMATS = ("table", "json", "csv", "xlsx")
UNCLASSIFIED = "(chưa phân loại)"
TITLE = "Tình hình, kết quả giải quyết TTHC"

# (ReportRow field, column header, group header over it) in the form's order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("field_of_work", "Lĩnh vực", ""),
    ("received_total", "Tổng số nhận", "Số hồ sơ nhận"),
    ("received_online", "Trực tuyến", "Số hồ sơ nhận"),
    ("received_in_person", "Trực tiếp/BCCI", "Số hồ sơ nhận"),
    ("carried_over", "Kỳ trước chuyển qua", "Số hồ sơ nhận"),
    ("resolved_total", "Đã giải quyết", "Số hồ sơ đã giải quyết"),
    ("resolved_early", "Trước hạn", "Số hồ sơ đã giải quyết"),
    ("resolved_on_time", "Đúng hạn", "Số hồ sơ đã giải quyết"),
    ("resolved_late", "Quá hạn", "Số hồ sơ đã giải quyết"),
    ("in_progress_total", "Đang giải quyết", "Số hồ sơ đang giải quyết"),
    ("in_progress_within", "Trong hạn", "Số hồ sơ đang giải quyết"),
    ("in_progress_overdue", "Quá hạn", "Số hồ sơ đang giải quyết"),
    # Informative: counted also where the report's FinishedRule puts them (its note).
    ("withdrawn", "Rút hồ sơ", ""),
    ("refused", "Từ chối", ""),
    ("stopped", "Dừng giải quyết", ""),
    ("resolution_rate", "Tỷ lệ giải quyết", ""),
    ("on_time_rate", "Tỷ lệ đúng hạn", ""),
)
RATES = ("resolution_rate", "on_time_rate")
# CSV has one header line, so the two "Quá hạn" columns say which group they belong to.
CSV_HEADERS = tuple(
    {"resolved_late": "Quá hạn (đã giải quyết)",
     "in_progress_overdue": "Quá hạn (đang giải quyết)"}.get(key, header)
    for key, header, _group in COLUMNS)


def title(report: PeriodReport) -> str:
    """'Tình hình, kết quả giải quyết TTHC — <unit name> — dd/mm/yyyy–dd/mm/yyyy'."""
    return (f"{TITLE} — {report.unit_name} — "
            f"{report.start:%d/%m/%Y}–{report.end:%d/%m/%Y}")


def note(report: PeriodReport) -> str:
    """'Ghi chú: rút hồ sơ: ...; từ chối: ...; dừng giải quyết: ...' (the rule applied),
    then the map of units the report was read on."""
    scope = f" {report.scope.note()}." if report.scope and report.scope.note() else ""
    return f"Ghi chú: {report.finished_as.note()}.{scope}"


def rate_text(rate: float | None) -> str:
    """95.8 -> '95.8%'; None (nothing to divide by) -> '-'."""
    return "-" if rate is None else f"{rate:.1f}%"


def _cells(row: ReportRow) -> list[str]:
    cells = []
    for key, _header, _group in COLUMNS:
        value = getattr(row, key)
        if key == "field_of_work":
            cells.append(value or UNCLASSIFIED)
        elif key in RATES:
            cells.append(rate_text(value))
        else:
            cells.append(str(value))
    return cells


def _lines(report: PeriodReport) -> list[ReportRow]:
    return [*report.rows, report.total]


def _width(text: str) -> int:
    """Columns a string takes on a terminal (combining marks take none)."""
    return sum(1 for c in unicodedata.normalize("NFC", text) if not unicodedata.combining(c))


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _groups() -> list[tuple[str, int, int]]:
    """(group header, first column, last column) runs over COLUMNS."""
    runs: list[tuple[str, int, int]] = []
    for i, (_key, _header, group) in enumerate(COLUMNS):
        if runs and group and runs[-1][0] == group:
            runs[-1] = (group, runs[-1][1], i)
        else:
            runs.append((group, i, i))
    return runs


def to_table(report: PeriodReport) -> str:
    """Aligned text: the title, a group header line, the column headers, rows, total,
    and the note saying where withdrawn, refused and stopped dossiers were counted."""
    sep = "  "
    body = [_cells(row) for row in _lines(report)]
    headers = [header for _key, header, _group in COLUMNS]
    widths = [max(_width(cell) for cell in column) for column in zip(headers, *body, strict=True)]
    # A group header wider than its columns widens the last of them.
    for group, first, last in _groups():
        span = sum(widths[first:last + 1]) + len(sep) * (last - first)
        if _width(group) > span:
            widths[last] += _width(group) - span
    group_line = sep.join(
        _pad(group, sum(widths[first:last + 1]) + len(sep) * (last - first), right=False)
        for group, first, last in _groups())
    lines = [title(report), "", group_line.rstrip(),
             sep.join(_pad(h, w, right=i > 0) for i, (h, w) in enumerate(zip(headers, widths,
                                                                             strict=True)))]
    rule = "-" * _width(lines[-1])
    lines.append(rule)
    for n, cells in enumerate(body):
        if n == len(body) - 1:
            lines.append(rule)
        lines.append(sep.join(_pad(c, w, right=i > 0)
                              for i, (c, w) in enumerate(zip(cells, widths, strict=True))))
    lines += ["", note(report)]
    return "\n".join(lines) + "\n"


def to_json(report: PeriodReport) -> str:
    """The report's dataclasses as JSON: dates ISO, rates as percentages or null."""
    data: dict[str, Any] = asdict(report)
    data["start"] = report.start.isoformat()
    data["end"] = report.end.isoformat()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(report: PeriodReport) -> str:
    """One header line and a line per row; starts with a BOM so Excel reads it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for row in _lines(report):
        writer.writerow(_cells(row))
    return out.getvalue()


def to_xlsx(report: PeriodReport) -> bytes:
    """An Excel workbook: title line, two header lines, rows, the total in bold, then
    a blank line and the note saying where withdrawn, refused and stopped went."""
    from openpyxl import Workbook  # imported here: only this format needs it
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "II.06a"
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    n = len(COLUMNS)

    sheet.cell(row=1, column=1, value=title(report)).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    for group, first, last in _groups():
        cell = sheet.cell(row=2, column=first + 1, value=group or COLUMNS[first][1])
        cell.font, cell.alignment = bold, centre
        if group and last > first:
            sheet.merge_cells(start_row=2, start_column=first + 1, end_row=2,
                              end_column=last + 1)
    for i, (_key, header, group) in enumerate(COLUMNS, start=1):
        if group:
            cell = sheet.cell(row=3, column=i, value=header)
            cell.font, cell.alignment = bold, centre
        else:  # a column without a group has its header over both lines
            sheet.merge_cells(start_row=2, start_column=i, end_row=3, end_column=i)
    first_data = 4
    for r, row in enumerate(_lines(report), start=first_data):
        for c, (key, _header, _group) in enumerate(COLUMNS, start=1):
            value = getattr(row, key)
            cell = sheet.cell(row=r, column=c)
            if key == "field_of_work":
                cell.value = value or UNCLASSIFIED
            elif key in RATES:
                if value is None:
                    cell.value = "-"
                    cell.alignment = Alignment(horizontal="right")
                else:
                    cell.value = value / 100
                    cell.number_format = "0.0%"
            else:
                cell.value = value
            if row is report.total:
                cell.font = bold
    sheet.cell(row=first_data + len(_lines(report)) + 1, column=1, value=note(report))
    sheet.column_dimensions["A"].width = max(
        [14, *(_width(_cells(row)[0]) + 2 for row in _lines(report))])
    for c in range(2, n + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 13
    sheet.row_dimensions[3].height = 32
    sheet.freeze_panes = sheet.cell(row=first_data, column=2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(report: PeriodReport, fmt: str) -> bytes:
    """The report in one of FORMATS, as the bytes of a file (text is UTF-8)."""
    if fmt == "xlsx":
        return to_xlsx(report)
    text_renderers = {"table": to_table, "json": to_json, "csv": to_csv}
    if fmt not in text_renderers:
        raise ValueError(f"unknown report format {fmt!r}; formats are {', '.join(FORMATS)}")
    return text_renderers[fmt](report).encode("utf-8")
