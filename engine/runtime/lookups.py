"""Finding a dossier's row by its code, and a task's row with its dossier's, for the
engine's own commands and read models."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.errors import Hidden, NotFound
from engine.storage import Dossier, TaskRecord

# A task and its dossier in one query, built once (every completion runs it).
_TASK_AND_DOSSIER = select(TaskRecord, Dossier).join(
    Dossier, Dossier.id == TaskRecord.dossier_id).where(TaskRecord.id == bindparam("task_id"))


# session.info: the last (task id, its row, its dossier's row, the transaction that read them)
_LAST_TASK = "engine.runtime.last_task"


def dossier_row(session: Session, code: str, units: Collection[str] | None = None) -> Dossier:
    """The dossier's row (NotFound if there is none). With `units`, a dossier of another
    unit is NotFound too, exactly as an unknown code: who may not see it does not learn
    that it exists. Engine parts only: the web and the command line get frozen views
    (queries.show_dossier)."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None or (units is not None and dossier.unit not in units):
        unknown = NotFound if dossier is None else Hidden
        raise unknown(f"dossier {code} does not exist", code="dossier_not_found",
                      dossier=code)
    return dossier


def task_and_dossier(session: Session, task_id: str) -> tuple[TaskRecord, Dossier] | None:
    """The task's row and its dossier's, in one query; None if there is no such task.

    A request reads the task to check it, then the command reads it again: within the
    same transaction the second read takes the rows from the session (`session.get`).
    Asking the database again would give back the same objects with their loaded values
    unchanged, so this saves only the query. The session keeps the last pair in
    `session.info`, with the transaction that read it: its identity map alone holds
    unmodified rows weakly, and they are gone by the second read."""
    kept = session.info.get(_LAST_TASK)
    if (kept is not None and kept[0] == task_id and kept[3] is session.get_transaction()
            and kept[1] in session):
        task = session.get(TaskRecord, task_id)
        dossier = session.get(Dossier, kept[2].id) if task is not None else None
        if task is kept[1] and dossier is kept[2]:
            return task, dossier
    found = session.execute(_TASK_AND_DOSSIER, {"task_id": task_id}).first()
    if found is None:
        return None
    session.info[_LAST_TASK] = (task_id, found[0], found[1], session.get_transaction())
    return found[0], found[1]
