"""What a checked diagram is: its description (processes, messages, user tasks with
their departments, SLAs, fields, milestones and the data their pages show) and that
description as JSON, as stored with each deployed version."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.vocabulary import Milestone

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

FIELD_TYPES = ("string", "text", "integer", "number", "boolean", "date", "datetime", "choice",
               "unit")
SHOWN_TYPES = FIELD_TYPES[:-2]  # a shown value has no list of choices and names no agency
# The kinds of unit a procedure is received at (a catalog entry's `level`, a diagram's
# `level` property) and a `type=unit` field may name.
LEVELS = ("ward", "police", "social_insurance", "district", "city")
# `request.child_name`: a variable, or an item of a mapping variable (a message's payload).
_DATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,4}")


@dataclass(frozen=True)
class FieldSpec:
    """One input a user task asks for, declared as a `field:<name>` property."""

    name: str
    type: str
    required: bool
    label: str
    choices: tuple[str, ...] = ()
    # type=unit: the kind of unit it names (`kind=police`); left blank, it takes the
    # agency the dossier's unit is configured with (engine.org.default_agency).
    unit_kind: str = ""


@dataclass(frozen=True)
class ShownSpec:
    """A value of the dossier's data a task page shows read-only, declared as a
    `show:<name>` property: `name` is a variable, or with dots an item of a mapping
    variable (`request.child_name`: the child's name in the payload of the message
    that started the dossier); `type` says how to write it (a date as dd/mm/yyyy)."""

    name: str
    label: str
    type: str = "string"


@dataclass(frozen=True)
class UserTaskInfo:
    """A user task: who works it (department code) and in how much working time (sla).

    `process_id` is the id SpiffWorkflow names the task's workflow spec by: the
    bpmn:process, or the embedded subprocess the task sits in. `lane` is the
    lane name, as in task_spec.lane. `shown` are the task's own `show:` declarations
    (those of the processes it runs in are in DefinitionInfo.shown).
    """

    id: str
    name: str
    process_id: str
    lane: str | None
    department: str | None
    sla: str | None
    fields: tuple[FieldSpec, ...]
    milestone: str | None = None
    shown: tuple[ShownSpec, ...] = ()


MILESTONES = tuple(m.value for m in Milestone)


@dataclass(frozen=True)
class DefinitionInfo:
    """What one checked .bpmn file defines, uses and offers to other files."""

    key: str
    name: str
    process_ids: tuple[str, ...]
    called_elements: tuple[str, ...]
    messages_thrown: tuple[str, ...]
    messages_caught: tuple[str, ...]
    start_messages: tuple[str, ...]
    # A plain dict (asdict/JSON round-trip as is), typed read-only, left out of the hash.
    properties: Mapping[str, str] = field(hash=False)
    user_tasks: tuple[UserTaskInfo, ...]
    # Process id -> its `show:` declarations (shown on every user task running inside
    # it, called processes included); only processes that declare some.
    shown: Mapping[str, tuple[ShownSpec, ...]] = field(default_factory=dict, hash=False)


def _settings(spec: str, known: tuple[str, ...]) -> dict[str, str | None]:
    """`a=1; b; c=x` -> {"a": "1", "b": None, "c": "x"}; ValueError naming a setting that
    is unnamed, not in `known` or given twice."""
    settings: dict[str, str | None] = {}
    for part in spec.split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not key:
            if sep:
                raise ValueError(f"'{part.strip()}' has no setting name")
            continue
        if key not in known:
            raise ValueError(f"unknown setting '{key}' (use {', '.join(known)})")
        if key in settings:
            raise ValueError(f"'{key}' is given twice")
        settings[key] = value.strip() if sep else None
    return settings


def parse_field(name: str, spec: str) -> FieldSpec:
    """Read `type=date; required; label=Ngày sinh; choices=a|b|c` or
    `type=unit; kind=police` (ValueError if bad)."""
    if not _FIELD_NAME.fullmatch(name):
        raise ValueError("a field name uses letters, digits and _ and does not start with a digit")
    settings = _settings(spec, ("type", "required", "label", "choices", "kind", "default"))
    kind = settings.get("type") or "string"
    if kind not in FIELD_TYPES:
        raise ValueError(f"unknown type '{kind}' (use {', '.join(FIELD_TYPES)})")
    required_text = settings.get("required", "false" if "required" not in settings else None)
    if required_text is None:
        required = True
    elif required_text.lower() in ("true", "false"):
        required = required_text.lower() == "true"
    else:
        raise ValueError(f"required is a flag; write 'required' (got 'required={required_text}')")
    label = settings.get("label")
    if "label" in settings and not label:
        raise ValueError("label is empty")
    choices: tuple[str, ...] = ()
    if "choices" in settings:
        if kind != "choice":
            raise ValueError("choices are only for type=choice")
        choices = tuple(c.strip() for c in (settings["choices"] or "").split("|"))
        if not all(choices):
            raise ValueError("choices has an empty item (separate choices with |)")
        if len(set(choices)) != len(choices):
            raise ValueError("choices has a duplicate item")
    elif kind == "choice":
        raise ValueError("type=choice needs choices=a|b|c")
    return FieldSpec(name=name, type=kind, required=required, label=label or name,
                     choices=choices, unit_kind=_unit_kind(kind, settings))


def _unit_kind(kind: str, settings: Mapping[str, str | None]) -> str:
    """The `kind` of a type=unit field (ValueError if bad). A diagram names no unit: a
    `default=` is refused, the default agency is the unit's configuration."""
    if "default" in settings:
        raise ValueError("default= names a unit; nothing in a diagram does: the agency a "
                         "blank type=unit field takes is configured for each commune "
                         "(docs/units.md)")
    if kind != "unit":
        if "kind" in settings:
            raise ValueError("kind is only for type=unit")
        return ""
    unit_kind = settings.get("kind") or ""
    if unit_kind not in LEVELS:
        raise ValueError(f"type=unit needs kind= one of {', '.join(LEVELS)}")
    return unit_kind


def parse_shown(name: str, spec: str) -> ShownSpec:
    """Read `type=date; label=Ngày sinh` of a `show:<name>` property (ValueError if bad)."""
    if not _DATA_NAME.fullmatch(name):
        raise ValueError("a shown name is a variable or variable.item (up to 5 parts), each "
                         "of letters, digits and _ and not starting with a digit")
    settings = _settings(spec, ("type", "label"))
    kind = settings.get("type") or "string"
    if kind not in SHOWN_TYPES:
        raise ValueError(f"unknown type '{kind}' (use {', '.join(SHOWN_TYPES)})")
    label = settings.get("label")
    if not label:
        raise ValueError("needs a label (what the officer reads)")
    return ShownSpec(name=name, label=label, type=kind)


def info_to_json(info: DefinitionInfo) -> dict[str, Any]:
    return asdict(info) | {"properties": dict(info.properties)}


def _shown(items: list[dict[str, Any]]) -> tuple[ShownSpec, ...]:
    return tuple(ShownSpec(**s) for s in items)


def _field(data: dict[str, Any]) -> FieldSpec:
    return FieldSpec(**({k: v for k, v in data.items() if k != "default"}
                        | {"choices": tuple(data["choices"])}))


def info_from_json(data: dict[str, Any]) -> DefinitionInfo:
    """The description back from JSON; descriptions stored before a setting existed
    (`shown`) read with its default, and a type=unit field's `default`, which diagrams
    no longer give (the unit's configuration does), is dropped."""
    tasks = tuple(
        UserTaskInfo(**(t | {"fields": tuple(_field(f) for f in t["fields"]),
                             "shown": _shown(t.get("shown", []))}))
        for t in data["user_tasks"]
    )
    tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list) and k != "user_tasks"}
    shown = {pid: _shown(items) for pid, items in data.get("shown", {}).items()}
    return DefinitionInfo(**(data | tuples | {"user_tasks": tasks, "shown": shown}))
