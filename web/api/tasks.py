"""The API's task routes: a user's tasks, one task with its form, claim, unclaim and
complete. Registered on the API's blueprint; the permissions are the pages'."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, request

from engine.errors import InvalidData
from engine.queries import list_tasks, show_dossier
from engine.runtime import claim, complete, unclaim
from engine.vocabulary import TaskStatus
from web.api.base import (
    allow,
    body,
    bp,
    fail,
    me,
    query,
    reply,
    save,
    send,
    timezone,
    visible_task,
    workable_task,
)
from web.api.shapes import to_json
from web.db import db, services
from web.inputs import CompleteTaskInput, TasksQuery


@bp.get("/tasks", endpoint="list_tasks")
def tasks_view() -> Response:
    values, user = query(TasksQuery), me()
    department = values.department
    if department is not None:
        allow(department in user.departments,
              f"{user.username} does not work in department {department}")
    state = values.state
    status = TaskStatus.COMPLETED if state == "completed" else TaskStatus.READY
    found = [task for dept in ([department] if department else user.departments)
             for task in list_tasks(db(), department=dept, unit=user.unit_code, status=status)]
    if state == "mine":
        found = [t for t in found if t.claimed_by == user.username]
    if state == "completed":  # the latest first
        found.sort(key=lambda t: t.completed_at or t.ready_at, reverse=True)
    else:  # soonest due first, across the user's departments
        found.sort(key=lambda t: (t.due_at is None, t.due_at or t.ready_at, t.ready_at))
    return reply(found[:values.limit])


@bp.get("/tasks/<task_id>", endpoint="get_task")
def task_view(task_id: str) -> Response:
    task = visible_task(task_id)
    result: dict[str, Any] = to_json(task, timezone())
    result["fields"] = to_json(task.fields, timezone())
    result["shown"] = to_json(task.shown, timezone())
    return send(result)


@bp.post("/tasks/<task_id>/claim", endpoint="claim")
@bp.post("/tasks/<task_id>/unclaim", endpoint="unclaim")
def claim_view(task_id: str) -> Response:
    """Claim the task, or give it back: the same checks, the task as it is after."""
    workable_task(task_id)
    action = claim if request.endpoint == "api.claim" else unclaim
    action(db(), services().runtime, task_id, user=me().username)
    response = reply(visible_task(task_id))
    save()
    return response


@bp.post("/tasks/<task_id>/complete", endpoint="complete")
def complete_view(task_id: str) -> Response:
    """The task as it is after, with its form's fields, and the whole dossier: the task is
    read once before and the dossier once after (its steps hold the task's new state)."""
    before = workable_task(task_id)
    data = body(CompleteTaskInput).data
    try:
        complete(db(), services().runtime, task_id, user=me().username, data=data)
    except InvalidData as exc:
        fail(422, "the task's data was refused; nothing was saved",
             {f"data.{name}": problem for name, problem in exc.fields.items()})
    dossier = show_dossier(db(), before.dossier_code)
    after = next(step for step in dossier.steps if step.id == task_id)
    # a step of the dossier is the task without its form; a done task shows no data
    task = replace(after, fields=before.fields, shown=())
    response = reply({"task": task, "dossier": dossier})
    save()
    return response
