"""Read models of tasks: inboxes soonest due first, a task by a short id, a task's form."""

from __future__ import annotations

import pytest

from engine.errors import NotFound
from engine.queries import get_task, list_tasks, ready_task_ids, resolve_task_id
from engine.runtime import complete, start
from tests.conftest import vn
from tests.samples import RECEIVE


def test_inbox_is_soonest_due_first_and_filtered(session, runtime, shipped):
    late = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-02 10:00")).code
    early = start(session, runtime, "birth_registration", unit="PHUCLOI",
                  at=vn("2026-03-02 09:00")).code
    other = start(session, runtime, "birth_registration", unit="VIETHUNG",
                  at=vn("2026-03-02 08:30")).code
    assert [t.dossier_code for t in list_tasks(session, unit="PHUCLOI")] == [early, late]
    assert [t.dossier_code for t in list_tasks(session)] == [other, early, late]
    assert list_tasks(session, department="civil_status") == []
    assert [t.dossier_code for t in list_tasks(session, dossier=late)] == [late]
    (task,) = list_tasks(session, dossier=early)
    assert ready_task_ids(session, early) == [task.id]
    complete(session, runtime, task.id, user="clerk", data=RECEIVE, at=vn("2026-03-02 09:30"))
    done = list_tasks(session, status="completed")
    assert [(t.dossier_code, t.completed_by) for t in done] == [(early, "clerk")]


def test_a_task_is_found_by_a_unique_prefix_of_its_id(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-02 09:00")).code
    (task,) = list_tasks(session, dossier=code)
    assert resolve_task_id(session, task.id[:8].upper()) == task.id
    with pytest.raises(NotFound, match="at least 6 characters") as short:
        resolve_task_id(session, task.id[:3])
    assert short.value.code == "task_id_too_short"
    with pytest.raises(NotFound, match="does not exist"):
        resolve_task_id(session, "ffffffff")


def test_a_task_carries_its_form(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-02 09:00")).code
    (listed,) = list_tasks(session, dossier=code)
    task = get_task(session, runtime.specs, listed.id)
    assert {f.name for f in task.fields} >= set(RECEIVE)
    assert next(f for f in task.fields if f.name == "child_name").required
    with pytest.raises(NotFound, match="task nope does not exist"):
        get_task(session, runtime.specs, "nope")
