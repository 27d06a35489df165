"""What users may submit, in one place: the bounds of every text, list, number and date,
and the pydantic models of the API's request bodies and query parameters. The API
checks bodies and queries against these models and derives its OpenAPI document from
them (web/api/openapi.py); the pages' forms check their inputs with the same models and
bounds (web/pages/forms.py), so a form and the API refuse the same values.

Task data (a task's own fields) is bounded by the engine (engine.runtime.MAX_NUMBER,
MAX_LENGTH, EARLIEST_DAY, LATEST_DAY), which checks it for every caller.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from engine.dossiers import APOLOGY_NUMBER, MAX_APOLOGY_NUMBER, MAX_DISTRIBUTION
from engine.errors import InvalidAction
from engine.reporting import DEFAULT_MAP, DEFAULT_RULE, FinishedRule, MapRule
from engine.runtime import BAD_CHARACTERS, CHANNELS, EARLIEST_DAY, LATEST_DAY
from engine.vocabulary import DossierStatus

# -- the bounds ----------------------------------------------------------------------------

NAME_LENGTH = 200  # an applicant's name, a procedure's code
TEXT_LENGTH = 2000  # an address, a reason
PAPER_LENGTH = 200  # a paper's name
MAX_PAPERS = 50  # papers received, supplied or asked for at once
QUERY_LENGTH = 200  # a search text, a unit or department code
MAX_DATA_NAMES = 50  # process variables given when receiving a dossier
MAX_DATA_BYTES = 65536  # ... and their size as JSON
MAX_DATA_DEPTH = 5  # ... and how deep their lists and objects nest
MAX_JSON_DEPTH = 20  # any JSON body
MAX_LIMIT = 500  # results of one list request

# The desk's own checks, as patterns; the problem each states when a value misses it.
PHONE = r"^\+?[0-9 .-]{8,15}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]{1,63}$"
ID_NUMBER = r"^(?:[0-9]{9}|[0-9]{12})$"
NOT_BLANK = r"\S"
PATTERN_PROBLEMS = {
    PHONE: "must be a phone number",
    EMAIL: "must be an email address",
    ID_NUMBER: "must be 12 digits (9 for an old identity card)",
    NOT_BLANK: "must not be empty",
}


def _clean(value: str) -> str:
    if BAD_CHARACTERS.search(value):
        raise PydanticCustomError("bad_characters", "must not contain control characters")
    return value


def text(longest: int, description: str = "") -> Any:
    """Text that is not blank, at most `longest` characters, without control characters."""
    return Annotated[str, Field(min_length=1, max_length=longest, pattern=NOT_BLANK,
                                description=description or None),
                     AfterValidator(_clean)]


def pattern_text(pattern: str, longest: int, description: str = "") -> Any:
    return Annotated[str, Field(max_length=longest, pattern=pattern,
                                description=description or None)]


Name = text(NAME_LENGTH)
Text = text(TEXT_LENGTH)
Paper = text(PAPER_LENGTH)
Papers = Annotated[list[Paper], Field(max_length=MAX_PAPERS)]
RANGE = f"between {EARLIEST_DAY} and {LATEST_DAY}"


def _day_in_range(day: date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise PydanticCustomError("out_of_range", "must be {range}", {"range": RANGE})


def _iso_day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise PydanticCustomError("not_date", "must be a date (YYYY-MM-DD)")
    _day_in_range(day)
    return day


def _iso_instant(value: Any) -> datetime:
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None:
        raise PydanticCustomError(
            "not_instant", "must be a date and time (ISO 8601, e.g. 2026-03-10T17:00:00+07:00)")
    if at.tzinfo is None:
        raise PydanticCustomError("no_offset",
                                  "needs a UTC offset (e.g. 2026-03-10T17:00:00+07:00)")
    _day_in_range(at.date())
    return at


def parse_day(text: str) -> date:
    """A local date (YYYY-MM-DD) in the range every date is held to; ValueError if not."""
    try:
        return _iso_day(text)
    except PydanticCustomError as exc:
        raise ValueError(str(exc)) from None


Day = Annotated[date, BeforeValidator(_iso_day),
                Field(description=f"A local date (YYYY-MM-DD), {RANGE}.")]
Instant = Annotated[datetime, BeforeValidator(_iso_instant)]


def _depth(value: Any) -> int:
    """How deep lists and objects nest in a parsed JSON value (a scalar is 0)."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            todo.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            todo.extend((child, level + 1) for child in item)
    return deepest


def _bounded_data(data: dict[str, Any]) -> dict[str, Any]:
    if _depth(data) > MAX_DATA_DEPTH:
        raise PydanticCustomError("too_deep", "nests lists and objects more than {depth} "
                                  "deep", {"depth": MAX_DATA_DEPTH})
    if len(orjson.dumps(data)) > MAX_DATA_BYTES:
        raise PydanticCustomError("too_big", "is more than {size} bytes as JSON",
                                  {"size": MAX_DATA_BYTES})
    return data


# -- request bodies ------------------------------------------------------------------------

class Body(BaseModel):
    """A JSON body: exact types (no "1" for 1), no field the request does not have."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ApplicantInput(Body):
    """Who files the dossier; the papers print these."""

    name: Name
    address: Text | None = None
    phone: pattern_text(PHONE, 20) | None = None
    email: pattern_text(EMAIL, 254) | None = None
    id_number: pattern_text(
        ID_NUMBER, 12, "Số định danh cá nhân / CCCD.") | None = None


# Process variables the service sets itself when it receives a dossier.
RESERVED_DATA = ("dossier_code", "unit", "applicant", "verification")


class ReceiveDossierInput(Body):
    procedure: Annotated[Name, Field(description=(
        "National procedure code (1.001193) or process key (birth_registration) of a "
        "catalog entry in force today whose level is the kind of the user's unit (a "
        "ward's desk receives ward procedures)."))]
    applicant: ApplicantInput
    documents: Annotated[Papers, Field(description="The papers received.")] = []
    channel: Literal[tuple(channel.value for channel in CHANNELS)] = "in_person"
    verification: bool = Field(False, description=(
        "The dossier needs verification: the longer statutory limit applies (only for "
        "procedures that have one)."))
    data: Annotated[dict[str, JsonValue], Field(max_length=MAX_DATA_NAMES, description=(
        "Process variables to start with (names must be identifiers; "
        + ", ".join(RESERVED_DATA) + f" are set by the service; at most {MAX_DATA_NAMES} "
        f"names, {MAX_DATA_BYTES} bytes as JSON, nested {MAX_DATA_DEPTH} deep). The "
        "reception task's form is filled by completing that task.")),
        AfterValidator(_bounded_data)] = {}


class CompleteTaskInput(Body):
    data: Annotated[dict[str, JsonValue], Field(max_length=MAX_DATA_NAMES, description=(
        "The task's fields (GET /tasks/{task_id} lists them); undeclared names are "
        "refused.")), AfterValidator(_bounded_data)] = {}


class RequestSupplementInput(Body):
    items: Annotated[Papers, Field(min_length=1,
                                   description="The papers the citizen must bring.")]
    reason: Text


class SupplyInput(Body):
    documents: Annotated[Papers, Field(description="The papers brought.")] = []


class ReasonInput(Body):
    reason: Annotated[Text, Field(description="As the paper will print it.")]


class ApologyInput(Body):
    reason: Text
    new_appointment: Annotated[Instant, Field(description=(
        f"Later than the current appointment, with its UTC offset, {RANGE}."))]
    number: Annotated[str | None, Field(
        max_length=MAX_APOLOGY_NUMBER, pattern=f"^{APOLOGY_NUMBER.pattern}$",
        description="The letter's number as the unit writes it, such as 12/UBND-VP; "
                    "blank on the paper when not given.")] = None
    addressee: Annotated[Name | None, Field(description=(
        "Kính gửi: the applicant unless given."))] = None
    distribution: Annotated[list[Name] | None, Field(
        min_length=1, max_length=MAX_DISTRIBUTION,
        description="Nơi nhận, one line each; \"Như trên\" and \"Lưu: VT\" unless "
                    "given.")] = None


# -- query parameters ----------------------------------------------------------------------

class Query(BaseModel):
    """Query parameters: text converted to numbers and dates, no unknown name."""

    model_config = ConfigDict(extra="forbid")


Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="At most this many results.")]
QueryText = Annotated[str, Field(max_length=QUERY_LENGTH), AfterValidator(_clean)]
UnitCode = Annotated[QueryText, Field(description=(
    "Unit code (default: the user's unit); units below it are included."))]


class ProceduresQuery(Query):
    on: Annotated[Day, Field(description="Only the entries in force on this day.")] | None \
        = None


class DossierSearchQuery(Query):
    q: Annotated[QueryText, Field(description=(
        "Part of the code or the applicant's name (case and diacritics do not "
        "matter)."))] = ""
    status: Literal[tuple(s.value for s in DossierStatus)] | None = Field(
        None, description="Only dossiers in this status.")
    limit: Limit = 100


class TasksQuery(Query):
    department: Annotated[QueryText, Field(description=(
        "Only this department's (one of the user's)."))] | None = None
    state: Literal["ready", "mine", "completed"] = Field("ready", description=(
        "ready: waiting to be done; mine: ready and claimed by the user; completed: "
        "done."))
    limit: Limit = 100


class UnitQuery(Query):
    unit: UnitCode | None = None


class LogbookQuery(UnitQuery):
    start: Day | None = Field(None, alias="from", description=(
        "First day (default: the first of this month)."))
    end: Day | None = Field(None, alias="to", description="Last day, included (default: "
                            "today).")


def _finished_rule(text: str) -> str:
    try:
        FinishedRule.parse(text)
    except InvalidAction as exc:
        raise PydanticCustomError("finished_as", str(exc).replace("{", "(").replace(
            "}", ")")) from None
    return text


class PeriodQuery(UnitQuery):
    start: Day = Field(alias="from", description="First day of the period (local date).")
    end: Day = Field(alias="to", description="Last day of the period, included.")
    finished_as: Annotated[QueryText, AfterValidator(_finished_rule), Field(description=(
        "Where withdrawn, refused and stopped dossiers are counted: "
        "'withdrawn=excluded,stopped=on-time', or one of resolved, on-time, excluded for "
        "all three (default: resolved, timed against the deadline; docs/report.md)."))
    ] | None = None
    map_name: Literal["as-today", "as-then"] = Field(DEFAULT_MAP.value, alias="map", description=(
        "as-today (default): the unit with the units it carried over in a reorganisation; "
        "as-then: the unit as it stood in the period (docs/report.md)."))

    @property
    def unit_map(self) -> MapRule:
        """The map of units read (docs/report.md)."""
        return MapRule(self.map_name)

    @property
    def rule(self) -> FinishedRule:
        """The finished_as rule read, or the default."""
        return DEFAULT_RULE if self.finished_as is None else FinishedRule.parse(
            self.finished_as)


# -- problems, by field --------------------------------------------------------------------

def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for key in loc:
        if isinstance(key, int):
            path += f"[{key}]"
        else:
            path += f".{key}" if path else str(key)
    return path


def _one_of(expected: str) -> str:
    return "must be one of " + expected.replace("'", "").replace(" or ", ", ")


TYPE_PROBLEMS = {
    "missing": "is required", "string_type": "must be text", "list_type": "must be a list",
    "dict_type": "must be an object", "model_type": "must be an object",
    "model_attributes_type": "must be an object", "bool_type": "must be true or false",
    "bool_parsing": "must be true or false", "int_type": "must be a whole number",
    "int_parsing": "must be a whole number", "int_from_float": "must be a whole number",
    "string_too_short": "must not be empty",
}


def _problem(error: Any, extra: str) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in TYPE_PROBLEMS:
        return TYPE_PROBLEMS[kind]
    if kind == "extra_forbidden":
        return extra
    if kind == "literal_error":
        return _one_of(ctx["expected"])
    if kind == "string_pattern_mismatch":
        return PATTERN_PROBLEMS.get(ctx["pattern"], "is not in the expected form")
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} item(s)"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}"
    return str(error["msg"])


def problems(error: ValidationError, extra: str = "is not a field of this request"
             ) -> dict[str, str]:
    """Each wrong field's problem, by its path (applicant.name, documents[0]); the first
    problem of a field wins. `extra` is what a name the model does not have is told."""
    found: dict[str, str] = {}
    for item in error.errors():
        found.setdefault(_path(item["loc"]) or "body", _problem(item, extra))
    return found


def bodies() -> tuple[type[Body], ...]:
    """Every request body model, for the OpenAPI document."""
    return (ReceiveDossierInput, CompleteTaskInput, RequestSupplementInput, SupplyInput,
            ReasonInput, ApologyInput)

