"""`flask users ...`: manage accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.admin.operations import create_user
from app.extensions import db
from workflows.roles import Role

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
@click.password_option()
def create_command(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a user with the given roles."""
    user = create_user(None, email=email, name=name, roles={Role(r) for r in roles},
                       password=password, portfolio_ids=set())
    db.session.commit()
    click.echo(f"Created user {user.email} (id {user.id}).")
