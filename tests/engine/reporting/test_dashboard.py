"""The supervisor's dashboard: the period report's figures broken down another way.
Uses the period report's hand-counted March 2026 records."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidAction
from engine.reporting import (
    FinishedRule,
    Preset,
    build_dashboard,
    dossier_lines,
    period_report,
    preset_period,
)
from tests.engine.reporting.test_period_report import (  # noqa: F401 (fixture)
    CERT,
    CIVIL,
    MARCH,
    RESIDENCE,
    figures,
    records,
)

pytestmark = pytest.mark.usefixtures("records")


@pytest.mark.parametrize("rule", ["withdrawn=resolved", "excluded",
                                  "withdrawn=on-time,refused=excluded"])
@pytest.mark.parametrize("unit", ["BENTHANH", "Q1", "HCM"])
def test_the_totals_equal_the_period_reports(session, unit, rule):
    finished_as = FinishedRule.parse(rule)
    board = build_dashboard(session, unit=unit, finished_as=finished_as, **MARCH)
    report = period_report(session, unit=unit, finished_as=finished_as, **MARCH)
    assert figures(board.total.row) == figures(report.total)
    # each breakdown adds up to the same total
    for rows in (board.by_procedure, board.by_field, board.by_unit):
        for name in ("received_total", "resolved_total", "in_progress_overdue", "refused"):
            assert sum(getattr(f.row, name) for f in rows) == getattr(report.total, name)
    assert {f.key: figures(f.row) for f in board.by_field} == {
        r.field_of_work: figures(r) for r in report.rows}


def test_the_district_by_child_unit(session):
    board = build_dashboard(session, unit="Q1", **MARCH)
    rows = {f.key: f for f in board.by_unit}
    # the police post is counted with its ward; the district's own desk apart, last
    assert set(rows) == {"BENTHANH", "OTHERWARD", "Q1"}
    assert board.by_unit[-1].key == "Q1" and not board.by_unit[-1].link
    ward = build_dashboard(session, unit="BENTHANH", **MARCH).total
    assert figures(rows["BENTHANH"].row) == figures(ward.row)
    assert rows["OTHERWARD"].row.received_total == 1
    assert rows["OTHERWARD"].row.on_time_rate == 100.0


def test_the_ward_figures_a_supervisor_reads(session):
    board = build_dashboard(session, unit="BENTHANH", **MARCH)
    total = board.total
    # 25 counted in March (H1-H14, H17-H22, C1-C3, P1-P2), 4 of them carried over
    assert total.row.received_total == 28 - 3 and total.row.carried_over == 4
    assert total.received_new == 21
    assert total.row.received_online == 5  # H3, H6, H9, H14, P1
    assert total.online_share == pytest.approx(23.8)
    assert total.supplemented == 2  # H18 (05/03) and H12 (20/03); H21's was in April
    assert total.apologised == 1  # H20, signed on 17/03 (H19's in April)
    fields = {f.key: f.row.received_total for f in board.by_field}
    assert fields[CERT] == 3 and fields[RESIDENCE] == 2 and fields[CIVIL] == 20
    (procedure,) = board.by_procedure
    assert procedure.key == "report_test" and procedure.label == "Report test"


def test_the_trend_is_weekly_for_a_month_and_adds_up(session):
    board = build_dashboard(session, unit="BENTHANH", **MARCH)
    assert board.trend_by == "week"
    assert board.trend[0].start == date(2026, 3, 1) and board.trend[0].end == date(2026, 3, 1)
    assert board.trend[-1].end == date(2026, 3, 31)
    assert sum(p.received for p in board.trend) == board.total.received_new
    last = board.trend[-1]  # Monday 30 and Tuesday 31: C3, and H14 at 23:59 on the 31st
    assert last.start == date(2026, 3, 30) and last.received == 2
    year = build_dashboard(session, unit="BENTHANH", start=date(2026, 1, 1),
                     end=date(2026, 6, 30))
    assert year.trend_by == "month" and len(year.trend) == 6


def test_the_dossiers_behind_a_row(session):
    lines, count = dossier_lines(session, unit="Q1", child="OTHERWARD", **MARCH)
    assert count == 1 and [line.unit for line in lines] == ["OTHERWARD"]
    lines, count = dossier_lines(session, unit="BENTHANH", field_of_work=CERT, **MARCH)
    assert count == 3 and all(line.field_of_work == CERT for line in lines)
    lines, count = dossier_lines(session, unit="BENTHANH", procedure="report_test",
                                 limit=5, **MARCH)
    assert count == 25 and len(lines) == 5
    assert lines[0].received_at >= lines[-1].received_at


def test_presets_run_to_today():
    today = date(2026, 8, 14)
    assert preset_period(Preset.MONTH, today) == (date(2026, 8, 1), today)
    assert preset_period(Preset.QUARTER, today) == (date(2026, 7, 1), today)
    assert preset_period(Preset.HALF, today) == (date(2026, 7, 1), today)
    assert preset_period(Preset.YEAR, today) == (date(2026, 1, 1), today)
    assert preset_period(Preset.HALF, date(2026, 3, 2))[0] == date(2026, 1, 1)


def test_bad_periods_are_refused(session):
    with pytest.raises(InvalidAction):
        build_dashboard(session, unit="Q1", start=date(2026, 3, 2), end=date(2026, 3, 1))
    with pytest.raises(InvalidAction):
        build_dashboard(session, unit="Q1", start=date(2024, 1, 1), end=date(2026, 3, 1))
