"""Commands for the dossier's life around its BPMN run: supplements, verification,
refusal, withdrawal, stopping, apologies and the public late list."""

from __future__ import annotations

from datetime import datetime

import click

from engine.dossiers import (
    apologize,
    close,
    late_list,
    request_supplement,
    require_verification,
    supply,
)
from engine.org import descendants
from engine.queries import show_dossier
from engine.vocabulary import FinishKind
from web.cli.common import (
    Context,
    at_option,
    instant_option,
    json_option,
    main,
    now_option,
    pass_ctx,
    print_list,
)


def _reason_command(name: str, kind: FinishKind | None, help_text: str) -> None:
    """A command that closes a dossier as `kind` (or, for None, asks for verification)
    with the reason its paper prints."""

    @main.command(name, help=help_text)
    @click.argument("code")
    @click.option("--user", required=True, help="Who acts.")
    @click.option("--reason", required=True, help="The reason, as the paper will print it.")
    @at_option
    @pass_ctx
    def command(ctx: Context, code: str, user: str, reason: str, at: datetime | None) -> None:
        runtime = ctx.services.runtime
        with ctx.services.transaction() as session:
            if kind is None:
                dossier = require_verification(session, runtime, code, user=user,
                                               reason=reason, at=at)
            else:
                dossier = close(session, runtime, code, kind, user=user, reason=reason, at=at)
        click.echo(f"dossier {dossier.code} {dossier.status}")


_reason_command("refuse", FinishKind.REFUSED, "Refuse a dossier with its reasons.")
_reason_command("require-verification", None,
                "The dossier needs verification: the procedure's longer time limit applies.")
_reason_command("withdraw", FinishKind.WITHDRAWN,
                "Record that the citizen withdrew the dossier.")
_reason_command("stop", FinishKind.STOPPED, "Stop processing a dossier (notice of stopping).")


@main.command("request-supplement")
@click.argument("code")
@click.option("--user", required=True, help="The officer asking (the paper's contact).")
@click.option("--item", "items", multiple=True, required=True,
              help="A document to supplement (repeatable).")
@click.option("--reason", required=True)
@at_option
@pass_ctx
def request_supplement_cmd(ctx: Context, code: str, user: str, items: tuple[str, ...],
                           reason: str, at: datetime | None) -> None:
    """Ask the citizen to supplement the dossier: its clock pauses (7 working days max)."""
    with ctx.services.transaction() as session:
        request_supplement(session, ctx.services.runtime, code, user=user, items=items,
                           reason=reason, at=at)
        deadline = ctx.local(show_dossier(session, code).pauses[-1].deadline_at)
    click.echo(f"dossier {code} waits for the citizen's supplement until {deadline}")


@main.command("supplement")
@click.argument("code")
@click.option("--user", required=True, help="The officer receiving the papers.")
@click.option("--document", "documents", multiple=True, help="A document supplied (repeatable).")
@at_option
@pass_ctx
def supplement_cmd(ctx: Context, code: str, user: str, documents: tuple[str, ...],
                   at: datetime | None) -> None:
    """Record the citizen's supplement: the clock runs again, deadlines move."""
    with ctx.services.transaction() as session:
        dossier = supply(session, ctx.services.runtime, code, user=user, documents=documents,
                         at=at)
    click.echo(f"dossier {code} supplemented; appointment now "
               f"{ctx.local(dossier.appointment_at)}")


@main.command("apologize")
@click.argument("code")
@click.option("--leader", required=True, help="The leader who signs.")
@click.option("--reason", required=True)
@instant_option("--new-date", "The new appointment (local time if no offset).", required=True)
@click.option("--number", help="The letter's number as the unit writes it (12/UBND-VP).")
@click.option("--addressee", help="Kính gửi (the applicant if not given).")
@click.option("--to", "distribution", multiple=True,
              help="A line of Nơi nhận (repeat; \"Như trên\" and \"Lưu: VT\" if none).")
@at_option
@pass_ctx
def apologize_cmd(ctx: Context, code: str, leader: str, reason: str, new_date: datetime,
                  number: str | None, addressee: str | None, distribution: tuple[str, ...],
                  at: datetime | None) -> None:
    """Record a signed apology (văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết)
    with a new date; the dossier goes on the public late list."""
    with ctx.services.transaction() as session:
        apologize(session, ctx.services.runtime, code, leader=leader, reason=reason,
                  new_appointment=new_date, at=at, number=number, addressee=addressee,
                  distribution=distribution or None)
    click.echo(f"apology recorded; dossier {code} now due {ctx.local(new_date)}")


@main.command("late")
@click.option("--unit", required=True, help="Unit code (its descendants are included).")
@now_option
@json_option
@pass_ctx
def late_cmd(ctx: Context, unit: str, now: datetime | None, as_json: bool) -> None:
    """The public list of late dossiers (overdue, or apologized for)."""
    with ctx.services.transaction() as session:
        entries = late_list(session, descendants(session, unit),
                            now or ctx.services.runtime.clock.now())
    print_list(entries, as_json, lambda e: (
        f"{e.code}  {e.procedure}  due {ctx.local(e.original_appointment_at)}, "
        f"new date {ctx.local(e.appointment_at)}  {e.reason or ''}"), empty="no late dossiers")
