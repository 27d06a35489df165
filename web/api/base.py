"""What the API's views share: the blueprint, JSON errors, checked bodies and query
parameters, the token's user and the permission lookups.

A request acts as the user its bearer token belongs to (`web.auth.load_user`), with the
same permissions as the pages (`web.access`). Bodies are read as strict JSON
(`web.api.json_body`) and, like query parameters, validated by the operation's pydantic
model (`web.inputs`, the same models the OpenAPI document is generated from) before
anything runs; a view commits (`save`) only once its action succeeded, so a refused
request changes nothing.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    EngineError,
    Hidden,
    InvalidAction,
    InvalidData,
    NotFound,
    ScriptFailed,
)
from engine.org import UserView, descendants
from engine.queries import DossierView, TaskView, get_task, show_dossier
from web.access import can_work, refused, visible_units
from web.api.json_body import BadJson, parse
from web.api.openapi import OPERATION_BY_ID
from web.api.shapes import to_json
from web.auth import current_user, signed_in
from web.db import commit, db, services
from web.inputs import Body, Query, problems

bp = Blueprint("api", __name__, url_prefix="/api")
PUBLIC = {"api.openapi"}


class ApiError(Exception):
    """A refusal the API answers with `status` and a JSON error naming the fields."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


def fail(status: int, message: str, fields: dict[str, str] | None = None) -> NoReturn:
    raise ApiError(status, message, fields)


def allow(allowed: bool, message: str) -> None:
    """403 with the reason when the user may not do this (the rules are web.access's)."""
    if not allowed:
        refused(request.path)
        fail(403, message)


def send(payload: Any, status: int = 200) -> Response:
    """JSON with Vietnamese text readable as is (not \\u-escaped)."""
    text = current_app.json.dumps(payload, ensure_ascii=False)
    return current_app.response_class(text + "\n", status=status, mimetype="application/json")


def error_response(status: int, message: str, fields: dict[str, str] | None = None,
                   code: str | None = None) -> Response:
    body: dict[str, Any] = {"error": message, "fields": fields or {}}
    if code:
        body["code"] = code
    response = send(body, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lienthong"'
    return response


# -- every refusal is JSON -----------------------------------------------------------------

@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.fields)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    return error_response(error.code or 500, error.description or error.name)


@bp.errorhandler(EngineError)
def engine_error(error: EngineError) -> Response:
    if isinstance(error, InvalidData):
        return error_response(422, "the data was refused; nothing was saved", error.fields)
    if isinstance(error, NotFound):
        if isinstance(error, Hidden):
            refused(request.path)  # answered as unknown; the security log knows better
        return error_response(404, str(error), code=error.code)
    if isinstance(error, Conflict | InvalidAction):  # the state does not allow it (now)
        return error_response(409, str(error), code=error.code)
    if isinstance(error, ScriptFailed):
        return error_response(422, f"the procedure's script refused the step: {error}",
                              code=error.code)
    return error_response(400, str(error), code=error.code)


@bp.errorhandler(IntegrityError)
def integrity_error(error: IntegrityError) -> Response:
    # two requests wrote the same row at once (e.g. the day's dossier sequence)
    return error_response(409, "someone else changed the same data at once; nothing was "
                               "saved, try again")


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def routing_error(error: HTTPException) -> ResponseReturnValue:
    """No route matched (blueprint handlers never see these): JSON under /api/, the
    site's error page elsewhere, as web.app renders it."""
    code = error.code or 404
    if request.path.startswith("/api/"):
        return error_response(code, error.description or error.name)
    return render_template("errors/error.html", code=code, message=error.description), code


@bp.before_request
def require_token() -> None:
    if request.endpoint not in PUBLIC and current_user() is None:
        fail(401, "a valid API token is required (Authorization: Bearer <token>)")


# -- requests and responses ----------------------------------------------------------------

def me() -> UserView:
    """The user the request's token belongs to (require_token ran first)."""
    return signed_in()


def timezone() -> ZoneInfo:
    return ZoneInfo(services().settings["TIMEZONE"])


def reply(value: Any, status: int = 200) -> Response:
    """A record (or records) as JSON, instants in the office's zone with their offset."""
    return send(to_json(value, timezone()), status)


def save() -> None:
    """Commit the request's transaction: the action succeeded."""
    commit()


def _operation_id() -> str:
    return (request.endpoint or "").removeprefix("api.")


BodyModel = TypeVar("BodyModel", bound=Body)
QueryModel = TypeVar("QueryModel", bound=Query)


def body(model: type[BodyModel]) -> BodyModel:
    """The request's JSON object, read strictly and validated by `model` (the
    operation's request body in the document): 400 if it is not strict JSON or not an
    object, 422 naming each wrong field."""
    assert OPERATION_BY_ID[_operation_id()].body is model  # noqa: S101 - view and document agree
    if not request.is_json:
        fail(400, "send a JSON object with Content-Type: application/json",
             {"body": "is missing or not JSON"})
    try:
        value = parse(request.get_data(cache=True) or b"null")
    except BadJson as exc:
        fail(400, f"the body is not acceptable JSON: {exc.path} {exc.problem}",
             {exc.path: exc.problem})
    if not isinstance(value, dict):
        fail(400, "the body must be a JSON object", {"body": "must be a JSON object"})
    return _validated(model, value, 422, "some fields are wrong; nothing was saved",
                      "is not a field of this request")


def query(model: type[QueryModel]) -> QueryModel:
    """The query parameters, converted (dates as dates) by `model` (the operation's
    parameters in the document), with their defaults; 400 naming each unknown, missing,
    repeated or wrong one."""
    assert OPERATION_BY_ID[_operation_id()].query is model  # noqa: S101 - view and document agree
    repeated = {name: "is given more than once" for name in request.args
                if len(request.args.getlist(name)) > 1}
    if repeated:
        fail(400, "some query parameters are wrong", repeated)
    return _validated(model, request.args.to_dict(), 400, "some query parameters are wrong",
                      "is not a parameter of this request")


Model = TypeVar("Model", bound=BaseModel)


def _validated(model: type[Model], value: dict[str, Any], status: int, message: str,
               extra: str) -> Model:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        fail(status, message, problems(exc, extra))


# -- what the user may see and do ----------------------------------------------------------

def visible_dossier(code: str) -> DossierView:
    """The dossier, if it belongs to the user's unit or a unit below it; another unit's
    answers 404 exactly as an unknown code."""
    return show_dossier(db(), code, units=visible_units(me()))


def visible_task(task_id: str) -> TaskView:
    """The task, if its dossier is one the user sees; another unit's answers 404 exactly
    as an unknown id."""
    return get_task(db(), services().runtime.specs, task_id, units=visible_units(me()))


def workable_task(task_id: str) -> TaskView:
    """The task, if the user may claim, complete or hand it back (else 403)."""
    task, user = visible_task(task_id), me()
    allow(can_work(user, task.department, task.unit),
          f"task {task_id} is for department {task.department} of {task.unit}; "
          f"{user.username} works in {', '.join(user.departments) or 'no department'} "
          f"of {user.unit_code}")
    return task


def units_below(code: str | None) -> tuple[str, list[str]]:
    """A unit the user sees (default: their own) and the units below it."""
    user = me()
    unit = code or user.unit_code
    try:
        units = descendants(db(), unit)
    except NotFound:
        fail(400, f"unit {unit} does not exist", {"unit": "no such unit"})
    allow(unit in visible_units(user),
          f"unit {unit} is not {user.unit_code} or a unit below it")
    return unit, units
