"""`lienthong simulate` and `lienthong demo`: months of a ward's work, simulated through
the engine, so a newcomer has dossiers, steps and a report to look at."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy.orm import Session

from engine.calendar import (
    SHIPPED_ANNOUNCEMENTS,
    limit_parser,
    load_announcements,
    read_announcements,
)
from engine.definitions import deploy_files, read_paths
from engine.errors import InvalidAction
from engine.org import seed_departments
from engine.queries import has_dossiers
from engine.reporting import PeriodReport, period_report
from engine.simulation import DEMO_PASSWORD, SimulationResult, seed_demo_units, simulate
from engine.storage import upgrade
from web.cli.common import Context, emit_json, json_option, main, pass_ctx
from web.cli.report import ReportError, parse_date

DEMO_WARD = "PHUCLOI"  # Phường Phúc Lợi, the ward whose report started the project
# Its history across the reorganisation of 1 July 2025: the old ward (Long Biên's) in the
# first half of 2025, the new one (directly under Hà Nội) in the second.
HISTORY = (("LB-PHUCLOI", date(2025, 1, 1), date(2025, 6, 30)),
           (DEMO_WARD, date(2025, 7, 1), date(2025, 12, 31)))
# The figures of that report: 2411 dossiers in six months, 353 of them online.
ONLINE_SHARE = 353 / 2411


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def summary_lines(ctx: Context, result: SimulationResult, report: PeriodReport) -> list[str]:
    """What the simulation did, then the II.06a totals of the unit for the period."""
    r, t = result, report.total
    span = f"{r.start:%d/%m/%Y}–{r.end:%d/%m/%Y}"
    return [
        f"simulated {r.unit} {span}: {r.dossiers} dossiers filed ({r.online} online), "
        f"{r.linked} linked dossiers started at the police and social insurance",
        f"  {r.completed} steps completed ({r.late_steps} late), {r.claimed} claimed first; "
        f"{r.supplements} supplement requests ({r.supplied} supplied); {r.refused} refused, "
        f"{r.withdrawn} withdrawn; {r.apologies} apologies",
        f"  {r.commands} engine commands in {r.elapsed:.1f} s",
        f"{report.unit_name} ({report.unit}), {span}, form II.06a:",
        f"  received {t.received_total} ({t.received_online} online), resolved "
        f"{t.resolved_total} = {_percent(t.resolution_rate)}, in progress "
        f"{t.in_progress_total} ({t.in_progress_within} within deadline), withdrawn "
        f"{t.withdrawn}, refused {t.refused}, stopped {t.stopped} (counted as resolved); "
        f"on-time rate {_percent(t.on_time_rate)}",
    ]


def _run(ctx: Context, unit: str, start: date, end: date, dossiers: int, online: int,
         seed: int, quiet: bool = False) -> tuple[SimulationResult, PeriodReport]:
    services = ctx.services
    seen = {"month": start.replace(day=1), "filed": 0}

    def progress(day: date, filed: int) -> None:
        # one line per simulated month, on stderr
        if day.replace(day=1) != seen["month"] and not quiet:
            click.echo(f"  {seen['month']:%m/%Y} simulated, {seen['filed']} dossiers filed "
                       "so far", err=True)
            seen["month"] = day.replace(day=1)
        seen["filed"] = filed

    result = simulate(services.sessions, services.runtime, unit=unit, start=start, end=end,
                      dossiers=dossiers, online=online, seed=seed, progress=progress)
    with services.transaction() as session:
        report = period_report(session, unit=unit, start=start, end=end,
                               tz=ctx.settings["TIMEZONE"])
    return result, report


def _echo(ctx: Context, result: SimulationResult, report: PeriodReport, as_json: bool
          ) -> None:
    if as_json:  # emit_json writes datetimes, not dates
        simulation = {k: v.isoformat() if isinstance(v, date) else v
                      for k, v in dataclasses.asdict(result).items()}
        emit_json({"simulation": simulation, "report": report.total})
        return
    for line in summary_lines(ctx, result, report):
        click.echo(line)


@main.command("simulate")
@click.option("--unit", help="Unit code of the ward (default: DEFAULT_UNIT).")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", callback=parse_date,
              help="First simulated day (local date).")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", callback=parse_date,
              help="Last simulated day, included.")
@click.option("--dossiers", required=True, type=click.IntRange(min=0),
              help="How many dossiers citizens file at the unit.")
@click.option("--online", type=click.IntRange(min=0),
              help="How many of them are filed online (default: 353 in 2411, as in "
                   "Phúc Lợi's report).")
@click.option("--seed", default=1, show_default=True, type=int,
              help="The same seed on the same database gives the same dossiers.")
@json_option
@pass_ctx
def simulate_cmd(ctx: Context, unit: str | None, start: date, end: date, dossiers: int,
                 online: int | None, seed: int, as_json: bool) -> None:
    """Simulate citizens filing dossiers and staff working them, through the engine on a
    simulated clock; prints what happened and the unit's II.06a totals for the period.
    The procedures must be deployed; the units' staff act (see docs/simulation.md)."""
    if start > end:
        raise ReportError(f"--from {start} is after --to {end}")
    if online is None:
        online = round(dossiers * ONLINE_SHARE)
    if online > dossiers:
        raise ReportError(f"--online {online} is more than --dossiers {dossiers}")
    result, report = _run(ctx, unit or ctx.settings["DEFAULT_UNIT"], start, end, dossiers,
                          online, seed)
    _echo(ctx, result, report, as_json)


def last_full_months(today: date, months: int) -> tuple[date, date]:
    """The first and last day of the `months` whole months before `today`'s month."""
    end = today.replace(day=1) - timedelta(days=1)
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1), end


@main.command("demo")
@click.option("--dossiers", default=2411, show_default=True, type=click.IntRange(min=0),
              help="Dossiers filed at the demo ward.")
@click.option("--online", type=click.IntRange(min=0),
              help="How many of them online (default: 353 in 2411, so 353).")
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 120),
              help="Simulate this many whole months before the current one.")
@click.option("--history", default=300, show_default=True, type=click.IntRange(min=0),
              help="Dossiers filed in 2025, half at the old Phúc Lợi ward (until 30/6) and "
                   "half at the new one, so a 2025 report spans both maps; 0: none.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-fresh", is_flag=True,
              help="On a database that already holds dossiers, say so and do nothing "
                   "(exit 0) instead of failing: what `make run` uses.")
@json_option
@pass_ctx
def demo_cmd(ctx: Context, dossiers: int, online: int | None, months: int, history: int,
             seed: int, if_fresh: bool, as_json: bool) -> None:
    """Build a demo database: schema, demo units and users, the announced days off and
    make-up working days (`calendar load`), the shipped procedures (LIENTHONG_WORKFLOWS),
    2025 at the old and the new Phúc Lợi ward (--history) and months of the ward
    simulated through the engine. Only on a database without dossiers."""
    if online is None:
        online = round(dossiers * ONLINE_SHARE)
    if online > dossiers:
        raise ReportError(f"--online {online} is more than --dossiers {dossiers}")
    services, settings = ctx.services, ctx.settings
    zone = ZoneInfo(settings["TIMEZONE"])
    start, end = last_full_months(services.runtime.clock.now().astimezone(zone).date(), months)
    # the 2025 history only when it ends before the simulated months begin
    history_spans = [span for span in HISTORY if history and span[2] < start]
    upgrade(services.db)
    with services.transaction() as session:
        if has_dossiers(session):
            if if_fresh:
                click.echo("the database already holds dossiers: demo not loaded")
                return
            raise InvalidAction("the database already holds dossiers; run `lienthong demo` on "
                                "a fresh one (e.g. LIENTHONG_DATABASE_URL=sqlite:///demo.db)")
        seed_departments(session)
        units, users = seed_demo_units(session)
        # The announced swaps, as `lienthong calendar load` does, so the simulated
        # months count working days as the ward did.
        announced = load_announcements(
            session, read_announcements(SHIPPED_ANNOUNCEMENTS.read_bytes(),
                                        str(SHIPPED_ANNOUNCEMENTS))).added
        # Deployed as of the first simulated day, so no dossier predates its diagram.
        first = history_spans[0][1] if history_spans else start
        deployed_at = datetime.combine(first, time(0), tzinfo=zone)
        diagrams, entries = _deploy_workflows(ctx, session, deployed_at)
    services.runtime.forget_calendars()
    if not as_json:
        click.echo(f"demo ready: {units} units, {users} users (password {DEMO_PASSWORD}), "
                   f"{len(announced)} announced days off and make-up days, "
                   f"{diagrams} diagrams and {entries} catalog entries from "
                   f"{settings['WORKFLOWS']}; simulating {start:%d/%m/%Y}–{end:%d/%m/%Y} ...")
    for number, (unit, first_day, last_day) in enumerate(history_spans):
        filed = history // 2 if number == 0 else history - history // 2
        past, _ = _run(ctx, unit, first_day, last_day, filed, round(filed * ONLINE_SHARE),
                       seed, quiet=True)
        if not as_json:
            click.echo(f"  history: {past.unit} {first_day:%d/%m/%Y}–{last_day:%d/%m/%Y}, "
                       f"{past.dossiers} dossiers")
    result, report = _run(ctx, DEMO_WARD, start, end, dossiers, online, seed)
    _echo(ctx, result, report, as_json)
    if not as_json:
        click.echo("sign in as tiepnhan.phucloi, hotich.phucloi, lanhdao.phucloi or "
                   "giamsat.phucloi; `lienthong report --unit PHUCLOI --from "
                   f"{start} --to {end}` gives the report by field of work, and "
                   f"/supervise/PHUCLOI?from={start}&to={end} the supervisor's dashboard"
                   + ("; `lienthong report --unit PHUCLOI --from 2025-01-01 --to "
                      "2025-12-31` covers the old and the new ward" if history_spans else ""))


def _deploy_workflows(ctx: Context, session: Session, at: datetime) -> tuple[int, int]:
    """Deploy the workflows folder like `lienthong deploy`: diagrams, then the catalog."""
    folder = Path(ctx.settings["WORKFLOWS"])
    if not folder.is_dir():
        raise InvalidAction(f"the workflows folder {folder} does not exist "
                            "(LIENTHONG_WORKFLOWS)")
    parse = limit_parser(ctx.services.runtime.calendar(session, DEMO_WARD))
    diagrams, entries = deploy_files(session, read_paths([folder]), user="system", at=at,
                                     limit_parser=parse)
    return len(diagrams), len(entries)
