"""`lienthong units`: the map of units as dated data (load a map file, list the units in
force on a day, show one unit with its predecessors, successors and agencies)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from engine.org import (
    get_unit,
    list_units,
    load_map,
    predecessors_of,
    read_map,
    services_of,
    successors_of,
)
from web.cli.common import Context, emit_json, json_option, main, pass_ctx, print_list


@main.group("units")
def units_group() -> None:
    """The units: provinces, communes, agencies, the days they existed, reorganisations."""


@units_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@pass_ctx
def units_load_cmd(ctx: Context, file: Path, as_json: bool) -> None:
    """Add FILE's units, services and reorganisations that the database lacks (format:
    docs/units.md). A file with a wrong entry loads nothing."""
    unit_map = read_map(file.read_bytes(), str(file))
    with ctx.services.transaction() as session:
        loaded = load_map(session, unit_map, at=ctx.services.runtime.clock.now())
    if as_json:
        emit_json(loaded)
        return
    click.echo(f"{loaded.units} units added, {loaded.services} services set, "
               f"{loaded.reorganisations} reorganisations recorded"
               + (f", {len(loaded.moved_users)} users moved" if loaded.moved_users else ""))


@units_group.command("list")
@click.option("--on", type=click.DateTime(["%Y-%m-%d"]),
              help="Only the units that existed on this day (YYYY-MM-DD).")
@json_option
@pass_ctx
def units_list_cmd(ctx: Context, on: datetime | None, as_json: bool) -> None:
    """Every unit (or those in force on a day): code, kind, level, parent, days."""
    day: date | None = on.date() if on else None
    with ctx.services.transaction() as session:
        units = list_units(session, on=day)
    print_list(units, as_json, lambda u: f"{u.code:<16} {u.kind:<16} {u.level:<9} "
               f"{u.parent_code or '-':<14} {u.span() or 'luôn'}  {u.name}",
               empty="no units")


@units_group.command("show")
@click.argument("code")
@json_option
@pass_ctx
def units_show_cmd(ctx: Context, code: str, as_json: bool) -> None:
    """One unit: its days, the units it came from and went into, the agencies serving it."""
    with ctx.services.transaction() as session:
        unit = get_unit(session, code)
        before, after = predecessors_of(session, code), successors_of(session, code)
        services = services_of(session, code)
    if as_json:
        emit_json({"unit": unit, "predecessors": before, "successors": after,
                   "services": services})
        return
    click.echo(f"{unit.name} ({unit.code}), {unit.kind}, level {unit.level}, parent "
               f"{unit.parent_code or '-'}, {unit.span() or 'no end'}")
    for line in before:
        click.echo(f"  from {line.predecessor} ({line.predecessor_name}) on "
                   f"{line.effective_on:%d/%m/%Y}"
                   f"{', carried over' if line.carried_over else ', part'}: {line.basis}")
    for line in after:
        click.echo(f"  into {line.successor} ({line.successor_name}) on "
                   f"{line.effective_on:%d/%m/%Y}"
                   f"{', carried over' if line.carried_over else ', part'}: {line.basis}")
    for service in services:
        click.echo(f"  served by {service.agency} ({service.agency_name}, {service.kind})"
                   f"{', default' if service.is_default else ''}")
