"""Escalation notifications: written by the tick once per person, reason and subject,
whatever the number of ticks; read and marked read by their person only."""

from __future__ import annotations

from sqlalchemy import select

from engine.dossiers import Reason, leaders_for, mark_read, notices_of, tick, unread_count
from engine.dossiers.notices import notify
from engine.queries import list_tasks
from engine.storage import Notification
from tests.conftest import savepoints, vn
from tests.engine.dossiers.helpers import receive


def rows(session):
    return session.execute(select(Notification.username, Notification.reason,
                                  Notification.subject)).all()


def test_a_late_step_and_a_dossier_at_risk_notify_the_leader_once(session, simple):
    dossier = receive(simple, session)  # Monday 09:00, reception's step due 11:00
    assert tick(savepoints(session), simple, vn("2026-03-02 10:00")).notified == 0
    first = tick(savepoints(session), simple, vn("2026-03-04 09:00"))
    again = tick(savepoints(session), simple, vn("2026-03-04 09:30"))
    assert (first.notified, again.notified, first.failed) == (2, 0, ())
    record = list_tasks(session, dossier=dossier.code)[0].id
    assert sorted(rows(session)) == [
        ("lanhdao.phucloi", "at_risk", f"dossier:{dossier_id(session, dossier.code)}"),
        ("lanhdao.phucloi", "step_late", f"task:{record}")]
    # a second worker's insert of the same notification is a no-op
    assert notify(session, reason=Reason.STEP_LATE, subject=f"task:{record}",
                  dossier_id=dossier_id(session, dossier.code), unit="PHUCLOI",
                  department="reception", task_record_id=record,
                  now=vn("2026-03-04 09:00")) == 0
    assert len(rows(session)) == 2
    seen = notices_of(session, "lanhdao.phucloi")
    assert {(n.reason, n.dossier_code, n.step) for n in seen} == {
        (Reason.AT_RISK, dossier.code, "Tiếp nhận"), (Reason.STEP_LATE, dossier.code, "Tiếp nhận")}
    assert unread_count(session, "lanhdao.phucloi") == 2
    assert mark_read(session, "hotich.phucloi", vn("2026-03-04 10:00"), [seen[0].id]) == 0
    assert mark_read(session, "lanhdao.phucloi", vn("2026-03-04 10:00"), [seen[0].id]) == 1
    assert unread_count(session, "lanhdao.phucloi") == 1
    assert mark_read(session, "lanhdao.phucloi", vn("2026-03-04 10:00")) == 1
    assert unread_count(session, "lanhdao.phucloi") == 0


def test_the_leaders_of_the_department_or_else_of_the_unit(session, simple):
    assert leaders_for(session, "PHUCLOI", "leadership") == ["lanhdao.phucloi"]
    assert leaders_for(session, "PHUCLOI", "civil_status") == ["lanhdao.phucloi"]
    assert "lanhdao.phucloi" not in leaders_for(session, "VIETHUNG", "civil_status")


def dossier_id(session, code):
    from engine.storage import Dossier

    return session.scalar(select(Dossier.id).where(Dossier.code == code))
