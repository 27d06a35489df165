"""Commands for units and users: the demo's, new users, passwords, deactivation, the
signed-in sessions and the security events."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from engine.org import (
    account_key,
    add_user,
    address_key,
    end_sessions,
    list_events,
    list_sessions,
    record_event,
    revoke_session,
    set_active,
    set_email,
    set_password,
)
from engine.simulation import seed_demo_units
from engine.vocabulary import SecurityEventKind
from web.cli.common import Context, json_option, main, pass_ctx, print_list
from web.security import make_throttle_store, session_limits


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
    """Create a user. The password needs 10 characters or more, must not contain the user
    name nor be a common or easily guessed one; it is stored as an argon2 hash."""
    with ctx.services.transaction() as session:
        add_user(session, username=username, full_name=full_name, unit=unit, password=password,
                 roles=roles, departments=departments)
    click.echo(f"user {username} created in {unit}")


def _event(ctx: Context, session: Session, kind: SecurityEventKind, username: str | None,
           detail: str) -> None:
    record_event(session, kind, ctx.services.runtime.clock.now(), username=username,
                 address="cli", detail=detail)


@main.command("set-password")
@click.argument("username")
@click.password_option()
@pass_ctx
def set_password_cmd(ctx: Context, username: str, password: str) -> None:
    """Give USERNAME a new password (same rules as add-user); their sessions end."""
    with ctx.services.transaction() as session:
        set_password(session, username, password)
        _event(ctx, session, SecurityEventKind.PASSWORD_CHANGED, username, "from the CLI")
    click.echo(f"password of {username} changed; their sessions ended")


@main.command("set-email")
@click.argument("username")
@click.argument("email", required=False)
@pass_ctx
def set_email_cmd(ctx: Context, username: str, email: str | None) -> None:
    """Set the address USERNAME's escalation notices are e-mailed to; without EMAIL,
    clear it (their notices are then only shown in the application)."""
    with ctx.services.transaction() as session:
        account = set_email(session, username, email, at=ctx.services.runtime.clock.now(),
                            by="the CLI", address="cli")
    click.echo(f"e-mail address of {username} set to {account.email}" if account.email
               else f"e-mail address of {username} cleared")


@main.command("deactivate-user")
@click.argument("username")
@pass_ctx
def deactivate_cmd(ctx: Context, username: str) -> None:
    """Stop USERNAME from signing in: their sessions end and their API tokens are revoked."""
    _switch(ctx, username, active=False)
    click.echo(f"user {username} deactivated; sessions ended, API tokens revoked")


@main.command("reactivate-user")
@click.argument("username")
@pass_ctx
def reactivate_cmd(ctx: Context, username: str) -> None:
    """Let USERNAME sign in again (revoked API tokens stay revoked)."""
    _switch(ctx, username, active=True)
    click.echo(f"user {username} reactivated")


def _switch(ctx: Context, username: str, *, active: bool) -> None:
    kind = SecurityEventKind.USER_REACTIVATED if active else SecurityEventKind.USER_DEACTIVATED
    with ctx.services.transaction() as session:
        set_active(session, username, active)
        _event(ctx, session, kind, username, "from the CLI")


@main.command("unlock-signin")
@click.argument("username", required=False)
@click.option("--address", help="Also (or only) the lock of this client address.")
@pass_ctx
def unlock_cmd(ctx: Context, username: str | None, address: str | None) -> None:
    """Lift a sign-in lock before its time: USERNAME's (a real name or not) and/or an
    address's; its failures are forgotten."""
    if not username and not address:
        raise click.UsageError("name a user, --address, or both")
    keys = ([account_key(username)] if username else []) + (
        [address_key(address)] if address else [])
    with ctx.services.transaction() as session:
        store = make_throttle_store(ctx.settings["RATELIMIT_STORAGE"], session)
        for key in keys:
            store.forget(key)
        _event(ctx, session, SecurityEventKind.SIGNIN_UNLOCKED, username,
               f"{', '.join(keys)} from the CLI")
    click.echo(f"sign-in unlocked: {', '.join(keys)}")


@main.group("sessions")
def sessions_group() -> None:
    """Signed-in browser sessions: list them, end them."""


@sessions_group.command("list")
@click.argument("username", required=False)
@json_option
@pass_ctx
def sessions_list_cmd(ctx: Context, username: str | None, as_json: bool) -> None:
    """The live sessions (of USERNAME if given), the most recently used first."""
    with ctx.services.transaction() as session:
        found = list_sessions(session, ctx.services.runtime.clock.now(),
                              session_limits(ctx.settings), username)
    print_list(found, as_json, lambda s: (
        f"{s.id:>6}  {s.username:<20} signed in {ctx.local(s.created_at)}, last seen "
        f"{ctx.local(s.last_seen_at)} from {s.address or '-'}  {s.user_agent[:40]}"),
        empty="no live session")


@sessions_group.command("revoke")
@click.argument("username")
@click.option("--id", "session_id", type=int,
              help="Only this session (its number in `sessions list`); default: all.")
@pass_ctx
def sessions_revoke_cmd(ctx: Context, username: str, session_id: int | None) -> None:
    """End USERNAME's sessions (or one of them): the browsers must sign in again."""
    with ctx.services.transaction() as session:
        if session_id is None:
            count = end_sessions(session, username)
        else:
            ended = revoke_session(session, session_id)
            if ended.username != username:
                raise click.BadParameter(f"session {session_id} is not one of {username}'s",
                                         param_hint="--id")
            count = 1
        _event(ctx, session, SecurityEventKind.SESSION_REVOKED, username,
               f"{count} session(s) from the CLI")
    click.echo(f"{count} session(s) of {username} ended")


@main.command("security-events")
@click.option("--kind", type=click.Choice([k.value for k in SecurityEventKind]),
              help="Only events of this kind.")
@click.option("--user", "username", help="Only events of this user name.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@json_option
@pass_ctx
def security_events_cmd(ctx: Context, kind: str | None, username: str | None, limit: int,
                        offset: int, as_json: bool) -> None:
    """Security events (sign-ins, failures, locks, tokens, refusals), the newest first."""
    with ctx.services.transaction() as session:
        found = list_events(session, kind=SecurityEventKind(kind) if kind else None,
                            username=username, offset=offset, limit=limit)
    print_list(found.events, as_json, lambda e: (
        f"{ctx.local(e.at)}  {e.kind:<18} {e.username or '-':<20} {e.address or '-':<15} "
        f"{e.detail}"), empty="no security event")
