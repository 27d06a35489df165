"""The step-timing audit on the shipped birth registration: dossiers worked at known
times across a weekend and a night, timed in working hours by the unit's calendar."""

from __future__ import annotations

import random
import statistics
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.errors import InvalidAction, NotFound
from engine.reporting import step_audit, step_detail
from engine.reporting.step_histograms import median, quantile
from engine.runtime import Runtime, claim
from engine.storage import Dossier, Pause, TaskRecord
from tests.conftest import refused, vn
from tests.samples import BIRTH
from tests.workflows.helpers import ready, receive, step

APPROVE = {"decision": "approve", "register_number": "25/2026"}
SIGN = {"leader_decision": "approve"}
RETURN = {"returned_to": "Trần Thị Bích", "return_channel": "desk"}
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


def work(session, clock, received, steps):
    """Receive a dossier, then per step: (data, claimed at or None, completed at)."""
    code = receive(session, clock, "birth_registration", received).code
    for data, claimed, completed in steps:
        if claimed:
            session.expire_all()
            claim(session, Runtime(clock), ready(session, code)[0].id, user="officer",
                  at=vn(claimed))
        step(session, clock, code, data, completed)
    return code


@pytest.fixture
def worked(session, clock, shipped):
    # Friday 15:30, checked Monday 09:00: 1.5 h of Friday + 1 h of Monday = 2.5 h, late
    # (SLA 2 h); the officer claims at 10:00 and completes at 11:00; the leader signs
    # across the lunch break (11:00 -> 14:00 = 2 h, SLA 1 h: late).
    slow = work(session, clock, "2026-03-06 15:30", [
        (BIRTH, None, "2026-03-09 09:00"), (APPROVE, "2026-03-09 10:00", "2026-03-09 11:00"),
        (SIGN, None, "2026-03-09 14:00"), (RETURN, None, "2026-03-09 15:00")])
    # Monday morning, all within the hour.
    quick = work(session, clock, "2026-03-09 08:30", [
        (BIRTH, None, "2026-03-09 09:30"), (APPROVE, None, "2026-03-09 10:30"),
        (SIGN, None, "2026-03-09 11:00"), (RETURN, None, "2026-03-09 11:30")])
    # Tuesday 16:00, checked Wednesday 08:30 across the night: 1 h + 0.5 h.
    night = work(session, clock, "2026-03-10 16:00", [(BIRTH, None, "2026-03-11 08:30")])
    return slow, quick, night


def audit(session, runtime, **kw):
    return step_audit(session, "birth_registration", units=["PHUCLOI"],
                      calendars=lambda unit: runtime.calendar(session, unit), **(MARCH | kw))


def by_id(result):
    return {s.spec_id: s for s in result.steps}


def test_durations_are_working_hours_across_weekend_and_night(session, runtime, worked):
    result = audit(session, runtime)
    assert result.dossiers == 3 and result.version == result.versions[0]
    check = by_id(result)["receive_check"]
    assert (check.count, check.median_hours, check.sla, check.sla_hours) == (3, 1.5, "PT2H", 2)
    assert check.p90_hours == pytest.approx(2.3)  # 1, 1.5, 2.5: inclusive 90th percentile
    assert (check.late, check.late_share) == (1, pytest.approx(1 / 3))
    sign = by_id(result)["leader_sign"]
    assert (sign.process_id, sign.count, sign.late) == ("birth_registration_core", 2, 1)
    assert sign.median_hours == pytest.approx(1.25)  # 2 h over lunch and 0.5 h
    assert [s.spec_id for s in result.steps] == [
        "receive_check", "return_result", "register_birth", "leader_sign"]
    assert {d.process_id for d in result.diagrams} == {"birth_registration",
                                                        "birth_registration_core"}


def test_wait_before_claim_and_work_after_and_handover(session, runtime, worked):
    register = by_id(audit(session, runtime))["register_birth"]
    # claimed an hour after it became ready, completed an hour later; the quick one was
    # completed without a claim (all wait: 1 h)
    # (1 h + 1 h) / 2 waiting; after it: 1 h and none, 0.5 h on average; 2 h of the 3 h
    assert (register.wait_mean_hours, register.work_mean_hours) == (1.0, 0.5)
    assert register.wait_share == pytest.approx(2 / 3)
    # reception handed it over at 09:00, the officer took it at 10:00: 1 h; the quick
    # one was taken (completed) an hour after reception finished
    assert (register.handovers, register.handover_median_hours) == (2, 1.0)
    edges = {(e.from_department, e.to_department, e.spec_id): e
             for e in audit(session, runtime).edges}
    assert edges["reception", "civil_status", "register_birth"].median_hours == 1.0


def test_step_detail_lists_late_dossier_and_outliers(session, runtime, worked):
    slow, quick, night = worked
    detail = step_detail(session, "birth_registration", "receive_check", units=["PHUCLOI"],
                         calendars=lambda unit: runtime.calendar(session, unit), **MARCH)
    assert [(r.dossier_code, r.hours) for r in detail.late] == [(slow, 2.5)]
    assert detail.late[0].held_by == "officer"
    assert [r.dossier_code for r in detail.outliers] == [slow]


def test_fresh_and_bounded(session, runtime, clock, worked):
    assert audit(session, runtime, start=date(2026, 3, 10), end=date(2026, 3, 11)).dossiers == 1
    assert audit(session, runtime, start=date(2026, 4, 1), end=date(2026, 4, 30)).steps == ()
    assert audit(session, runtime, all_versions=True).dossiers == 3
    # only the units given
    assert step_audit(session, "birth_registration", units=["HANOI"], calendars=lambda u:
                      runtime.calendar(session, u), **MARCH).dossiers == 0
    with refused(InvalidAction, "period_too_long", days=366):
        audit(session, runtime, start=date(2025, 1, 1), end=date(2026, 3, 1))
    with refused(InvalidAction, "period_reversed", start=date(2026, 3, 2),
                 end=date(2026, 3, 1)):
        audit(session, runtime, start=date(2026, 3, 2), end=date(2026, 3, 1))
    with refused(NotFound, "unknown_version", key="birth_registration", version=99):
        audit(session, runtime, version=99)
    with refused(NotFound, "unknown_procedure", key="nope"):
        step_audit(session, "nope", units=["PHUCLOI"], calendars=lambda u: None, **MARCH)


def test_step_detail_figures_and_hours(session, runtime, worked):
    slow, quick, _ = worked
    detail = step_detail(session, "birth_registration", "register_birth", units=["PHUCLOI"],
                         calendars=lambda unit: runtime.calendar(session, unit), **MARCH)
    assert (detail.step.count, detail.step.handovers) == (2, 2)
    # 2 h (slow) and 1 h (quick): the 95th percentile lies between, only the slow is over
    assert detail.outlier_hours == pytest.approx(1.95)
    assert [(r.dossier_code, r.hours, r.wait_hours, r.work_hours, r.taken_at)
            for r in detail.outliers] == [(slow, 2.0, 1.0, 1.0, vn("2026-03-09 10:00"))]


def test_completion_stores_working_minutes_with_the_pause_left_out(session, clock, runtime,
                                                                 shipped):
    """The minutes written on completion are the calendar's count, the dossier's pause
    for the citizen left out, as the audit used to count them on every request."""
    code = receive(session, clock, "birth_registration", "2026-03-09 08:00").code
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    session.add(Pause(dossier_id=dossier.id, started_at=vn("2026-03-09 09:00"),
                      ended_at=vn("2026-03-09 10:30"), deadline_at=vn("2026-03-20 17:00"),
                      requested_by="officer", items=[], reason="test"))
    session.flush()
    step(session, clock, code, BIRTH, "2026-03-10 09:15")
    session.expire_all()
    row = session.scalar(select(TaskRecord).where(TaskRecord.dossier_id == dossier.id,
                                                  TaskRecord.spec_id == "receive_check"))
    cal = runtime.calendar(session, "PHUCLOI")
    paused = [(vn("2026-03-09 09:00"), vn("2026-03-09 10:30"))]
    expected = cal.between(row.ready_at, row.completed_at, paused)
    # Monday 8:00-17:00 less the lunch hour and the 1.5 h pause, Tuesday 8:00-9:15
    assert expected == timedelta(hours=6.5, minutes=75)
    assert (row.working_minutes, row.waiting_minutes) == (round(expected.seconds / 60),) * 2
    assert (row.unit, row.dossier_definition_id) == ("PHUCLOI", dossier.definition_id)
    assert row.previous_completed_at is None  # the dossier's first completion
    assert row.handover_minutes is None  # from the applicant: not a department's handover
    nxt = session.scalar(select(TaskRecord).where(TaskRecord.dossier_id == dossier.id,
                                                  TaskRecord.spec_id == "register_birth"))
    assert (nxt.unit, nxt.dossier_definition_id, nxt.working_minutes) == (
        "PHUCLOI", dossier.definition_id, None)
    step(session, clock, code, APPROVE, "2026-03-10 10:00")
    session.expire_all()
    assert nxt.previous_completed_at == row.completed_at


@pytest.mark.parametrize("seed", range(30))
def test_quantiles_from_a_histogram_are_those_of_the_values(seed):
    rng = random.Random(seed)
    values = [rng.choice([rng.randint(0, 5), rng.randint(0, 2000)])
              for _ in range(rng.randint(1, 60))]
    histogram = [(v, values.count(v)) for v in set(values)]
    rng.shuffle(histogram)
    if len(values) == 1:
        assert quantile(histogram, 10, 9) == values[0]
    for n in (2, 10, 20):
        if len(values) > 1:
            expected = statistics.quantiles(values, n=n, method="inclusive")
            assert [quantile(histogram, n, k) for k in range(1, n)] == pytest.approx(expected)
    assert median(histogram) == statistics.median(values)
    assert quantile([], 10, 9) is None
