"""Linked dossiers: messages start and answer dossiers of other agencies, exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from engine.dossiers import close, tick
from engine.errors import InvalidData
from engine.queries import list_tasks, show_dossier
from engine.runtime import Step, complete, deliver, start
from engine.storage import Dossier, Message, Subscription
from engine.vocabulary import FinishKind
from tests.conftest import DATA, WORKFLOWS, deploy_files, savepoints, vn

# Linked dossiers go only to units of the organisation.


def test_ward_asks_police_and_each_answer_finds_its_own_dossier(session, runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    first = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn("2026-03-06 09:00"))
    second = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn("2026-03-06 09:05"),
                   applicant={"name": "Trần Văn B"}, channel="post")
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
    # the police dossier is the citizen's: who they are, how they filed
    assert (police_view.applicant, police_view.channel, police_view.unit) == (
        {"name": "Trần Văn B"}, "post", "CA-PHUCLOI")
    request = session.scalar(select(Message).where(Message.sender_dossier_id == second.id))
    received = next(e for e in police_view.events if e.kind == "message_received")
    assert (received.actor, received.detail) == (
        "clerk", {"message": "residence_request", "id": request.id, "sender": second.code})
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
    # an older message no diagram listens for must not hold up the ones after it
    stray = Message(name="nobody_listens", correlations={}, payload={},
                    sender_dossier_id=ward.id, sender="clerk", sender_department="reception",
                    status="pending", created_at=vn("2026-03-06 09:00"), version=1)
    session.add(stray)
    session.flush()
    complete(session, runtime, list_tasks(session)[0].id, user="clerk",
             data={"address": "Số 1"}, at=vn("2026-03-06 10:00"))
    police_task = list_tasks(session, department="police")[0]
    # the police answer while the ward dossier is (artificially) not listening yet
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
    assert stray.status == "pending"
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


def ward_asks_police(session, runtime, at):
    """A ward dossier whose request has started a police dossier; it now waits for the
    police's answer (residence_result, correlated on its code)."""
    ward = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn(at))
    task = next(t for t in list_tasks(session, department="reception")
                if t.dossier_code == ward.code)
    complete(session, runtime, task.id, user="clerk", data={"address": "Số 1"}, at=vn(at))
    return ward


def received(session, code):
    return [e for e in show_dossier(session, code).events if e.kind == "message_received"]


def test_a_finished_dossier_does_not_take_its_answer(session, runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    withdrawn = ward_asks_police(session, runtime, "2026-03-06 09:00")
    kept = ward_asks_police(session, runtime, "2026-03-06 09:05")
    waits = [(s.message_name, s.correlations) for s in session.scalars(
        select(Subscription).where(Subscription.dossier_id == withdrawn.id))]
    assert [name for name, _ in waits] == ["residence_result"]
    close(session, runtime, withdrawn.code, FinishKind.WITHDRAWN, user="tiepnhan.phucloi",
          reason="Công dân rút hồ sơ", at=vn("2026-03-06 11:00"))
    # Whatever closing does with the dossier's subscription, it is there now: only the
    # dossier's status may keep the police's answer away from it.
    session.execute(delete(Subscription).where(Subscription.dossier_id == withdrawn.id))
    session.add_all(Subscription(dossier_id=withdrawn.id, message_name=name, correlations=c)
                    for name, c in waits)
    session.flush()

    police = list_tasks(session, department="police")  # one per ward dossier, in order
    complete(session, runtime, police[0].id, user="police",
             data={"residence_number": "CT-1"}, at=vn("2026-03-09 10:00"))
    answer = session.scalar(select(Message).where(Message.name == "residence_result"))
    assert (answer.status, answer.target_dossier_id) == ("pending", None)
    assert tick(savepoints(session), runtime, vn("2026-03-09 10:05")).messages_delivered == 0
    assert answer.status == "pending"
    assert received(session, withdrawn.code) == []
    assert show_dossier(session, withdrawn.code).status == "withdrawn"

    # the running ward dossier gets its own answer at once
    complete(session, runtime, police[1].id, user="police",
             data={"residence_number": "CT-2"}, at=vn("2026-03-09 10:10"))
    assert [e.detail["message"] for e in received(session, kept.code)] == ["residence_result"]
    assert [(t.dossier_code, t.name) for t in list_tasks(session, department="reception")] == [
        (kept.code, "Trả kết quả")]


def test_a_dossier_never_receives_its_own_message(session, runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    ward = ward_asks_police(session, runtime, "2026-03-06 09:00")
    waiting = session.scalar(select(Subscription).where(Subscription.dossier_id == ward.id))
    # The ward dossier throws the very answer it waits for, with its own correlations (a
    # diagram that answers itself): the message is not for its sender.
    own = Message(name="residence_result", correlations=waiting.correlations,
                  payload={"parent_code": ward.code, "residence_number": "GIẢ-1"},
                  sender_dossier_id=ward.id, sender="clerk", sender_department="reception",
                  status="pending", target_dossier_id=None, created_at=vn("2026-03-06 09:30"),
                  delivered_at=None)
    session.add(own)
    session.flush()
    assert tick(savepoints(session), runtime, vn("2026-03-06 10:00")).messages_delivered == 0
    assert (own.status, own.target_dossier_id) == ("pending", None)
    assert received(session, ward.code) == []
    assert list_tasks(session, department="reception") == []  # still waiting for the police

    # the police's answer is the one it takes
    police = list_tasks(session, department="police")[0]
    complete(session, runtime, police.id, user="police", data={"residence_number": "CT-1"},
             at=vn("2026-03-09 10:00"))
    assert [(e.actor, e.detail["sender"]) for e in received(session, ward.code)] == [
        ("police", police.dossier_code)]
    assert [t.name for t in list_tasks(session, department="reception")] == ["Trả kết quả"]
    assert own.status == "pending"


@pytest.mark.timeout(60)  # without the hop limit the loop below never ends
def test_a_diagram_loop_stops_after_the_delivery_limit(session, runtime, monkeypatch):
    monkeypatch.setattr("engine.runtime.delivery.MAX_DELIVERIES", 5)
    # loop_start throws "ping"; each "ping" starts a loop_ping dossier, which throws again
    deploy_files(session, runtime, DATA / "loop_start.bpmn", DATA / "loop_ping.bpmn")
    first = start(session, runtime, "loop_start", unit="PHUCLOI", at=vn("2026-03-02 09:00"))

    messages = session.scalars(select(Message).order_by(Message.id)).all()
    assert [m.status for m in messages] == ["delivered"] * 5 + ["pending"]
    dossiers = session.scalars(select(Dossier).order_by(Dossier.id)).all()
    assert [d.process_key for d in dossiers] == ["loop_start"] + ["loop_ping"] * 5
    assert dossiers[0].code == first.code
    # each message came from the dossier before and started the next one
    assert [(m.sender_dossier_id, m.target_dossier_id) for m in messages] == [
        (d.id, n.id) for d, n in zip(dossiers, dossiers[1:], strict=False)] + [
        (dossiers[-1].id, None)]
    assert [d.started_by_message_id for d in dossiers[1:]] == [m.id for m in messages[:5]]
    assert show_dossier(session, dossiers[1].code).links[0].code == first.code

    # the tick goes on where the command stopped, again at most five hops
    assert tick(savepoints(session), runtime, vn("2026-03-02 09:05")).messages_delivered == 5
    assert session.scalar(select(func.count()).select_from(Dossier)) == 11


def test_a_message_to_a_unit_not_serving_the_sender_fails_its_step(session, runtime):
    """Gia Lâm's request names Phúc Lợi's police, which serves only Phúc Lợi: the step
    that threw it is refused, and once the caller rolls back nothing of it is left."""
    deploy_files(session, runtime, DATA / "ward_request.bpmn", DATA / "police_residence.bpmn")
    ward = start(session, runtime, "ward_request", unit="XAGIALAM", at=vn("2026-03-06 09:00"))
    task = list_tasks(session, department="reception")[0]
    with pytest.raises(InvalidData) as error, session.begin_nested():
        complete(session, runtime, task.id, user="clerk", data={"address": "Số 1"},
                 at=vn("2026-03-06 10:00"))
    assert error.value.problems["unit"].code == "not_a_serving_unit"
    assert "cannot start police_residence in CA-PHUCLOI" in str(error.value)
    session.expire_all()
    assert session.scalars(select(Message)).all() == []
    assert session.scalars(select(Dossier.code)).all() == [ward.code]
    assert [t.id for t in list_tasks(session, department="reception")] == [task.id]


def sent_request(session, runtime, unit: str) -> Message:
    """A residence_request from a Phúc Lợi dossier naming `unit`, waiting in the outbox."""
    ward = start(session, runtime, "ward_request", unit="PHUCLOI", at=vn("2026-03-06 09:00"))
    message = Message(name="residence_request", correlations={"parent_code": ward.code},
                      payload={"parent_code": ward.code, "unit": unit, "request": {}},
                      sender_dossier_id=ward.id, sender="clerk",
                      sender_department="reception", status="pending",
                      created_at=vn("2026-03-06 09:00"), version=1)
    session.add(message)
    session.flush()
    return message


@pytest.mark.parametrize("unit", ["NOPE-UNIT", "BHXH-LONGBIEN", "VIETHUNG", "CA-VIETHUNG",
                                  "LB-CA-PHUCLOI"])
def test_delivery_refuses_to_start_a_dossier_in_a_wrong_unit(session, runtime, unit):
    """The shipped police part is received at police units: a request naming a unit that
    does not exist, another kind of unit or one not serving the ward starts nothing; the
    step delivering it fails, the tick leaves it pending."""
    deploy_files(session, runtime, DATA / "ward_request.bpmn", WORKFLOWS / "residence_core.bpmn",
                 WORKFLOWS / "residence_linked_part.bpmn")
    message = sent_request(session, runtime, unit)
    step = Step(at=vn("2026-03-06 09:30"), actor="clerk", messages=[message.id])
    with pytest.raises(InvalidData, match=f"cannot start residence_linked_part in {unit}"):
        deliver(session, runtime, step)
    assert tick(savepoints(session), runtime, vn("2026-03-06 09:40")).messages_delivered == 0
    assert message.status == "pending"
    assert session.scalar(select(func.count()).select_from(Dossier)) == 1


def test_delivery_starts_the_part_in_a_serving_unit_of_its_kind(session, runtime):
    deploy_files(session, runtime, DATA / "ward_request.bpmn", WORKFLOWS / "residence_core.bpmn",
                 WORKFLOWS / "residence_linked_part.bpmn")
    message = sent_request(session, runtime, "CA-PHUCLOI")
    assert tick(savepoints(session), runtime, vn("2026-03-06 09:40")).messages_delivered == 1
    started = session.get_one(Dossier, message.target_dossier_id)
    assert (message.status, started.unit, started.process_key) == (
        "delivered", "CA-PHUCLOI", "residence_linked_part")
