"""Two people or two server processes working on the same dossiers at once: one wins,
nothing is lost, nobody works on a stale workflow and no dossier code is given twice.

Uses real connections with real commits (not the rolled-back test session)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.dossiers import tick
from engine.errors import Conflict
from engine.queries import list_tasks
from engine.runtime import Runtime, complete, start
from engine.storage import Dossier, Event, Message, TaskRecord, make_sessionmaker
from tests.conftest import DATA, WORKFLOWS, deploy_files, vn
from tests.samples import RECEIVE


@pytest.fixture
def received(committed, clock):
    """A committed birth registration at its first step: (sessions, code, task id)."""
    sessions = make_sessionmaker(committed)
    with sessions.begin() as setup:
        runtime = Runtime(clock)
        deploy_files(setup, runtime, WORKFLOWS)
        code = start(setup, runtime, "birth_registration", unit="PHUCLOI",
                     at=vn("2026-03-06 09:00")).code
        return sessions, code, list_tasks(setup)[0].id


def test_two_completions_of_one_task_one_conflicts(received, clock):
    sessions, code, task_id = received

    first, second = sessions(), sessions()
    try:
        # the second clerk has the task and dossier open before the first one saves
        held = (second.get(TaskRecord, task_id),
                second.scalar(select(Dossier).where(Dossier.code == code)))
        assert held[0].status == "ready"
        with first.begin():
            complete(first, Runtime(clock), task_id, user="an", data=RECEIVE,
                     at=vn("2026-03-06 09:30"))
        with pytest.raises(Conflict, match="changed by someone else|busy writing another change"):
            complete(second, Runtime(clock), task_id, user="binh", data=RECEIVE,
                     at=vn("2026-03-06 09:31"))
        second.rollback()
    finally:
        first.close()
        second.close()

    with sessions.begin() as check:
        rows = check.scalars(select(TaskRecord).order_by(TaskRecord.ready_at)).all()
        assert [(r.spec_id, r.status, r.completed_by) for r in rows] == [
            ("receive_check", "completed", "an"), ("register_birth", "ready", None)]


def test_completing_from_stale_copies_is_refused_by_the_version_check(received, clock):
    """No lock is held between the two clerks (the stale clerk's transaction ended before
    the other one saved): only the dossier's version tells that the copy is stale."""
    sessions, code, task_id = received

    stale = sessions()  # keeps its objects after commit, as a long-lived worker would
    try:
        with stale.begin():  # held: the session's identity map keeps only weak references
            held = (stale.get(TaskRecord, task_id),
                    stale.scalar(select(Dossier).where(Dossier.code == code)))
            assert held[0].status == "ready"
        with sessions.begin() as other:
            complete(other, Runtime(clock), task_id, user="an", data=RECEIVE,
                     at=vn("2026-03-06 09:30"))
        with pytest.raises(Conflict) as refused, stale.begin():  # rolled back on the way out
            assert (held[0].status, held[1].version) == ("ready", 1)  # the old copies
            complete(stale, Runtime(clock), task_id, user="binh", data=RECEIVE,
                     at=vn("2026-03-06 09:31"))
        assert refused.value.code == "dossier_changed"
    finally:
        stale.close()

    with sessions.begin() as check:
        rows = check.scalars(select(TaskRecord).order_by(TaskRecord.ready_at)).all()
        assert [(r.spec_id, r.status, r.completed_by) for r in rows] == [
            ("receive_check", "completed", "an"), ("register_birth", "ready", None)]
        dossier = check.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier.version == 2
        completions = check.scalars(select(Event.actor).where(
            Event.dossier_id == dossier.id, Event.kind == "task_completed")).all()
        assert completions == ["an"]


# -- several processes on one database --------------------------------------------------
STEPS = [  # the birth registration's steps, with their data, in order
    ("receive_check", RECEIVE),
    ("register_birth", {"decision": "approve", "register_number": "15/2026"}),
    ("leader_sign", {"leader_decision": "approve"}),
]


def complete_next(sessions, runtime: Runtime, code: str, step: int) -> None:
    spec_id, data = STEPS[step]
    with sessions.begin() as s:
        task = [t for t in list_tasks(s, dossier=code) if t.status == "ready"]
        assert [t.spec_id for t in task] == [spec_id]
        complete(s, runtime, task[0].id, user="u", data=data,
                 at=vn(f"2026-03-09 {8 + step:02d}:00"))


def ready_steps(sessions, code: str) -> list[tuple[str, str]]:
    with sessions.begin() as s:
        dossier = s.scalar(select(Dossier).where(Dossier.code == code))
        rows = s.scalars(select(TaskRecord).where(TaskRecord.dossier_id == dossier.id)
                         .order_by(TaskRecord.ready_at)).all()
        return [(r.spec_id, r.status) for r in rows]


def test_two_servers_take_turns_on_one_dossier(committed, clock):
    """Each server process keeps the workflows it saved; the other server's steps must
    still be seen (as with two web workers behind one address)."""
    sessions = make_sessionmaker(committed)
    first, second = Runtime(clock), Runtime(clock)
    with sessions.begin() as setup:
        deploy_files(setup, first, WORKFLOWS)
        code = start(setup, first, "birth_registration", unit="PHUCLOI",
                     at=vn("2026-03-06 09:00")).code
    complete_next(sessions, first, code, 0)
    complete_next(sessions, second, code, 1)
    complete_next(sessions, first, code, 2)  # `first` last saved the dossier two steps ago
    assert ready_steps(sessions, code) == [
        ("receive_check", "completed"), ("register_birth", "completed"),
        ("leader_sign", "completed"), ("return_result", "ready")]


def test_a_rolled_back_completion_leaves_no_trace_in_the_next_one(committed, clock):
    sessions = make_sessionmaker(committed)
    runtime = Runtime(clock)
    with sessions.begin() as setup:
        deploy_files(setup, runtime, WORKFLOWS)
        code = start(setup, runtime, "birth_registration", unit="PHUCLOI",
                     at=vn("2026-03-06 09:00")).code
    with sessions() as abandoned:  # completed, then the request failed: rolled back
        task = list_tasks(abandoned, dossier=code)[0]
        complete(abandoned, runtime, task.id, user="u", data=RECEIVE, at=vn("2026-03-06 09:30"))
        abandoned.rollback()
    assert ready_steps(sessions, code) == [("receive_check", "ready")]
    complete_next(sessions, runtime, code, 0)
    assert ready_steps(sessions, code) == [
        ("receive_check", "completed"), ("register_birth", "ready")]


@pytest.mark.parametrize("earlier", [0, 1], ids=["first of the day", "later in the day"])
def test_two_desks_receiving_at_once_never_share_a_code(committed, clock, earlier):
    """The slow desk's transaction has read when the quick desk saves its dossier. On
    PostgreSQL the slow desk simply gets the next number; on SQLite (a deferred BEGIN)
    it is refused and its second try gets it. Never the same code."""
    sessions = make_sessionmaker(committed)
    runtime = Runtime(clock)
    day = vn("2026-03-06 09:00")
    with sessions.begin() as setup:
        deploy_files(setup, runtime, WORKFLOWS)
        for _ in range(earlier):
            start(setup, runtime, "birth_registration", unit="PHUCLOI", at=day)
    slow = sessions()
    try:
        slow.execute(select(Dossier.id)).all()  # the slow desk's transaction has read
        with sessions.begin() as quick:
            taken = start(quick, runtime, "birth_registration", unit="PHUCLOI", at=day).code
        assert taken.endswith(f"-{earlier + 1:04d}")
        if committed.dialect.name == "postgresql":
            code = start(slow, runtime, "birth_registration", unit="PHUCLOI", at=day).code
            slow.commit()
        else:
            with pytest.raises(Conflict, match="same moment|busy writing another change"):
                start(slow, runtime, "birth_registration", unit="PHUCLOI", at=day)
            slow.rollback()
            with sessions.begin() as again:  # trying again gives the next code
                code = start(again, runtime, "birth_registration", unit="PHUCLOI",
                             at=day).code
    finally:
        slow.close()
    assert code.endswith(f"-{earlier + 2:04d}")


def test_an_answer_to_a_dossier_being_changed_waits_for_the_worker(committed, clock):
    """The police save their step while someone else changes the ward's dossier: the
    police step is saved, its answer stays in the outbox, and the worker delivers it."""
    sessions = make_sessionmaker(committed)
    with sessions.begin() as setup:
        deploy_files(setup, Runtime(clock), DATA / "ward_request.bpmn",
                     DATA / "police_residence.bpmn")
        ward = start(setup, Runtime(clock), "ward_request", unit="PHUCLOI",
                     at=vn("2026-03-06 09:00")).code
        complete(setup, Runtime(clock), list_tasks(setup, department="reception")[0].id,
                 user="clerk", data={"address": "Số 1"}, at=vn("2026-03-06 10:00"))
        police_task = list_tasks(setup, department="police")[0].id

    police = sessions()
    try:
        with police.begin():  # the police's copy of the ward's dossier, from before
            held = police.scalar(select(Dossier).where(Dossier.code == ward))
            version = held.version
        with sessions.begin() as other:  # someone else changes the ward's dossier
            other.execute(update(Dossier).where(Dossier.code == ward)
                          .values(version=Dossier.version + 1))
        with police.begin():
            assert held.version == version  # still the copy from before
            complete(police, Runtime(clock), police_task, user="police",
                     data={"residence_number": "CT-1"}, at=vn("2026-03-09 10:00"))
    finally:
        police.close()

    with sessions.begin() as check:
        answer = check.scalar(select(Message).where(Message.name == "residence_result"))
        assert answer.status == "pending"
        assert list_tasks(check, department="police") == []  # the police step was saved
    result = tick(sessions.begin, Runtime(clock), vn("2026-03-09 10:01"))
    assert result.messages_delivered == 1 and result.failed == ()
    with sessions.begin() as check:
        assert [(t.dossier_code, t.name) for t in list_tasks(check, department="reception")
                ] == [(ward, "Trả kết quả")]
