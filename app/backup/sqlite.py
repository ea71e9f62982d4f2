"""SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent snapshot taken
while other processes keep reading and writing (WAL)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from app.backup.files import BackupError, private_partial


def database_file(url: sa.URL) -> Path:
    """The file of a SQLite URL; an in-memory database has none to back up."""
    name = url.database or ""
    if name in ("", ":memory:") or url.query.get("mode") == "memory":
        raise BackupError("the configured SQLite database lives in memory: nothing to back up")
    return Path(name)


def _connect_existing(path: Path, timeout: float, mode: str = "rw") -> sqlite3.Connection:
    """A connection to a database file that must already exist (never creates one)."""
    if not path.is_file():
        raise BackupError(f"file {path} does not exist")
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode={mode}", uri=True,
                           timeout=timeout)


def _check_integrity(conn: sqlite3.Connection, what: str) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{what} failed SQLite's integrity check: {result}")


def create(source: Path, target: Path, *, timeout: float) -> None:
    """Copy the live database `source` into the single self-contained file `target`."""
    with private_partial(target) as partial:
        with closing(_connect_existing(source, timeout)) as src, \
                closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the backup
            _check_integrity(dst, "the new backup")


def restore(backup: Path, target: Path, *, timeout: float) -> None:
    """Replace the whole database `target` (created when missing) with the backup's pages."""
    with closing(_connect_existing(backup, timeout, mode="ro")) as src:
        _check_integrity(src, f"backup {backup}")
        if not src.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
            raise BackupError(f"{backup} is not a backup of this application's database")
        with closing(sqlite3.connect(target, timeout=timeout)) as dst:
            src.backup(dst)
            _check_integrity(dst, "the restored database")
