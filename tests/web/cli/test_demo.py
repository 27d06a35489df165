"""`lienthong demo` and `lienthong simulate` on a temporary SQLite file."""

from __future__ import annotations

import json
import re

import pytest

import web.cli.demo  # noqa: F401  (registers the commands, whatever web/cli imports)
from web.cli.demo import last_full_months


@pytest.fixture
def run(run_cli):
    return run_cli


def test_demo_on_a_fresh_database_then_never_again(run):
    output = run("demo", "--dossiers", "30", "--months", "1", "--history", "10").output
    assert "demo ready: 23 units, 20 users" in output
    assert "history: LB-PHUCLOI 01/01/2025–30/06/2025, 5 dossiers" in output
    assert "history: PHUCLOI 01/07/2025–31/12/2025, 5 dossiers" in output
    assert "simulated PHUCLOI " in output and "30 dossiers filed (4 online)" in output
    totals = re.search(r"received (\d+) \((\d+) online\), resolved (\d+) = [\d.]+%, in "
                       r"progress (\d+) \((\d+) within deadline\), withdrawn (\d+), refused "
                       r"(\d+), stopped (\d+) \(counted as resolved\); on-time rate "
                       r"([\d.]+%|-)", output)
    assert totals, output
    received, _, resolved, in_progress, _, withdrawn, refused, stopped = map(
        int, totals.groups()[:8])
    # The form's identity; withdrawn, refused and stopped are within resolved.
    assert received >= 30 and received == resolved + in_progress
    assert resolved >= withdrawn + refused + stopped

    # a 2025 report of today's ward counts the old ward's dossiers too; as then, only its own
    year = ("report", "--unit", "PHUCLOI", "--from", "2025-01-01", "--to", "2025-12-31",
            "--format", "json")
    today = json.loads(run(*year).output)
    then = json.loads(run(*year, "--map", "as-then").output)
    assert (today["total"]["received_total"], then["total"]["received_total"]) == (10, 5)
    refused_run = run("demo", "--dossiers", "30", "--months", "1", ok=False)
    assert "error: the database already holds dossiers" in refused_run.output
    assert "demo not loaded" in run("demo", "--if-fresh").output  # what `make run` does


def test_simulate_more_weeks_of_a_ward(run):
    run("demo", "--dossiers", "0", "--months", "1")
    result = json.loads(run("simulate", "--unit", "VIETHUNG", "--from", "2026-03-02",
                            "--to", "2026-03-06", "--dossiers", "12", "--online", "2",
                            "--seed", "4", "--json").output)
    assert result["simulation"]["dossiers"] == 12
    assert result["report"]["received_online"] >= 2
    text = run("simulate", "--from", "2026-03-09", "--to", "2026-03-10",
               "--dossiers", "7").output
    assert "simulated PHUCLOI 09/03/2026–10/03/2026: 7 dossiers filed (1 online)" in text
    assert "Phường Phúc Lợi (PHUCLOI), 09/03/2026–10/03/2026, form II.06a:" in text

    bad = run("simulate", "--from", "2026-03-10", "--to", "2026-03-09", "--dossiers", "3",
              ok=False)
    assert "error: --from 2026-03-10 is after --to 2026-03-09" in bad.output
    bad = run("simulate", "--from", "2026-03-09", "--to", "2026-03-10", "--dossiers", "3",
              "--online", "4", ok=False)
    assert "error: --online 4 is more than --dossiers 3" in bad.output


def test_last_full_months():
    from datetime import date

    assert last_full_months(date(2026, 11, 26), 6) == (date(2026, 5, 1), date(2026, 10, 31))
    assert last_full_months(date(2026, 1, 1), 1) == (date(2025, 12, 1), date(2025, 12, 31))
    assert last_full_months(date(2026, 3, 31), 14) == (date(2025, 1, 1), date(2026, 2, 28))


def test_counts_rebuild_after_rows_were_changed_by_hand(run, tmp_path):
    """The dashboard sums the day counts: emptied by hand, they are wrong until
    `lienthong counts rebuild` writes them again from the dossiers."""
    from sqlalchemy import create_engine, text

    run("demo", "--dossiers", "12", "--months", "1", "--history", "0")
    year = ("report", "--unit", "PHUCLOI", "--from", "2026-01-01", "--to", "2026-12-31",
            "--format", "json")
    before = json.loads(run(*year).output)["total"]
    assert before["received_total"] >= 12
    with create_engine(f"sqlite:///{tmp_path / 'cli.db'}").begin() as conn:
        conn.execute(text("DELETE FROM dossier_day"))
    assert json.loads(run(*year).output)["total"]["received_total"] < 12
    assert re.search(r"day counts rebuilt: \d+ rows", run("counts", "rebuild").output)
    assert json.loads(run(*year).output)["total"] == before
