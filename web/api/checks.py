"""Checking submitted JSON against the small part of JSON Schema the API's request
schemas use (web/api/openapi.py declares them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "number": (int, float), "boolean": (bool,), "null": (type(None),),
}
TYPE_PROBLEMS = {
    "object": "must be an object", "array": "must be a list", "string": "must be text",
    "integer": "must be a whole number", "number": "must be a number",
    "boolean": "must be true or false", "null": "must be null",
}


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    return isinstance(value, JSON_TYPES[kind])


def _instant_problem(value: str) -> str | None:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return "must be a date and time (ISO 8601, e.g. 2026-03-10T17:00:00+07:00)"
    if at.tzinfo is None:
        return "needs a UTC offset (e.g. 2026-03-10T17:00:00+07:00)"
    return None


def _date_problem(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return "must be a date (YYYY-MM-DD)"
    return None


FORMATS = {"date-time": _instant_problem, "date": _date_problem}


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check(schema: Mapping[str, Any], value: Any, schemas: Mapping[str, Any],
          path: str = "") -> dict[str, str]:
    """Problems of `value` against `schema`, keyed by the JSON path of each wrong field
    ("applicant.name", "documents[0]"; "body" for the whole). Supports $ref, anyOf,
    type, enum, properties, required, additionalProperties, items, minItems, minLength,
    maxLength, pattern, minimum, maximum and the formats date-time and date."""
    where = path or "body"
    if "$ref" in schema:
        return check(schemas[schema["$ref"].rsplit("/", 1)[-1]], value, schemas, path)
    if "anyOf" in schema:
        found: dict[str, str] = {}
        for option in schema["anyOf"]:
            found = check(option, value, schemas, path)
            if not found:
                return {}
        return found
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, kind) for kind in kinds):
            return {where: TYPE_PROBLEMS[kinds[0]]}
    if "enum" in schema and value not in schema["enum"]:
        return {where: "must be one of " + ", ".join(str(v) for v in schema["enum"])}
    if isinstance(value, str):
        return _check_text(schema, value, where)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return {where: f"must be at least {schema['minimum']}"}
        if "maximum" in schema and value > schema["maximum"]:
            return {where: f"must be at most {schema['maximum']}"}
    problems: dict[str, str] = {}
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return {where: f"needs at least {schema['minItems']} item(s)"}
        for i, item in enumerate(value):
            problems |= check(schema.get("items", {}), item, schemas, _join(path, i))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name in schema.get("required", ()):
            if name not in value:
                problems[_join(path, name)] = "is required"
        for name, item in value.items():
            if name in props:
                problems |= check(props[name], item, schemas, _join(path, name))
            elif extra is False:
                problems[_join(path, name)] = "is not a field of this request"
            elif isinstance(extra, dict):
                problems |= check(extra, item, schemas, _join(path, name))
    return problems


def _check_text(schema: Mapping[str, Any], value: str, where: str) -> dict[str, str]:
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return {where: schema.get("x-problem", "must not be empty")}
    if len(value) < schema.get("minLength", 0):
        return {where: "must not be empty"}
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return {where: f"must be at most {schema['maxLength']} characters"}
    fmt = FORMATS.get(schema.get("format", ""))
    problem = fmt(value) if fmt else None
    return {where: problem} if problem else {}
