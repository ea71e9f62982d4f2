"""PostgreSQL: pg_dump in its custom format, pg_restore into the configured database.

The tools must be of the server's major version or newer (Debian keeps each version's in
/usr/lib/postgresql/N/bin; the one on PATH may be another). The password goes to the tools in
PGPASSWORD, never on a command line that `ps` shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa

from app.backup.files import BackupError, private_partial

DEBIAN_BIN = "/usr/lib/postgresql/{major}/bin/{tool}"
VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def server_major(engine: sa.Engine) -> int:
    """The major version of the server behind `engine` (15 for 15.18)."""
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def tool_major(path: str) -> int | None:
    """The major version a pg_dump/pg_restore binary reports, None if it does not run."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                             check=False).stdout
    except OSError:
        return None
    match = VERSION_RE.search(out)
    return int(match.group(1)) if match else None


def find_tool(tool: str, major: int) -> str:
    """The `tool` binary for a server of version `major`: the same major first, else newer."""
    candidates = [DEBIAN_BIN.format(major=major, tool=tool), shutil.which(tool)]
    found = [(path, tool_major(path)) for path in dict.fromkeys(candidates)
             if path and os.access(path, os.X_OK)]
    usable = [(path, version) for path, version in found if version and version >= major]
    if not usable:
        raise BackupError(f"{tool} for PostgreSQL {major} not found (install Debian's "
                          f"postgresql-client-{major}); seen: {found or 'none'}")
    return min(usable, key=lambda item: (item[1] != major, item[1]))[0]


def libpq_target(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment holding it."""
    plain = sa.URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query)
    uri = plain.render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return uri, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result.stdout


TABLE_ENTRY_RE = re.compile(r"^\d+; \d+ \d+ TABLE \S+ (\S+)", re.M)


def create(engine: sa.Engine, target: Path) -> None:
    """pg_dump the database into `target` (custom format, no owners: restorable by any role)."""
    pg_dump = find_tool("pg_dump", server_major(engine))
    uri, env = libpq_target(engine.url)
    with private_partial(target) as partial:
        _run([pg_dump, "--format=custom", "--no-owner", "--file", str(partial),
              "--dbname", uri], env, "pg_dump")


def restore(engine: sa.Engine, source: Path) -> None:
    """pg_restore `source` into the database: drops what the backup holds first, all or nothing."""
    pg_restore = find_tool("pg_restore", server_major(engine))
    uri, env = libpq_target(engine.url)
    try:
        listing = _run([pg_restore, "--list", str(source)], env, "reading the backup")
    except BackupError as error:
        raise BackupError(f"{source} cannot be read as a backup ({error}); "
                          "nothing was restored") from None
    if "alembic_version" not in TABLE_ENTRY_RE.findall(listing):
        raise BackupError(f"{source} is not a backup of this application's database; "
                          "nothing was restored")
    try:
        _run([pg_restore, "--no-owner", "--clean", "--if-exists", "--single-transaction",
              "--exit-on-error", "--dbname", uri, str(source)], env, "pg_restore")
    except BackupError as error:
        raise BackupError(f"{error}; the restore ran as one transaction, so the database "
                          "is as it was before") from None
