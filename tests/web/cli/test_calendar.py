"""`lienthong calendar load`: the shipped announcements into the override table, with a
report of what it did; a bad file changes nothing; dossiers then count by it."""

from __future__ import annotations

import json

import pytest

import web.cli.calendar  # noqa: F401  (registers the commands, whatever web/cli imports)
from tests.conftest import WORKFLOWS


@pytest.fixture
def cli(run_cli):
    run_cli("init-db")
    return run_cli


def test_load_the_shipped_file_twice_then_a_year(cli):
    first = cli("calendar", "load").output
    assert "added    02/01/2026  off      Nghỉ hoán đổi dịp Tết Dương lịch" in first
    assert "(Công văn 12729/VPCP-KGVX ngày 25/12/2025)" in first
    assert "6 days, 6 added, 0 already there, 0 left as set by hand" in first
    assert "4 of them unverified" in first
    listed = cli("calendar", "list").output
    again = json.loads(cli("calendar", "load", "--json").output)
    assert not again["added"] and len(again["kept"]) == 6 and not again["conflicts"]
    assert cli("calendar", "list").output == listed
    assert "(2026): 4 days, 0 added, 4 already there" in cli(
        "calendar", "load", "--year", "2026").output


def test_a_day_set_by_hand_is_reported_not_overwritten(cli):
    cli("calendar", "set", "2026-01-10", "off", "--note", "Bão")
    output = cli("calendar", "load", "--year", "2026").output
    assert ("conflict 10/01/2026: the file makes it a working day, the table a day off "
            "(Bão); left as it is (`lienthong calendar remove 2026-01-10`") in output
    assert "10/01/2026  off      (every unit)  Bão" in cli("calendar", "list").output


def test_a_bad_file_is_refused_and_nothing_changes(cli, tmp_path):
    cli("calendar", "set", "2026-03-06", "off", "--note", "Thông báo 1")
    before = cli("calendar", "list").output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[day]]\ndate = 2026-03-09\nkind = "off"\nnote = "Nghỉ"\n'
                   'source = "Thông báo 2"\n\n[[day]]\ndate = 2026-03-10\nkind = "nghỉ"\n'
                   'note = "Nghỉ"\nsource = "Thông báo 2"\n', "utf-8")
    refused = cli("calendar", "load", str(bad), ok=False).output
    assert f"error: {bad} refused, nothing loaded: day[1] (2026-03-10): kind 'nghỉ'" in refused
    assert cli("calendar", "list").output == before


def test_the_loaded_days_move_a_counting_start(cli):
    cli("seed-demo")
    cli("deploy", str(WORKFLOWS))
    # A birth registration (same working day, cut-off 15:00) received Thursday
    # 01/01/2026 (New Year) counts from Friday 02/01 without the announcement ...
    before = cli("start", "birth_registration", "--at", "2026-01-01T10:00").output
    assert "counting from 02/01/2026 08:00" in before
    cli("calendar", "load", "--year", "2026")
    # ... and from Monday 05/01 with it (Friday swapped with Saturday 10/01).
    after = cli("start", "birth_registration", "--at", "2026-01-01T10:00").output
    assert "counting from 05/01/2026 08:00" in after
