"""Risk before lateness: the working time left against the expected time of the steps
still ahead (their medians, else their SLA)."""

from __future__ import annotations

from engine.dossiers import RiskState, assess
from tests.conftest import vn
from tests.engine.dossiers.helpers import receive, work

# The simple procedure: 24 working hours (P3D); its steps' SLAs: receive 2 h, examine 8 h,
# sign 4 h, give back 4 h (18 h in all; the refusal notice is a branch not counted).


def states(session, runtime, at, **kw):
    return {r.code: r for r in assess(session, runtime, ["PHUCLOI"], vn(at), **kw)}


def test_a_dossier_whose_remaining_steps_exceed_its_time_left_is_at_risk_before_its_deadline(
        session, simple):
    code = receive(simple, session).code  # Monday 09:00, due Thursday 09:00
    on_track = states(session, simple, "2026-03-03 09:00", everything=True)[code]
    assert (on_track.state, on_track.hours_left, on_track.expected_hours) == (
        RiskState.ON_TRACK, 16.0, 16.0)
    assert code not in states(session, simple, "2026-03-03 09:00")
    # Wednesday 09:00: 8 h left, still at reception with 16 h of steps ahead; the old
    # rule (a quarter of the time left) would not flag it yet
    risk = states(session, simple, "2026-03-04 09:00")[code]
    assert (risk.state, risk.hours_left, risk.expected_hours) == (RiskState.AT_RISK, 8.0, 16.0)
    assert risk.step == "Tiếp nhận" and [s.department for s in risk.steps] == ["reception"]
    late = states(session, simple, "2026-03-05 10:00")[code]
    assert (late.state, late.hours_left) == (RiskState.LATE, -1.0)


def test_a_dossier_with_time_to_spare_is_not_at_risk(session, simple):
    code = receive(simple, session).code
    work(simple, session, code, "2026-03-02 10:00")
    work(simple, session, code, "2026-03-02 14:00", {"decision": "approve"})
    # Wednesday 09:00: 8 h left; the signature, ready since Monday 14:00, is past its
    # 4 h (counted as nothing more), and the give-back's 4 h are ahead
    assert code not in states(session, simple, "2026-03-04 09:00")
    row = states(session, simple, "2026-03-04 09:00", everything=True)[code]
    assert (row.state, row.hours_left, row.expected_hours) == (RiskState.ON_TRACK, 8.0, 4.0)
    assert row.step == "Ký duyệt" and row.holder == ""


def test_medians_of_completed_steps_replace_the_sla(session, simple):
    """Three dossiers whose examination took 16 working hours each: a new one, with 24 h
    of time, has 2 + 16 + 4 + 4 = 26 h ahead and is at risk from its receipt."""
    for _ in range(3):
        code = receive(simple, session).code
        work(simple, session, code, "2026-03-02 11:00")
        work(simple, session, code, "2026-03-04 11:00", {"decision": "approve"})
    fresh = receive(simple, session, at="2026-03-05 09:00").code
    risk = states(session, simple, "2026-03-05 09:00")[fresh]
    assert (risk.state, risk.expected_hours) == (RiskState.AT_RISK, 26.0)


def test_the_list_sorts_by_holder_and_procedure(session, simple):
    first = receive(simple, session).code
    second = receive(simple, session, at="2026-03-02 10:00").code
    rows = assess(session, simple, ["PHUCLOI"], vn("2026-03-04 12:00"), sort="left")
    assert [r.code for r in rows] == [first, second]
    assert {r.procedure for r in assess(session, simple, ["PHUCLOI"], vn("2026-03-04 12:00"),
                                        sort="procedure")} == {"Thủ tục mẫu"}
    assert assess(session, simple, ["VIETHUNG"], vn("2026-03-04 12:00")) == []
