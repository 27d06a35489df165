"""Workload: open steps per department and person, oldest first; figures per person and
week; a step given to a colleague by a leader or supervisor, in the dossier's log."""

from __future__ import annotations

import pytest

from engine.dossiers import reassign, workload_of
from engine.errors import InvalidAction
from engine.org import add_user
from engine.queries import list_tasks, show_dossier
from engine.runtime import claim
from tests.conftest import vn
from tests.engine.dossiers.helpers import receive, work


@pytest.fixture
def colleague(session, simple):
    add_user(session, username="hotich2.phucloi", full_name="Lê Văn B", unit="PHUCLOI",
             roles=["staff"], departments=["civil_status"], password="test-password-2")
    return "hotich2.phucloi"


def examination(session, simple):
    code = receive(simple, session).code
    work(simple, session, code, "2026-03-02 10:00", user="tiepnhan.phucloi")
    task = list_tasks(session, dossier=code)[0]
    claim(session, simple, task.id, user="hotich.phucloi", at=vn("2026-03-02 10:30"))
    return code, task


def test_a_supervisor_gives_a_claimed_step_to_a_colleague(session, simple, colleague):
    code, task = examination(session, simple)
    reassign(session, simple, task.id, by="giamsat.phucloi", to=colleague,
             at=vn("2026-03-02 11:00"))
    assert list_tasks(session, dossier=code)[0].claimed_by == colleague
    event = [e for e in show_dossier(session, code).events if e.kind == "task_reassigned"]
    assert [(e.actor, e.detail) for e in event] == [("giamsat.phucloi", {
        "task": "examine", "previous": "hotich.phucloi", "to": colleague})]


def test_clear_refusals(session, simple, colleague):
    code, task = examination(session, simple)
    with pytest.raises(InvalidAction, match="does not work civil_status") as refused:
        reassign(session, simple, task.id, by="lanhdao.phucloi", to="diachinh.phucloi")
    assert refused.value.code == "not_a_colleague"
    with pytest.raises(InvalidAction, match="does not work civil_status"):
        reassign(session, simple, task.id, by="lanhdao.phucloi", to="hotich.viethung")
    with pytest.raises(InvalidAction, match="does not lead or supervise"):
        reassign(session, simple, task.id, by="hotich.phucloi", to=colleague)
    with pytest.raises(InvalidAction, match="does not lead or supervise"):
        reassign(session, simple, task.id, by="lanhdao.viethung", to=colleague)
    work(simple, session, code, "2026-03-02 14:00", {"decision": "approve"},
         user="hotich.phucloi")
    with pytest.raises(InvalidAction, match="only an open step") as done:
        reassign(session, simple, task.id, by="lanhdao.phucloi", to=colleague)
    assert done.value.code == "task_not_open"
    assert list_tasks(session, dossier=code)[0].name == "Ký duyệt"


def test_open_steps_and_weekly_figures(session, simple):
    first, _ = examination(session, simple)
    second = receive(simple, session, at="2026-03-02 09:30").code
    load = workload_of(session, simple, ["PHUCLOI"], vn("2026-03-02 15:00"))
    assert [(t.dossier_code, t.department, t.holder) for t in load.tasks] == [
        (second, "reception", None), (first, "civil_status", "hotich.phucloi")]
    assert [(x.department, x.count) for x in load.by_department] == [
        ("reception", 1), ("civil_status", 1)]
    assert [(x.holder, x.count) for x in load.by_person] == [(None, 1), ("hotich.phucloi", 1)]
    # the reception step of the first dossier: ready 09:00, completed 10:00 (never claimed)
    assert [(w.person, w.week, w.completed, w.average_hours) for w in load.weeks] == [
        ("tiepnhan.phucloi", "2026-W10", 1, 1.0)]
    with pytest.raises(InvalidAction):
        workload_of(session, simple, ["PHUCLOI"], vn("2026-03-02 15:00"), weeks=27)
