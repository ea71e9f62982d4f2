"""Where a benchmark's database lives: a SQLite file in its temporary folder, or, when
BENCH_DATABASE_URL names a PostgreSQL server (a role with CREATEDB), a throw-away database
created there for the run and dropped after it.

`python -m bench` runs every benchmark on SQLite, then (with BENCH_DATABASE_URL) again on
PostgreSQL; each prints which database it measured.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "")


def kinds() -> list[str]:
    """The databases `make bench` measures: SQLite, and PostgreSQL when configured."""
    return ["sqlite", "postgresql"] if SERVER_URL.startswith("postgresql") else ["sqlite"]


def _admin() -> sa.Engine:
    return sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _pg_url(name: str) -> str:
    return sa.make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def _drop(name: str) -> None:
    with _admin().connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(kind: str, folder: Path, name: str,
                   template: str | None = None) -> Iterator[str]:
    """The URL of a new database `name` (empty, or a copy of the database at `template`),
    removed afterwards."""
    if kind == "sqlite":
        path = folder / f"{name}.sqlite3"
        if template:
            shutil.copyfile(sa.make_url(template).database, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob(f"{name}.sqlite3*"):
                leftover.unlink()
        return
    database = f"{sa.make_url(SERVER_URL).database}_bench_{name}_{os.getpid()}"
    _drop(database)
    clause = f' TEMPLATE "{sa.make_url(template).database}"' if template else ""
    with _admin().connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{database}"{clause}')
    try:
        yield _pg_url(database)
    finally:
        _drop(database)


def settle(url: str) -> None:
    """After generating: fold SQLite's WAL into the file (so a copy is whole); on PostgreSQL
    refresh the planner's statistics, as autovacuum would soon after a bulk load."""
    if url.startswith("sqlite"):
        with sqlite3.connect(sa.make_url(url).database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def label(kind: str) -> str:
    """How the output names the database."""
    return "SQLite" if kind == "sqlite" else f"PostgreSQL ({sa.make_url(SERVER_URL).host})"
