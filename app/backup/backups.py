"""Back up and restore the configured database, whichever of the two it is."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.backup import postgres, sqlite
from app.backup.files import PGDUMP_MAGIC, SQLITE_MAGIC, BackupError
from app.database import read_only_transactions
from app.extensions import db

__all__ = ["BackupError", "create_backup", "restore_backup", "row_counts", "is_empty"]

# Alembic's bookkeeping: a migrated database without any data still counts as empty.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})


def row_counts(engine: sa.Engine) -> dict[str, int]:
    """Rows per table of every table in the database (not only the app's models)."""
    with read_only_transactions(), engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        return {name: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
                for name in sorted(names)}


def is_empty(engine: sa.Engine) -> bool:
    """True when no table (Alembic's own aside) holds a row."""
    counts = row_counts(engine)
    return not any(n for name, n in counts.items() if name not in BOOKKEEPING_TABLES)


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def create_backup(target: Path) -> int:
    """Write a consistent copy of the configured database to `target`; returns its size.

    Online: the app may keep serving requests meanwhile (a snapshot, never a torn copy).
    """
    target = Path(target)
    if _dialect() == "sqlite":
        timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
        sqlite.create(sqlite.database_file(db.engine.url), target, timeout=timeout)
    else:
        postgres.create(db.engine, target)
    return target.stat().st_size


def backup_kind(source: Path) -> str:
    """'sqlite' or 'postgresql', from the file's first bytes."""
    with open(source, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is not a backup made by `flask backup create`")


def restore_backup(source: Path, *, force: bool = False) -> dict[str, int]:
    """Load the backup `source` into the configured database; returns its row counts after.

    Refuses a database that holds data unless `force` (then the backup replaces it).
    """
    source, dialect = Path(source), _dialect()
    kind = backup_kind(source)
    if kind != dialect:
        raise BackupError(f"{source} is a {kind} backup; the configured database is {dialect}")
    db.session.remove()
    if not force and not is_empty(db.engine):
        raise BackupError("the database already holds data: restore into an empty database, "
                          "or add --force to replace what is there")
    db.engine.dispose()  # no pooled connection keeps a lock or a stale schema
    if dialect == "sqlite":
        timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
        sqlite.restore(source, sqlite.database_file(db.engine.url), timeout=timeout)
    else:
        postgres.restore(db.engine, source)
    db.engine.dispose()
    return row_counts(db.engine)
