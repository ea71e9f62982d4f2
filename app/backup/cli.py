"""`flask backup create FILE`, `flask backup restore FILE [--force]` and `flask backup check`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.backup.backups import BackupError, create_backup, restore_backup
from app.backup.checks import missing_documents

backup_cli = AppGroup("backup", help="Back up and restore the database.")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path) -> None:
    """Write a consistent backup of the database to FILE, while the app keeps running."""
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
    missing = report_missing_documents()
    if missing:
        raise click.ClickException(
            f"the database is restored, but {len(missing)} document file(s) it records are not "
            "in the storage folder (DOCUMENT_STORAGE): restore that folder from the same "
            "backup time, then run `flask backup check`")


def report_missing_documents() -> list:
    """Name on stderr every document version whose file is not there; returns them."""
    missing = missing_documents()
    for doc in missing:
        click.echo(f"missing: version {doc.version_id} ({doc.year}, no. {doc.number}, "
                   f"{doc.format.upper()}): {doc.path}", err=True)
    return missing


@backup_cli.command("check")
def check_command() -> None:
    """Check that every assembled document the database records has its file."""
    missing = report_missing_documents()
    if missing:
        raise click.ClickException(f"{len(missing)} document file(s) are missing")
    click.echo("Every document file the database records is there.")
