"""The tick's pieces claim their work first: a timer, a wait or a flag that another
worker (or a clerk) dealt with after the due list was read is left alone, and a flag
set at the same moment as a clerk's step does not refuse that step."""

from __future__ import annotations

from sqlalchemy import select

from engine.dossiers import (
    at_risk_dossiers,
    due_dossiers,
    expire_supplement,
    fire_timers,
    flag_at_risk,
    overdue_supplements,
    request_supplement,
    supply,
    tick,
)
from engine.queries import list_tasks, show_dossier
from engine.runtime import Runtime, complete, start
from engine.storage import Dossier, TaskRecord, make_sessionmaker
from tests.conftest import WORKFLOWS, deploy_files, savepoints, vn
from tests.engine.dossiers.helpers import receive
from tests.samples import RECEIVE

DUE = vn("2026-03-09 10:01")  # the escalation below is due at 10:00


def escalating(session, runtime):
    """A birth registration whose escalation timer waits for Monday 10:00."""
    code = start(session, runtime, "birth_registration", unit="PHUCLOI",
                 at=vn("2026-03-06 15:00")).code
    complete(session, runtime, list_tasks(session)[0].id, user="clerk", data=RECEIVE,
             at=vn("2026-03-06 16:00"))
    return code


def kinds(session, code):
    return [event.kind for event in show_dossier(session, code).events]


def test_a_timer_another_worker_fired_is_not_fired_again(session, runtime, shipped):
    code = escalating(session, runtime)
    due = due_dossiers(session, DUE)  # two workers read the due set at once
    assert [c for _, c in due] == [code]
    assert tick(savepoints(session), runtime, DUE).fired == (code,)  # the first one
    with session.begin_nested():  # the second one, late
        assert fire_timers(session, runtime, due[0][0], DUE) is False
    assert kinds(session, code).count("timer_fired") == 1


def test_a_timer_a_completion_cancelled_is_not_reported_fired(session, runtime, shipped):
    code = escalating(session, runtime)
    due = due_dossiers(session, DUE)
    complete(session, runtime, list_tasks(session)[0].id, user="officer",
             data={"decision": "approve"}, at=DUE)  # the officer is quicker than the worker
    with session.begin_nested():
        assert fire_timers(session, runtime, due[0][0], DUE) is False
    assert "timer_fired" not in kinds(session, code)


def test_a_timer_that_does_not_fire_is_not_reported_fired(session, runtime, shipped):
    """A row claiming an earlier deadline than its workflow's (as an older process could
    have left it): the tick runs the workflow, nothing fires, and no event says it did."""
    code = escalating(session, runtime)
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    dossier.next_timer_at = vn("2026-03-09 09:00")
    session.flush()
    assert tick(savepoints(session), runtime, vn("2026-03-09 09:30")).fired == ()
    assert "timer_fired" not in kinds(session, code)
    assert dossier.next_timer_at == vn("2026-03-09 10:00")  # the workflow's own, put back


def test_a_wait_supplied_after_the_due_list_was_read_is_not_refused(session, simple):
    code = receive(simple, session).code
    request_supplement(session, simple, code, user="u", items=["x"], reason="thiếu",
                       at=vn("2026-03-02 10:00"))
    late = vn("2026-03-11 10:01")  # seven working days have passed
    overdue = overdue_supplements(session, late)
    assert [c for _, c in overdue] == [code]
    supply(session, simple, code, user="u", at=late)  # the citizen came at the last minute
    with session.begin_nested():
        assert expire_supplement(session, simple, overdue[0][0], late) is False
    assert show_dossier(session, code).status == "running"


def test_a_dossier_another_worker_flagged_is_not_flagged_again(session, runtime, shipped):
    code = escalating(session, runtime)
    late = vn("2026-03-20 09:00")
    risky = at_risk_dossiers(session, runtime, late)
    assert [r.code for r in risky] == [code]
    assert tick(savepoints(session), runtime, late).at_risk == (code,)
    with session.begin_nested():
        assert flag_at_risk(session, risky[0].dossier_id, late, risky[0].hours_left) is False
    assert kinds(session, code).count("at_risk") == 1


def test_a_dossier_waiting_for_a_supplement_since_the_list_was_read_is_not_flagged(
        session, simple):
    code = receive(simple, session).code
    late = vn("2026-03-05 09:00")  # its appointment has passed
    risky = at_risk_dossiers(session, simple, late)
    assert [r.code for r in risky] == [code]
    request_supplement(session, simple, code, user="u", items=["x"], reason="thiếu", at=late)
    with session.begin_nested():
        assert flag_at_risk(session, risky[0].dossier_id, late, risky[0].hours_left) is False
    assert "at_risk" not in kinds(session, code)


def test_flagging_at_risk_does_not_refuse_a_clerk_working_on_the_dossier(committed, clock):
    """The clerk opened the task before the worker flagged the dossier and saves after:
    the flag leaves the dossier's version alone, so the clerk's step is saved."""
    sessions = make_sessionmaker(committed)
    with sessions.begin() as setup:
        deploy_files(setup, Runtime(clock), WORKFLOWS)
        code = start(setup, Runtime(clock), "birth_registration", unit="PHUCLOI",
                     at=vn("2026-03-06 09:00")).code
        task_id = list_tasks(setup)[0].id
    clerk = sessions()
    try:
        with clerk.begin():
            held = (clerk.get(TaskRecord, task_id),
                    clerk.scalar(select(Dossier).where(Dossier.code == code)))
        assert tick(sessions.begin, Runtime(clock), vn("2026-03-20 09:00")).at_risk == (code,)
        with clerk.begin():
            assert held[1].at_risk_at is None  # the clerk's copy is from before the flag
            complete(clerk, Runtime(clock), task_id, user="clerk", data=RECEIVE,
                     at=vn("2026-03-20 09:05"))
    finally:
        clerk.close()
    with sessions.begin() as check:
        dossier = check.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier.at_risk_at == vn("2026-03-20 09:00")
        assert [t.spec_id for t in list_tasks(check)] == ["register_birth"]
