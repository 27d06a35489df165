"""The agencies' standalone procedures driven end to end: permanent residence at the
police, the child health-insurance card at social insurance.

Each step runs on a fresh Runtime after expiring the session, so every step reloads
the dossier from the database (as another web worker would).
"""

from __future__ import annotations

from engine.queries import show_dossier
from tests.conftest import vn
from tests.workflows.helpers import finished, receive, walk

# -- the agencies' standalone procedures ---------------------------------------------------

def test_permanent_residence_at_the_police(session, clock, shipped):
    code = receive(session, clock, "permanent_residence", "2026-03-09 09:00",
                   unit="CA-PHUCLOI").code
    # Luật Cư trú 2020, Điều 22(3): 7 working days from Monday 09:00
    assert show_dossier(session, code).appointment_at == vn("2026-03-18 09:00")
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
    code = receive(session, clock, "permanent_residence", "2026-03-09 09:00",
                   unit="CA-PHUCLOI").code
    walk(session, clock, code, [
        ({"registrant_name": "Lê Văn Dũng", "personal_id": "001090012345",
          "address": "Số 3 ngõ 8 Phúc Lợi", "residence_basis": "rented"}, "2026-03-09 10:00"),
        ({"residence_decision": "refuse", "needs_verification": False}, "2026-03-09 14:00"),
        ({"refusal_reason": "Không có giấy tờ chứng minh chỗ ở hợp pháp"}, "2026-03-09 15:00"),
    ])
    assert finished(session, code)


def test_child_health_card_at_bhxh(session, clock, shipped):
    code = receive(session, clock, "child_health_card", "2026-03-09 09:00",
                   unit="BHXH-LONGBIEN").code
    # BHXH's own rule: a new card within 5 days (child_health_card.toml)
    assert show_dossier(session, code).appointment_at == vn("2026-03-16 09:00")
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
