"""SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent snapshot taken
while other processes keep reading and writing (WAL)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from app.backup.checks import document_problems
from app.backup.files import BackupError, private_partial
from app.database import create_private_file


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


def check_complete(backup: Path) -> None:
    """Refuse a file shorter than the page count its own header records (a torn copy).

    SQLite would open such a file and fail only on the pages that are missing, possibly
    after part of it was copied; the header (bytes 16-17: page size, 28-31: page count) says
    how long a whole file is.
    """
    with open(backup, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100:
        raise BackupError(f"{backup} is truncated: it ends inside the SQLite header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    expected, actual = page_size * pages, backup.stat().st_size
    if pages and actual < expected:
        raise BackupError(f"{backup} is truncated: {actual} of the {expected} bytes its header "
                          "records are there; nothing was restored")


def _check_documents(backup: Path, timeout: float) -> None:
    """Refuse a backup holding a document whose bytes do not match their SHA-256 (or that has
    none), before anything is restored."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.NullPool,
                              creator=lambda: _connect_existing(backup, timeout, mode="ro"))
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("document_blobs"):
                return  # from before documents were kept in the database
            problems = document_problems(conn)
    finally:
        engine.dispose()
    if problems:
        named = "; ".join(p.describe() for p in problems[:5])
        raise BackupError(f"{backup} holds {len(problems)} document(s) that are missing or "
                          f"damaged ({named}); nothing was restored")


def restore(backup: Path, target: Path, *, timeout: float) -> None:
    """Replace the whole database `target` (created when missing) with the backup's pages."""
    check_complete(backup)
    try:
        with closing(_connect_existing(backup, timeout, mode="ro")) as src:
            _check_integrity(src, f"backup {backup}")
            if not src.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
                raise BackupError(f"{backup} is not a backup of this application's database")
            _check_documents(backup, timeout)
            create_private_file(target)
            with closing(sqlite3.connect(target, timeout=timeout)) as dst:
                src.backup(dst)
                _check_integrity(dst, "the restored database")
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup} cannot be read as a SQLite backup ({error}); "
                          "nothing was restored") from None
