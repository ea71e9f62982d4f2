"""`flask scheduler tick [--now ISO]` (one pass, for cron and tests) and `flask scheduler run`."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from app.clock import OSLO
from app.clock import now as clock_now
from app.scheduler.jobs import tick
from app.scheduler.lease import record_run
from app.scheduler.runner import SchedulerProcess, summary_line

scheduler_cli = AppGroup("scheduler", help="Invitations, reminders, escalations and mail.")


def parse_moment(value: str | None) -> datetime:
    """An ISO date-time; without a zone it is Oslo time. None means now."""
    if not value:
        return clock_now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date-time: {value!r}", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=OSLO)


@scheduler_cli.command("tick")
@click.option("--now", "moment", default=None, metavar="ISO-DATETIME",
              help="Run as if it were this moment (Oslo time unless a zone is given).")
def tick_command(moment: str | None) -> None:
    """Run everything due as of now (or --now) once, and print the counts on one line."""
    now = parse_moment(moment)
    summary = tick(now)
    line = summary_line(summary)
    record_run(f"tick {now.isoformat()}: {line}")
    click.echo(f"scheduler tick {now.astimezone(OSLO).isoformat(timespec='minutes')}: {line}")
    if summary.get("errors"):
        sys.exit(1)


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler in this process until stopped; only one instance is ever active."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    SchedulerProcess(current_app._get_current_object()).run()
