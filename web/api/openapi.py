"""The API's OpenAPI 3.1 document, built in code, served at /api/openapi.json.

The request schemas and query parameters declared here are also what `web.api` checks
submissions against, and the response schemas come from the engine's records through
`web.api.shapes.SHAPES`: the document is the API's contract, not a description of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from engine.queries import TaskView
from engine.runtime import CHANNELS
from engine.vocabulary import DossierStatus
from web.api.shapes import record_schema, record_schemas, ref

API_VERSION = "1.0.0"
DOSSIER_STATUSES = tuple(status.value for status in DossierStatus)
TASK_STATES = ("ready", "mine", "completed")
PAPER_KINDS = ("receipt", "supplement", "refusal", "apology", "control-slip", "stop-notice")
# Process variables the service sets itself when it receives a dossier.
RESERVED_DATA = ("dossier_code", "unit", "applicant", "verification")

TEXT = {"type": "string", "pattern": r"\S", "maxLength": 2000}
NAMES = {"type": "array", "items": TEXT}
INSTANT = {"type": "string", "format": "date-time"}
# The desk's own checks (web/desk.py), as patterns.
APPLICANT = {
    "name": TEXT,
    "address": TEXT,
    "phone": {"type": "string", "pattern": r"^\+?[0-9 .-]{8,15}$",
              "x-problem": "must be a phone number"},
    "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
              "x-problem": "must be an email address"},
    "id_number": {"type": "string", "pattern": r"^(?:[0-9]{9}|[0-9]{12})$",
                  "x-problem": "must be 12 digits (9 for an old identity card)",
                  "description": "Số định danh cá nhân / CCCD."},
}

BODIES: dict[str, dict[str, Any]] = {
    "ReceiveDossierInput": {
        "type": "object", "additionalProperties": False,
        "required": ["procedure", "applicant"],
        "properties": {
            "procedure": {**TEXT, "description": "National procedure code (1.001193) or "
                                                 "process key (birth_registration) of a "
                                                 "catalog entry in force today whose level "
                                                 "is the kind of the user's unit (a ward's "
                                                 "desk receives ward procedures)."},
            "applicant": {
                "type": "object", "additionalProperties": False, "required": ["name"],
                "properties": APPLICANT,
                "description": "Who files the dossier; the papers print these.",
            },
            "documents": {**NAMES, "description": "The papers received."},
            "channel": {"type": "string", "enum": [channel.value for channel in CHANNELS],
                        "default": "in_person"},
            "verification": {"type": "boolean", "default": False,
                             "description": "The dossier needs verification: the longer "
                                            "statutory limit applies (only for procedures "
                                            "that have one)."},
            "data": {"type": "object",
                     "description": "Process variables to start with (names must be "
                                    "identifiers; " + ", ".join(RESERVED_DATA)
                                    + " are set by the service). The reception task's "
                                      "form is filled by completing that task."},
        },
    },
    "CompleteTaskInput": {
        "type": "object", "additionalProperties": False,
        "properties": {"data": {"type": "object", "description": "The task's fields "
                                "(GET /tasks/{task_id} lists them); undeclared names are "
                                "refused."}},
    },
    "RequestSupplementInput": {
        "type": "object", "additionalProperties": False, "required": ["items", "reason"],
        "properties": {"items": {**NAMES, "minItems": 1,
                                 "description": "The papers the citizen must bring."},
                       "reason": TEXT},
    },
    "SupplyInput": {
        "type": "object", "additionalProperties": False,
        "properties": {"documents": {**NAMES, "description": "The papers brought."}},
    },
    "ReasonInput": {
        "type": "object", "additionalProperties": False, "required": ["reason"],
        "properties": {"reason": {**TEXT, "description": "As the paper will print it."}},
    },
    "ApologyInput": {
        "type": "object", "additionalProperties": False,
        "required": ["reason", "new_appointment"],
        "properties": {"reason": TEXT,
                       "new_appointment": {**INSTANT, "description": "Later than the "
                                           "current appointment, with its UTC offset."}},
    },
}

ERROR = {
    "type": "object", "required": ["error", "fields"],
    "properties": {
        "error": {"type": "string", "description": "What went wrong, in one line."},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Problem of each wrong field, by its JSON path in the "
                                  "body (applicant.name, documents[0], data.decision) or "
                                  "by query parameter name; empty when no field is at "
                                  "fault."},
        "code": {"type": "string", "description": "For the engine's refusals: a stable "
                 "name of the reason (e.g. task_claimed, dossier_changed, first_step), "
                 "for clients that show their own text."},
    },
}

ERRORS = {
    400: ("BadRequest", "The body is not a JSON object, or a query parameter is wrong; "
                        "nothing was changed."),
    401: ("Unauthorized", "No token, or an unknown or revoked one."),
    403: ("Forbidden", "The token's user may not do this."),
    404: ("NotFound", "No such dossier, task, paper or path."),
    409: ("Conflict", "The dossier or task is not in a state that allows this (already "
                      "completed by someone else, claimed by another user...); nothing "
                      "was changed."),
    422: ("Unprocessable", "The body is JSON but a field is wrong; `fields` names each "
                           "one. Nothing was changed."),
}


def _query(name: str, schema: dict[str, Any], description: str,
           required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
               "At most this many results.")
UNIT = _query("unit", {"type": "string"},
              "Unit code (default: the user's unit); units below it are included.")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as in the document, under the server URL /api
    operation_id: str
    summary: str
    tag: str
    response: dict[str, Any]
    status: int = 200
    description: str = ""
    query: tuple[dict[str, Any], ...] = ()
    body: str | None = None
    errors: tuple[int, ...] = field(default=(401, 403, 404))
    public: bool = False


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


TASK_ACTION_ERRORS = (401, 403, 404, 409)
DOSSIER_ACTION_ERRORS = (400, 401, 403, 404, 409, 422)

OPERATIONS: tuple[Operation, ...] = (
    Operation("get", "/openapi.json", "openapi", "This document", "meta",
              {"type": "object"}, errors=(), public=True),
    Operation("get", "/me", "me", "The user the token acts as", "meta", ref("User"),
              errors=(401,)),
    Operation("get", "/procedures", "list_procedures", "The procedure catalog", "catalog",
              _list("Procedure"), query=(
                  _query("on", {"type": "string", "format": "date"},
                         "Only the entries in force on this day."),),
              errors=(400, 401)),
    Operation("post", "/dossiers", "receive_dossier", "Receive a dossier", "dossiers",
              ref("Dossier"), status=201, body="ReceiveDossierInput",
              description="Reception role. The dossier belongs to the user's unit; the "
                          "response carries its code and appointment, and the Location "
                          "header its URL.",
              errors=(400, 401, 403, 422)),
    Operation("get", "/dossiers", "search_dossiers", "Search dossiers", "dossiers",
              _list("DossierSummary"), description="Dossiers of the user's unit and the "
              "units below it, newest first.", query=(
                  _query("q", {"type": "string"}, "Part of the code or the applicant's "
                         "name (case and diacritics do not matter)."),
                  _query("status", {"type": "string", "enum": list(DOSSIER_STATUSES)},
                         "Only dossiers in this status."),
                  LIMIT),
              errors=(400, 401)),
    Operation("get", "/dossiers/{code}", "get_dossier", "A dossier", "dossiers",
              ref("Dossier")),
    Operation("post", "/dossiers/{code}/supplement-request", "request_supplement",
              "Ask the citizen for missing papers", "dossiers", ref("Dossier"),
              body="RequestSupplementInput", errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit, or a user who can work one of "
                          "its ready steps. The dossier's clock pauses (7 working days at "
                          "most)."),
    Operation("post", "/dossiers/{code}/supplement", "supply",
              "Record the citizen's supplement", "dossiers", ref("Dossier"),
              body="SupplyInput", errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit. The clock runs again; the "
                          "appointment and open steps move by the working time waited."),
    Operation("post", "/dossiers/{code}/refuse", "refuse", "Refuse the dossier",
              "dossiers", ref("Dossier"), body="ReasonInput", errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit, or a user who can work one of "
                          "its ready steps; its open steps are cancelled."),
    Operation("post", "/dossiers/{code}/stop", "stop", "Stop processing the dossier",
              "dossiers", ref("Dossier"), body="ReasonInput", errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit; its open steps are cancelled and "
                          "the stop-notice paper can be printed."),
    Operation("post", "/dossiers/{code}/withdraw", "withdraw",
              "Record that the citizen withdrew the dossier", "dossiers", ref("Dossier"),
              body="ReasonInput", errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit; its open steps are cancelled."),
    Operation("post", "/dossiers/{code}/apology", "apologize",
              "Sign an apology with a new appointment", "dossiers", ref("Dossier"),
              body="ApologyInput", errors=DOSSIER_ACTION_ERRORS,
              description="A leader of the dossier's unit or a unit above it. The dossier "
                          "goes on the public late list and still counts as late."),
    Operation("get", "/dossiers/{code}/papers/{kind}", "get_paper", "The data of a paper",
              "papers", {"anyOf": [ref(n) for n in (
                  "ReceiptPaper", "SupplementPaper", "RefusalPaper", "ApologyPaper",
                  "ControlSlipPaper", "StopNoticePaper")]},
              description="receipt, supplement (the latest request), refusal, apology (the "
                          "latest), control-slip or stop-notice; 404 if the dossier has no "
                          "such paper."),
    Operation("get", "/tasks", "list_tasks", "My tasks", "tasks", _list("TaskSummary"),
              description="Tasks of the user's departments in the user's unit, soonest due "
                          "first.", query=(
                  _query("department", {"type": "string"},
                         "Only this department's (one of the user's)."),
                  _query("state", {"type": "string", "enum": list(TASK_STATES),
                                   "default": "ready"},
                         "ready: waiting to be done; mine: ready and claimed by the user; "
                         "completed: done."),
                  LIMIT),
              errors=(400, 401, 403)),
    Operation("get", "/tasks/{task_id}", "get_task", "A task with its fields", "tasks",
              ref("Task")),
    Operation("post", "/tasks/{task_id}/claim", "claim", "Claim a task", "tasks",
              ref("TaskSummary"), errors=TASK_ACTION_ERRORS,
              description="The task's department must be one of the user's, in the user's "
                          "unit. Claiming receives the handover into the task."),
    Operation("post", "/tasks/{task_id}/unclaim", "unclaim",
              "Give a claimed task back to the queue", "tasks", ref("TaskSummary"),
              errors=TASK_ACTION_ERRORS),
    Operation("post", "/tasks/{task_id}/complete", "complete", "Complete a task", "tasks",
              ref("CompletedTask"), body="CompleteTaskInput",
              errors=(400, 401, 403, 404, 409, 422),
              description="The data is checked against the task's fields; the dossier runs "
                          "on to its next steps (and starts linked dossiers at other "
                          "agencies). A task already done is a 409."),
    Operation("get", "/late", "late_list", "The public list of late dossiers", "reports",
              _list("LateEntry"), query=(UNIT,), errors=(400, 401, 403)),
    Operation("get", "/logbook", "logbook", "The logbook (sổ theo dõi hồ sơ)", "reports",
              ref("Logbook"), description="The dossiers received between two local dates "
              "(a year at most).", query=(
                  UNIT,
                  _query("from", {"type": "string", "format": "date"},
                         "First day (default: the first of this month)."),
                  _query("to", {"type": "string", "format": "date"},
                         "Last day, included (default: today).")),
              errors=(400, 401, 403)),
    Operation("get", "/reports/period", "period_report", "The period report (form II.06a)",
              "reports", ref("PeriodReport"), description="Supervisors and leaders.",
              query=(
                  UNIT,
                  _query("from", {"type": "string", "format": "date"},
                         "First day of the period (local date).", True),
                  _query("to", {"type": "string", "format": "date"},
                         "Last day of the period, included.", True)),
              errors=(400, 401, 403)),
)

OPERATION_BY_ID = {op.operation_id: op for op in OPERATIONS}

PATH_PARAMETERS = {
    "code": {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "Dossier code, e.g. PHUCLOI-260309-0001."},
    "task_id": {"name": "task_id", "in": "path", "required": True,
                "schema": {"type": "string"}, "description": "Task id (a UUID)."},
    "kind": {"name": "kind", "in": "path", "required": True,
             "schema": {"type": "string", "enum": list(PAPER_KINDS)}},
}


def _operation(op: Operation) -> dict[str, Any]:
    params = [PATH_PARAMETERS[name] for name in PATH_PARAMETERS
              if "{" + name + "}" in op.path]
    doc: dict[str, Any] = {
        "operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
        "parameters": [*params, *op.query],
        "responses": {str(op.status): {
            "description": "Created" if op.status == 201 else "OK",
            "content": {"application/json": {"schema": op.response}}}},
    }
    if op.description:
        doc["description"] = op.description
    if op.status == 201:
        doc["responses"]["201"]["headers"] = {"Location": {
            "description": "The new dossier's URL.", "schema": {"type": "string"}}}
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(op.body)}}}
    for code in op.errors:
        doc["responses"][str(code)] = {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
    if op.public:
        doc["security"] = []
    return doc


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every /api/ route."""
    schemas = record_schemas()
    schemas["Task"] = record_schema(
        TaskView, {"fields": {"type": "array", "items": ref("Field")},
                   "shown": {"type": "array", "items": ref("ShownValue")}})
    schemas["Task"]["description"] = ("A task with the fields its form asks for and, while "
                                      "it is ready, the dossier's data its diagram shows.")
    schemas["CompletedTask"] = {
        "type": "object", "required": ["task", "dossier"],
        "properties": {"task": ref("TaskSummary"), "dossier": ref("Dossier")}}
    schemas["Error"] = ERROR
    schemas.update(BODIES)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Liên Thông API",
            "version": API_VERSION,
            "description": "Every action of the one-stop shop's pages, for integrations. "
                           "A token acts as its user, with the same permissions. Instants "
                           "are ISO 8601 with their UTC offset. Errors are "
                           '{"error": ..., "fields": {...}}; a refused request changes '
                           "nothing. See docs/api.md.",
            "license": {"name": "AGPL-3.0-or-later",
                        "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "tags": [{"name": name} for name in
                 ("meta", "catalog", "dossiers", "tasks", "papers", "reports")],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "A token from `lienthong token create USERNAME --name N`."}},
            "schemas": schemas,
            "responses": {
                name: {"description": text, "content": {
                    "application/json": {"schema": ref("Error")}}}
                for name, text in ERRORS.values()},
        },
    }

