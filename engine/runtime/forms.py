"""Checking submitted task data against the fields the task declares."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from engine.definitions import FieldSpec
from engine.errors import FieldProblem, InvalidData

# Eighteen digits fit a database's BIGINT; far longer ones would make int() itself fail.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
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
        if not isinstance(value, str):
            raise _Refused("not_text", "must be text")
        return value.strip()
    if kind == "integer":
        if isinstance(value, bool):
            raise _Refused("not_whole_number", "must be a whole number")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            return int(value)
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
        return number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return value.strip().casefold() in _TRUE
        raise _Refused("not_boolean", "must be true or false")
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise _Refused("not_date", "must be a date (YYYY-MM-DD)") from None
    if kind == "datetime":
        try:
            return datetime.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise _Refused("not_datetime", "must be a date and time (ISO 8601)") from None
    if kind == "choice":
        if value not in field.choices:
            raise _Refused("not_a_choice", "must be one of " + ", ".join(field.choices),
                           choices=field.choices)
        return value
    raise _Refused("unknown_type", f"has an unknown type {kind!r}", type=kind)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_submission(fields: Sequence[FieldSpec], data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate `data` for a task; return the cleaned values or raise InvalidData.

    Every problem is reported at once, keyed by field name, each with a code the pages
    translate. Keys the task does not declare are refused, so a form cannot overwrite
    other process variables.
    """
    declared = {f.name: f for f in fields}
    errors: dict[str, FieldProblem] = {}
    cleaned: dict[str, Any] = {}
    for name in data:
        if name not in declared:
            errors[name] = FieldProblem("not_a_field", "is not a field of this task")
    for field in fields:
        value = data.get(field.name)
        if _is_blank(value):
            if field.required:
                errors[field.name] = FieldProblem("required", "is required")
            continue
        try:
            cleaned[field.name] = _coerce(field, value)
        except _Refused as exc:
            errors[field.name] = exc.problem
    if errors:
        raise InvalidData(errors)
    return cleaned
