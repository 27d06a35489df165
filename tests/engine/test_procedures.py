"""The shipped procedures, driven end to end as the departments would work them.

Each step runs on a fresh Runtime after expiring the session, so every step reloads
the dossier from the database (as another web worker would).
"""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import FixedClock, Runtime, get_task, list_tasks, show_dossier
from engine.calendar import WorkingCalendar
from engine.deadlines import limit_parser
from engine.definitions import inspect_definition
from engine.models import Message
from engine.reference import DEFAULT_DEPARTMENTS
from engine.repository import SpecCache
from tests.conftest import WORKFLOWS, vn

SPELLINGS = {code: code for code in DEFAULT_DEPARTMENTS} | {
    name: code for code, name in DEFAULT_DEPARTMENTS.items()}

CHILD = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27", "gender": "nữ",
         "birth_place": "Bệnh viện Phụ sản Hà Nội", "mother_name": "Trần Thị Bích",
         "father_name": "Nguyễn Văn Cường", "address": "Số 12 ngõ 5 Phúc Lợi, Long Biên",
         "initial_clinic": "Trạm y tế phường Phúc Lợi"}
BIRTH = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
         "documents_complete": True}
MOTHER = {"name": "Trần Thị Bích", "phone": "0912345678"}


def ready(session: Session, code: str) -> list:
    return [s for s in show_dossier(session, code).steps if s.status == "ready"]


def step(session: Session, clock: FixedClock, code: str, data: dict, at: str,
         user: str = "officer"):
    """Complete the dossier's only ready task; return it as it was before completion."""
    session.expire_all()
    tasks = ready(session, code)
    assert len(tasks) == 1, [(t.name, t.department) for t in tasks]
    Runtime(clock).complete(session, tasks[0].id, user=user, data=data, at=vn(at))
    return tasks[0]


def walk(session, clock, code, steps):
    """Complete one task per (data, at); return [(department, task name)] worked."""
    return [(t.department, t.name) for t in
            (step(session, clock, code, data, at) for data, at in steps)]


def finished(session: Session, code: str) -> bool:
    """The dossier's workflow ran to an end event and left no task open."""
    kinds = [e.kind for e in show_dossier(session, code).events]
    return not ready(session, code) and "completed" in kinds


def start(session, clock, key, at: str, unit="PHUCLOI", **kw):
    return Runtime(clock).start(session, key, unit=unit, actor="clerk", at=vn(at), **kw)


# -- birth registration ----------------------------------------------------------------

def test_birth_registration_reception_officer_leader_reception(session, clock, shipped):
    code = start(session, clock, "birth_registration", "2026-03-06 08:30",
                 applicant=MOTHER).code
    assert show_dossier(session, code).appointment_at == vn("2026-03-06 17:00")
    worked = walk(session, clock, code, [
        (BIRTH, "2026-03-06 09:00"),
        ({"decision": "approve", "register_number": "25/2026"}, "2026-03-06 11:00"),
        ({"leader_decision": "approve"}, "2026-03-06 11:30"),
        ({"returned_to": "Trần Thị Bích", "return_channel": "desk"}, "2026-03-06 14:00"),
    ])
    assert worked == [
        ("reception", "Tiếp nhận và kiểm tra hồ sơ"),
        ("civil_status", "Ghi sổ hộ tịch, cấp giấy khai sinh"),
        ("leadership", "Ký giấy khai sinh"),
        ("reception", "Trả kết quả"),
    ]
    assert finished(session, code)
    # SLAs add up to the same working day: 2 h + 4 h + 1 h + 1 h
    assert [s.sla for s in show_dossier(session, code).steps] == ["PT2H", "PT4H", "PT1H", "PT1H"]


@pytest.mark.parametrize("decisions", [
    [({"decision": "refuse", "refusal_reason": "Giấy chứng sinh không hợp lệ"},
      "2026-03-06 10:00")],
    [({"decision": "approve"}, "2026-03-06 10:00"),
     ({"leader_decision": "refuse", "refusal_reason": "Sai thông tin người mẹ"},
      "2026-03-06 10:30")],
], ids=["officer", "leader"])
def test_birth_registration_refusal_is_notified_by_reception(session, clock, shipped,
                                                              decisions):
    code = start(session, clock, "birth_registration", "2026-03-06 08:30").code
    walk(session, clock, code, [(BIRTH, "2026-03-06 09:00"), *decisions])
    notify = ready(session, code)
    assert [(t.department, t.name) for t in notify] == [("reception", "Thông báo từ chối")]
    step(session, clock, code, {"notified": True}, "2026-03-06 11:00")
    assert finished(session, code)


def test_birth_registration_incomplete_dossier_is_refused(session, clock, shipped):
    code = start(session, clock, "birth_registration", "2026-03-06 08:30").code
    step(session, clock, code, BIRTH | {"documents_complete": False}, "2026-03-06 09:00")
    assert [t.name for t in ready(session, code)] == ["Thông báo từ chối"]


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
    dossier = start(session, clock, "birth_residence_health_card", "2026-03-06 15:30",
                    applicant=MOTHER)
    view = show_dossier(session, dossier.code)
    assert view.process_name == ("Liên thông đăng ký khai sinh, đăng ký thường trú, "
                                 "cấp thẻ BHYT cho trẻ em dưới 6 tuổi")
    assert view.counting_from == vn("2026-03-09 08:00")
    assert view.appointment_at == vn("2026-03-11 17:00")  # 3 working days from Monday 08:00


def test_interlinked_with_verification_has_five_working_days(session, clock, shipped):
    dossier = start(session, clock, "birth_residence_health_card", "2026-03-06 15:30",
                    verification=True)
    assert dossier.appointment_at == vn("2026-03-13 17:00")


def test_interlinked_parts_run_in_parallel_and_return_together(session, clock, shipped):
    parent = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
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
    parent = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
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
    parent = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    step(session, clock, parent, CHILD, "2026-03-09 09:00")
    (register,) = ready(session, parent)
    shown = {v.label: v.text for v in get_task(session, SpecCache(), register.id).shown}
    assert (register.department, shown["Họ và tên trẻ"], shown["Ngày sinh"],
            shown["Nơi sinh"]) == ("civil_status", "Nguyễn Bảo An", "27/02/2026",
                                   "Bệnh viện Phụ sản Hà Nội")


def test_interlinked_units_can_be_chosen_at_reception(session, clock, shipped):
    parent = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    receive_and_register(session, clock, parent, data=CHILD | {
        "police_unit": "CA-VIETHUNG", "insurance_unit": "BHXH-GIALAM"})
    assert sorted(part_codes(session, parent)) == ["BHXH-GIALAM", "CA-VIETHUNG"]


def test_interlinked_residence_verification_and_refusal_come_back(session, clock, shipped):
    parent = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30",
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
    parent = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
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
    first = start(session, clock, "birth_residence_health_card", "2026-03-09 08:30").code
    second = start(session, clock, "birth_residence_health_card", "2026-03-09 08:40").code
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


# -- the agencies' standalone procedures ---------------------------------------------------

def test_permanent_residence_at_the_police(session, clock, shipped):
    code = start(session, clock, "permanent_residence", "2026-03-09 09:00",
                 unit="CA-PHUCLOI").code
    assert show_dossier(session, code).appointment_at == vn("2026-03-11 09:00")
    worked = walk(session, clock, code, [
        ({"registrant_name": "Lê Văn Dũng", "personal_id": "001090012345",
          "address": "Số 3 ngõ 8 Phúc Lợi", "residence_basis": "family", "owner_consent": True},
         "2026-03-09 10:00"),
        ({"residence_decision": "approve", "needs_verification": False}, "2026-03-09 14:00"),
        ({"residence_number": "CT-0426"}, "2026-03-10 09:00"),
        ({"returned_to": "Lê Văn Dũng", "return_channel": "online"}, "2026-03-10 10:00"),
    ])
    assert worked == [
        ("police", "Tiếp nhận hồ sơ đăng ký thường trú"),
        ("police", "Thẩm định hồ sơ đăng ký thường trú"),
        ("police", "Cập nhật thông tin thường trú vào Cơ sở dữ liệu về cư trú"),
        ("police", "Thông báo kết quả đăng ký thường trú"),
    ]
    assert finished(session, code)


def test_permanent_residence_refusal_is_answered_in_writing(session, clock, shipped):
    code = start(session, clock, "permanent_residence", "2026-03-09 09:00",
                 unit="CA-PHUCLOI").code
    walk(session, clock, code, [
        ({"registrant_name": "Lê Văn Dũng", "personal_id": "001090012345",
          "address": "Số 3 ngõ 8 Phúc Lợi", "residence_basis": "rented"}, "2026-03-09 10:00"),
        ({"residence_decision": "refuse", "needs_verification": False}, "2026-03-09 14:00"),
        ({"refusal_reason": "Không có giấy tờ chứng minh chỗ ở hợp pháp"}, "2026-03-09 15:00"),
    ])
    assert finished(session, code)


def test_child_health_card_at_bhxh(session, clock, shipped):
    code = start(session, clock, "child_health_card", "2026-03-09 09:00",
                 unit="BHXH-LONGBIEN").code
    assert show_dossier(session, code).appointment_at == vn("2026-03-11 09:00")
    worked = walk(session, clock, code, [
        ({"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
          "personal_id": "001326001234", "guardian_name": "Trần Thị Bích",
          "initial_clinic": "Trạm y tế phường Phúc Lợi"}, "2026-03-09 10:00"),
        ({"card_decision": "approve"}, "2026-03-09 11:00"),
        ({"card_number": "0126012345", "card_valid_from": "2026-02-27"}, "2026-03-09 15:00"),
        ({"returned_to": "Trần Thị Bích"}, "2026-03-10 08:30"),
    ])
    assert [d for d, _ in worked] == ["social_insurance"] * 4
    assert worked[-1][1] == "Trả thẻ BHYT"
    assert finished(session, code)


# -- two more ward procedures --------------------------------------------------------------

def test_certified_copy_after_cutoff_is_due_next_working_day(session, clock, shipped):
    code = start(session, clock, "certified_copy", "2026-03-06 15:10").code
    view = show_dossier(session, code)
    assert (view.counting_from, view.appointment_at) == (vn("2026-03-09 08:00"),
                                                         vn("2026-03-09 17:00"))
    worked = walk(session, clock, code, [
        ({"document_name": "Bằng tốt nghiệp trung học phổ thông", "issued_by": "Sở GD&ĐT Hà Nội",
          "pages": 1, "copies": 3}, "2026-03-06 15:20"),
        ({"decision": "approve"}, "2026-03-09 08:30"),
        ({"certification_number": "120/2026/SCT/BS"}, "2026-03-09 09:00"),
        ({"returned_to": "Phạm Minh Hà", "fee_paid": 6000}, "2026-03-09 09:15"),
    ])
    assert [d for d, _ in worked] == ["reception", "civil_status", "leadership", "reception"]
    assert finished(session, code)


def test_certified_copy_refused_for_an_altered_original(session, clock, shipped):
    code = start(session, clock, "certified_copy", "2026-03-09 08:30").code
    walk(session, clock, code, [
        ({"document_name": "Giấy phép lái xe", "issued_by": "Sở GTVT Hà Nội", "pages": 1,
          "copies": 1}, "2026-03-09 08:40"),
        ({"decision": "refuse", "refusal_reason": "Bản chính bị tẩy xóa, sửa chữa"},
         "2026-03-09 09:00"),
    ])
    assert [(t.department, t.name) for t in ready(session, code)] == [
        ("reception", "Thông báo từ chối chứng thực")]


COUPLE = {"groom_name": "Hoàng Văn Nam", "groom_birth_date": "1998-05-02",
          "bride_name": "Đỗ Thị Lan", "bride_birth_date": "2000-11-20"}


def test_marriage_registration_same_day(session, clock, shipped):
    code = start(session, clock, "marriage_registration", "2026-03-09 08:15").code
    assert show_dossier(session, code).appointment_at == vn("2026-03-09 17:00")
    worked = walk(session, clock, code, [
        (COUPLE, "2026-03-09 08:30"),
        ({"decision": "approve", "needs_verification": False}, "2026-03-09 10:00"),
        ({"register_number": "07/2026"}, "2026-03-09 10:30"),
        ({"signed_by": "Chủ tịch UBND phường"}, "2026-03-09 11:00"),
        ({"both_signed": True}, "2026-03-09 14:00"),
    ])
    assert worked == [
        ("reception", "Tiếp nhận hồ sơ đăng ký kết hôn"),
        ("civil_status", "Kiểm tra điều kiện kết hôn"),
        ("civil_status", "Ghi Sổ đăng ký kết hôn"),
        ("leadership", "Ký Giấy chứng nhận kết hôn"),
        ("reception", "Trao Giấy chứng nhận kết hôn"),
    ]
    assert finished(session, code)


@pytest.mark.parametrize(("check", "verified"), [
    ({"decision": "approve", "needs_verification": True}, True),
    ({"decision": "approve", "needs_verification": True}, False),
    ({"decision": "refuse", "needs_verification": False,
      "refusal_reason": "Bên nữ chưa đủ tuổi kết hôn"}, None),
], ids=["verified", "verification-fails", "refused"])
def test_marriage_verification_and_refusal(session, clock, shipped, check, verified):
    code = start(session, clock, "marriage_registration", "2026-03-09 08:15",
                 verification=bool(verified is not None)).code
    walk(session, clock, code, [(COUPLE, "2026-03-09 08:30"), (check, "2026-03-09 10:00")])
    if verified is not None:
        verify = step(session, clock, code, {"conditions_met": verified}, "2026-03-12 10:00")
        assert (verify.department, verify.sla) == ("civil_status", "P4D")
    expected = "Ghi Sổ đăng ký kết hôn" if verified else "Thông báo từ chối"
    assert [t.name for t in ready(session, code)] == [expected]


def test_every_step_due_time_uses_the_working_calendar(session, clock, shipped):
    """The interlinked reception step received Friday 16:30 (PT2H) is due Monday 09:30."""
    code = start(session, clock, "birth_residence_health_card", "2026-03-06 16:30").code
    assert ready(session, code)[0].due_at == vn("2026-03-09 09:30")



# -- catalog entries agree with their diagrams ----------------------------------------------

CATALOG = sorted(WORKFLOWS.glob("*.toml"))


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.name)
def test_catalog_entry_matches_its_diagram(path):
    entry = tomllib.loads(path.read_text(encoding="utf-8"))
    diagram = WORKFLOWS / f"{entry['process']}.bpmn"
    assert path.stem == entry["process"] and diagram.exists()
    info = inspect_definition(diagram.read_bytes(), source=diagram.name,
                              departments=SPELLINGS, sla_parser=limit_parser(WorkingCalendar()))
    assert info.key == entry["process"]
    for key in ("time_limit", "verification_time_limit", "cutoff", "field_of_work"):
        assert entry.get(key) == info.properties.get(key), key
    assert entry["documents"] and all(d["name"] and d["copies"] >= 1 for d in entry["documents"])


def test_every_citizen_facing_procedure_has_a_catalog_entry():
    assert {p.stem for p in CATALOG} == {
        "birth_registration", "birth_residence_health_card", "permanent_residence",
        "child_health_card", "certified_copy", "marriage_registration"}
