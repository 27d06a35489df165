"""`lienthong token`: API tokens for integrations (a token acts as its user until it
expires or is revoked)."""

from __future__ import annotations

import click

from engine.org import create_token, list_tokens, record_event, revoke_tokens
from engine.vocabulary import SecurityEventKind
from web.cli.common import Context, json_option, main, pass_ctx, print_list


@main.group("token")
def token_group() -> None:
    """API tokens: a token acts as its user, with the same permissions."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", required=True,
              help="What the token is for, e.g. the integration's name (100 characters).")
@click.option("--days", type=click.IntRange(1, 3650),
              help="Days the token lasts (default: LIENTHONG_TOKEN_DAYS, 90).")
@pass_ctx
def create_cmd(ctx: Context, username: str, name: str, days: int | None) -> None:
    """Create an API token for USERNAME and print it. Only its hash is stored, so it is
    shown this once: use it as `Authorization: Bearer <token>`."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("give a name of 1 to 100 characters", param_hint="--name")
    days = days or int(ctx.settings["TOKEN_DAYS"])
    at = ctx.services.runtime.clock.now()
    with ctx.services.transaction() as session:
        token = create_token(session, username, name, at, days)
        record_event(session, SecurityEventKind.TOKEN_CREATED, at, username=username,
                     address="cli", detail=f"token {name!r} for {days} days")
    click.echo(token)  # alone on stdout, for TOKEN=$(lienthong token create ...)
    click.echo(f"token {name!r} created for {username}, valid {days} days; it is not shown "
               "again", err=True)


@token_group.command("list")
@click.argument("username", required=False)
@json_option
@pass_ctx
def list_cmd(ctx: Context, username: str | None, as_json: bool) -> None:
    """API tokens (of USERNAME if given) with their expiry and last use; never the token."""
    with ctx.services.transaction() as session:
        found = list_tokens(session, username)
    now = ctx.services.runtime.clock.now()
    print_list(found, as_json, lambda t: (
        f"{t.username:<20} {t.name!r:<24} created {ctx.local(t.created_at)}, expires "
        f"{ctx.local(t.expires_at)}, last used {ctx.local(t.last_used_at)}"
        + (" (revoked)" if t.revoked else " (expired)" if t.expires_at <= now else "")),
        empty="no API token")


@token_group.command("revoke")
@click.argument("username")
@click.option("--name", help="Only the token with this name (default: all of the user's).")
@pass_ctx
def revoke_cmd(ctx: Context, username: str, name: str | None) -> None:
    """Revoke USERNAME's API tokens: requests with them get 401 from now on."""
    with ctx.services.transaction() as session:
        count = revoke_tokens(session, username, name)
        record_event(session, SecurityEventKind.TOKEN_REVOKED,
                     ctx.services.runtime.clock.now(), username=username, address="cli",
                     detail=f"{count} token(s)" + (f" named {name!r}" if name else ""))
    click.echo(f"{count} token(s) of {username} revoked")
