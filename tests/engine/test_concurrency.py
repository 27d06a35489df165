"""Two people completing steps of one dossier at once: one wins, nothing is lost.

Uses two real connections with real commits (not the rolled-back test session)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Conflict, Runtime, list_tasks, make_sessionmaker
from engine.models import Dossier, TaskRecord
from tests.conftest import WORKFLOWS, deploy_files, vn

RECEIVE = {"child_name": "Bé Na", "birth_date": "2026-03-01", "documents_complete": True}


def test_two_completions_of_one_task_one_conflicts(committed, clock):
    sessions = make_sessionmaker(committed)
    with sessions.begin() as setup:
        runtime = Runtime(clock)
        deploy_files(setup, runtime, WORKFLOWS)
        code = runtime.start(setup, "birth_registration", unit="PHUCLOI",
                             at=vn("2026-03-06 09:00")).code
        task_id = list_tasks(setup)[0].id

    first, second = sessions(), sessions()
    try:
        # the second clerk has the task and dossier open before the first one saves
        held = (second.get(TaskRecord, task_id),
                second.scalar(select(Dossier).where(Dossier.code == code)))
        assert held[0].status == "ready"
        with first.begin():
            Runtime(clock).complete(first, task_id, user="an", data=RECEIVE,
                                    at=vn("2026-03-06 09:30"))
        with pytest.raises(Conflict, match="changed by someone else|being changed"):
            Runtime(clock).complete(second, task_id, user="binh", data=RECEIVE,
                                    at=vn("2026-03-06 09:31"))
        second.rollback()
    finally:
        first.close()
        second.close()

    with sessions.begin() as check:
        rows = check.scalars(select(TaskRecord).order_by(TaskRecord.ready_at)).all()
        assert [(r.spec_id, r.status, r.completed_by) for r in rows] == [
            ("receive_check", "completed", "an"), ("register_birth", "ready", None)]
