"""The day counts the dashboard sums: kept step by step by the runtime, they equal the
counts rebuilt from the rows, and every figure summed from them equals the figure counted
from the dossiers and task records (the same instants read in Asia/Bangkok, also UTC+7
all year, take the counting path)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from engine.org import descendants
from engine.reporting import (
    build_dashboard,
    period_report,
    procedure_figures,
    step_audit,
    step_detail,
)
from engine.reporting.finished import FinishedRule
from engine.simulation import Rates, seed_demo_units, simulate
from engine.storage import (
    Dossier,
    DossierDay,
    HandoverMonth,
    StepMonth,
    TaskDay,
    TaskRecord,
    compact_day_counts,
    local_day,
    make_sessionmaker,
    rebuild_day_counts,
)
from tests.conftest import WORKFLOWS, deploy_files

WARD = "PHUCLOI"
START, END = date(2026, 3, 16), date(2026, 4, 10)  # across a month's end
BUSY = Rates(late_steps=0.2, refuse=0.1, supplement=0.3, withdrawn=0.1, apology=1.0)
RULES = [FinishedRule(), FinishedRule.parse("excluded"), FinishedRule.parse("on-time"),
         FinishedRule.parse("withdrawn=excluded,stopped=on-time")]
SAME_INSTANTS = "Asia/Bangkok"  # +07:00 like Vietnam, so the same period bounds


def sums(session: Session) -> Counter[tuple[Any, ...]]:
    """Each (table, key, column) with its summed count, zeros left out."""
    found: Counter[tuple[Any, ...]] = Counter()
    for table, keys in ((DossierDay, ("unit", "procedure", "field_of_work", "day")),
                        (TaskDay, ("unit", "department", "day")),
                        (StepMonth, ("root", "definition_id", "process_id", "spec_id",
                                     "month", "minutes", "previous_month")),
                        (HandoverMonth, ("root", "definition_id", "process_id", "spec_id",
                                         "month", "handed_from", "department", "minutes"))):
        for row in session.scalars(select(table)):
            for column in inspect(table).column_attrs:
                if column.key not in (*keys, "id"):
                    found[(table.__name__, *(getattr(row, k) for k in keys),
                           column.key)] += getattr(row, column.key)
    return +found


def board(session: Session, start: date, end: date, tz: str, rule: FinishedRule
          ) -> tuple[Any, ...]:
    made = build_dashboard(session, unit="HANOI", start=start, end=end, tz=tz,
                           finished_as=rule)
    return (made.total, made.by_procedure, made.by_field, made.by_unit, made.by_department,
            made.trend)


def form(session: Session, start: date, end: date, rule: FinishedRule, tz: str
         ) -> tuple[Any, ...]:
    made = period_report(session, unit=WARD, start=start, end=end, tz=tz, finished_as=rule)
    return made.rows, made.total


def test_the_kept_counts_equal_the_rows_and_give_the_counted_figures(committed, runtime):
    sessions = make_sessionmaker(committed)
    with sessions.begin() as session:
        seed_demo_units(session)
        deploy_files(session, runtime, WORKFLOWS)
    result = simulate(sessions, runtime, unit=WARD, start=START, end=END, dossiers=70,
                      online=12, seed=5, rates=BUSY)
    assert result.supplements and result.refused and result.withdrawn and result.apologies

    with sessions.begin() as session:
        kept = sums(session)
        ended = Counter(session.scalars(select(Dossier.finish_kind)))
        assert ended["refused"] and ended["withdrawn"] and ended["resolved"] and ended[None]
        assert kept and any(key[0] == "TaskDay" and key[-1] == "due_from" for key in kept)
        assert {key[0] for key in kept} == {"DossierDay", "TaskDay", "StepMonth",
                                            "HandoverMonth"}
        # the simulation's ticks merged what they found; a change there and back again
        # leaves rows of differences that add up to nothing
        dossier = session.scalars(select(Dossier).where(Dossier.finish_kind == "resolved")
                                  ).first()
        assert dossier is not None
        field, dossier.field_of_work = dossier.field_of_work, "Khác"
        session.flush()
        dossier.field_of_work = field
        session.flush()
        assert sums(session) == kept
        rows = session.scalar(select(func.count()).select_from(DossierDay))
        assert compact_day_counts(session) > 0
        assert sums(session) == kept
        assert session.scalar(select(func.count()).select_from(DossierDay)) < rows
        assert compact_day_counts(session) == 0  # one row a key: nothing more to merge
        rebuild_day_counts(session)
        assert sums(session) == kept

    # every period that starts or ends inside the simulated weeks, and a few around them
    days = [START - timedelta(days=16), START, START + timedelta(days=4), date(2026, 4, 1),
            END, END + timedelta(days=20)]
    with sessions.begin() as session:
        checked = 0
        for start in days:
            for end in (d for d in days if d >= start):
                for rule in RULES:
                    summed = board(session, start, end, "Asia/Ho_Chi_Minh", rule)
                    assert summed == board(session, start, end, SAME_INSTANTS, rule), \
                        (start, end, rule)
                    checked += summed[0].row.received_total > 0
                    assert form(session, start, end, rule, "Asia/Ho_Chi_Minh") == \
                        form(session, start, end, rule, SAME_INSTANTS)
        assert checked > 20
        figures = procedure_figures(session, unit=WARD, start=START, end=END)
        assert figures.total.row.in_progress_overdue > 0 or figures.total.row.resolved_late

    # the step audit of the whole city reads whole months from the month counts; left
    # without a unit that has no dossiers, it reads every task record: the same audit
    with sessions.begin() as session:
        city = descendants(session, "HANOI")
        some = [u for u in city if u != "BHXH-GIALAM"]
        # a period that starts between a dossier's step in March and its next in April
        april = datetime(2026, 4, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        across = sorted((local_day(previous) + timedelta(days=1), key)
                        for previous, key in session.execute(
                            select(TaskRecord.previous_completed_at, Dossier.process_key)
                            .join(Dossier, Dossier.id == TaskRecord.dossier_id).where(
                                TaskRecord.completed_at >= april,
                                TaskRecord.previous_completed_at < april - timedelta(1))))
        assert across and across[-1][0].day > 1
        for start, end in ((date(2026, 3, 1), date(2026, 4, 30)),  # two whole months
                           (date(2026, 3, 20), date(2026, 4, 30)),  # a month and a part
                           (across[-1][0], date(2026, 4, 30)),  # a dossier's steps across
                           (date(2026, 3, 20), date(2026, 4, 5))):  # no whole month
            for key in {"birth_registration", "birth_residence_health_card", across[-1][1]}:
                audits = [step_audit(session, key, units=units, start=start, end=end,
                                     calendars=lambda unit: runtime.calendar(session, unit))
                          for units in (city, some)]
                assert audits[0].steps and audits[0] == audits[1], (key, start, end)
                assert audits[0].dossiers > 0
                late = max(audits[0].steps, key=lambda s: s.late)
                details = [step_detail(session, key, late.spec_id, units=units, start=start,
                                       end=end,
                                       calendars=lambda unit: runtime.calendar(session, unit))
                           for units in (city, some)]
                assert details[0] == details[1]


def test_a_rolled_back_command_leaves_no_count(committed, runtime):
    sessions = make_sessionmaker(committed)
    with sessions.begin() as session:
        seed_demo_units(session)
        deploy_files(session, runtime, WORKFLOWS)
    simulate(sessions, runtime, unit=WARD, start=START, end=START, dossiers=5, online=0,
             seed=2)
    with sessions.begin() as session:
        before = sums(session)
        dossier = session.scalars(select(Dossier)).first()
        assert dossier is not None
        with session.begin_nested() as savepoint:
            dossier.field_of_work = "Khác"
            session.flush()
            assert sums(session) != before
            savepoint.rollback()
        assert sums(session) == before
