"""Linked dossiers: messages start and answer dossiers of other agencies, exactly once."""

from __future__ import annotations

from sqlalchemy import select

from engine.dossiers import tick
from engine.queries import list_tasks, show_dossier
from engine.runtime import complete, start
from engine.storage import Message
from tests.conftest import DATA, deploy_files, savepoints, vn


def test_ward_asks_police_and_each_answer_finds_its_own_dossier(session, runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    first = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn("2026-03-06 09:00"))
    second = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn("2026-03-06 09:05"))
    for code, address in ((first.code, "Số 1"), (second.code, "Số 2")):
        task = next(t for t in list_tasks(session, department="reception")
                    if t.dossier_code == code)
        complete(session, runtime, task.id, user="clerk", data={"address": address},
                 at=vn("2026-03-06 10:00"))

    police = list_tasks(session, department="police")
    assert [t.dossier_code for t in police] == ["CA-PHUCLOI-260306-0001",
                                                "CA-PHUCLOI-260306-0002"]
    police_view = show_dossier(session, "CA-PHUCLOI-260306-0002")
    assert police_view.links[0].code == second.code
    assert police_view.appointment_at == vn("2026-03-10 10:00")  # P2D from the handover
    handover = police_view.handovers[0]
    assert (handover.from_department, handover.to_department, handover.giver,
            handover.source_dossier) == ("reception", "police", "clerk", second.code)

    # the police finish the second request first: only the second ward dossier moves on
    complete(session, runtime, police[1].id, user="police", data={"residence_number": "CT-2"},
             at=vn("2026-03-09 10:00"))
    reception = list_tasks(session, department="reception")
    assert [(t.dossier_code, t.name) for t in reception] == [(second.code, "Trả kết quả")]
    assert show_dossier(session, "CA-PHUCLOI-260306-0002").status == "completed"

    messages = session.scalars(select(Message).order_by(Message.id)).all()
    assert [(m.name, m.status) for m in messages] == [
        ("residence_request", "delivered"), ("residence_request", "delivered"),
        ("residence_result", "delivered")]
    assert messages[2].target_dossier_id == second.id
    assert "Số 2" not in repr([e.detail for e in show_dossier(session, second.code).events])


def test_a_message_nobody_waits_for_stays_pending_until_tick(session, runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    ward = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn("2026-03-06 09:00"))
    complete(session, runtime, list_tasks(session)[0].id, user="clerk",
             data={"address": "Số 1"}, at=vn("2026-03-06 10:00"))
    police_task = list_tasks(session, department="police")[0]
    # the police answer while the ward dossier is (artificially) not listening yet
    from engine.storage import Subscription

    subs = session.scalars(select(Subscription)).all()
    saved = [(s.dossier_id, s.message_name, s.correlations) for s in subs]
    for sub in subs:
        session.delete(sub)
    session.flush()
    complete(session, runtime, police_task.id, user="police",
             data={"residence_number": "CT-1"}, at=vn("2026-03-09 10:00"))
    result = session.scalar(select(Message).where(Message.name == "residence_result"))
    assert result.status == "pending"
    for dossier_id, name, correlations in saved:
        session.add(Subscription(dossier_id=dossier_id, message_name=name,
                                 correlations=correlations))
    session.flush()

    first = tick(savepoints(session), runtime, vn("2026-03-09 10:05"))
    again = tick(savepoints(session), runtime, vn("2026-03-09 10:06"))
    assert (first.messages_delivered, again.messages_delivered) == (1, 0)
    assert result.status == "delivered" and result.target_dossier_id == ward.id
    assert [t.name for t in list_tasks(session, department="reception")] == ["Trả kết quả"]


def test_call_activity_runs_a_procedure_of_another_file(session, runtime):
    deploy_files(session, runtime, DATA / "def_birth_registration.bpmn",
                 DATA / "def_linked_procedure.bpmn", DATA / "def_health_card.bpmn")
    code = start(session, runtime, "linked_birth_residence_card", unit="PHUCLOI",
                 at=vn("2026-03-06 09:00")).code
    first = list_tasks(session)[0]
    assert (first.dossier_code, first.spec_id, first.department) == (
        code, "receive_dossier", "reception")
    complete(session, runtime, first.id, user="clerk", at=vn("2026-03-06 09:30"),
             data={"child_name": "Bé Na", "birth_date": "2026-03-01", "gender": "nữ"})
    second = list_tasks(session)[0]
    assert (second.spec_id, second.department) == ("register_birth", "civil_status")
    complete(session, runtime, second.id, user="officer", data={"approved": True},
             at=vn("2026-03-06 10:00"))
    # the called birth registration threw birth_registered: the card dossier started
    departments = sorted(t.department for t in list_tasks(session))
    assert "social_insurance" in departments
