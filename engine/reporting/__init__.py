"""The period report (form II.06a, "Tình hình, kết quả giải quyết TTHC") of a unit and
every unit below it, counted from dossier timestamps as of the period's end
(docs/report.md) with a rule placing withdrawn, refused and stopped dossiers in its
columns, and the report as a text table, JSON, CSV or an Excel workbook."""

from engine.reporting.finished import DEFAULT_RULE, FinishedRule, Placement
from engine.reporting.formats import FORMATS, render, to_csv, to_json, to_table, to_xlsx
from engine.reporting.period import (
    TOTAL_LABEL,
    PeriodReport,
    ReportRow,
    percentage,
    period_report,
    report_units,
    vietnamese_sort_key,
)

__all__ = [
    "DEFAULT_RULE", "FORMATS", "TOTAL_LABEL", "FinishedRule", "PeriodReport", "Placement",
    "ReportRow", "percentage", "period_report", "render", "report_units", "to_csv",
    "to_json", "to_table", "to_xlsx", "vietnamese_sort_key",
]
