"""`flask review ...`: assemble the review document and run assembly jobs from the shell."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app import clock
from app.documents.jobs import auto_assemble_decided_cycles, run_pending_assembly_jobs
from app.documents.operations import assemble_document
from app.documents.versions import read_version, write_atomically
from app.extensions import db
from app.models import Cycle, DocumentFormat

review_cli = AppGroup("review", help="The review document.")


@review_cli.command("assemble")
@click.option("--cycle", "year", type=int, required=True, help="The cycle's year.")
@click.option("--format", "fmt", type=click.Choice([f.value for f in DocumentFormat]),
              required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--locale", type=click.Choice(["nb", "en"]), default="nb", show_default=True)
def assemble_command(year: int, fmt: str, output: Path, locale: str) -> None:
    """Assemble a cycle's document as a new version and write a copy to OUTPUT."""
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise click.ClickException(f"There is no cycle {year}.")
    versions = assemble_document(cycle, None, [DocumentFormat(fmt)], locale)
    db.session.commit()
    version = versions[0]
    data = read_version(version)
    write_atomically(output.resolve(), lambda stream: stream.write(data))
    click.echo(f"Wrote {output} ({len(data)} bytes): version {version.number} of {year}, "
               f"sha256 {version.sha256}.")


@review_cli.command("run-jobs")
def run_jobs_command() -> None:
    """Queue assemblies for fully decided cycles, then run every waiting assembly job."""
    result = {**auto_assemble_decided_cycles(clock.now()),
              **run_pending_assembly_jobs(clock.now())}
    click.echo(" ".join(f"{name}={count}" for name, count in result.items()) or "Nothing to do.")
