"""The period report (form II.06a, "Tình hình, kết quả giải quyết TTHC") of a unit and
every unit below it (and the units it carried over, read as today's unit), counted from
dossier timestamps as of the period's end (docs/report.md) with a rule placing
withdrawn, refused and stopped dossiers in its columns, and the report as a text table,
JSON, CSV or an Excel workbook; the supervisor's dashboard with the same figures
broken down by procedure, field of work, child unit and department; the step-timing
audit of a procedure (docs/audit.md)."""

from engine.reporting.dashboard import (
    LIST_LIMIT,
    Dashboard,
    DossierLine,
    Figures,
    Preset,
    ProcedureFigures,
    build_dashboard,
    check_period,
    dossier_lines,
    preset_period,
    procedure_figures,
)
from engine.reporting.finished import DEFAULT_RULE, FinishedRule, Placement
from engine.reporting.form_report import period_report
from engine.reporting.formats import (
    COLUMNS,
    FORMATS,
    RATES,
    UNCLASSIFIED,
    rate_text,
    render,
    to_csv,
    to_json,
    to_table,
    to_xlsx,
)
from engine.reporting.formats import note as report_note
from engine.reporting.formats import title as report_title
from engine.reporting.indicators import Indicator, Indicators, ProcedureTime, service_indicators
from engine.reporting.loads import DepartmentLoad, TrendPoint
from engine.reporting.period import (
    TOTAL_LABEL,
    PeriodReport,
    ReportRow,
    percentage,
    vietnamese_sort_key,
)
from engine.reporting.step_timing import (
    MAX_PERIOD_DAYS,
    AuditedProcedure,
    HandoverEdge,
    ProcessDiagram,
    StepAudit,
    StepDetail,
    StepFigures,
    StepRun,
    audited_procedures,
    step_audit,
    step_detail,
)
from engine.reporting.unit_scope import DEFAULT_MAP, MapRule, UnitScope, report_scope

__all__ = [
    "Indicator", "Indicators", "ProcedureFigures", "ProcedureTime", "procedure_figures",
    "service_indicators",
    "MAX_PERIOD_DAYS", "AuditedProcedure", "HandoverEdge", "ProcessDiagram", "StepAudit",
    "StepDetail", "StepFigures", "StepRun", "audited_procedures", "step_audit",
    "step_detail",
    "COLUMNS", "RATES", "UNCLASSIFIED", "rate_text", "report_note", "report_title",
    "LIST_LIMIT", "Dashboard", "DepartmentLoad", "DossierLine", "Figures", "Preset",
    "TrendPoint", "build_dashboard", "check_period", "dossier_lines", "preset_period",
    "DEFAULT_MAP", "DEFAULT_RULE", "FORMATS", "MapRule", "TOTAL_LABEL", "FinishedRule",
    "PeriodReport", "Placement", "ReportRow", "UnitScope", "percentage", "period_report",
    "render", "report_scope", "to_csv",
    "to_json", "to_table", "to_xlsx", "vietnamese_sort_key",
]
