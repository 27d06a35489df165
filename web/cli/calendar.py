"""`lienthong calendar`: the working calendar's override table."""

from __future__ import annotations

from datetime import datetime

import click

from engine.calendar import KINDS, list_overrides, remove_override, set_override
from web.cli.common import Context, json_option, main, pass_ctx, print_list

day_argument = click.argument("day", type=click.DateTime(["%Y-%m-%d"]))


@main.group("calendar")
def calendar_group() -> None:
    """The working calendar's overrides: announced days off and make-up working days."""


@calendar_group.command("set")
@day_argument
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--unit", default="", help="Only this unit (default: every unit).")
@click.option("--note", default="", help="Why, e.g. the announcement's number.")
@pass_ctx
def calendar_set_cmd(ctx: Context, day: datetime, kind: str, unit: str, note: str) -> None:
    """Make DAY a day off ('off') or a working day ('working')."""
    with ctx.services.transaction() as session:
        row = set_override(session, day.date(), kind, unit=unit, note=note)
    ctx.services.runtime.forget_calendars()
    click.echo(f"{row.day:%d/%m/%Y} is now {'a day off' if kind == 'off' else 'a working day'}"
               f" for {row.unit or 'every unit'}")


@calendar_group.command("remove")
@day_argument
@click.option("--unit", default="")
@pass_ctx
def calendar_remove_cmd(ctx: Context, day: datetime, unit: str) -> None:
    """Drop DAY's override: the statutory calendar applies again."""
    with ctx.services.transaction() as session:
        removed = remove_override(session, day.date(), unit=unit)
    click.echo("override removed" if removed else "no override on that day")


@calendar_group.command("list")
@json_option
@pass_ctx
def calendar_list_cmd(ctx: Context, as_json: bool) -> None:
    """The overrides, by day."""
    with ctx.services.transaction() as session:
        rows = list_overrides(session)
    print_list(rows, as_json, lambda r: (
        f"{r.day:%d/%m/%Y}  {r.kind:7}  {r.unit or '(every unit)'}  {r.note}"))
