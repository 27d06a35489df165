"""Late dossiers: flagged while there is still time, apologised for by a leader, and
listed publicly."""

from __future__ import annotations

import pytest

from engine.dossiers import (
    apologize,
    apology,
    close,
    late_list,
    tick,
)
from engine.errors import InvalidAction
from engine.queries import show_dossier
from engine.vocabulary import FinishKind
from tests.conftest import savepoints, vn
from tests.engine.dossiers.helpers import receive, work


def test_late_dossier_is_flagged_then_apologized(session, simple):
    code = receive(simple, session).code  # due Thursday 05/03 09:00
    assert tick(savepoints(session), simple, vn("2026-03-04 09:00")).at_risk == ()
    # 2 h 40 min of 24 h left: under a quarter
    assert tick(savepoints(session), simple, vn("2026-03-04 15:20")).at_risk == (code,)
    assert tick(savepoints(session), simple, vn("2026-03-04 16:00")).at_risk == ()  # flagged once
    flagged = [(e.at, e.detail) for e in show_dossier(session, code).events
               if e.kind == "at_risk"]
    assert flagged == [(vn("2026-03-04 15:20"), {"hours_left": 2.67})]
    with pytest.raises(InvalidAction, match="not a leader"):
        apologize(session, simple, code, leader="hotich.phucloi", reason="Chờ xác minh",
                  new_appointment=vn("2026-03-10 17:00"))
    with pytest.raises(InvalidAction, match="not a leader of PHUCLOI"):
        apologize(session, simple, code, leader="lanhdao.viethung", reason="Chờ xác minh",
                  new_appointment=vn("2026-03-10 17:00"))
    apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh nơi cư trú",
              new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:30"))
    view = show_dossier(session, code)
    assert view.appointment_at == vn("2026-03-10 17:00")
    late = late_list(session, ["PHUCLOI"], vn("2026-03-04 17:00"))
    assert [(e.code, e.reason) for e in late] == [(code, "Chờ xác minh nơi cư trú")]
    paper = apology(session, code)
    assert (paper.signed_by, paper.original_appointment_at) == (
        "Ngô Thanh Tùng", vn("2026-03-05 09:00"))
    # resolved before the new date but after the original one: still late
    work(simple, session, code, "2026-03-06 09:00")
    work(simple, session, code, "2026-03-06 10:00", {"decision": "approve"})
    work(simple, session, code, "2026-03-06 11:00")
    assert show_dossier(session, code).outcome == "late"

def test_the_late_list_shows_overdue_and_apologised_dossiers_with_the_last_reason(session,
                                                                                  simple):
    """The public late list (niêm yết): what is overdue now, resolved late, or was
    apologised for, oldest first, with the newest apology's reason; nothing on time,
    closed unresolved, or of another unit."""
    def finish(code, at):
        for data in ({}, {"decision": "approve"}, {}):
            work(simple, session, code, at, data)

    resolved_late = receive(simple, session, "2026-03-02 08:00").code  # due Wed 17:00
    withdrawn = receive(simple, session, "2026-03-02 08:15").code
    overdue = receive(simple, session, "2026-03-02 08:30").code  # due Thu 08:30
    apologised = receive(simple, session, "2026-03-02 09:00").code  # due Thu 09:00
    due_now = receive(simple, session, "2026-03-02 09:00").code
    on_time = receive(simple, session, "2026-03-02 10:00").code
    elsewhere = receive(simple, session, "2026-03-02 08:00", unit="VIETHUNG").code
    finish(on_time, "2026-03-03 10:00")
    close(session, simple, withdrawn, FinishKind.WITHDRAWN, user="u", reason="Rút",
          at=vn("2026-03-04 10:00"))
    for reason, new in (("Chờ xác minh", "2026-03-10 17:00"),
                        ("Chờ kết quả xác minh của Công an", "2026-03-11 17:00")):
        apologize(session, simple, apologised, leader="lanhdao.phucloi", reason=reason,
                  new_appointment=vn(new), at=vn("2026-03-04 16:00"))
    finish(resolved_late, "2026-03-05 08:30")
    assert show_dossier(session, elsewhere).appointment_at < vn("2026-03-05 09:00")

    late = late_list(session, ["PHUCLOI"], vn("2026-03-05 09:00"))
    assert [(e.code, e.procedure, e.received_at, e.original_appointment_at,
             e.appointment_at, e.reason, e.status) for e in late] == [
        (resolved_late, "Thủ tục mẫu", vn("2026-03-02 08:00"), vn("2026-03-04 17:00"),
         vn("2026-03-04 17:00"), None, "resolved"),
        (overdue, "Thủ tục mẫu", vn("2026-03-02 08:30"), vn("2026-03-05 08:30"),
         vn("2026-03-05 08:30"), None, "running"),
        (apologised, "Thủ tục mẫu", vn("2026-03-02 09:00"), vn("2026-03-05 09:00"),
         vn("2026-03-11 17:00"), "Chờ kết quả xác minh của Công an", "running")]
    assert due_now not in [e.code for e in late]  # due at this very minute: not yet late
