"""`flask backup create FILE` and `flask backup restore FILE [--force]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.backup.backups import BackupError, create_backup, restore_backup

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
