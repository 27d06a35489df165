"""Who may see and do what: by unit, departments and roles. A refusal is a 403 page."""

from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext as _

from engine.org import UserView, answers_for, descendants
from engine.vocabulary import SecurityEventKind
from web.db import db
from web.security import note


def visible_units(user: UserView) -> list[str]:
    """The user's unit and every unit below it (a ward sees its police post's dossiers);
    read once per request and user."""
    known: dict[str, list[str]] = g.setdefault("visible_units", {})
    if user.unit_code not in known:
        known[user.unit_code] = descendants(db(), user.unit_code)
    return list(known[user.unit_code])


def can_view_dossier(user: UserView, unit: str) -> bool:
    return unit in visible_units(user)


def working_units(user: UserView) -> list[str]:
    """The user's unit and the units it carried over in a reorganisation (their steps
    still running are its people's work); read once per request and user."""
    known: dict[str, list[str]] = g.setdefault("working_units", {})
    if user.unit_code not in known:
        known[user.unit_code] = answers_for(db(), user.unit_code)
    return list(known[user.unit_code])


def can_work(user: UserView, department: str, unit: str) -> bool:
    """Claim, complete or hand back a task: the task's department is one of the user's,
    in the user's own unit (or one it carried over)."""
    return department in user.departments and (
        unit == user.unit_code or unit in working_units(user))


def can_receive(user: UserView) -> bool:
    return "reception" in user.roles


def can_sign(user: UserView) -> bool:
    return "leader" in user.roles


def can_supervise(user: UserView) -> bool:
    return bool({"supervisor", "leader", "admin"} & set(user.roles))


def require(allowed: bool, message: str | None = None) -> None:
    """Stop with 403 and a clear reason when the action is not allowed (recorded as a
    security event)."""
    if not allowed:
        refused(request.path)
        abort(403, message or _("Bạn không có quyền thực hiện thao tác này."))


def is_admin(user: UserView) -> bool:
    return "admin" in user.roles


def refused(what: str) -> None:
    """Record a permission refusal (a 403, or the 404 that stands for one) for the
    administrators' security events; the request's own transaction is rolled back."""
    note(SecurityEventKind.PERMISSION_REFUSED, detail=f"{request.method} {what}"[:300])
