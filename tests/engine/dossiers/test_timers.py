"""Timers run on the engine clock, in working time, fired by tick."""

from __future__ import annotations

import pytest

from engine.dossiers import close, tick
from engine.queries import list_tasks, show_dossier
from engine.runtime import complete, start
from engine.storage import Dossier
from engine.vocabulary import FinishKind
from tests.conftest import DATA, deploy_files, savepoints, vn
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


@pytest.mark.parametrize("kind", [FinishKind.REFUSED, FinishKind.WITHDRAWN, FinishKind.STOPPED])
def test_a_closed_dossier_is_never_run_by_the_tick(session, runtime, shipped, kind):
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 15:00")).code
    complete(session, runtime, list_tasks(session)[0].id, user="clerk", data=RECEIVE,
             at=vn("2026-03-06 16:00"))
    dossier = session.query(Dossier).filter_by(code=code).one()
    assert dossier.next_timer_at == vn("2026-03-09 10:00")  # the escalation is pending
    close(session, runtime, code, kind, user="tiepnhan.phucloi", reason="Lý do đóng hồ sơ",
          at=vn("2026-03-06 16:30"))
    # Closing cancels the workflow and clears next_timer_at by itself. Put the timer back
    # on the row, as a stale row (an older process, a crash between writes) would carry
    # it: the tick must still leave a finished dossier alone.
    dossier.next_timer_at = vn("2026-03-09 10:00")
    session.flush()

    result = tick(savepoints(session), runtime, vn("2026-03-09 10:01"))
    assert (result.fired, result.failed) == ((), ())
    view = show_dossier(session, code)
    assert view.status == kind.value
    assert "timer_fired" not in [e.kind for e in view.events]
    assert [s.status for s in view.steps] == ["completed", "cancelled"]


@pytest.fixture
def timer_diagrams(session, runtime):
    deploy_files(session, runtime, DATA / "timer_boundary.bpmn", DATA / "timer_wait.bpmn")
    return runtime


def test_an_interrupting_timer_takes_the_step_away_and_escalates(session, timer_diagrams):
    runtime = timer_diagrams
    code = start(session, runtime, "timer_boundary", unit="PHUCLOI",
                 at=vn("2026-03-02 11:30")).code
    # working_deadline("PT1H") from Monday 11:30: half an hour before lunch, half after
    assert session.query(Dossier).filter_by(code=code).one().next_timer_at == \
        vn("2026-03-02 13:30")

    early = tick(savepoints(session), runtime, vn("2026-03-02 13:29"))
    assert early.fired == ()
    assert [(t.spec_id, t.status) for t in list_tasks(session)] == [("examine", "ready")]

    assert tick(savepoints(session), runtime, vn("2026-03-02 13:31")).fired == (code,)
    view = show_dossier(session, code)
    assert [(s.spec_id, s.department, s.status) for s in view.steps] == [
        ("examine", "civil_status", "cancelled"), ("escalate", "leadership", "ready")]
    escalation = view.steps[1]
    # its own PT4H from 13:31, in working time
    assert (escalation.ready_at, escalation.due_at) == (vn("2026-03-02 13:31"),
                                                         vn("2026-03-03 08:31"))
    cancelled = [e for e in view.events if e.kind == "task_cancelled"]
    assert [(e.at, e.detail["task"]) for e in cancelled] == [(vn("2026-03-02 13:31"), "examine")]
    assert [t.spec_id for t in list_tasks(session)] == ["escalate"]
    assert tick(savepoints(session), runtime, vn("2026-03-02 15:00")).fired == ()


def test_a_timer_catch_event_holds_the_dossier_until_it_is_due(session, timer_diagrams):
    runtime = timer_diagrams
    code = start(session, runtime, "timer_wait", unit="PHUCLOI",
                 at=vn("2026-03-06 14:00")).code
    complete(session, runtime, list_tasks(session)[0].id, user="clerk",
             at=vn("2026-03-06 15:00"))  # Friday: one working day later is Monday 15:00
    assert list_tasks(session) == []
    assert session.query(Dossier).filter_by(code=code).one().next_timer_at == \
        vn("2026-03-09 15:00")

    for before in ("2026-03-07 15:01", "2026-03-09 14:59"):  # Saturday: a clock day later
        assert tick(savepoints(session), runtime, vn(before)).fired == ()
        assert list_tasks(session) == []

    assert tick(savepoints(session), runtime, vn("2026-03-09 15:01")).fired == (code,)
    give_back = list_tasks(session)
    assert [(t.spec_id, t.ready_at, t.due_at) for t in give_back] == [
        ("give_back", vn("2026-03-09 15:01"), vn("2026-03-10 10:01"))]
    assert session.query(Dossier).filter_by(code=code).one().next_timer_at is None
