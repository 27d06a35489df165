"""The interlinked birth registration → permanent residence → child health-insurance
card procedure, driven end to end by the ward, the police and social insurance.

Each step runs on a fresh Runtime after expiring the session, so every step reloads
the dossier from the database (as another web worker would).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.definitions import SpecCache
from engine.dossiers import require_verification
from engine.errors import InvalidAction, InvalidData
from engine.org import add_unit, read_map, serve
from engine.queries import get_task, list_tasks, show_dossier
from engine.runtime import Runtime, complete
from engine.simulation import DEMO_MAP
from engine.storage import Dossier, Message, Subscription
from tests.conftest import WORKFLOWS, refused, vn
from tests.samples import CHILD, MOTHER
from tests.workflows.helpers import finished, ready, receive, step, walk

# Linked dossiers go only to units of the organisation.

# -- the interlinked procedure -----------------------------------------------------------

def receive_and_register(session, clock, code, day="2026-03-09", data=CHILD):
    """Reception, civil-status officer and leader of the ward: the birth is registered."""
    return walk(session, clock, code, [
        (data, f"{day} 09:00"),
        ({"decision": "approve", "register_number": "31/2026"}, f"{day} 10:00"),
        ({"leader_decision": "approve"}, f"{day} 10:30"),
    ])


def part_codes(session, parent: str) -> dict[str, str]:
    """The dossiers the parent's messages started, by unit."""
    return {link.code.rsplit("-", 2)[0]: link.code
            for link in show_dossier(session, parent).links if link.relation == "started"}


def test_interlinked_after_cutoff_on_friday_is_due_wednesday(session, clock, shipped):
    dossier = receive(session, clock, "birth_residence_health_card", "2026-03-06 15:30",
                      applicant=MOTHER)
    view = show_dossier(session, dossier.code)
    assert view.process_name == ("Liên thông đăng ký khai sinh, đăng ký thường trú, "
                                 "cấp thẻ BHYT cho trẻ em dưới 6 tuổi")
    assert view.counting_from == vn("2026-03-09 08:00")
    assert view.appointment_at == vn("2026-03-11 17:00")  # 3 working days from Monday 08:00


def test_interlinked_with_verification_has_five_working_days(session, clock, shipped):
    dossier = receive(session, clock, "birth_residence_health_card", "2026-03-06 15:30",
                      verification=True, applicant=MOTHER)
    assert dossier.appointment_at == vn("2026-03-13 17:00")
    # the police part is told, and counts its own P5D instead of P2D
    receive_and_register(session, clock, dossier.code)
    police = show_dossier(session, part_codes(session, dossier.code)["CA-PHUCLOI"])
    assert police.appointment_at == vn("2026-03-16 10:30")


def test_interlinked_parts_run_in_parallel_and_return_together(session, clock, shipped):
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     applicant=MOTHER).code
    assert receive_and_register(session, clock, parent) == [
        ("reception", "Tiếp nhận hồ sơ liên thông"),
        ("civil_status", "Ghi sổ hộ tịch, cấp giấy khai sinh"),
        ("leadership", "Ký giấy khai sinh"),
    ]
    # the residence part went to the ward's police, the card part to BHXH, as dossiers
    parts = part_codes(session, parent)
    assert parts == {"CA-PHUCLOI": "CA-PHUCLOI-260309-0001",
                     "BHXH-LONGBIEN": "BHXH-LONGBIEN-260309-0001"}
    police, bhxh = parts["CA-PHUCLOI"], parts["BHXH-LONGBIEN"]
    # both are ready at once; the ward waits
    both = [(t.dossier_code, t.department, t.name) for t in list_tasks(session)]
    assert sorted(both) == [
        (bhxh, "social_insurance", "Kiểm tra, đối chiếu thông tin của trẻ"),
        (police, "police", "Thẩm định hồ sơ đăng ký thường trú"),
    ]
    assert ready(session, parent) == []
    police_view = show_dossier(session, police)
    assert police_view.appointment_at == vn("2026-03-11 10:30")  # P2D from the handover
    assert police_view.applicant == MOTHER
    assert [(h.from_department, h.to_department, h.source_dossier)
            for h in police_view.handovers][0] == ("leadership", "police", parent)

    # BHXH works its part while the police work theirs
    step(session, clock, bhxh, {"card_decision": "approve"}, "2026-03-09 14:00")
    step(session, clock, police, {"residence_decision": "approve",
                                  "needs_verification": False}, "2026-03-09 15:00")
    step(session, clock, police, {"residence_number": "CT-0425"}, "2026-03-10 09:00")
    assert finished(session, police)
    assert ready(session, parent) == []  # the card is not back yet
    # the parent took the police's answer and still waits for the card's, once
    parent_id = show_dossier(session, parent).id
    assert session.scalars(select(Subscription.message_name)
                           .where(Subscription.dossier_id == parent_id)).all() == ["card_result"]
    step(session, clock, bhxh, {"card_number": "0126012345", "card_valid_from": "2026-02-27",
                                "card_valid_to": "2032-02-26"}, "2026-03-10 10:00")
    assert finished(session, bhxh)

    # only now does reception get the results back
    back = ready(session, parent)
    assert [(t.department, t.name) for t in back] == [("reception", "Trả kết quả liên thông")]
    returning = {v.label: v.text for v in get_task(session, SpecCache(), back[0].id).shown}
    assert (returning["Số hồ sơ cư trú (Công an)"], returning["Mã số BHXH (mã thẻ BHYT)"],
            returning["Thẻ BHYT có giá trị từ ngày"]) == ("CT-0425", "0126012345", "27/02/2026")
    results = session.scalars(select(Message).where(Message.name.like("%_result"))
                              .order_by(Message.id)).all()
    assert [(m.name, m.payload["status"], m.payload["parent_code"]) for m in results] == [
        ("residence_result", "registered", parent), ("card_result", "issued", parent)]
    assert results[0].payload["residence_number"] == "CT-0425"
    assert results[1].payload["card_number"] == "0126012345"
    step(session, clock, parent, {"returned_to": "Trần Thị Bích", "return_channel": "desk"},
         "2026-03-10 14:00")
    assert finished(session, parent)


def test_linked_parts_show_the_child_the_message_carried(session, clock, shipped):
    """The police and BHXH officers' task views hold the child's data from the ward's
    messages (declared by show: on their diagrams), and only that."""
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     applicant=MOTHER).code
    receive_and_register(session, clock, parent)
    civil_status = get_task(session, SpecCache(), show_dossier(session, parent).steps[1].id)
    assert civil_status.shown == ()  # completed: nothing read any more
    parts = part_codes(session, parent)
    (police,) = ready(session, parts["CA-PHUCLOI"])
    view = get_task(session, SpecCache(), police.id)
    assert [(v.label, v.text) for v in view.shown] == [
        ("Mã hồ sơ liên thông (UBND phường)", parent),
        ("Họ và tên trẻ", "Nguyễn Bảo An"),
        ("Ngày sinh", "27/02/2026"),
        ("Giới tính", "nữ"),
        ("Số đăng ký khai sinh", "31/2026"),  # no personal id was entered: left out
        ("Họ và tên mẹ", "Trần Thị Bích"),
        ("Họ và tên cha", "Nguyễn Văn Cường"),
        ("Nơi đăng ký thường trú của trẻ", "Số 12 ngõ 5 Phúc Lợi, Long Biên"),
        ("Cần xác minh", "Không"),
    ]
    # the payload also carries the applicant and the units: not declared, not exposed
    assert [v.name for v in view.shown][:3] == [
        "request.parent_code", "request.child_name", "request.birth_date"]
    assert not {"applicant", "request.applicant", "request.unit", "request.parent_unit"} & {
        v.name for v in view.shown}
    assert "0912345678" not in repr(view)  # the mother's phone, in applicant and the payload
    (bhxh,) = ready(session, parts["BHXH-LONGBIEN"])
    card = {v.label: v.text for v in get_task(session, SpecCache(), bhxh.id).shown}
    assert (card["Họ và tên trẻ"], card["Ngày sinh"],
            card["Nơi đăng ký khám chữa bệnh ban đầu"]) == (
        "Nguyễn Bảo An", "27/02/2026", "Trạm y tế phường Phúc Lợi")
    assert "Nơi đăng ký thường trú của trẻ" not in card


def test_interlinked_civil_status_officer_sees_the_child_received(session, clock, shipped):
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    step(session, clock, parent, CHILD, "2026-03-09 09:00")
    (register,) = ready(session, parent)
    shown = {v.label: v.text for v in get_task(session, SpecCache(), register.id).shown}
    assert (register.department, shown["Họ và tên trẻ"], shown["Ngày sinh"],
            shown["Nơi sinh"]) == ("civil_status", "Nguyễn Bảo An", "27/02/2026",
                                   "Bệnh viện Phụ sản Hà Nội")


def second_police_post(session) -> str:
    """Another police unit serving Phúc Lợi beside its default CA-PHUCLOI."""
    add_unit(session, code="CA-KV2", name="Công an khu vực 2", kind="police",
             parent="CA-HANOI")
    serve(session, agency="CA-KV2", served="PHUCLOI")
    return "CA-KV2"


def test_interlinked_units_can_be_chosen_at_reception(session, clock, shipped):
    chosen = second_police_post(session)
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    receive_and_register(session, clock, parent, data=CHILD | {
        "police_unit": chosen, "insurance_unit": "BHXH-LONGBIEN"})
    assert sorted(part_codes(session, parent)) == ["BHXH-LONGBIEN", chosen]


def test_interlinked_defaults_go_to_the_agencies_serving_the_ward(session, clock, shipped):
    """Xã Gia Lâm: its own commune police and Gia Lâm's BHXH office, as configured."""
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     unit="XAGIALAM").code
    receive_and_register(session, clock, parent)
    assert sorted(part_codes(session, parent)) == ["BHXH-GIALAM", "CA-XAGIALAM"]


def test_a_new_ward_sends_its_parts_to_the_agencies_configured_for_it(session, clock, shipped):
    """A ward created today, with its police and the social-insurance office serving it:
    the shipped diagrams send the parts there, no code of it written in them."""
    add_unit(session, code="PHUONGMOI", name="Phường Mới", kind="ward", parent="HANOI",
             departments=["reception", "civil_status", "leadership"])
    add_unit(session, code="CA-PHUONGMOI", name="Công an phường Mới", kind="police",
             parent="CA-HANOI")
    serve(session, agency="CA-PHUONGMOI", served="PHUONGMOI", default=True)
    serve(session, agency="BHXH-GIALAM", served="PHUONGMOI", default=True)
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     unit="PHUONGMOI").code
    receive_and_register(session, clock, parent)
    assert sorted(part_codes(session, parent)) == ["BHXH-GIALAM", "CA-PHUONGMOI"]


def test_nothing_in_the_shipped_workflows_names_a_unit():
    """Receiving agencies come from the units' configuration, never from a diagram."""
    codes = {entry["code"] for entry in read_map(DEMO_MAP.read_bytes(), "demo").units}
    for path in sorted(WORKFLOWS.iterdir()):
        text = path.read_text(encoding="utf-8")
        named = {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])",
                                                      text)}
        assert named == set(), f"{path.name} names {sorted(named)}"


def nothing_written(session, parent: str, task_id: str) -> bool:
    """No message, no other dossier, the reception step still ready."""
    session.expire_all()
    return (session.scalars(select(Message)).all() == []
            and session.scalar(select(func.count()).select_from(Dossier)) == 1
            and [t.id for t in ready(session, parent)] == [task_id])


@pytest.mark.parametrize(("field", "code", "problem"), [
    ("police_unit", "NOPE-UNIT", "not_a_serving_unit"),  # no such unit
    ("police_unit", "PHUCLOI", "not_a_serving_unit"),  # a ward, not a police unit
    ("police_unit", "BHXH-LONGBIEN", "not_a_serving_unit"),  # the wrong kind of agency
    ("police_unit", "CA-XAGIALAM", "not_a_serving_unit"),  # Gia Lâm's: does not serve
    ("police_unit", "LB-CA-PHUCLOI", "not_a_serving_unit"),  # the old ward's: gone
    ("insurance_unit", "BHXH-GIALAM", "not_a_serving_unit"),  # Gia Lâm's: does not serve
    ("insurance_unit", "CA-PHUCLOI", "not_a_serving_unit"),
])
def test_reception_refuses_a_unit_that_cannot_take_the_part(session, clock, shipped, field,
                                                           code, problem):
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    (task,) = ready(session, parent)
    with pytest.raises(InvalidData) as error:
        complete(session, Runtime(clock), task.id, user="clerk", data=CHILD | {field: code},
                 at=vn("2026-03-09 09:00"))
    assert list(error.value.problems) == [field]
    assert error.value.problems[field].code == problem
    assert nothing_written(session, parent, task.id)


def test_reception_data_naming_a_wrong_unit_receives_nothing(session, clock, shipped):
    with pytest.raises(InvalidData) as error:
        receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                data={"police_unit": "CA-XAGIALAM", "insurance_unit": "NOPE-UNIT"})
    assert error.value.fields == {
        "police_unit": "must be a police unit serving PHUCLOI: CA-PHUCLOI",
        "insurance_unit": "must be a social_insurance unit serving PHUCLOI: BHXH-LONGBIEN"}
    assert session.scalars(select(Dossier)).all() == []


def test_a_unit_given_with_the_dossier_is_kept_and_checked_again(session, clock, shipped):
    chosen = second_police_post(session)
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     data={"police_unit": chosen}).code
    receive_and_register(session, clock, parent)
    assert sorted(part_codes(session, parent)) == ["BHXH-LONGBIEN", chosen]


def test_a_ward_no_agency_serves_is_asked_to_choose(session, clock, shipped):
    """A ward no social-insurance office is configured for: the reception step says so,
    naming the field, instead of sending the part nowhere."""
    add_unit(session, code="NEWWARD", name="Phường Mới", kind="ward", parent="HANOI")
    serve(session, agency="CA-XAGIALAM", served="NEWWARD")
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     unit="NEWWARD").code
    (task,) = ready(session, parent)
    with pytest.raises(InvalidData) as error:
        complete(session, Runtime(clock), task.id, user="clerk", at=vn("2026-03-09 09:00"),
                 data=CHILD)
    assert error.value.problems["insurance_unit"].code == "choose_a_unit"
    assert list(error.value.problems) == ["insurance_unit"]


def test_interlinked_residence_verification_and_refusal_come_back(session, clock, shipped):
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
                     verification=True).code
    receive_and_register(session, clock, parent)
    parts = part_codes(session, parent)
    police, bhxh = parts["CA-PHUCLOI"], parts["BHXH-LONGBIEN"]
    request = session.scalar(select(Message).where(Message.name == "residence_request"))
    assert request.payload["verification"] is True
    worked = walk(session, clock, police, [
        ({"residence_decision": "approve", "needs_verification": True}, "2026-03-09 14:00"),
        ({"verified": False, "verification_note": "Chỗ ở không hợp pháp"}, "2026-03-12 10:00"),
        ({"refusal_reason": "Chỗ ở không đủ điều kiện đăng ký thường trú"}, "2026-03-12 11:00"),
    ])
    assert worked == [("police", "Thẩm định hồ sơ đăng ký thường trú"),
                      ("police", "Xác minh chỗ ở hợp pháp, quan hệ nhân thân"),
                      ("police", "Trả lời từ chối bằng văn bản")]
    assert finished(session, police)
    walk(session, clock, bhxh, [
        ({"card_decision": "approve"}, "2026-03-09 14:00"),
        ({"card_number": "0126012345", "card_valid_from": "2026-02-27"}, "2026-03-10 09:00"),
    ])
    answer = session.scalar(select(Message).where(Message.name == "residence_result"))
    assert (answer.payload["status"], answer.payload["reason"]) == (
        "refused", "Chỗ ở không đủ điều kiện đăng ký thường trú")
    # the birth certificate and card are still returned, with the police's answer
    assert [t.name for t in ready(session, parent)] == ["Trả kết quả liên thông"]


def test_interlinked_birth_refusal_sends_nothing_to_other_agencies(session, clock, shipped):
    parent = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    walk(session, clock, parent, [
        (CHILD, "2026-03-09 09:00"),
        ({"decision": "refuse", "refusal_reason": "Không có giấy chứng sinh"},
         "2026-03-09 10:00"),
    ])
    assert [(t.department, t.name) for t in ready(session, parent)] == [
        ("reception", "Thông báo từ chối")]
    assert part_codes(session, parent) == {}
    assert session.scalars(select(Message)).all() == []


def test_two_interlinked_dossiers_each_get_their_own_results(session, clock, shipped):
    first = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    second = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:40").code
    receive_and_register(session, clock, first)
    receive_and_register(session, clock, second)
    parts = {parent: part_codes(session, parent) for parent in (first, second)}
    assert len({code for p in parts.values() for code in p.values()}) == 4

    def finish_parts(parent: str) -> None:
        walk(session, clock, parts[parent]["CA-PHUCLOI"], [
            ({"residence_decision": "approve", "needs_verification": False}, "2026-03-10 09:00"),
            ({"residence_number": f"CT-{parent[-4:]}"}, "2026-03-10 10:00")])
        walk(session, clock, parts[parent]["BHXH-LONGBIEN"], [
            ({"card_decision": "approve"}, "2026-03-10 09:00"),
            ({"card_number": f"01{parent[-4:]}", "card_valid_from": "2026-02-27"},
             "2026-03-10 10:00")])

    finish_parts(second)  # the second dossier's parts finish first
    assert [t.name for t in ready(session, second)] == ["Trả kết quả liên thông"]
    assert ready(session, first) == []
    finish_parts(first)
    assert [t.name for t in ready(session, first)] == ["Trả kết quả liên thông"]


def test_verification_found_at_the_police_takes_the_limit_from_the_diagram(session, clock,
                                                                         shipped):
    """The police part has no catalog entry of its own: its verification limit (P5D) is
    the diagram's property, counted from the same start as its P2D."""
    dossier = receive(session, clock, "birth_residence_health_card", "2026-03-09 08:00",
                      applicant=MOTHER)
    receive_and_register(session, clock, dossier.code)
    police = part_codes(session, dossier.code)["CA-PHUCLOI"]
    before = show_dossier(session, police)
    require_verification(session, Runtime(clock), police, user="congan.phucloi",
                         reason="Cần xác minh nơi cư trú", at=vn("2026-03-10 09:00"))
    after = show_dossier(session, police)
    assert (before.appointment_at, after.appointment_at) == (
        vn("2026-03-11 10:30"), vn("2026-03-16 10:30"))
    with refused(InvalidAction, "already_verification", dossier=police):
        require_verification(session, Runtime(clock), police, user="u", reason="x")
