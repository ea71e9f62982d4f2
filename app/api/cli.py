"""`flask users token EMAIL [--name NAME]`: make an API token and print it, once."""

from __future__ import annotations

import click

from app.api.operations import create_api_token
from app.auth.operations import find_user
from app.extensions import db


@click.command("token")
@click.argument("email")
@click.option("--name", default="CLI", show_default=True, help="What the token is for.")
def token_command(email: str, name: str) -> None:
    """Make a personal API token for EMAIL and print it (it is not stored and not shown again)."""
    user = find_user(email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active user with the e-mail {email}.")
    token, record = create_api_token(None, name, owner=user)
    db.session.commit()
    click.echo(f"API token {record.name!r} (id {record.id}) for {user.email}; "
               "it is shown only this once:", err=True)
    click.echo(token)
