"""`flask cycles create`, `clone` and `open`: steer a cycle from the command line."""

from __future__ import annotations

from datetime import date

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.cycles.lifecycle import clone_cycle, open_cycle, subject_for
from app.cycles.operations import create_cycle
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Cycle
from workflows.cycle import CycleStatus
from workflows.engine import TransitionNotAllowed

cycles_cli = AppGroup("cycles", help="Yearly review cycles.")


def _cycle(year: int) -> Cycle:
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise click.ClickException(f"Fant ingen gjennomgang for {year}.")
    return cycle


class IsoDate(click.ParamType):
    """A date written YYYY-MM-DD, refused in Norwegian otherwise."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"«{value}» er ikke en dato skrevet ÅÅÅÅ-MM-DD.", param, ctx)


class Year(click.ParamType):
    """A year as a whole number, refused in Norwegian otherwise."""

    name = "YEAR"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        if not str(value).isdigit():
            self.fail(f"«{value}» er ikke et årstall.", param, ctx)
        return int(value)


def _date_option(name: str, what: str):
    return click.option(f"--{name}", name.replace("-", "_"), type=IsoDate(), default=None,
                        help=f"{what}.")


@cycles_cli.command("create")
@click.argument("year", type=Year())
@click.option("--title", default="", help='Default: "Gjennomgang YEAR".')
@_date_option("submission-deadline", "The contacts' deadline")
@_date_option("review-deadline", "The council office's review deadline")
@_date_option("council-meeting-date", "The council meeting")
@click.option("--sign-off/--no-sign-off", default=True,
              help="Whether the head of each portfolio signs off (default: yes).")
def create_command(year: int, title: str, sign_off: bool, **dates) -> None:
    """Create a planned cycle without an earlier one: default criteria, every active arena."""
    try:
        cycle = create_cycle(None, year, title, requires_sign_off=sign_off, **dates)
    except ValidationFailed as failed:
        db.session.rollback()
        raise click.ClickException(" ".join(failed.errors.values())) from None
    db.session.commit()
    deadline = cycle.submission_deadline or "ikke satt"
    click.echo(f"Laget «{cycle.title}» (planlagt) med {len(cycle.arenas)} arenaer og "
               f"{len(cycle.criteria_set.criteria)} kriterier; frist {deadline}.")


@cycles_cli.command("clone")
@click.option("--from", "source_year", type=int, required=True, help="Last year's cycle.")
@click.option("--to", "year", type=int, required=True, help="The new cycle's year.")
def clone_command(source_year: int, year: int) -> None:
    """Create next year's cycle from last year's (arenas, criteria, settings, deadlines)."""
    try:
        cycle = clone_cycle(None, _cycle(source_year), year)
    except ValidationFailed:
        raise click.ClickException(f"Det finnes allerede en gjennomgang for {year}.") from None
    db.session.commit()
    click.echo(f"Laget «{cycle.title}» med {len(cycle.arenas)} arenaer; "
               f"frist {cycle.submission_deadline}.")


@cycles_cli.command("open")
@click.argument("year", type=int)
def open_command(year: int) -> None:
    """Open a planned cycle: create its assessments, carried forward from last year."""
    cycle = _cycle(year)
    if cycle.status != CycleStatus.PLANNED:
        click.echo(f"«{cycle.title}» er allerede åpnet; ingenting er endret.")
        return
    try:
        created = open_cycle(None, cycle)
    except TransitionNotAllowed:
        db.session.rollback()
        problems = "\n".join(f"  - {p}" for p in subject_for(_cycle(year)).problems)
        raise click.ClickException(f"Kan ikke åpne «{cycle.title}»:\n{problems}") from None
    db.session.commit()
    click.echo(f"Åpnet «{cycle.title}»: {created} vurderinger opprettet.")
