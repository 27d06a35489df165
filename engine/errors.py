"""Errors the engine raises for callers to show: each names the problem in one line.

The message is English (the command line and logs show it). An error a person can meet
in the web pages also carries a `code` and the `params` its text is made of, so the web
can say the same in the reader's language (web/engine_messages.py holds the texts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class EngineError(Exception):
    """Base of the errors a user can cause; the message is meant for them."""

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class NotFound(EngineError):
    """A dossier, task, procedure or version that does not exist."""


class Conflict(EngineError):
    """Someone else changed the same dossier or task first; nothing was saved."""


class InvalidAction(EngineError):
    """The action does not fit the current state (a task already completed, not claimed...)."""


class InvalidData(EngineError):
    """Submitted data does not match the task's fields; `fields` maps field -> problem."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.fields.items()))


class ScriptFailed(EngineError):
    """A diagram script or expression failed or was refused by the sandbox."""
