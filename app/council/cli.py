"""`flask council apply-effective-dates [--now ISO]`: decisions take effect (also a
scheduler job)."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.clock import OSLO
from app.clock import now as clock_now
from app.council.jobs import COUNTS, apply_effective_status_changes
from app.extensions import db

council_cli = AppGroup("council", help="The city council's decisions.")


@council_cli.command("apply-effective-dates")
@click.option("--now", "moment", default=None, metavar="ISO-DATETIME",
              help="Run as of this moment (Oslo time unless a zone is given).")
def apply_effective_dates(moment: str | None) -> None:
    """Move arenas whose decision has taken effect (leaving → left, proposed → member)."""
    now = clock_now()
    if moment:
        try:
            now = datetime.fromisoformat(moment)
        except ValueError:
            raise click.BadParameter(f"not an ISO date-time: {moment!r}") from None
        now = now if now.tzinfo else now.replace(tzinfo=OSLO)
    result = {**dict.fromkeys(COUNTS, 0), **apply_effective_status_changes(now)}
    db.session.commit()
    click.echo(" ".join(f"{key}={value}" for key, value in result.items()))
