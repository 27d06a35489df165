"""The ward's own procedures driven end to end: birth registration, certified copies,
marriage registration.

Each step runs on a fresh Runtime after expiring the session, so every step reloads
the dossier from the database (as another web worker would).
"""

from __future__ import annotations

import pytest

from engine.queries import show_dossier
from tests.conftest import vn
from tests.samples import BIRTH, MOTHER
from tests.workflows.helpers import finished, ready, receive, step, walk

# -- birth registration ----------------------------------------------------------------

def test_birth_registration_reception_officer_leader_reception(session, clock, shipped):
    code = receive(session, clock, "birth_registration", "2026-03-06 08:30",
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
    code = receive(session, clock, "birth_registration", "2026-03-06 08:30").code
    walk(session, clock, code, [(BIRTH, "2026-03-06 09:00"), *decisions])
    notify = ready(session, code)
    assert [(t.department, t.name) for t in notify] == [("reception", "Thông báo từ chối")]
    step(session, clock, code, {"notified": True}, "2026-03-06 11:00")
    assert finished(session, code)


def test_birth_registration_incomplete_dossier_is_refused(session, clock, shipped):
    code = receive(session, clock, "birth_registration", "2026-03-06 08:30").code
    step(session, clock, code, BIRTH | {"documents_complete": False}, "2026-03-06 09:00")
    assert [t.name for t in ready(session, code)] == ["Thông báo từ chối"]


# -- two more ward procedures --------------------------------------------------------------

def test_certified_copy_after_cutoff_is_due_next_working_day(session, clock, shipped):
    code = receive(session, clock, "certified_copy", "2026-03-06 15:10").code
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
    code = receive(session, clock, "certified_copy", "2026-03-09 08:30").code
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
    code = receive(session, clock, "marriage_registration", "2026-03-09 08:15").code
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
    code = receive(session, clock, "marriage_registration", "2026-03-09 08:15",
                   verification=bool(verified is not None)).code
    walk(session, clock, code, [(COUPLE, "2026-03-09 08:30"), (check, "2026-03-09 10:00")])
    if verified is not None:
        verify = step(session, clock, code, {"conditions_met": verified}, "2026-03-12 10:00")
        assert (verify.department, verify.sla) == ("civil_status", "P4D")
    expected = "Ghi Sổ đăng ký kết hôn" if verified else "Thông báo từ chối"
    assert [t.name for t in ready(session, code)] == [expected]


def test_every_step_due_time_uses_the_working_calendar(session, clock, shipped):
    """The interlinked reception step received Friday 16:30 (PT2H) is due Monday 09:30."""
    code = receive(session, clock, "birth_residence_health_card", "2026-03-06 16:30").code
    assert ready(session, code)[0].due_at == vn("2026-03-09 09:30")
