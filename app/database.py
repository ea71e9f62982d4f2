"""Engine set-up: SQLite tuned for several processes, PostgreSQL as is."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

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


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE for every transaction.

    pysqlite's own transaction handling starts transactions lazily and as DEFERRED; a read
    that later writes then fails at once with "database is locked". Taking the write lock at
    BEGIN makes concurrent writers wait for the busy timeout instead.
    """

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
