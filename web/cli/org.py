"""Commands for units and users: the demo's, and new users."""

from __future__ import annotations

import click

from engine.org import add_user
from engine.simulation import seed_demo_units
from web.cli.common import Context, main, pass_ctx


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
