"""The indicators of Decision 766 this system computes, on a hand-counted month."""

from __future__ import annotations

from engine.reporting import procedure_figures, service_indicators
from tests.engine.reporting.test_period_report import MARCH, Records


def test_the_indicators_of_a_hand_counted_month(session):
    r = Records(session)
    r.dossier("2026-03-02 08:00", channel="online", status="resolved",
              finished="2026-03-04 08:00", kind="resolved", outcome="early",
              appointment="2026-03-05 17:00")  # 2 days
    r.dossier("2026-03-03 08:00", status="resolved", finished="2026-03-09 08:00",
              kind="resolved", outcome="late", appointment="2026-03-05 17:00")  # 6 days
    r.dossier("2026-03-10 08:00", appointment="2026-04-30 17:00")  # still in progress
    board = procedure_figures(session, unit="BENTHANH", **MARCH)
    found = service_indicators(session, board, "Asia/Ho_Chi_Minh")
    values = {i.key: i.value for i in found.indicators}
    assert values == {"on_time": 50.0, "online_share": 33.3, "online_procedures": 100.0,
                      "average_days": 4.0, "feedback_on_time": None}
    assert "766/QĐ-TTg" in found.source
    ((procedure, resolved, days),) = [(t.procedure, t.resolved, t.average_days)
                                      for t in found.times]
    assert (resolved, days) == (2, 4.0)
    # a ward with no dossiers: nothing to divide, no figure rather than 0 %
    empty = service_indicators(session, procedure_figures(session, unit="EMPTY", **MARCH),
                               "Asia/Ho_Chi_Minh")
    assert {i.key: i.value for i in empty.indicators} == dict.fromkeys(values)
    assert empty.times == ()
