"""`lienthong token`: API tokens for integrations (a token acts as its user)."""

from __future__ import annotations

import click

from engine.org import create_token, revoke_tokens
from web.cli.common import Context, main, pass_ctx


@main.group("token")
def token_group() -> None:
    """API tokens: a token acts as its user, with the same permissions."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", required=True,
              help="What the token is for, e.g. the integration's name (100 characters).")
@pass_ctx
def create_cmd(ctx: Context, username: str, name: str) -> None:
    """Create an API token for USERNAME and print it. Only its hash is stored, so it is
    shown this once: use it as `Authorization: Bearer <token>`."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("give a name of 1 to 100 characters", param_hint="--name")
    with ctx.services.transaction() as session:
        token = create_token(session, username, name, ctx.services.runtime.clock.now())
    click.echo(token)  # alone on stdout, for TOKEN=$(lienthong token create ...)
    click.echo(f"token {name!r} created for {username}; it is not shown again", err=True)


@token_group.command("revoke")
@click.argument("username")
@click.option("--name", help="Only the token with this name (default: all of the user's).")
@pass_ctx
def revoke_cmd(ctx: Context, username: str, name: str | None) -> None:
    """Revoke USERNAME's API tokens: requests with them get 401 from now on."""
    with ctx.services.transaction() as session:
        count = revoke_tokens(session, username, name)
    click.echo(f"{count} token(s) of {username} revoked")
