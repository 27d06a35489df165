"""The period report (form II.06a, "Tình hình, kết quả giải quyết TTHC") of a unit and
every unit below it, counted from dossier timestamps as of the period's end
(docs/report.md), and the report as a text table, JSON, CSV or an Excel workbook."""

from engine.reporting.formats import FORMATS, render, to_csv, to_json, to_table, to_xlsx
from engine.reporting.period import (
    TOTAL_LABEL,
    PeriodReport,
    ReportRow,
    percentage,
    period_report,
    vietnamese_sort_key,
)

__all__ = [
    "FORMATS", "TOTAL_LABEL", "PeriodReport", "ReportRow", "percentage", "period_report",
    "render", "to_csv", "to_json", "to_table", "to_xlsx", "vietnamese_sort_key",
]
