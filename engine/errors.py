"""Errors the engine raises for callers to show: each names the problem in one line.

The message is English (the command line and logs show it). An error a person can meet
in the web pages also carries a `code` and the `params` its text is made of, so the web
can say the same in the reader's language (web/engine_messages.py holds the texts).
Field errors likewise carry a code per field (`FieldProblem`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class EngineError(Exception):
    """Base of the errors a user can cause; the message is meant for them."""

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class NotFound(EngineError):
    """A dossier, task, procedure or version that does not exist."""


class Hidden(NotFound):
    """A dossier or task that exists but is not the reader's to see. Its message, code
    and values are exactly an unknown one's, so answers cannot tell them apart; only
    the security log does (a refused permission)."""


class Conflict(EngineError):
    """Someone else changed the same dossier or task first; nothing was saved."""


class InvalidAction(EngineError):
    """The action does not fit the current state (a task already completed, not claimed...)."""


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one submitted field: a stable `code` (required, not_text,
    not_whole_number, not_number, not_boolean, not_date, not_datetime, not_a_choice,
    not_a_field, unknown_type, too_long, out_of_range, bad_characters), the English
    `message`, and the values it names."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


class InvalidData(EngineError):
    """Submitted data does not match the task's fields: `problems` maps each wrong field
    to its problem, `fields` to the problem's English message."""

    def __init__(self, problems: Mapping[str, FieldProblem]) -> None:
        self.problems = dict(problems)
        self.fields = {name: problem.message for name, problem in self.problems.items()}
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.fields.items()),
                         code="invalid_data")


class ScriptFailed(EngineError):
    """A diagram script or expression failed or was refused by the sandbox."""
