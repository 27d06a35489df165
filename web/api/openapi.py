"""The API's OpenAPI 3.1 document, built in code, served at /api/openapi.json.

The request bodies and query parameters are the pydantic models of `web.inputs`, which
`web.api` validates submissions with: their JSON schemas are generated from the same
models. The response schemas come from the engine's records through
`web.api.shapes.SHAPES`. The document is the API's contract, not a description of it.

pydantic is used directly rather than through flask-openapi3 or spectree: both read
bodies with Flask's lenient `get_json` (NaN, 1e400 as infinity; a broken body silently
None or `{}`), answer every validation error with one status (we say 400 for a query,
422 for a body field) and own the app class or the document's layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel

from engine.queries import TaskView
from web.api.shapes import record_schema, record_schemas, ref
from web.api.supervision_inputs import (
    AuditQuery,
    DashboardQuery,
    NoticesQuery,
    ReadNoticesInput,
    RiskQuery,
    WorkloadQuery,
)
from web.inputs import (
    ApologyInput,
    Body,
    CompleteTaskInput,
    DossierSearchQuery,
    LogbookQuery,
    PeriodQuery,
    ProceduresQuery,
    Query,
    ReasonInput,
    ReceiveDossierInput,
    RequestSupplementInput,
    SupplyInput,
    TasksQuery,
    UnitQuery,
    bodies,
)

API_VERSION = "1.0.0"
PAPER_KINDS = ("receipt", "supplement", "refusal", "apology", "control-slip", "stop-notice")
REF_TEMPLATE = "#/components/schemas/{model}"

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
    400: ("BadRequest", "The body is not a JSON object (or not strict JSON: NaN, a "
                        "number beyond ±2^53-1, a control character, nesting deeper than "
                        "20), or a query parameter is wrong; nothing was changed."),
    401: ("Unauthorized", "No token, or an unknown or revoked one."),
    403: ("Forbidden", "The token's user may not do this."),
    404: ("NotFound", "No such dossier, task, paper or path."),
    409: ("Conflict", "The dossier or task is not in a state that allows this (already "
                      "completed by someone else, claimed by another user...); nothing "
                      "was changed."),
    413: ("TooLarge", "The request is larger than the server accepts "
                      "(LIENTHONG_MAX_REQUEST_BYTES, 1 MiB by default); nothing was changed."),
    422: ("Unprocessable", "The body is JSON but a field is wrong; `fields` names each "
                           "one. Nothing was changed."),
}


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
    query: type[Query] | None = None
    body: type[Body] | None = None
    errors: tuple[int, ...] = field(default=(401, 403, 404))
    public: bool = False


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


TASK_ACTION_ERRORS = (401, 403, 404, 409)
DOSSIER_ACTION_ERRORS = (400, 401, 403, 404, 409, 413, 422)

SUPERVISORS = "Supervisors and leaders, for their unit or a unit below it."
# The supervisors' views (web/api/supervision.py), as their pages (/supervise/, /audit/,
# /risk/, /workload/, /notifications/).
SUPERVISION: tuple[Operation, ...] = (
    Operation("get", "/dashboard", "dashboard", "The supervisor's dashboard", "supervision",
              ref("Dashboard"), query=DashboardQuery, errors=(400, 401, 403, 404),
              description=SUPERVISORS + " The period is a preset or from/to (a year at "
              "most; default: this month so far). An unknown unit is a 404."),
    Operation("get", "/audit/{procedure}", "step_audit", "A procedure's step timing",
              "supervision", ref("StepAudit"), query=AuditQuery, errors=(400, 401, 403, 404),
              description=SUPERVISORS + " Each step's count, median and 90th percentile "
              "in working hours against its time limit, and the handovers between "
              "departments, over a period (default: the last 90 days; 366 days at most). "
              "A unit the user does not see is a 403; an unknown procedure or version a "
              "404."),
    Operation("get", "/audit/{procedure}/steps/{step}", "step_detail",
              "One step's late and slowest runs", "supervision", ref("StepDetail"),
              query=AuditQuery, errors=(400, 401, 403, 404),
              description=SUPERVISORS + " The same query as the procedure's; a step with "
              "no completed run in the period is a 404."),
    Operation("get", "/risk", "dossiers_at_risk", "Dossiers at risk and late", "supervision",
              _list("DossierRisk"), query=RiskQuery, errors=(400, 401, 403),
              description=SUPERVISORS + " Open dossiers with the working time left to "
              "their appointment against their remaining steps' expected time. A unit "
              "the user does not see is a 400 naming it, as on the page."),
    Operation("get", "/workload", "workload", "The workload of a unit", "supervision",
              ref("Workload"), query=WorkloadQuery, errors=(400, 401, 403),
              description=SUPERVISORS + " A unit the user does not see is a 400 naming "
              "it, as on the page."),
    Operation("get", "/notifications", "list_notifications", "My notifications",
              "supervision", ref("NoticePage"), query=NoticesQuery, errors=(400, 401),
              description="The user's own notifications (a step past its time limit, a "
              "dossier at risk), newest first, 50 a page."),
    Operation("post", "/notifications/{notice}/read", "read_notification",
              "Mark a notification read", "supervision", ref("Notice"), errors=(401, 404),
              description="The user's own; another person's is a 404, as an unknown one."),
    Operation("post", "/notifications/read", "read_notifications",
              "Mark notifications read", "supervision", ref("NoticesRead"),
              body=ReadNoticesInput, errors=(400, 401, 413, 422),
              description="These ids (the user's own; others are left alone), or all."),
)

OPERATIONS: tuple[Operation, ...] = (
    Operation("get", "/openapi.json", "openapi", "This document", "meta",
              {"type": "object"}, errors=(), public=True),
    Operation("get", "/me", "me", "The user the token acts as", "meta", ref("User"),
              errors=(401,)),
    Operation("get", "/procedures", "list_procedures", "The procedure catalog", "catalog",
              _list("Procedure"), query=ProceduresQuery, errors=(400, 401)),
    Operation("post", "/dossiers", "receive_dossier", "Receive a dossier", "dossiers",
              ref("Dossier"), status=201, body=ReceiveDossierInput,
              description="Reception role. The dossier belongs to the user's unit; the "
                          "response carries its code and appointment, and the Location "
                          "header its URL.",
              errors=(400, 401, 403, 413, 422)),
    Operation("get", "/dossiers", "search_dossiers", "Search dossiers", "dossiers",
              _list("DossierSummary"), description="Dossiers of the user's unit and the "
              "units below it, newest first.", query=DossierSearchQuery,
              errors=(400, 401)),
    Operation("get", "/dossiers/{code}", "get_dossier", "A dossier", "dossiers",
              ref("Dossier")),
    Operation("post", "/dossiers/{code}/supplement-request", "request_supplement",
              "Ask the citizen for missing papers", "dossiers", ref("Dossier"),
              body=RequestSupplementInput, errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit, or a user who can work one of "
                          "its ready steps. The dossier's clock pauses (7 working days at "
                          "most)."),
    Operation("post", "/dossiers/{code}/supplement", "supply",
              "Record the citizen's supplement", "dossiers", ref("Dossier"),
              body=SupplyInput, errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit. The clock runs again; the "
                          "appointment and open steps move by the working time waited."),
    Operation("post", "/dossiers/{code}/refuse", "refuse", "Refuse the dossier",
              "dossiers", ref("Dossier"), body=ReasonInput, errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit, or a user who can work one of "
                          "its ready steps; its open steps are cancelled."),
    Operation("post", "/dossiers/{code}/stop", "stop", "Stop processing the dossier",
              "dossiers", ref("Dossier"), body=ReasonInput, errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit; its open steps are cancelled and "
                          "the stop-notice paper can be printed."),
    Operation("post", "/dossiers/{code}/withdraw", "withdraw",
              "Record that the citizen withdrew the dossier", "dossiers", ref("Dossier"),
              body=ReasonInput, errors=DOSSIER_ACTION_ERRORS,
              description="Reception of the dossier's unit; its open steps are cancelled."),
    Operation("post", "/dossiers/{code}/apology", "apologize",
              "Sign an apology with a new appointment", "dossiers", ref("Dossier"),
              body=ApologyInput, errors=DOSSIER_ACTION_ERRORS,
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
                          "first.", query=TasksQuery, errors=(400, 401, 403)),
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
              ref("CompletedTask"), body=CompleteTaskInput,
              errors=(400, 401, 403, 404, 409, 413, 422),
              description="The data is checked against the task's fields; the dossier runs "
                          "on to its next steps (and starts linked dossiers at other "
                          "agencies). A task already done is a 409."),
    Operation("get", "/late", "late_list", "The public list of late dossiers", "reports",
              _list("LateEntry"), query=UnitQuery, errors=(400, 401, 403)),
    Operation("get", "/logbook", "logbook", "The logbook (sổ theo dõi hồ sơ)", "reports",
              ref("Logbook"), description="The dossiers received between two local dates "
              "(a year at most).", query=LogbookQuery, errors=(400, 401, 403)),
    Operation("get", "/reports/period", "period_report", "The period report (form II.06a)",
              "reports", ref("PeriodReport"), description="Supervisors and leaders.",
              query=PeriodQuery, errors=(400, 401, 403)),
    *SUPERVISION,
)

OPERATION_BY_ID = {op.operation_id: op for op in OPERATIONS}

PATH_PARAMETERS = {
    "code": {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "Dossier code, e.g. PHUCLOI-260309-0001."},
    "task_id": {"name": "task_id", "in": "path", "required": True,
                "schema": {"type": "string"}, "description": "Task id (a UUID)."},
    "kind": {"name": "kind", "in": "path", "required": True,
             "schema": {"type": "string", "enum": list(PAPER_KINDS)}},
    "procedure": {"name": "procedure", "in": "path", "required": True,
                  "schema": {"type": "string"},
                  "description": "The procedure's process key, e.g. birth_registration."},
    "step": {"name": "step", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "The step's id in its diagram (spec_id of the step figures)."},
    "notice": {"name": "notice", "in": "path", "required": True,
               "schema": {"type": "string", "pattern": "^[0-9]{1,9}$"},
               "description": "The notification's id."},
}


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, its nested models referred to as components."""
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    schema.pop("$defs", None)
    return schema


def nested_schemas(model: type[BaseModel]) -> dict[str, Any]:
    """The schemas of the models (and JsonValue) nested in `model`."""
    return dict(model.model_json_schema(ref_template=REF_TEMPLATE).get("$defs", {}))


def query_parameters(model: type[Query]) -> list[dict[str, Any]]:
    """The query model's fields as OpenAPI parameters (by their names in the URL)."""
    schema = model_schema(model)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = {key: value for key, value in prop.items() if key != "title"}
        options = [o for o in prop.pop("anyOf", ()) if o != {"type": "null"}]
        if options:  # an optional parameter: absent, not null, in a URL
            prop = {**options[0], **prop}
        if prop.get("default", "") is None:
            del prop["default"]
        description = prop.pop("description", "")
        parameters.append({"name": name, "in": "query", "required": name in required,
                           "schema": prop, "description": description})
    return parameters


def _operation(op: Operation) -> dict[str, Any]:
    params = [PATH_PARAMETERS[name] for name in PATH_PARAMETERS
              if "{" + name + "}" in op.path]
    doc: dict[str, Any] = {
        "operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
        "parameters": [*params, *(query_parameters(op.query) if op.query else ())],
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
            "application/json": {"schema": ref(op.body.__name__)}}}
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
    schemas["NoticePage"] = {
        "type": "object", "required": ["notices", "page", "more", "unread"],
        "properties": {"notices": _list("Notice"), "page": {"type": "integer"},
                       "more": {"type": "boolean", "description": "A next page exists."},
                       "unread": {"type": "integer", "description": "Unread in all."}}}
    schemas["NoticesRead"] = {
        "type": "object", "required": ["marked", "unread"],
        "properties": {"marked": {"type": "integer", "description": "Marked read now."},
                       "unread": {"type": "integer", "description": "Still unread."}}}
    schemas[ReadNoticesInput.__name__] = model_schema(ReadNoticesInput)
    for model in bodies():
        schemas[model.__name__] = model_schema(model)
        schemas.update(nested_schemas(model))
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
                 ("meta", "catalog", "dossiers", "tasks", "papers", "reports",
                  "supervision")],
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

