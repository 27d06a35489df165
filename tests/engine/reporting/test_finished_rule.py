"""Where withdrawn, refused and stopped dossiers go (FinishedRule), and the form's
identity received = resolved + in progress under every choice."""

from __future__ import annotations

import itertools

import pytest

from engine.errors import InvalidAction
from engine.reporting import DEFAULT_RULE, FinishedRule, Placement, ReportRow, period_report
from tests.engine.reporting.test_period_report import MARCH, Records

KINDS = ("withdrawn", "refused", "stopped")
EVERY_RULE = [FinishedRule(*choice) for choice in itertools.product(Placement, repeat=3)]


@pytest.fixture
def mix(session) -> Records:
    """One field of work: dossiers resolved early, on time and late; withdrawn,
    refused and stopped, each once before its deadline and once after it (one of them
    carried over from February); in progress within and past the deadline; carried over."""
    r = Records(session)
    d = r.dossier
    d("2026-03-02 09:00", finished="2026-03-03 09:00", kind="resolved", outcome="early",
      appointment="2026-03-06 17:00")
    d("2026-03-02 09:00", finished="2026-03-06 16:00", kind="resolved", outcome="on_time",
      appointment="2026-03-06 17:00")
    d("2026-03-02 09:00", finished="2026-03-09 09:00", kind="resolved", outcome="late",
      appointment="2026-03-06 17:00")
    for kind in KINDS:
        # Ended before the deadline ...
        d("2026-03-09 09:00", channel="online", finished="2026-03-10 09:00", kind=kind,
          status=kind, appointment="2026-03-13 17:00")
        # ... and after it; this one carried over from February.
        d("2026-02-25 09:00", finished="2026-03-16 09:00", kind=kind, status=kind,
          appointment="2026-03-02 17:00")
    d("2026-03-20 09:00", appointment="2026-04-03 17:00")  # in progress, within
    d("2026-03-16 09:00", appointment="2026-03-25 17:00")  # in progress, overdue
    d("2026-02-20 09:00", appointment="2026-04-06 17:00")  # carried over, within
    # Withdrawn after the period: in progress at its end, whatever the rule.
    d("2026-03-23 09:00", finished="2026-04-02 09:00", kind="withdrawn",
      appointment="2026-04-03 17:00")
    return r


def _balanced(row: ReportRow) -> None:
    assert row.received_total == row.resolved_total + row.in_progress_total, row
    assert row.received_total == (row.carried_over + row.received_online
                                  + row.received_in_person), row
    assert row.resolved_total == (row.resolved_early + row.resolved_on_time
                                  + row.resolved_late), row


@pytest.mark.parametrize("rule", EVERY_RULE, ids=FinishedRule.text)
def test_every_row_adds_up_under_every_rule(session, mix, rule):
    report = period_report(session, unit="BENTHANH", finished_as=rule, **MARCH)
    assert report.finished_as == rule
    for row in (*report.rows, report.total):
        _balanced(row)
    total = report.total
    # The informative columns do not depend on the rule: two of each ended in March.
    assert (total.withdrawn, total.refused, total.stopped) == (2, 2, 2)
    excluded = 2 * len(rule.kinds(Placement.EXCLUDED))
    assert total.received_total == 13 - excluded
    assert total.resolved_total == 9 - excluded
    assert (total.in_progress_total, total.in_progress_within,
            total.in_progress_overdue) == (4, 3, 1)
    assert total.resolved_early == 1  # only a resolved dossier's recorded timing is early


def test_default_counts_them_as_resolved_by_their_timing(session, mix):
    total = period_report(session, unit="BENTHANH", **MARCH).total
    assert period_report(session, unit="BENTHANH", **MARCH).finished_as == DEFAULT_RULE
    assert DEFAULT_RULE == FinishedRule(Placement.RESOLVED, Placement.RESOLVED,
                                        Placement.RESOLVED)
    # 3 resolved + 6 ended otherwise: 3 before their deadline (on time), 3 after (late).
    assert (total.received_total, total.carried_over, total.received_online) == (13, 4, 3)
    assert (total.resolved_total, total.resolved_early, total.resolved_on_time,
            total.resolved_late) == (9, 1, 4, 4)


@pytest.mark.parametrize("kind", KINDS)
def test_each_choice_moves_the_dossier_into_its_column(session, mix, kind):
    def report(placement: Placement) -> ReportRow:
        return period_report(session, unit="BENTHANH",
                             finished_as=FinishedRule.parse(f"{kind}={placement}"),
                             **MARCH).total

    resolved, on_time, excluded = (report(p) for p in Placement)
    # resolved: one on time (ended before its deadline), one late (after it).
    # on-time: both on time. excluded: neither received nor resolved; the carried-over
    # one leaves "carried over", the online one leaves "online".
    assert (resolved.resolved_total, resolved.resolved_on_time,
            resolved.resolved_late) == (9, 4, 4)
    assert (on_time.resolved_total, on_time.resolved_on_time,
            on_time.resolved_late) == (9, 5, 3)
    assert (excluded.resolved_total, excluded.resolved_on_time,
            excluded.resolved_late) == (7, 3, 3)
    assert (excluded.received_total, excluded.carried_over,
            excluded.received_online) == (11, 3, 2)
    assert resolved.received_total == on_time.received_total == 13
    for row in (resolved, on_time, excluded):
        assert getattr(row, kind) == 2


def test_more_than_one_supplement_request_makes_them_late_too(session):
    r = Records(session)
    r.dossier("2026-03-02 09:00", finished="2026-03-03 09:00", kind="refused",
              supplements=2, appointment="2026-03-13 17:00")
    total = period_report(session, unit="BENTHANH", **MARCH).total
    assert (total.resolved_total, total.resolved_late) == (1, 1)
    on_time = period_report(session, unit="BENTHANH", finished_as=FinishedRule.parse(
        "on-time"), **MARCH).total
    assert (on_time.resolved_total, on_time.resolved_on_time) == (1, 1)


def test_a_finish_without_a_kind_follows_refused(session):
    r = Records(session)
    r.dossier("2026-03-02 09:00", finished="2026-03-03 09:00", kind=None)
    total = period_report(session, unit="BENTHANH", finished_as=FinishedRule.parse(
        "refused=excluded"), **MARCH).total
    assert (total.refused, total.received_total, total.resolved_total) == (1, 0, 0)


@pytest.mark.parametrize(("text", "rule"), [
    ("excluded", FinishedRule(*[Placement.EXCLUDED] * 3)),
    ("withdrawn=excluded", FinishedRule(withdrawn=Placement.EXCLUDED)),
    (" stopped = on-time , refused=excluded ",
     FinishedRule(refused=Placement.EXCLUDED, stopped=Placement.ON_TIME)),
    ("on-time,withdrawn=resolved", FinishedRule(Placement.RESOLVED, Placement.ON_TIME,
                                                Placement.ON_TIME)),
    (DEFAULT_RULE.text(), DEFAULT_RULE),
])
def test_parse(text, rule):
    assert FinishedRule.parse(text) == rule
    assert FinishedRule.parse(rule.text()) == rule


@pytest.mark.parametrize(("text", "message"), [
    ("", "the rule is empty; give e.g. withdrawn=excluded"),
    ("returned=excluded", "'returned' is not a way of ending; use withdrawn, refused, "
                          "stopped"),
    ("withdrawn=gone", "'gone' is not a placement; use resolved, on-time, excluded"),
    ("withdrawn=excluded,", "'' is not a placement; use resolved, on-time, excluded"),
])
def test_parse_refuses_a_bad_rule_naming_what_is_wrong(text, message):
    with pytest.raises(InvalidAction) as caught:
        FinishedRule.parse(text)
    assert str(caught.value) == message


def test_note_says_the_rule_in_vietnamese():
    assert FinishedRule.parse("withdrawn=excluded,stopped=on-time").note() == (
        "rút hồ sơ: không tính vào số hồ sơ nhận; từ chối: tính là đã giải quyết, theo "
        "thời hạn; dừng giải quyết: tính là đã giải quyết đúng hạn")
