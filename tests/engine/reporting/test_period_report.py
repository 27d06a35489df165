"""The period report (form II.06a) against a hand count of dossier records.

The period is March 2026 in Vietnam time: [01/03 00:00, 01/04 00:00) local.
Statuses are deliberately stale or misleading: the report must read timestamps.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidAction, NotFound
from engine.reporting import (
    TOTAL_LABEL,
    PeriodReport,
    ReportRow,
    period_report,
)
from engine.storage import Apology, DefinitionVersion, Dossier, Pause, Unit
from tests.conftest import vn

MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
CIVIL, CERT, RESIDENCE = "Hộ tịch", "Chứng thực", "Đăng ký, quản lý cư trú"


class Records:
    """Inserts units and dossier rows directly, as the runtime would have left them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.count = 0
        definition = DefinitionVersion(
            key="report_test", version=1, name="Report test", content_hash="0" * 64,
            xml=b"<definitions/>", source="test", info={}, dependencies=[],
            deployed_by="test", deployed_at=vn("2026-01-01 08:00"))
        session.add(definition)
        for code, name, kind, parent in [
            ("HCM", "Thành phố Hồ Chí Minh", "city", None),
            ("Q1", "Quận 1", "district", "HCM"),
            ("BENTHANH", "Phường Bến Thành", "ward", "Q1"),
            ("CA_BENTHANH", "Công an phường Bến Thành", "police", "BENTHANH"),
            ("OTHERWARD", "Phường Bên Cạnh", "ward", "Q1"),
            ("EMPTY", "Phường Không Hồ Sơ", "ward", "Q1"),
        ]:
            session.add(Unit(code=code, name=name, kind=kind, parent_code=parent,
                             departments=[]))
        session.flush()
        self.definition_id = definition.id

    def dossier(self, received: str, *, unit: str = "BENTHANH", field: str = CIVIL,
                channel: str = "in_person", status: str = "running",
                finished: str | None = None, kind: str | None = None,
                outcome: str | None = None, supplements: int = 0,
                appointment: str | None = None, original: str | None = None,
                pauses: tuple[tuple[str, str | None], ...] = (),
                apologies: tuple[tuple[str, str, str], ...] = ()) -> Dossier:
        self.count += 1
        at = vn(received)
        end = vn(finished) if finished else None
        row = Dossier(
            code=f"{unit}-{self.count:04d}", definition_id=self.definition_id,
            process_key="report_test", unit=unit, channel=channel, status=status,
            applicant={}, field_of_work=field, documents=[], received_at=at, counting_from=at,
            appointment_at=vn(appointment) if appointment else None,
            original_appointment_at=vn(original or appointment) if appointment else None,
            resolved_at=end if kind == "resolved" else None, finished_at=end,
            finish_kind=kind, outcome=outcome, supplement_count=supplements, state="{}")
        self.session.add(row)
        self.session.flush()
        for started, ended in pauses:
            self.session.add(Pause(dossier_id=row.id, started_at=vn(started),
                                   ended_at=vn(ended) if ended else None,
                                   deadline_at=vn("2026-06-01 17:00"), items=[], reason="bổ sung"))
        for signed, old, new in apologies:
            self.session.add(Apology(dossier_id=row.id, at=vn(signed), reason="quá tải",
                                     old_appointment_at=vn(old), new_appointment_at=vn(new),
                                     signed_by="chairman"))
        self.session.flush()
        return row


@pytest.fixture
def records(session: Session) -> Records:
    r = Records(session)
    d = r.dossier
    # --- Hộ tịch, ward BENTHANH ---------------------------------------------------------
    # H1 carried over (received in February), resolved on time inside March.
    d("2026-02-20 09:00", finished="2026-03-03 10:00", kind="resolved", outcome="on_time",
      status="completed")
    # H2 carried over (online, but carried dossiers are not split by channel), still in
    # progress; its appointment passed in February -> overdue.
    d("2026-02-25 09:00", channel="online", appointment="2026-02-27 17:00")
    # H3 received online, resolved early.
    d("2026-03-02 09:00", channel="online", finished="2026-03-04 09:00", kind="resolved",
      outcome="early", status="completed")
    # H4 received in person, resolved on time.
    d("2026-03-05 09:00", finished="2026-03-10 16:00", kind="resolved", outcome="on_time")
    # H5 received by post (counts with in person), resolved late.
    d("2026-03-06 09:00", channel="post", finished="2026-03-20 10:00", kind="resolved",
      outcome="late")
    # H6 online, two supplement requests: resolved "on time" but counted late.
    d("2026-03-09 09:00", channel="online", finished="2026-03-25 10:00", kind="resolved",
      outcome="on_time", supplements=2)
    # H7 withdrawn by the citizen.
    d("2026-03-10 09:00", finished="2026-03-12 09:00", kind="withdrawn", status="withdrawn")
    # H8 refused.
    d("2026-03-11 09:00", finished="2026-03-13 09:00", kind="refused", status="refused")
    # H9 online, stopped.
    d("2026-03-12 09:00", channel="online", finished="2026-03-16 09:00", kind="stopped")
    # H10 in progress, appointment after the period -> within deadline.
    d("2026-03-20 09:00", appointment="2026-04-03 17:00")
    # H11 in progress, appointment passed inside the period -> overdue.
    d("2026-03-16 09:00", appointment="2026-03-25 17:00")
    # H12 in progress, appointment passed, but waiting for the citizen (pause open at the
    # period's end) -> within deadline.
    d("2026-03-17 09:00", appointment="2026-03-24 17:00", status="waiting_supplement",
      pauses=(("2026-03-20 10:00", None),))
    # H13 resolved on 02/04, after the period: in progress at its end, appointment
    # 01/04 not passed -> within deadline (its current status says completed).
    d("2026-03-26 09:00", finished="2026-04-02 09:00", kind="resolved", outcome="late",
      appointment="2026-04-01 17:00", status="completed")
    # H14 online at 23:59 on the last day: inside the period; no appointment -> within.
    d("2026-03-31 23:59", channel="online")
    # H15 received at 00:00 on 01/04: after the period, not counted anywhere.
    d("2026-04-01 00:00", channel="online")
    # H16 received and resolved in February: not counted anywhere.
    d("2026-02-10 09:00", finished="2026-02-27 09:00", kind="resolved", outcome="on_time",
      status="completed")
    # H17 carried over, resolved exactly at 01/03 00:00: inside the period, early.
    d("2026-02-27 09:00", finished="2026-03-01 00:00", kind="resolved", outcome="early",
      status="completed")
    # H18 in progress; its pause ended before the period's end and the appointment
    # passed -> overdue.
    d("2026-03-03 09:00", appointment="2026-03-20 17:00",
      pauses=(("2026-03-05 09:00", "2026-03-08 09:00"),))
    # H19 in progress; appointment 18/03 moved to 15/04 by an apology signed on 05/04,
    # after the period: at the period's end it was overdue.
    d("2026-03-04 09:00", appointment="2026-04-15 17:00", original="2026-03-18 17:00",
      apologies=(("2026-04-05 09:00", "2026-03-18 17:00", "2026-04-15 17:00"),))
    # H20 in progress; an apology signed on 17/03 moved the appointment from 18/03 to
    # 10/04, but an apology does not undo lateness: the slip's 18/03 passed -> overdue.
    d("2026-03-05 09:00", appointment="2026-04-10 17:00", original="2026-03-18 17:00",
      apologies=(("2026-03-17 09:00", "2026-03-18 17:00", "2026-04-10 17:00"),))
    # H21 in progress; appointment passed on 27/03, the pause began on 02/04 (after the
    # period) -> overdue.
    d("2026-03-23 09:00", appointment="2026-03-27 17:00", status="waiting_supplement",
      pauses=(("2026-04-02 09:00", None),))
    # H22 resolved with no outcome (the procedure had no appointment) -> on time.
    d("2026-03-10 09:00", finished="2026-03-11 09:00", kind="resolved")
    # --- Chứng thực, ward BENTHANH -------------------------------------------------------
    # C1 in person, resolved early the same day.
    d("2026-03-02 09:00", field=CERT, finished="2026-03-02 11:00", kind="resolved",
      outcome="early")
    # C2 carried over (online), withdrawn inside March.
    d("2026-02-26 09:00", field=CERT, channel="online", finished="2026-03-02 09:00",
      kind="withdrawn")
    # C3 in progress, appointment 31/03 10:00 passed before the period's end -> overdue.
    d("2026-03-30 09:00", field=CERT, appointment="2026-03-31 10:00")
    # --- Đăng ký, quản lý cư trú, police unit under the ward (a descendant) ---------------
    # P1 online, resolved on time.
    d("2026-03-03 09:00", unit="CA_BENTHANH", field=RESIDENCE, channel="online",
      finished="2026-03-06 09:00", kind="resolved", outcome="on_time")
    # P2 in person, in progress, within deadline.
    d("2026-03-10 09:00", unit="CA_BENTHANH", field=RESIDENCE, appointment="2026-04-02 17:00")
    # --- outside the ward: another ward, and the district itself -------------------------
    # O1 another ward: resolved on time.
    d("2026-03-05 09:00", unit="OTHERWARD", finished="2026-03-09 09:00", kind="resolved",
      outcome="on_time")
    # D1 the district's own desk: resolved early.
    d("2026-03-02 09:00", unit="Q1", finished="2026-03-03 09:00", kind="resolved",
      outcome="early")
    return r


FIGURES = ("received_total", "received_online", "received_in_person", "carried_over",
           "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
           "in_progress_total", "in_progress_within", "in_progress_overdue", "withdrawn",
           "refused", "stopped")


def figures(row: ReportRow) -> dict[str, int]:
    return {name: getattr(row, name) for name in FIGURES}


def assert_consistent(report: PeriodReport) -> None:
    for row in (*report.rows, report.total):
        # The form's identity: every dossier received is resolved or in progress.
        assert row.received_total == row.resolved_total + row.in_progress_total, row
        assert row.received_total == (row.received_online + row.received_in_person
                                      + row.carried_over), row
        assert row.resolved_total == (row.resolved_early + row.resolved_on_time
                                      + row.resolved_late), row
        assert row.in_progress_total == row.in_progress_within + row.in_progress_overdue, row
    for name in FIGURES:
        assert getattr(report.total, name) == sum(getattr(r, name) for r in report.rows)


def test_ward_report_matches_the_hand_count(session, records):
    report = period_report(session, unit="BENTHANH", **MARCH)
    assert_consistent(report)
    assert (report.unit, report.unit_name) == ("BENTHANH", "Phường Bến Thành")
    assert (report.start, report.end) == (date(2026, 3, 1), date(2026, 3, 31))
    # Dictionary order: C < Đ < H (code-point order would put Đ last).
    assert [r.field_of_work for r in report.rows] == [CERT, RESIDENCE, CIVIL]
    cert, residence, civil = report.rows

    # Hộ tịch: H1..H14 and H17..H22 = 20 dossiers (H15 received after, H16 finished before).
    # By default withdrawn, refused and stopped dossiers are resolved, timed against
    # their deadline: H7 H8 H9 have none, so on time.
    assert figures(civil) == {
        "received_total": 20,
        "received_online": 4,       # H3 H6 H9 H14
        "received_in_person": 13,   # H4 H5(post) H7 H8 H10 H11 H12 H13 H18 H19 H20 H21 H22
        "carried_over": 3,          # H1 H2 H17
        "resolved_total": 10,       # H1 H3 H4 H5 H6 H7 H8 H9 H17 H22
        "resolved_early": 2,        # H3 H17
        "resolved_on_time": 6,      # H1 H4 H7 H8 H9 H22
        "resolved_late": 2,         # H5, H6 (two supplement requests)
        "in_progress_total": 10,    # H2 H10 H11 H12 H13 H14 H18 H19 H20 H21
        "in_progress_within": 4,    # H10 H12(paused) H13(finished later) H14
        "in_progress_overdue": 6,   # H2 H11 H18 H19(apology later) H20(apology) H21
        "withdrawn": 1,             # H7
        "refused": 1,               # H8
        "stopped": 1,               # H9
    }
    assert civil.resolution_rate == 50.0   # 10 / 20
    assert civil.on_time_rate == 80.0      # (2 + 6) / 10

    # Chứng thực: C1 C2 C3.
    assert figures(cert) == {
        "received_total": 3, "received_online": 0, "received_in_person": 2,  # C1 C3
        "carried_over": 1,                                                    # C2
        "resolved_total": 2, "resolved_early": 1, "resolved_on_time": 1,      # C1, C2
        "resolved_late": 0,
        "in_progress_total": 1, "in_progress_within": 0, "in_progress_overdue": 1,  # C3
        "withdrawn": 1, "refused": 0, "stopped": 0,                           # C2
    }
    assert (cert.resolution_rate, cert.on_time_rate) == (66.7, 100.0)  # 2/3, 2/2

    # Police unit below the ward: P1 P2.
    assert figures(residence) == {
        "received_total": 2, "received_online": 1, "received_in_person": 1,
        "carried_over": 0,
        "resolved_total": 1, "resolved_early": 0, "resolved_on_time": 1, "resolved_late": 0,
        "in_progress_total": 1, "in_progress_within": 1, "in_progress_overdue": 0,
        "withdrawn": 0, "refused": 0, "stopped": 0,
    }
    assert (residence.resolution_rate, residence.on_time_rate) == (50.0, 100.0)

    # Total: the three rows added up; O1 (other ward) and D1 (district desk) left out.
    assert report.total.field_of_work == TOTAL_LABEL
    assert figures(report.total) == {
        "received_total": 25, "received_online": 5, "received_in_person": 16,
        "carried_over": 4,
        "resolved_total": 13, "resolved_early": 3, "resolved_on_time": 8, "resolved_late": 2,
        "in_progress_total": 12, "in_progress_within": 5, "in_progress_overdue": 7,
        "withdrawn": 2, "refused": 1, "stopped": 1,
    }
    assert report.total.resolution_rate == 52.0   # 13 / 25
    assert report.total.on_time_rate == 84.6      # 11 / 13 = 84.62 %


def test_district_includes_its_wards_and_their_agencies(session, records):
    report = period_report(session, unit="Q1", **MARCH)
    assert_consistent(report)
    civil = next(r for r in report.rows if r.field_of_work == CIVIL)
    # The ward's 20 plus O1 (other ward, resolved on time) and D1 (district, early).
    assert (civil.received_total, civil.received_in_person) == (22, 15)
    assert (civil.resolved_total, civil.resolved_early, civil.resolved_on_time) == (12, 3, 7)
    assert (report.total.received_total, report.total.resolved_total) == (27, 15)
    city = period_report(session, unit="HCM", **MARCH)
    assert city.total == report.total


def test_closing_balance_is_next_periods_carried_over(session, records):
    february = period_report(session, unit="BENTHANH", start=date(2026, 2, 1),
                             end=date(2026, 2, 28))
    assert_consistent(february)
    # Received in February: H1 H2 H16 H17 C2; H16 was resolved there. In progress at
    # the end of February: H1 H2 H17 C2 = March's carried over.
    assert february.total.received_total == 5
    assert february.total.resolved_total == 1
    assert february.total.in_progress_total == 4
    # H2's appointment (27/02) passed; H1 H17 C2 have none.
    assert february.total.in_progress_overdue == 1
    march = period_report(session, unit="BENTHANH", **MARCH)
    assert march.total.carried_over == february.total.in_progress_total


def test_one_day_period_uses_local_midnights(session, records):
    report = period_report(session, unit="BENTHANH", start=date(2026, 3, 31),
                           end=date(2026, 3, 31))
    assert_consistent(report)
    # Received on 31/03 local time: H14 (23:59, which is 16:59 UTC). H15 (00:00 on
    # 01/04) is the next day.
    assert report.total.received_online + report.total.received_in_person == 1
    # Still open from earlier: H2 H10 H11 H12 H13 H18 H19 H20 H21 C3 P2 = 11 carried over.
    assert report.total.carried_over == 11


def test_empty_unit_and_rates_without_divisor(session, records):
    report = period_report(session, unit="EMPTY", **MARCH)
    assert report.rows == ()
    assert set(figures(report.total).values()) == {0}
    assert report.total.resolution_rate is None and report.total.on_time_rate is None


def test_unknown_unit_and_reversed_period(session, records):
    with pytest.raises(NotFound, match="unit NOWHERE does not exist"):
        period_report(session, unit="NOWHERE", **MARCH)
    with pytest.raises(InvalidAction, match="starts"):
        period_report(session, unit="BENTHANH", start=date(2026, 3, 31), end=date(2026, 3, 1))


def test_report_is_plain_frozen_data(session, records):
    report = period_report(session, unit="BENTHANH", **MARCH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.total.refused = 0  # type: ignore[misc]
    assert isinstance(report.rows, tuple)
    assert all(type(getattr(report.total, name)) is int for name in FIGURES)


def test_a_past_period_does_not_change_when_dossiers_move_on(session, records):
    before = period_report(session, unit="BENTHANH", **MARCH)
    # In April, H10 is resolved and H11 withdrawn; an apology moves H2's appointment.
    civil = {d.code: d for d in session.scalars(select(Dossier).where(Dossier.unit == "BENTHANH"))}
    h10, h11, h2 = civil["BENTHANH-0010"], civil["BENTHANH-0011"], civil["BENTHANH-0002"]
    for dossier, kind in ((h10, "resolved"), (h11, "withdrawn")):
        dossier.finished_at = vn("2026-04-06 09:00")
        dossier.finish_kind, dossier.status = kind, "completed"
    session.add(Apology(dossier_id=h2.id, at=vn("2026-04-06 10:00"), reason="quá tải",
                        old_appointment_at=h2.appointment_at,
                        new_appointment_at=vn("2026-04-20 17:00"), signed_by="chairman"))
    h2.appointment_at = vn("2026-04-20 17:00")
    session.flush()
    assert period_report(session, unit="BENTHANH", **MARCH) == before


def test_one_supplement_request_does_not_make_a_dossier_late(session):
    r = Records(session)
    # Resolved early or on time after one supplement request: counted as recorded.
    r.dossier("2026-03-02 09:00", finished="2026-03-04 09:00", kind="resolved",
              outcome="early", supplements=1, status="completed")
    r.dossier("2026-03-03 09:00", finished="2026-03-06 16:00", kind="resolved",
              outcome="on_time", supplements=1, status="completed")
    # The same early timing after two requests: late (the national indicators' rule).
    r.dossier("2026-03-04 09:00", finished="2026-03-05 09:00", kind="resolved",
              outcome="early", supplements=2, status="completed")
    total = period_report(session, unit="BENTHANH", **MARCH).total
    assert (total.resolved_total, total.resolved_early, total.resolved_on_time,
            total.resolved_late) == (3, 1, 1, 1)
    assert total.on_time_rate == 66.7


def test_instants_on_the_periods_edges(session, records):
    """The period is [1 March 00:00, 1 April 00:00) in local time: a dossier filed online
    at the first midnight is received in it; one due at the last instant, or waiting for
    papers at that instant, is still within its time; a wait that starts only then does
    not save an overdue dossier."""
    add = functools.partial(records.dossier, unit="EMPTY")
    add("2026-03-01 00:00", channel="online", appointment="2026-03-04 17:00",
        status="resolved", finished="2026-03-03 10:00", kind="resolved", outcome="early")
    add("2026-02-27 10:00", appointment="2026-04-01 00:00")
    add("2026-02-27 10:00", appointment="2026-03-20 17:00",
        pauses=(("2026-04-01 00:00", None),))
    add("2026-02-27 10:00", appointment="2026-03-20 17:00",
        pauses=(("2026-03-25 09:00", "2026-04-01 00:00"),))
    row = period_report(session, unit="EMPTY", **MARCH).total
    assert (row.carried_over, row.received_online, row.resolved_early) == (3, 1, 1)
    assert (row.in_progress_within, row.in_progress_overdue) == (2, 1)
