"""Timers run on the engine clock, in working time, fired by tick."""

from __future__ import annotations

from engine.dossiers import tick
from engine.queries import list_tasks, show_dossier
from engine.runtime import complete, start
from engine.storage import Dossier
from tests.conftest import savepoints, vn
from tests.samples import RECEIVE


def test_escalation_timer_fires_in_working_time_and_keeps_the_task(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 15:00")).code
    complete(session, runtime, list_tasks(session)[0].id, user="clerk", data=RECEIVE,
             at=vn("2026-03-06 16:00"))
    dossier = session.query(Dossier).filter_by(code=code).one()
    # working_deadline("PT3H") from Friday 16:00: 1 h Friday + 2 h Monday morning
    assert dossier.next_timer_at == vn("2026-03-09 10:00")

    assert tick(savepoints(session), runtime, vn("2026-03-07 12:00")).fired == ()  # Saturday
    fired = tick(savepoints(session), runtime, vn("2026-03-09 10:01"))
    assert fired.fired == (code,)
    assert dossier.next_timer_at is None
    assert [e.kind for e in show_dossier(session, code).events][-1] == "timer_fired"
    # non-interrupting: the officer's task is still there
    assert [t.spec_id for t in list_tasks(session)] == ["register_birth"]
    assert tick(savepoints(session), runtime, vn("2026-03-09 11:00")).fired == ()


def test_completing_the_task_cancels_its_timer(session, runtime, shipped):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 09:00")).code
    complete(session, runtime, list_tasks(session)[0].id, user="clerk", data=RECEIVE,
             at=vn("2026-03-06 09:10"))
    complete(session, runtime, list_tasks(session)[0].id, user="officer",
             data={"decision": "approve"}, at=vn("2026-03-06 10:00"))
    assert session.query(Dossier).filter_by(code=code).one().next_timer_at is None
    assert tick(savepoints(session), runtime, vn("2026-03-09 12:00")).fired == ()
