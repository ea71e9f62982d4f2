"""Engine set-up: SQLite tuned for several processes, PostgreSQL as is."""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Set for safe (GET/HEAD) requests: their transactions only read, so they need no write lock.
_read_only: ContextVar[bool] = ContextVar("read_only_transactions", default=False)


@contextmanager
def read_only_transactions(enabled: bool = True):
    """Within this block, SQLite transactions begin DEFERRED instead of IMMEDIATE."""
    token = _read_only.set(enabled)
    try:
        yield
    finally:
        _read_only.reset(token)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def create_private_file(path: Path) -> None:
    """Create `path` as an empty file readable and writable by its owner only, unless it exists.

    SQLite opens an empty file as an empty database and gives its -wal and -shm files the
    database file's permissions, so the whole database stays private (it holds password
    hashes and unpublished assessments) whatever the process's umask.
    """
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def sqlite_file(engine: Engine) -> Path | None:
    """The file behind a SQLite engine; None for an in-memory database."""
    name = engine.url.database or ""
    if name in ("", ":memory:") or name.startswith("file::memory:") or \
            engine.url.query.get("mode") == "memory":
        return None
    return Path(name)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE for every transaction.

    pysqlite's own transaction handling starts transactions lazily and as DEFERRED; a read
    that later writes then fails at once with "database is locked". Taking the write lock at
    BEGIN makes concurrent writers wait for the busy timeout instead.
    """
    path = sqlite_file(engine)
    if path is not None and path.parent.is_dir():
        create_private_file(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every test
        conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")
