"""JSON for the API: the engine's frozen records as JSON, and their JSON schemas.

One table (`SHAPES`) says how each record is named in the OpenAPI document and which
attributes stay out, so what the API sends and what the document describes cannot drift.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any

from engine import definitions, dossiers, org, queries, reporting


@dataclasses.dataclass(frozen=True)
class Shape:
    """A record's name in the document, and the attributes the API does not send."""

    name: str
    omit: frozenset[str] = frozenset()
    description: str = ""


SHAPES: dict[type, Shape] = {
    queries.DossierView: Shape(
        "Dossier", frozenset({"id"}), "A dossier: status, appointment, steps, control slip, "
        "links, pauses, apologies and its event log."),
    queries.TaskView: Shape("TaskSummary", frozenset({"fields", "shown"}),
                            "A step of a dossier."),
    queries.HandoverView: Shape("Handover",
                                description="A row of the control slip (department codes)."),
    queries.EventView: Shape("Event", description="An entry of the dossier's event log."),
    queries.LinkView: Shape("Link",
                            description="A dossier this one started, or was started by."),
    queries.PauseView: Shape("Pause", description="A wait for the citizen's supplement."),
    queries.ApologyView: Shape("Apology",
                               description="A leader-signed apology with a new date."),
    definitions.FieldSpec: Shape("Field", description="An input a task asks for."),
    queries.ShownValue: Shape(
        "ShownValue", description="A value of the dossier's data the task shows read-only, "
        "as its diagram declares (show: properties); `text` is as the page writes it (dates "
        "dd/mm/yyyy)."),
    definitions.ProcedureView: Shape("Procedure",
                                     description="A catalog entry (the newest version)."),
    definitions.Document: Shape("ProcedureDocument",
                                description="A paper the procedure asks for."),
    queries.DossierSummary: Shape("DossierSummary", description="A line of a dossier search."),
    dossiers.LateEntry: Shape("LateEntry", description="A row of the public late list."),
    reporting.PeriodReport: Shape("PeriodReport",
                                  description="Form II.06a of a unit and its units."),
    reporting.ReportRow: Shape("ReportRow",
                               description="A field of work's figures (or the total)."),
    org.UserView: Shape("User", frozenset({"id"}), "The user a token acts as."),
    dossiers.Header: Shape("PaperHeader", description="What every paper starts with."),
    dossiers.Receipt: Shape("ReceiptPaper",
                            description="Giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
    dossiers.SupplementRequest: Shape("SupplementPaper",
                                      description="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."),
    dossiers.Refusal: Shape("RefusalPaper",
                            description="Phiếu từ chối tiếp nhận, giải quyết hồ sơ."),
    dossiers.StopNotice: Shape("StopNoticePaper",
                               description="Thông báo dừng giải quyết hồ sơ."),
    dossiers.ApologyPaper: Shape(
        "ApologyPaper",
        description="Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết."),
    dossiers.ControlSlip: Shape("ControlSlipPaper",
                                description="Phiếu kiểm soát quá trình giải quyết hồ sơ."),
    dossiers.ControlRow: Shape("ControlSlipRow",
                               description="A handover, as the paper prints it."),
    dossiers.Logbook: Shape("Logbook",
                            description="Sổ theo dõi hồ sơ of a unit between two dates."),
    dossiers.LogbookRow: Shape("LogbookRow", description="A dossier in the logbook."),
    # the supervisors' views (web/api/supervision.py): every field the engine's record
    # has is sent and described, so a field the engine adds or renames flows through
    reporting.Dashboard: Shape("Dashboard", description=(
        "A unit and every unit under it over a period: the period report's figures in "
        "total and by procedure, field of work, child unit and department, and a trend.")),
    reporting.Figures: Shape("Figures", description=(
        "A dashboard row: a procedure, field of work or unit ('' for the total) with the "
        "report's figures.")),
    reporting.FinishedRule: Shape("FinishedRule", description=(
        "Where withdrawn, refused and stopped dossiers are counted (docs/report.md).")),
    reporting.UnitScope: Shape("UnitScope", description=(
        "The units counted, read with the map of units asked for.")),
    reporting.DepartmentLoad: Shape("DepartmentLoad",
                                    description="A department's steps in the period."),
    reporting.TrendPoint: Shape("TrendPoint", description="A week or month of the period."),
    reporting.StepAudit: Shape("StepAudit", frozenset({"diagrams"}), (
        "Each step's timing over the period, in working hours, and the handovers "
        "between departments (docs/audit.md); without the diagrams' XML.")),
    reporting.StepFigures: Shape("StepFigures", description=(
        "One step's timing over the period, in working hours (null: no runs to say).")),
    reporting.HandoverEdge: Shape("HandoverEdge", description=(
        "Dossiers handed from one department to the next step, and how long they lay.")),
    reporting.StepDetail: Shape("StepDetail", description=(
        "One step: its figures, its late runs and its slowest 5%, slowest first.")),
    reporting.StepRun: Shape("StepRun", description="A completed run of the step."),
    dossiers.DossierRisk: Shape("DossierRisk", frozenset({"dossier_id"}), (
        "An open dossier: working hours left to its appointment against its remaining "
        "steps' expected hours.")),
    dossiers.OpenStep: Shape("OpenStep", description="An open step of a dossier at risk."),
    dossiers.Workload: Shape("Workload", description=(
        "Open steps (oldest first), their counts per department and per person, and "
        "completed steps per person and week.")),
    dossiers.OpenTask: Shape("OpenTask", description="An open step."),
    dossiers.Load: Shape("Load", description=(
        "Open steps of a department (or a person: holder) and the oldest one's ready time.")),
    dossiers.WeekFigures: Shape("WeekFigures", description=(
        "A person's completed steps in an ISO week and their average handling hours.")),
    dossiers.NoticeView: Shape("Notice", description="A notification for the user."),
}


# -- records to JSON ------------------------------------------------------------------------

def to_json(value: Any, tz: tzinfo) -> Any:
    """Records as objects (without their omitted attributes), instants as ISO 8601 in
    `tz` with their offset, dates as YYYY-MM-DD, tuples as lists."""
    if value is None or isinstance(value, str | int | float):  # most values: first
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_json(getattr(value, name), tz) for name in _shown(type(value))}
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v, tz) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v, tz) for v in value]
    if isinstance(value, Enum):  # (a StrEnum is a str: sent above as it is)
        return to_json(value.value, tz)
    if isinstance(value, Decimal):
        return float(value)
    return value


@functools.cache
def _shown(record: type) -> tuple[str, ...]:
    """The fields of a record type that its JSON shows (asked once per type: an answer
    holds hundreds of records)."""
    omit = SHAPES[record].omit if record in SHAPES else frozenset()
    return tuple(f.name for f in dataclasses.fields(record) if f.name not in omit)


# -- records to JSON schemas ----------------------------------------------------------------

def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "type" in schema and isinstance(schema["type"], str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def type_schema(hint: Any) -> dict[str, Any]:
    """The JSON schema of a Python type as `to_json` writes it."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        others = [a for a in args if a is not type(None)]
        inner = type_schema(others[0]) if len(others) == 1 else {
            "anyOf": [type_schema(a) for a in others]}
        return _nullable(inner) if type(None) in args else inner
    if origin in (tuple, list):
        return {"type": "array", "items": type_schema(args[0]) if args else {}}
    if origin is dict or hint is dict:
        return {"type": "object"}
    if hint in SHAPES:
        return ref(SHAPES[hint].name)
    if isinstance(hint, type) and issubclass(hint, Enum):
        values = [member.value for member in hint]
        return {"type": "string" if all(isinstance(v, str) for v in values) else "integer",
                "enum": values}
    simple = {str: {"type": "string"}, bool: {"type": "boolean"}, int: {"type": "integer"},
              float: {"type": "number"}, Decimal: {"type": "number"},
              datetime: {"type": "string", "format": "date-time"},
              date: {"type": "string", "format": "date"}}
    if hint in simple:
        return dict(simple[hint])
    return {}  # Any


def record_schema(cls: type, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An object schema with every attribute `to_json` sends, all required."""
    shape = SHAPES[cls]
    hints = typing.get_type_hints(cls)
    props = {f.name: type_schema(hints[f.name]) for f in dataclasses.fields(cls)
             if f.name not in shape.omit}
    props.update(extra or {})
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": list(props)}
    if shape.description:
        schema["description"] = shape.description
    return schema


def record_schemas() -> dict[str, dict[str, Any]]:
    return {shape.name: record_schema(cls) for cls, shape in SHAPES.items()}
