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
    simple = {str: {"type": "string"}, bool: {"type": "boolean"}, int: {"type": "integer"},
              float: {"type": "number"},
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
