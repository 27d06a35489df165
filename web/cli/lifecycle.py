"""Commands for the dossier's life around its BPMN run, units, users and the papers."""

from __future__ import annotations

import click

from engine.calendar_overrides import KINDS, list_overrides, remove_override, set_override
from engine.catalog import list_catalog
from engine.demo import seed_demo_units
from engine.lifecycle import (
    apologize,
    late_list,
    refuse,
    request_supplement,
    require_verification,
    stop,
    supply,
    withdraw,
)
from engine.papers import (
    apology,
    control_slip,
    logbook,
    receipt,
    refusal,
    stop_notice,
    supplement_request,
)
from engine.units import add_user, descendants
from web.cli.common import (
    Context,
    at_option,
    emit_json,
    json_option,
    main,
    parse_instant,
    pass_ctx,
)


@main.command("seed-demo")
@pass_ctx
def seed_demo_cmd(ctx: Context) -> None:
    """Add the demo units (Hà Nội › Long Biên › Phúc Lợi ...) and their users."""
    with ctx.services.transaction() as session:
        units, users = seed_demo_units(session)
    click.echo(f"{units} units and {users} users added")


@main.command("add-user")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--role", "roles", multiple=True, required=True,
              help="reception, staff, leader, supervisor, designer or admin (repeatable).")
@click.option("--department", "departments", multiple=True, help="Department code (repeatable).")
@click.password_option()
@pass_ctx
def add_user_cmd(ctx: Context, username: str, full_name: str, unit: str,
                 roles: tuple[str, ...], departments: tuple[str, ...], password: str) -> None:
    """Create a user (the password is stored as an argon2 hash)."""
    with ctx.services.transaction() as session:
        add_user(session, username=username, full_name=full_name, unit=unit, password=password,
                 roles=roles, departments=departments)
    click.echo(f"user {username} created in {unit}")


@main.command("catalog")
@json_option
@pass_ctx
def catalog_cmd(ctx: Context, as_json: bool) -> None:
    """The procedure catalog (newest version of each entry)."""
    with ctx.services.transaction() as session:
        entries = list_catalog(session)
    if as_json:
        emit_json(entries)
        return
    if not entries:
        click.echo("the catalog is empty: run `lienthong deploy workflows`")
    for e in entries:
        verification = f" ({e.verification_time_limit} with verification)" \
            if e.verification_time_limit else ""
        cutoff = f", cut-off {e.cutoff}" if e.cutoff else ""
        click.echo(f"{e.code} v{e.version}  {e.name}  [{e.field_of_work}]  time limit "
                   f"{e.time_limit}{verification}{cutoff}  process {e.process_key}")


def _lifecycle(name: str, action: object, help_text: str) -> None:
    @main.command(name, help=help_text)
    @click.argument("code")
    @click.option("--user", required=True, help="Who acts.")
    @click.option("--reason", required=True, help="The reason, as the paper will print it.")
    @at_option
    @pass_ctx
    def command(ctx: Context, code: str, user: str, reason: str, at_text: str | None) -> None:
        at = parse_instant(at_text, "--at", ctx.settings["TIMEZONE"])
        with ctx.services.transaction() as session:
            dossier = action(session, ctx.services.runtime, code,  # type: ignore[operator]
                             user=user, reason=reason, at=at)
        click.echo(f"dossier {dossier.code} {dossier.status}")


_lifecycle("refuse", refuse, "Refuse a dossier with its reasons.")
_lifecycle("require-verification", require_verification,
           "The dossier needs verification: the procedure's longer time limit applies.")
_lifecycle("withdraw", withdraw, "Record that the citizen withdrew the dossier.")
_lifecycle("stop", stop, "Stop processing a dossier (notice of stopping).")


@main.command("request-supplement")
@click.argument("code")
@click.option("--user", required=True, help="The officer asking (the paper's contact).")
@click.option("--item", "items", multiple=True, required=True,
              help="A document to supplement (repeatable).")
@click.option("--reason", required=True)
@at_option
@pass_ctx
def request_supplement_cmd(ctx: Context, code: str, user: str, items: tuple[str, ...],
                           reason: str, at_text: str | None) -> None:
    """Ask the citizen to supplement the dossier: its clock pauses (7 working days max)."""
    at = parse_instant(at_text, "--at", ctx.settings["TIMEZONE"])
    with ctx.services.transaction() as session:
        pause = request_supplement(session, ctx.services.runtime, code, user=user,
                                   items=items, reason=reason, at=at)
        deadline = ctx.local(pause.deadline_at)
    click.echo(f"dossier {code} waits for the citizen's supplement until {deadline}")


@main.command("supplement")
@click.argument("code")
@click.option("--user", required=True, help="The officer receiving the papers.")
@click.option("--document", "documents", multiple=True, help="A document supplied (repeatable).")
@at_option
@pass_ctx
def supplement_cmd(ctx: Context, code: str, user: str, documents: tuple[str, ...],
                   at_text: str | None) -> None:
    """Record the citizen's supplement: the clock runs again, deadlines move."""
    at = parse_instant(at_text, "--at", ctx.settings["TIMEZONE"])
    with ctx.services.transaction() as session:
        dossier = supply(session, ctx.services.runtime, code, user=user, documents=documents,
                         at=at)
        appointment = ctx.local(dossier.appointment_at)
    click.echo(f"dossier {code} supplemented; appointment now {appointment}")


@main.command("apologize")
@click.argument("code")
@click.option("--leader", required=True, help="The leader who signs.")
@click.option("--reason", required=True)
@click.option("--new-date", "new_date", required=True, metavar="ISO",
              help="The new appointment (local time if no offset).")
@at_option
@pass_ctx
def apologize_cmd(ctx: Context, code: str, leader: str, reason: str, new_date: str,
                  at_text: str | None) -> None:
    """Record a signed apology with a new date; the dossier goes on the public late list."""
    tz = ctx.settings["TIMEZONE"]
    new_at = parse_instant(new_date, "--new-date", tz)
    assert new_at is not None  # noqa: S101 - click makes the option required
    with ctx.services.transaction() as session:
        apologize(session, ctx.services.runtime, code, leader=leader, reason=reason,
                  new_appointment=new_at, at=parse_instant(at_text, "--at", tz))
    click.echo(f"apology recorded; dossier {code} now due {ctx.local(new_at)}")


@main.command("late")
@click.option("--unit", required=True, help="Unit code (its descendants are included).")
@click.option("--now", "now_text", metavar="ISO")
@json_option
@pass_ctx
def late_cmd(ctx: Context, unit: str, now_text: str | None, as_json: bool) -> None:
    """The public list of late dossiers (overdue, or apologized for)."""
    now = parse_instant(now_text, "--now", ctx.settings["TIMEZONE"])
    with ctx.services.transaction() as session:
        entries = late_list(session, descendants(session, unit),
                            now or ctx.services.runtime.clock.now())
    if as_json:
        emit_json(entries)
        return
    if not entries:
        click.echo("no late dossiers")
    for e in entries:
        click.echo(f"{e.code}  {e.procedure}  due {ctx.local(e.original_appointment_at)}, "
                   f"new date {ctx.local(e.appointment_at)}  {e.reason or ''}")


PAPERS = {
    "receipt": receipt, "supplement": supplement_request, "refusal": refusal,
    "apology": apology, "stop-notice": stop_notice, "control-slip": control_slip,
}


@main.command("paper")
@click.argument("kind", type=click.Choice([*PAPERS, "logbook"]))
@click.argument("code_or_unit")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Logbook: first day.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Logbook: last day.")
@pass_ctx
def paper_cmd(ctx: Context, kind: str, code_or_unit: str, start: object, end: object) -> None:
    """The data of a standard paper, as JSON: receipt, supplement, refusal, apology,
    stop-notice, control-slip (for a dossier code) or logbook (for a unit, --from/--to)."""
    with ctx.services.transaction() as session:
        if kind == "logbook":
            if start is None or end is None:
                raise click.UsageError("the logbook needs --from and --to")
            data: object = logbook(session, descendants(session, code_or_unit),
                                   start.date(), end.date())  # type: ignore[attr-defined]
        else:
            data = PAPERS[kind](session, code_or_unit)
    emit_json(data)


@main.group("calendar")
def calendar_group() -> None:
    """The working calendar's overrides: announced days off and make-up working days."""


@calendar_group.command("set")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--unit", default="", help="Only this unit (default: every unit).")
@click.option("--note", default="", help="Why, e.g. the announcement's number.")
@pass_ctx
def calendar_set_cmd(ctx: Context, day: object, kind: str, unit: str, note: str) -> None:
    """Make DAY a day off ('off') or a working day ('working')."""
    with ctx.services.transaction() as session:
        row = set_override(session, day.date(), kind, unit=unit,  # type: ignore[attr-defined]
                           note=note)
    ctx.services.runtime.forget_calendars()
    click.echo(f"{row.day:%d/%m/%Y} is now {'a day off' if kind == 'off' else 'a working day'}"
               f" for {row.unit or 'every unit'}")


@calendar_group.command("remove")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--unit", default="")
@pass_ctx
def calendar_remove_cmd(ctx: Context, day: object, unit: str) -> None:
    """Drop DAY's override: the statutory calendar applies again."""
    with ctx.services.transaction() as session:
        removed = remove_override(session, day.date(), unit=unit)  # type: ignore[attr-defined]
    click.echo("override removed" if removed else "no override on that day")


@calendar_group.command("list")
@json_option
@pass_ctx
def calendar_list_cmd(ctx: Context, as_json: bool) -> None:
    """The overrides, by day."""
    with ctx.services.transaction() as session:
        rows = list_overrides(session)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r.day:%d/%m/%Y}  {r.kind:7}  {r.unit or '(every unit)'}  {r.note}")
