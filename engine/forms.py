"""Checking submitted task data against the fields the task declares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from engine.definitions import FieldSpec
from engine.errors import InvalidData

_TRUE = {"true", "1", "yes", "on", "có"}
_FALSE = {"false", "0", "no", "off", "không", ""}


def _coerce(field: FieldSpec, value: Any) -> Any:
    """Return the value in its stored form, or raise ValueError with the problem."""
    kind = field.type
    if kind in ("string", "text"):
        if not isinstance(value, str):
            raise ValueError("must be text")
        return value.strip()
    if kind == "integer":
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise ValueError("must be a whole number")
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError("must be a number")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError("must be a number") from None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return value.strip().casefold() in _TRUE
        raise ValueError("must be true or false")
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
    if kind == "datetime":
        try:
            return datetime.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("must be a date and time (ISO 8601)") from None
    if kind == "choice":
        if value not in field.choices:
            raise ValueError("must be one of " + ", ".join(field.choices))
        return value
    raise ValueError(f"has an unknown type {kind!r}")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_submission(fields: Sequence[FieldSpec], data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate `data` for a task; return the cleaned values or raise InvalidData.

    Every problem is reported at once, keyed by field name. Keys the task does not declare
    are refused, so a form cannot overwrite other process variables.
    """
    declared = {f.name: f for f in fields}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in data:
        if name not in declared:
            errors[name] = "is not a field of this task"
    for field in fields:
        value = data.get(field.name)
        if _is_blank(value):
            if field.required:
                errors[field.name] = "is required"
            continue
        try:
            cleaned[field.name] = _coerce(field, value)
        except ValueError as exc:
            errors[field.name] = str(exc)
    if errors:
        raise InvalidData(errors)
    return cleaned
