"""Checking submitted task data against the fields the task declares, within bounds:
text of a bounded length without control characters or lone surrogates, whole numbers
and numbers a double holds exactly, dates and instants in a sane range."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.definitions import FieldSpec
from engine.errors import FieldProblem, InvalidData
from engine.org import default_agency, serving_units

# The bounds of a task's values (the web forms and the API share them through
# engine.runtime's face). Numbers stay within what a double and JavaScript hold exactly.
MAX_NUMBER = 2**53 - 1
MAX_LENGTH = {"string": 2000, "text": 20000}
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2100, 12, 31)
# NUL and the other C0 controls but tab, newline and return; lone surrogates.
BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,16}")
_TRUE = {"true", "1", "yes", "on", "có"}
_FALSE = {"false", "0", "no", "off", "không", ""}


class _Refused(ValueError):
    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.problem = FieldProblem(code, message, params)


def _coerce(field: FieldSpec, value: Any) -> Any:
    """Return the value in its stored form, or raise _Refused with the problem."""
    kind = field.type
    if kind in ("string", "text"):
        return _text(value, MAX_LENGTH[kind])
    if kind == "integer":
        if isinstance(value, bool):
            raise _Refused("not_whole_number", "must be a whole number")
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, int):
            return _bounded(value)
        raise _Refused("not_whole_number", "must be a whole number")
    if kind == "number":
        if isinstance(value, bool):
            raise _Refused("not_number", "must be a number")
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise _Refused("not_number", "must be a number") from None
        if not math.isfinite(number):
            raise _Refused("not_number", "must be a number")
        return _bounded(number)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return value.strip().casefold() in _TRUE
        raise _Refused("not_boolean", "must be true or false")
    if kind == "date":
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            raise _Refused("not_date", "must be a date (YYYY-MM-DD)") from None
        return _in_range(day, day).isoformat()
    if kind == "datetime":
        try:
            at = datetime.fromisoformat(str(value))
        except ValueError:
            raise _Refused("not_datetime", "must be a date and time (ISO 8601)") from None
        return _in_range(at.date(), at).isoformat()
    if kind == "choice":
        if value not in field.choices:
            raise _Refused("not_a_choice", "must be one of " + ", ".join(field.choices),
                           choices=field.choices)
        return value
    raise _Refused("unknown_type", f"has an unknown type {kind!r}", type=kind)


def _text(value: Any, longest: int) -> str:
    if not isinstance(value, str):
        raise _Refused("not_text", "must be text")
    if len(value) > longest:
        raise _Refused("too_long", f"must be at most {longest} characters", max=longest)
    if BAD_CHARACTERS.search(value):
        raise _Refused("bad_characters", "must not contain control characters")
    return value.strip()


def _bounded(number: int | float) -> int | float:
    if abs(number) > MAX_NUMBER:
        raise _Refused("out_of_range", f"must be between -{MAX_NUMBER} and {MAX_NUMBER}",
                       min=-MAX_NUMBER, max=MAX_NUMBER)
    return number


def _in_range(day: date, value: Any) -> Any:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise _Refused("out_of_range", f"must be between {EARLIEST_DAY} and {LATEST_DAY}",
                       min=EARLIEST_DAY, max=LATEST_DAY)
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Agencies:
    """Where a dossier of `unit` may send a linked part: `serving(kind)` gives the codes
    of the units of that kind serving it (engine.org.serving_units)."""

    unit: str
    serving: Callable[[str], Sequence[str]]
    default: Callable[[str], str | None]


def dossier_agencies(session: Session, unit: str, on: date) -> Agencies:
    """The units serving a dossier of `unit` on day `on`, read from the organisation
    when asked."""
    return Agencies(unit, lambda kind: serving_units(session, unit, kind, on),
                    lambda kind: default_agency(session, unit, kind, on))


def _agency(field: FieldSpec, value: Any, agencies: Agencies) -> str:
    """A type=unit value: the code of a unit of the field's kind serving the dossier's
    unit (else _Refused listing those that do)."""
    if not isinstance(value, str):
        raise _Refused("not_text", "must be text")
    code, serving = value.strip(), tuple(agencies.serving(field.unit_kind))
    if code not in serving:
        raise _Refused("not_a_serving_unit",
                       f"must be a {field.unit_kind} unit serving {agencies.unit}: "
                       + (", ".join(serving) or "none does"),
                       kind=field.unit_kind, unit=agencies.unit, choices=serving)
    return code


def _default_agency(field: FieldSpec, agencies: Agencies) -> str:
    """A blank type=unit field's value: the agency of its kind the dossier's unit is
    configured with (else _Refused asking to choose one of those serving it)."""
    default = agencies.default(field.unit_kind)
    if default is not None:
        return default
    serving = tuple(agencies.serving(field.unit_kind))
    if len(serving) == 1:
        return serving[0]
    raise _Refused("choose_a_unit",
                   f"choose the {field.unit_kind} unit serving {agencies.unit}: "
                   + (", ".join(serving) or "none does"),
                   kind=field.unit_kind, unit=agencies.unit, choices=serving)


def check_agencies(fields: Sequence[FieldSpec], data: Mapping[str, Any],
                   agencies: Agencies) -> None:
    """Values given for the type=unit fields among `fields` (data received with a
    dossier) must name units serving it: InvalidData naming each wrong one."""
    errors: dict[str, FieldProblem] = {}
    for field in fields:
        if field.type == "unit" and not _is_blank(data.get(field.name)):
            try:
                _agency(field, data[field.name], agencies)
            except _Refused as exc:
                errors[field.name] = exc.problem
    if errors:
        raise InvalidData(errors)


def check_submission(fields: Sequence[FieldSpec], data: Mapping[str, Any], *,
                     agencies: Agencies | None = None,
                     current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Validate `data` for a task; return the cleaned values or raise InvalidData.

    Every problem is reported at once, keyed by field name, each with a code the pages
    translate. Keys the task does not declare are refused, so a form cannot overwrite
    other process variables. A type=unit field needs `agencies`: its value must name a
    unit serving the dossier; left blank, it keeps the dossier's `current` value (given
    at reception), checked again, or takes its default.
    """
    declared = {f.name: f for f in fields}
    errors: dict[str, FieldProblem] = {}
    cleaned: dict[str, Any] = {}
    for name in data:
        if name not in declared:
            errors[name] = FieldProblem("not_a_field", "is not a field of this task")
    for field in fields:
        value = data.get(field.name)
        try:
            if field.type == "unit":
                if agencies is None:
                    raise _Refused("no_agencies", "names a unit, which cannot be checked here")
                if _is_blank(value):
                    value = (current or {}).get(field.name)
                if not _is_blank(value):
                    cleaned[field.name] = _agency(field, value, agencies)
                elif field.required:
                    errors[field.name] = FieldProblem("required", "is required")
                else:
                    cleaned[field.name] = _default_agency(field, agencies)
            elif _is_blank(value):
                if field.required:
                    errors[field.name] = FieldProblem("required", "is required")
            else:
                cleaned[field.name] = _coerce(field, value)
        except _Refused as exc:
            errors[field.name] = exc.problem
    if errors:
        raise InvalidData(errors)
    return cleaned
