"""`lienthong report`: the period report (form II.06a) of a unit, on screen or in a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO, Any

import click

from engine.errors import InvalidAction
from engine.reporting import (
    DEFAULT_MAP,
    DEFAULT_RULE,
    FORMATS,
    FinishedRule,
    MapRule,
    period_report,
    render,
)
from engine.storage import rebuild_day_counts
from web.cli.common import Context, main, pass_ctx


class ReportError(click.ClickException):
    """A bad option value, shown as one `error:` line like the engine's errors."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def parse_date(_ctx: click.Context, param: click.Parameter, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{param.opts[0]} {text!r} is not a date (YYYY-MM-DD)") from None


def parse_rule(_ctx: click.Context, _param: click.Parameter, text: str | None
               ) -> FinishedRule:
    if text is None:
        return DEFAULT_RULE
    try:
        return FinishedRule.parse(text)
    except InvalidAction as exc:
        raise ReportError(f"--finished-as: {exc}") from None


@main.command("report")
@click.option("--unit", required=True, help="Unit code; units below it are included.")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", callback=parse_date,
              help="First day of the period (local date).")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", callback=parse_date,
              help="Last day of the period, included.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True)
@click.option("--finished-as", "finished_as", metavar="RULE", callback=parse_rule,
              help="Where withdrawn, refused and stopped dossiers are counted, e.g. "
                   "'withdrawn=excluded,stopped=on-time' or 'excluded' for all three; "
                   "each is resolved, on-time or excluded (default: resolved, timed "
                   "against the deadline; docs/report.md).")
@click.option("--map", "unit_map", type=click.Choice([m.value for m in MapRule]),
              default=DEFAULT_MAP.value, show_default=True,
              help="as-today: the unit with the units it carried over in a "
                   "reorganisation (a ward formed on 1/7/2025 with its predecessors' "
                   "dossiers); as-then: the unit as it stood in the period.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file (needed for xlsx) instead of printing.")
@pass_ctx
def report_cmd(ctx: Context, unit: str, start: date, end: date, fmt: str,
               finished_as: FinishedRule, unit_map: str, out: Path | None) -> None:
    """Received, resolved, in progress, withdrawn and refused dossiers by field of work."""
    if start > end:
        raise ReportError(f"--from {start} is after --to {end}")
    if fmt == "xlsx" and out is None:
        raise ReportError("--format xlsx writes a file: give --out FILE.xlsx")
    with ctx.services.transaction() as session:
        report = period_report(session, unit=unit, start=start, end=end,
                               tz=ctx.settings["TIMEZONE"], finished_as=finished_as,
                               unit_map=MapRule(unit_map))
    data = render(report, fmt)
    if out is None:
        click.echo(data, nl=False)
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"report written to {out} ({fmt}, {len(report.rows)} fields of work)")


@main.group("counts")
def counts_group() -> None:
    """The day counts the supervisors' dashboard sums (docs/report.md)."""


@counts_group.command("rebuild")
@pass_ctx
def counts_rebuild_cmd(ctx: Context) -> None:
    """Write the day counts afresh from every dossier and step (one transaction): after
    rows were changed by hand, or to check them."""
    with ctx.services.transaction() as session:
        rows = rebuild_day_counts(session)
    click.echo(f"day counts rebuilt: {rows} rows")
