"""`lienthong calendar`: the working calendar's override table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from engine.calendar import (
    KINDS,
    SHIPPED_ANNOUNCEMENTS,
    LoadResult,
    list_overrides,
    load_announcements,
    read_announcements,
    remove_override,
    set_override,
)
from web.cli.common import Context, emit_json, json_option, main, pass_ctx, print_list

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
    ctx.services.runtime.forget_calendars()
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


@calendar_group.command("load")
@click.argument("file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(1900, 2200), help="Only the days of this year.")
@json_option
@pass_ctx
def calendar_load_cmd(ctx: Context, file: Path | None, year: int | None, as_json: bool
                      ) -> None:
    """Load the Government's announced days off and make-up working days (the shipped
    file, or FILE) into the overrides for every unit. Loading twice changes nothing; a
    day already set by hand to the other kind is reported and left as it is."""
    path = file or SHIPPED_ANNOUNCEMENTS
    entries = read_announcements(path.read_bytes(), str(path))  # a bad file: nothing done
    with ctx.services.transaction() as session:
        result = load_announcements(session, entries, year=year)
    ctx.services.runtime.forget_calendars()
    if as_json:
        emit_json(result)
        return
    for line in _load_lines(result):
        click.echo(line)
    total = len(result.added) + len(result.kept) + len(result.conflicts)
    click.echo(f"{path}{f' ({year})' if year else ''}: {total} days, {len(result.added)} "
               f"added, {len(result.kept)} already there, {len(result.conflicts)} left as set "
               "by hand")
    unverified = sum(a.unverified for a in (*result.added, *result.kept))
    if unverified:
        click.echo(f"  {unverified} of them unverified: their source is to be checked "
                   "(see the file)")


def _load_lines(result: LoadResult) -> list[str]:
    def kind(k: str) -> str:
        return "a day off" if k == "off" else "a working day"

    lines = [f"added    {a.day:%d/%m/%Y}  {a.kind:7}  {a.override_note}" for a in result.added]
    lines += [f"kept     {a.day:%d/%m/%Y}  {a.kind:7}  already in the table" for a in result.kept]
    lines += [f"conflict {c.entry.day:%d/%m/%Y}: the file makes it {kind(c.entry.kind)}, the "
              f"table {kind(c.table.kind)} ({c.table.note or 'no note'}); left as it is "
              f"(`lienthong calendar remove {c.entry.day}` then load again to take the file's)"
              for c in result.conflicts]
    return lines
