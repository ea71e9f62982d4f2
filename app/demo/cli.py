"""`flask demo load`: fill an empty database with the demo."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.loader import is_loaded, load_demo
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the demo as if loaded on this day (YYYY-MM-DD).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
def load_command(today, if_empty: bool) -> None:
    """Load the demo: the 2021 review and an open cycle in every state."""
    if is_loaded():
        if if_empty:
            click.echo("The database already has data; demo not loaded.")
            return
        raise click.ClickException("The database is not empty; load the demo into a fresh one.")
    result = load_demo(today.date() if today else None)
    db.session.commit()
    click.echo(f"Demo loaded: {result['arenas']} arenas, cycles {result['cycles']}.")
    if current_app.config.get("IS_PRODUCTION"):
        return
    click.echo(f"Demo users (password '{result['password']}', for development only):")
    for email, name, roles in result["users"]:
        click.echo(f"  {email:36} {name:20} {', '.join(roles)}")
