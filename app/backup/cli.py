"""`flask backup create FILE`, `flask backup restore FILE [--force]` and `flask backup check`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.backup.backups import BackupError, create_backup, restore_backup
from app.backup.checks import DocumentProblem, document_problems
from app.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database, documents included.")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path) -> None:
    """Write a consistent backup of the database (documents included) to FILE, online."""
    try:
        size = create_backup(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {file} ({size} bytes).")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a database that already holds data (otherwise refused).")
def restore_command(file: Path, force: bool) -> None:
    """Load the backup FILE into the configured database (an empty one unless --force)."""
    try:
        counts = restore_backup(file, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {file}: {len(counts)} tables, {sum(counts.values())} rows.")
    problems = report_document_problems()
    if problems:
        raise click.ClickException(
            f"the database is restored, but {len(problems)} document(s) it records are missing "
            "or damaged: their downloads are refused; restore an older backup or assemble the "
            "cycle again")


def report_document_problems() -> list[DocumentProblem]:
    """Name on stderr every document version that is missing or damaged; returns them."""
    with db.engine.connect() as connection:
        problems = document_problems(connection)
    for problem in problems:
        click.echo(f"{problem.problem}: {problem.describe()}", err=True)
    return problems


@backup_cli.command("check")
def check_command() -> None:
    """Check that every assembled document the database records is there and whole."""
    problems = report_document_problems()
    if problems:
        raise click.ClickException(f"{len(problems)} document(s) are missing or damaged")
    click.echo("Every document the database records is there and matches its SHA-256.")
