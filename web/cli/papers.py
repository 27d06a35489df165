"""`lienthong paper`: the data of a standard paper, as JSON."""

from __future__ import annotations

from datetime import datetime

import click

from engine.dossiers import PAPERS, logbook
from engine.org import descendants
from web.cli.common import Context, emit_json, main, pass_ctx


@main.command("paper")
@click.argument("kind", type=click.Choice([*PAPERS, "logbook"]))
@click.argument("code_or_unit")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Logbook: first day.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Logbook: last day.")
@pass_ctx
def paper_cmd(ctx: Context, kind: str, code_or_unit: str, start: datetime | None,
              end: datetime | None) -> None:
    """The data of a standard paper, as JSON: receipt, supplement, refusal, apology,
    stop-notice, control-slip (for a dossier code) or logbook (for a unit, --from/--to)."""
    with ctx.services.transaction() as session:
        if kind == "logbook":
            if start is None or end is None:
                raise click.UsageError("the logbook needs --from and --to")
            data: object = logbook(session, descendants(session, code_or_unit),
                                   start.date(), end.date(), tz=ctx.settings["TIMEZONE"])
        else:
            data = PAPERS[kind](session, code_or_unit)
    emit_json(data)
