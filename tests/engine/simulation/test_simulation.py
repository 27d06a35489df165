"""The simulation: weeks of a ward's work through the real engine, on a simulated clock.

It commits one transaction per command like real users, so these tests run on a
database that is emptied after each test (not the rolled-back test session)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from engine.calendar import WorkingCalendar
from engine.definitions import Document, ProcedureView
from engine.errors import InvalidAction, NotFound
from engine.reporting import period_report
from engine.runtime import Runtime
from engine.simulation import Rates, SimulationResult, seed_demo_units, simulate
from engine.simulation.data import plan_arrivals
from engine.storage import Apology, Dossier, Pause, TaskRecord, User, make_sessionmaker
from tests.conftest import DATA, VN, WORKFLOWS, deploy_files, wipe

WARD = "PHUCLOI"
START, END = date(2026, 3, 2), date(2026, 3, 13)  # two working weeks, Monday to Friday
# More of the rare events than real life, so 40 dossiers show each of them.
BUSY = Rates(late_steps=0.15, refuse=0.1, supplement=0.25, withdrawn=0.1, apology=1.0)


def _setup(engine: Engine, runtime: Runtime, *paths: Any) -> sessionmaker[Any]:
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        seed_demo_units(session)
        deploy_files(session, runtime, *(paths or (WORKFLOWS,)))
    return sessions


def _local(at: datetime) -> datetime:
    return at.astimezone(VN)


def test_two_weeks_of_the_ward(committed, runtime):
    sessions = _setup(committed, runtime)
    result = simulate(sessions, runtime, unit=WARD, start=START, end=END, dossiers=40,
                      online=8, seed=3, rates=BUSY)
    assert (result.dossiers, result.online) == (40, 8)

    with sessions.begin() as session:
        dossiers = session.scalars(select(Dossier)).all()
        filed = [d for d in dossiers if d.started_by_message_id is None]
        assert len(filed) == 40 and {d.unit for d in filed} == {WARD}
        assert sum(d.channel == "online" for d in filed) == 8
        # the interlinked procedure sent parts to the ward's police and the district's BHXH
        linked = [d for d in dossiers if d.started_by_message_id is not None]
        assert {d.unit for d in linked} == {"CA-PHUCLOI", "BHXH-LONGBIEN"}
        assert result.linked == len(linked)

        # nothing received outside the period; desk and post dossiers in office hours
        lo = datetime.combine(START, time(0), tzinfo=VN)
        hi = datetime.combine(END + timedelta(days=1), time(0), tzinfo=VN)
        assert all(lo <= d.received_at < hi for d in dossiers)
        cal = runtime.calendar(session, WARD)
        assert all(cal.is_working_time(d.received_at) for d in filed if d.channel != "online")

        tasks = session.scalars(select(TaskRecord)).all()
        done = [t for t in tasks if t.status == "completed"]
        assert len(done) == result.completed
        assert all(t.completed_at is not None and t.completed_at >= t.ready_at for t in done)
        # staff of the task's unit and department did the work, never the fallback user
        staff = {(u.unit_code, d): u.username for u in session.scalars(select(User))
                 for d in u.departments}
        units = {d.id: d.unit for d in dossiers}
        assert all(t.completed_by == staff[(units[t.dossier_id], t.department)] for t in done)
        late = [t for t in done if t.outcome == "late"]
        assert late and len(late) == result.late_steps

        pauses = session.scalars(select(Pause)).all()
        assert result.supplements == len(pauses) > 0
        assert result.supplied == sum(p.ended_at is not None for p in pauses)
        kinds = [d.finish_kind for d in dossiers]
        assert kinds.count("refused") == result.refused > 0
        assert kinds.count("withdrawn") == result.withdrawn
        assert kinds.count("resolved") == result.resolved
        assert kinds.count(None) == result.in_progress
        signers = set(session.scalars(select(Apology.signed_by)))
        assert result.apologies == session.scalar(select(func.count()).select_from(Apology))
        assert signers <= {"lanhdao.phucloi"}

        report = period_report(session, unit=WARD, start=START, end=END)
    for row in (*report.rows, report.total):
        assert row.received_total == row.resolved_total + row.in_progress_total
    # the parts went to the district's agencies: the ward counts its own 40 dossiers
    assert report.total.received_total == 40
    assert linked and {d.unit for d in linked} <= {"CA-PHUCLOI", "BHXH-LONGBIEN"}


def _fingerprint(sessions: sessionmaker[Any], result: SimulationResult) -> tuple[Any, ...]:
    with sessions.begin() as session:
        dossiers = sorted(
            (d.code, d.unit, d.channel, d.received_at, d.status, d.outcome, d.finished_at,
             d.supplement_count)
            for d in session.scalars(select(Dossier)))
        tasks = sorted(
            (code, t.spec_id, t.status, t.ready_at, t.completed_at, t.completed_by, t.outcome)
            for t, code in session.execute(
                select(TaskRecord, Dossier.code).join(Dossier,
                                                      Dossier.id == TaskRecord.dossier_id)))
        report = period_report(session, unit=WARD, start=result.start, end=result.end)
    counts = {k: v for k, v in vars(result).items() if k != "elapsed"}
    return counts, report.rows, report.total, dossiers, tasks


def test_same_seed_same_simulation(committed, runtime):
    runs = []
    for _ in range(2):
        sessions = _setup(committed, runtime)
        result = simulate(sessions, runtime, unit=WARD, start=START, end=START + timedelta(2),
                          dossiers=16, online=4, seed=7)
        runs.append(_fingerprint(sessions, result))
        wipe(committed)
    assert runs[0] == runs[1]
    assert runs[0][0]["completed"] > 0


def test_runs_any_ward_catalog(committed, runtime):
    """With only the small test procedure deployed (no messages, no linked dossiers)."""
    sessions = _setup(committed, runtime, DATA / "simple_procedure.bpmn",
                      DATA / "simple_procedure.toml")
    result = simulate(sessions, runtime, unit=WARD, start=START, end=START + timedelta(4),
                      dossiers=15, online=3, seed=1)
    assert (result.dossiers, result.linked) == (15, 0)
    assert result.completed > 0
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 15
        total = period_report(session, unit=WARD, start=START, end=START + timedelta(4)).total
    assert (total.received_total, total.received_online) == (15, 3)
    assert total.received_total == total.resolved_total + total.in_progress_total


def test_refuses_what_it_cannot_simulate(committed, runtime):
    sessions = make_sessionmaker(committed)
    with sessions.begin() as session:
        seed_demo_units(session)

    def run(**changes: Any) -> SimulationResult:
        args: dict[str, Any] = {"unit": WARD, "start": START, "end": END, "dossiers": 5,
                                "online": 1} | changes
        return simulate(sessions, runtime, **args)

    with pytest.raises(InvalidAction, match="no ward-level procedure"):
        run()
    with pytest.raises(InvalidAction, match="at most that many online"):
        run(online=6)
    with pytest.raises(InvalidAction, match="after it ends"):
        run(start=END, end=START)
    with pytest.raises(NotFound, match="NOWHERE"):
        run(unit="NOWHERE")
    with pytest.raises(InvalidAction, match="no working day"):
        run(start=date(2026, 3, 7), end=date(2026, 3, 8))  # a weekend
    assert run(dossiers=0, online=0).dossiers == 0


def _procedure(code: str, key: str, effective: date = date(2016, 1, 1)) -> ProcedureView:
    return ProcedureView(
        id=1, code=code, version=1, name=key, process_key=key, field_of_work="Hộ tịch",
        level="ward", legal_basis=(), time_limit="same_day", verification_time_limit=None,
        cutoff="15:00", fee="", online_level="full", effective_from=effective,
        abolished_on=None, documents=(Document("Tờ khai", 1, True),))


def test_arrivals_follow_office_hours_and_the_week():
    cal = WorkingCalendar()
    procedures = [_procedure("1", "certified_copy"), _procedure("2", "marriage_registration"),
                  _procedure("3", "new_one", effective=date(2026, 6, 1))]
    start, end = date(2026, 3, 2), date(2026, 5, 29)
    arrivals = plan_arrivals(random.Random(5), cal, procedures, Rates(), start=start,  # noqa: S311
                             end=end, dossiers=3000, online=400)
    assert [a.at for a in arrivals] == sorted(a.at for a in arrivals)
    online = [a for a in arrivals if a.channel == "online"]
    desk = [a for a in arrivals if a.channel != "online"]
    assert len(online) == 400 and len(desk) == 2600
    assert all(start <= _local(a.at).date() <= end for a in arrivals)
    assert all(cal.is_working_time(a.at) for a in desk)
    assert any(not cal.is_working_time(a.at) for a in online)  # nights and weekends
    assert any(a.channel == "post" for a in desk)
    mornings = [a for a in desk if _local(a.at).hour < 12]
    assert len(mornings) > len(desk) / 2
    monday_am = sum(_local(a.at).weekday() == 0 and _local(a.at).hour < 12 for a in desk)
    friday_pm = sum(_local(a.at).weekday() == 4 and _local(a.at).hour >= 12 for a in desk)
    assert monday_am > 2 * friday_pm
    # only procedures in force; common ones more often
    keys = [a.procedure.process_key for a in arrivals]
    assert "new_one" not in keys
    assert keys.count("certified_copy") > 5 * keys.count("marriage_registration") > 0
