"""The `lienthong` command line, as a newcomer uses it (on a temporary SQLite file)."""

from __future__ import annotations

import json

import pytest

from engine.simulation import DEMO_MAP
from tests.conftest import DATA, WORKFLOWS


@pytest.fixture
def cli(run_cli):
    run_cli("init-db")
    run_cli("units", "load", str(DEMO_MAP))
    return run_cli


def as_json(result):
    return json.loads(result.output)


def test_quick_start_across_a_weekend(cli):
    assert "birth_registration v1 (new version)" in cli("deploy", str(WORKFLOWS)).output
    assert "(unchanged)" in cli("deploy", str(WORKFLOWS)).output
    started = cli("start", "birth_registration", "--unit", "PHUCLOI", "--user", "clerk",
                  "--at", "2026-03-06T15:30", "--applicant", '{"name": "Nguyễn Văn A"}')
    assert ("dossier PHUCLOI-260306-0001 received 06/03/2026 15:30, counting from "
            "09/03/2026 08:00, appointment 09/03/2026 17:00") in started.output

    reception = as_json(cli("tasks", "--department", "reception", "--json"))
    assert [t["name"] for t in reception] == ["Tiếp nhận và kiểm tra hồ sơ"]
    cli("complete", reception[0]["id"][:8], "--user", "clerk", "--at", "2026-03-06T16:00",
        "--data", '{"child_name": "Bé Na", "birth_date": "2026-03-01", '
        '"documents_complete": true}')
    officer = as_json(cli("tasks", "--department", "civil_status", "--json"))[0]
    cli("claim", officer["id"], "--user", "officer", "--at", "2026-03-09T08:05")
    cli("complete", officer["id"], "--user", "officer", "--at", "2026-03-09T14:00",
        "--data", '{"decision": "approve", "register_number": "12/2026"}')
    leader = as_json(cli("tasks", "--department", "leadership", "--json"))[0]
    cli("complete", leader["id"], "--user", "chairman", "--at", "2026-03-09T14:30",
        "--data", '{"leader_decision": "approve"}')
    back = as_json(cli("tasks", "--json"))[0]
    cli("complete", back["id"], "--user", "clerk", "--at", "2026-03-09T15:00",
        "--data", '{"returned_to": "Nguyễn Văn A"}')

    shown = cli("show", "PHUCLOI-260306-0001").output
    assert "status returned" in shown and "completed 09/03/2026 15:00: on time" in shown
    # PT2H from Friday 15:30: 1.5 h on Friday, 0.5 h on Monday
    assert ("Tiếp nhận và kiểm tra hồ sơ [reception] ready 06/03/2026 15:30, due 09/03/2026 "
            "08:30, completed 06/03/2026 16:00 by clerk: early (Trước hạn)") in shown
    # PT4H from Friday 16:00: 1 h Friday + 3 h Monday -> 11:00, done 14:00
    assert ("[civil_status] ready 06/03/2026 16:00, due 09/03/2026 11:00, completed "
            "09/03/2026 14:00 by officer: late (Quá hạn)") in shown
    assert ("reception -> civil_status: handed 06/03/2026 16:00 by clerk, received "
            "09/03/2026 08:05 by officer") in shown
    view = as_json(cli("show", "PHUCLOI-260306-0001", "--json"))
    assert [s["outcome"] for s in view["steps"]] == ["early", "late", "on_time", "on_time"]


def test_stop_then_print_the_notice(cli):
    cli("deploy", str(WORKFLOWS))
    cli("start", "birth_registration", "--unit", "PHUCLOI", "--user", "clerk",
        "--at", "2026-03-06T15:30", "--applicant", '{"name": "Nguyễn Văn A"}')
    assert "was not stopped" in cli("paper", "stop-notice", "PHUCLOI-260306-0001",
                                    ok=False).output
    cli("stop", "PHUCLOI-260306-0001", "--user", "clerk", "--reason", "Chờ kết quả xác minh",
        "--at", "2026-03-06T16:00")
    notice = as_json(cli("paper", "stop-notice", "PHUCLOI-260306-0001"))
    assert (notice["header"]["applicant_name"], notice["reason"], notice["decided_by"]) == (
        "Nguyễn Văn A", "Chờ kết quả xác minh", "clerk")
    assert notice["stopped_at"] == "2026-03-06T09:00:00+00:00"  # 16:00 in Hà Nội


def test_errors_are_one_line_and_change_nothing(cli, tmp_path):
    hostile = cli("deploy", str(DATA / "def_external_entity.bpmn"), ok=False)
    assert hostile.output.count("\n") == 1 and hostile.output.startswith("error: ")
    assert "Traceback" not in hostile.output
    assert "no procedures deployed yet" in cli("definitions").output
    cli("deploy", str(WORKFLOWS))
    cli("start", "birth_registration", "--at", "2026-03-06T09:00")
    task = as_json(cli("tasks", "--json"))[0]["id"]
    refused = cli("complete", task, "--user", "clerk", "--data", '{"child_name": 1}', ok=False)
    assert "child_name: must be text" in refused.output
    assert "documents_complete: is required" in refused.output
    assert as_json(cli("tasks", "--json"))[0]["id"] == task
    bad_json = cli("start", "birth_registration", "--data", "{oops", ok=False)
    assert "not valid JSON" in bad_json.output
    assert "does not exist" in cli("show", "NOPE-1", ok=False).output


def test_tick_fires_due_timers(cli):
    cli("deploy", str(WORKFLOWS))
    cli("start", "birth_registration", "--at", "2026-03-06T09:00")
    task = as_json(cli("tasks", "--json"))[0]["id"]
    cli("complete", task, "--user", "clerk", "--at", "2026-03-06T09:00", "--data",
        '{"child_name": "A", "birth_date": "2026-03-01", "documents_complete": true}')
    assert as_json(cli("tick", "--now", "2026-03-06T11:00", "--json"))["fired"] == []
    assert len(as_json(cli("tick", "--now", "2026-03-06T12:01", "--json"))["fired"]) == 1
    events = [e["kind"] for e in as_json(cli("show", "PHUCLOI-260306-0001", "--json"))["events"]]
    assert events[-1] == "timer_fired"


def test_worker_ticks_and_stops_when_told(cli):
    cli("deploy", str(WORKFLOWS))
    result = cli("worker", "--ticks", "2", "--interval", "0")
    assert result.output.count("tick ") == 2 and "0 fired" in result.output


def test_announced_days_change_the_appointment(cli):
    cli("deploy", str(WORKFLOWS))
    # Friday 06/03/2026 declared a day off: a Thursday-evening dossier counts from Monday
    assert "06/03/2026 is now a day off for every unit" in cli(
        "calendar", "set", "2026-03-06", "off", "--note", "Thông báo 123").output
    started = cli("start", "birth_registration", "--at", "2026-03-05T16:00").output
    assert "counting from 09/03/2026 08:00, appointment 09/03/2026 17:00" in started
    assert "06/03/2026  off" in cli("calendar", "list").output
    cli("calendar", "remove", "2026-03-06")
    again = cli("start", "birth_registration", "--at", "2026-03-05T16:00").output
    assert "counting from 06/03/2026 08:00" in again
    assert "'holiday' is not one of 'off', 'working'" in cli(
        "calendar", "set", "2026-03-07", "holiday", ok=False).output


def test_catalog_lists_the_unverified_limits(cli):
    assert "every limit of the catalog cites its source" not in cli("catalog").output
    cli("deploy", str(WORKFLOWS))
    listed = cli("catalog", "--unverified").output
    assert ("1.012924  Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em "
            "dưới 6 tuổi  parts.residence_linked_part.time_limit = P2D  unverified: ") in listed
    assert "1.004222" not in listed  # permanent residence: its one limit cites Điều 22(3)
    rows = as_json(cli("catalog", "--unverified", "--json"))
    assert {"code", "procedure", "limit", "value", "reason", "source"} == rows[0].keys()
    card = [r for r in rows if r["code"] == "1.000145"]
    assert [(r["limit"], r["value"]) for r in card] == [("time_limit", "P5D")]
    assert card[0]["source"].startswith("Quyết định 595/QĐ-BHXH")
