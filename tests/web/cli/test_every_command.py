"""Every `lienthong` command runs, on a small demo database, and every command that
takes `--json` prints JSON that parses (dates, enums and records included)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click
import pytest

from engine.simulation import DEMO_MAP
from tests.conftest import WORKFLOWS
from web.cli import main

# Run by the browser tests, which start the real server with it.
ELSEWHERE = {("serve",)}


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()
             ) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of the command line, subcommands of groups included."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def takes_json(command: click.Command) -> bool:
    return any("--json" in option.opts for option in command.params
               if isinstance(option, click.Option))


@pytest.fixture
def cli(run_cli):
    """`lienthong`, recording which commands ran and whether each printed JSON."""
    ran: dict[tuple[str, ...], bool] = {}

    def run(*args: str, ok: bool = True):
        result = run_cli(*args, ok=ok)
        path = tuple(a for a in args if not a.startswith("-"))
        name = next(p for n in (2, 1) if (p := path[:n]) in dict(commands()))
        if "--json" in args:
            json.loads(result.output)  # raises if it is not JSON
        ran[name] = ran.get(name, False) or "--json" in args
        return result

    run.ran = ran  # type: ignore[attr-defined]
    return run


def test_every_command_runs_and_every_json_parses(cli, tmp_path):
    demo = json.loads(cli("demo", "--dossiers", "12", "--months", "1", "--json").output)
    assert demo["simulation"]["dossiers"] == 12 and demo["report"]["received_total"] >= 12
    cli("init-db")
    cli("seed-demo")
    cli("deploy", str(WORKFLOWS), "--json")
    catalog = json.loads(cli("catalog", "--json").output)
    assert {"effective_from", "documents"} <= catalog[0].keys()  # dates are written too
    cli("definitions", "--json")
    code = json.loads(cli("start", "birth_registration", "--user", "tiepnhan.phucloi",
                          "--applicant", '{"name": "Nguyễn Văn A"}', "--json").output)["code"]
    (task,) = json.loads(cli("tasks", "--department", "reception", "--json").output)
    cli("claim", task["id"], "--user", "tiepnhan.phucloi", "--json")
    cli("unclaim", task["id"], "--user", "tiepnhan.phucloi", "--json")
    cli("complete", task["id"], "--user", "tiepnhan.phucloi", "--json", "--data",
        '{"child_name": "Bé Na", "birth_date": "2026-03-01", "documents_complete": true}')
    (officer,) = json.loads(cli("tasks", "--department", "civil_status", "--json").output)
    cli("send-back", officer["id"], "--user", "hotich.phucloi", "--reason", "Thiếu chữ ký")
    assert json.loads(cli("show", code, "--json").output)["status"] == "running"
    cli("request-supplement", code, "--user", "hotich.phucloi", "--item", "Giấy chứng sinh",
        "--reason", "Thiếu giấy tờ")
    cli("supplement", code, "--user", "tiepnhan.phucloi", "--document", "Giấy chứng sinh")
    cli("require-verification", code, "--user", "hotich.phucloi", "--reason", "Xác minh",
        ok=False)  # birth registration has no verification limit: a clear refusal
    cli("apologize", code, "--leader", "lanhdao.phucloi", "--reason", "Chậm xác minh",
        "--new-date", "2099-01-05T17:00")
    cli("late", "--unit", "PHUCLOI", "--json")
    for kind in ("receipt", "supplement", "apology", "control-slip"):
        cli("paper", kind, code)
    cli("paper", "logbook", "PHUCLOI", "--from", "2026-01-01", "--to", "2099-12-31")
    for ending in ("refuse", "withdraw", "stop"):
        other = json.loads(cli("start", "certified_copy", "--json").output)["code"]
        assert cli(ending, other, "--user", "tiepnhan.phucloi", "--reason", "Lý do").output
    cli("paper", "refusal", code, ok=False)  # not refused: one line, exit 1
    cli("tick", "--json")
    cli("worker", "--ticks", "1", "--interval", "0")
    assert "day counts rebuilt" in cli("counts", "rebuild").output
    cli("calendar", "set", "2099-01-02", "off", "--note", "Thông báo")
    cli("calendar", "list", "--json")
    cli("calendar", "remove", "2099-01-02")
    cli("calendar", "load", "--year", "2026", "--json")
    loaded = json.loads(cli("units", "load", str(DEMO_MAP), "--json").output)
    assert (loaded["units"], loaded["reorganisations"]) == (0, 0)  # the demo loaded it
    today = {u["code"] for u in json.loads(cli("units", "list", "--on", "2026-03-09",
                                               "--json").output)}
    assert "PHUCLOI" in today and "LB-PHUCLOI" not in today
    shown = json.loads(cli("units", "show", "PHUCLOI", "--json").output)
    assert {p["predecessor"] for p in shown["predecessors"] if p["carried_over"]} == {
        "LB-PHUCLOI", "LB-PHUCDONG"}
    cli("units", "show", "NOPE", ok=False)  # unknown: one line, exit 1
    cli("add-user", "moi.phucloi", "--name", "Người Mới", "--unit", "PHUCLOI", "--role",
        "staff", "--department", "land", "--password", "mat-khau-moi-1")
    cli("add-user", "yeu.phucloi", "--name", "Người Mới", "--unit", "PHUCLOI", "--role",
        "staff", "--password", "12345678", ok=False)  # too short: one line, exit 1
    cli("token", "create", "moi.phucloi", "--name", "tích hợp", "--days", "30")
    (token,) = json.loads(cli("token", "list", "moi.phucloi", "--json").output)
    assert token["last_used_at"] is None and token["expires_at"] > token["created_at"]
    cli("token", "revoke", "moi.phucloi")
    cli("set-password", "moi.phucloi", "--password", "mot-mat-khau-khac")
    cli("set-email", "moi.phucloi", "moi@phucloi.gov.vn")
    cli("set-email", "moi.phucloi", "khong-phai-dia-chi", ok=False)
    cli("set-email", "moi.phucloi")
    cli("sessions", "list", "--json")
    cli("sessions", "revoke", "moi.phucloi")
    cli("deactivate-user", "moi.phucloi")
    cli("reactivate-user", "moi.phucloi")
    cli("unlock-signin", "moi.phucloi", "--address", "198.51.100.7")
    cli("unlock-signin", ok=False)  # names nothing: a usage error
    events = json.loads(cli("security-events", "--user", "moi.phucloi", "--json").output)
    assert [e["kind"] for e in events][-2:] == ["token_revoked", "token_created"]
    cli("report", "--unit", "PHUCLOI", "--from", "2026-01-01", "--to", "2099-12-31",
        "--format", "json")
    cli("report", "--unit", "PHUCLOI", "--from", "2025-01-01", "--to", "2025-06-30",
        "--map", "as-then", ok=False)  # the new ward did not exist yet: one line, exit 1
    cli("report", "--unit", "PHUCLOI", "--from", "2026-01-01", "--to", "2099-12-31",
        "--format", "xlsx", "--out", str(tmp_path / "report.xlsx"))
    cli("simulate", "--from", "2026-11-02", "--to", "2026-11-03", "--dossiers", "3",
        "--json")

    every = dict(commands())
    assert set(cli.ran) | ELSEWHERE == set(every), "a command no test runs"
    assert {name for name, command in every.items() if takes_json(command)} == {
        name for name, printed_json in cli.ran.items() if printed_json}, \
        "a command whose --json no test parses"
