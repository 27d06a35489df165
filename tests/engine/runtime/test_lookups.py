"""Finding a task's row with its dossier's: read once per transaction."""

from __future__ import annotations

from sqlalchemy import event

from engine.runtime import start, task_and_dossier
from tests.conftest import vn
from tests.engine.runtime.helpers import ready_task


def test_a_task_read_twice_in_one_transaction_is_asked_for_once(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI", actor="clerk",
                 at=vn("2026-03-06 10:00")).code
    task_id = ready_task(session, code).id
    session.commit()
    asked: list[str] = []
    bind = session.connection()

    @event.listens_for(bind, "before_cursor_execute")
    def _ask(_conn, _cursor, statement, *_args) -> None:
        if "FROM task_record" in statement:  # not the savepoints of the test's session
            asked.append(statement)

    first = task_and_dossier(session, task_id)
    assert first is not None and first[1].code == code
    assert task_and_dossier(session, task_id) == first and len(asked) == 1
    assert task_and_dossier(session, "no-such-task") is None and len(asked) == 2
    # another transaction asks the database again
    session.commit()
    assert task_and_dossier(session, task_id) == first and len(asked) == 3
    event.remove(bind, "before_cursor_execute", _ask)
