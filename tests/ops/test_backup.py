"""`flask backup create` / `restore`: every row comes back, also from a backup taken while the
app serves requests; a database with data is only replaced with --force.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (pg_dump/pg_restore).
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.backup import postgres
from app.backup.files import BackupError
from app.extensions import db
from app.models import AuditEvent
from tests.conftest import CONTACT, IS_POSTGRES, fingerprint
from tests.ops.conftest import all_rows, other_app, served

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def backup(runner, file: Path):
    """`flask backup create FILE`, asserted to succeed."""
    result = runner.invoke(args=["backup", "create", str(file)])
    assert result.exit_code == 0, result.output
    assert file.stat().st_size > 0
    return result


def restore_into(url: str, file: Path, *extra: str):
    """`flask backup restore FILE` run by an app on the database at `url`."""
    # Its own app context: the CLI runner would otherwise reuse the test's (current_app)
    with other_app(url) as target, target.app_context():
        return target.test_cli_runner().invoke(args=["backup", "restore", str(file), *extra])


def rows_at(url: str) -> dict[str, list[tuple]]:
    with other_app(url) as target, target.app_context():
        return all_rows(db.engine)


def test_restore_into_an_empty_database_gives_back_every_row(
        app, runner, empty_database_url, tmp_path):
    file = tmp_path / "demo.backup"
    result = backup(runner, file)
    assert f"Backup written to {file}" in result.output
    assert file.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    before = all_rows(db.engine)

    restored = restore_into(empty_database_url, file)

    assert restored.exit_code == 0, restored.output
    after = rows_at(empty_database_url)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before
    assert len(before) > 20 and sum(map(len, before.values())) > 500  # the demo, all of it
    assert f"{len(before)} tables, {sum(map(len, before.values()))} rows" in restored.output


def test_restore_refuses_a_database_with_data_unless_forced(
        app, runner, make_user, tmp_path):
    file = tmp_path / "demo.backup"
    backup(runner, file)
    in_backup = all_rows(db.engine)
    make_user(email="after.backup@test.example")
    db.session.remove()
    unchanged = fingerprint()

    refused = runner.invoke(args=["backup", "restore", str(file)])
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert fingerprint() == unchanged

    db.session.remove()  # PostgreSQL: no open transaction may keep pg_restore from dropping
    forced = runner.invoke(args=["backup", "restore", str(file), "--force"])
    assert forced.exit_code == 0, forced.output
    assert all_rows(db.engine) == in_backup  # the user made after the backup is gone


def test_a_file_that_is_not_a_backup_is_refused(app, runner, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a backup\n")
    db.session.remove()
    unchanged = fingerprint()
    result = runner.invoke(args=["backup", "restore", str(file), "--force"])
    assert result.exit_code == 1
    assert "is not a backup made by `flask backup create`" in result.output
    assert fingerprint() == unchanged


def test_a_backup_of_the_other_database_kind_is_refused(app, runner, tmp_path):
    file = tmp_path / "other.backup"
    file.write_bytes(b"SQLite format 3\x00" if IS_POSTGRES else b"PGDMP\x01\x0e")
    result = runner.invoke(args=["backup", "restore", str(file), "--force"])
    assert result.exit_code == 1
    kind, configured = ("sqlite", "postgresql") if IS_POSTGRES else ("postgresql", "sqlite")
    assert f"is a {kind} backup; the configured database is {configured}" in result.output


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    with other_app("sqlite://") as memory, memory.app_context():
        result = memory.test_cli_runner().invoke(
            args=["backup", "create", str(tmp_path / "x.backup")])
    assert result.exit_code == 1
    assert "lives in memory" in result.output
    assert not (tmp_path / "x.backup").exists()


# --------------------------------------------------------------------------- while serving


class Traffic(threading.Thread):
    """A visitor on the live server: GET pages and POST failed logins (each writes an audit
    row), until stopped or after at most `limit` requests."""

    def __init__(self, base_url: str, limit: int = 2000):
        super().__init__(name="traffic", daemon=True)
        self.base_url, self.limit = base_url, limit
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.statuses: list[int] = []
        self.halt = threading.Event()

    def fetch(self, path: str, form: dict | None = None) -> str:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=30) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        self.statuses.append(status)
        return body

    def run(self) -> None:
        while not self.halt.is_set() and len(self.statuses) < self.limit:
            token = CSRF_RE.search(self.fetch("/auth/login")).group(1)
            self.fetch("/auth/login", {"email": CONTACT, "password": "wrong",
                                       "csrf_token": token})
            self.fetch("/healthz")

    def wait_for(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.statuses) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.statuses) >= count, f"only {len(self.statuses)} requests made"


def failed_logins() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "login_failed"))


def test_backup_taken_while_serving_requests_restores_consistently(
        app, runner, empty_database_url, tmp_path):
    files: list[Path] = []
    with served(app) as base_url:
        traffic = Traffic(base_url)
        traffic.start()
        try:
            traffic.wait_for(6)
            before = failed_logins()
            served_before = len(traffic.statuses)
            window = time.monotonic() + 1.5
            while time.monotonic() < window or len(files) < 2:
                files.append(tmp_path / f"live-{len(files)}.backup")
                backup(runner, files[-1])
            served_during = len(traffic.statuses) - served_before
            traffic.wait_for(len(traffic.statuses) + 3)
        finally:
            traffic.halt.set()
            traffic.join(timeout=60)
    db.session.remove()
    after, source = failed_logins(), all_rows(db.engine)

    assert served_during > 0, "no request was served while the backups ran"
    assert set(traffic.statuses) <= {200, 400}, sorted(set(traffic.statuses))
    assert after > before
    result = restore_into(empty_database_url, files[len(files) // 2])
    assert result.exit_code == 0, result.output
    restored = rows_at(empty_database_url)
    # A snapshot: the other tables as they are, a prefix of the audit trail and of the outbox
    # (ten wrong passwords in a row hold the account and mail its owner), and the failed
    # sign-in counter as it stood then (it only grows while the traffic runs)
    audit = restored.pop("audit_events")
    outbox = restored.pop("outbox_messages")
    counters = restored.pop("sign_in_throttles")
    moving = ("audit_events", "outbox_messages", "sign_in_throttles")
    assert restored == {t: rows for t, rows in source.items() if t not in moving}
    assert audit == source["audit_events"][:len(audit)]
    assert outbox == source["outbox_messages"][:len(outbox)]
    assert [c[0] for c in counters] == [c[0] for c in source["sign_in_throttles"]]
    with other_app(empty_database_url) as target, target.app_context():
        assert before <= failed_logins() <= after
        if not IS_POSTGRES:
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


# --------------------------------------------------------------------------- pg tools


def fake_tool(path: Path, version: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{path.name} (PostgreSQL) {version} (Debian)'\n")
    path.chmod(0o755)
    return str(path)


def test_pg_tools_of_the_servers_major_version_are_preferred(tmp_path, monkeypatch):
    on_path = fake_tool(tmp_path / "path" / "pg_dump", "13.4")
    debian = fake_tool(tmp_path / "lib" / "15" / "pg_dump", "15.18")
    monkeypatch.setenv("PATH", str(Path(on_path).parent))
    monkeypatch.setattr(postgres, "DEBIAN_BIN", str(tmp_path / "lib" / "{major}" / "{tool}"))
    assert postgres.find_tool("pg_dump", 15) == debian
    assert postgres.find_tool("pg_dump", 13) == on_path
    with pytest.raises(BackupError, match="pg_dump for PostgreSQL 16 not found"):
        postgres.find_tool("pg_dump", 16)


def test_pg_password_never_goes_on_the_command_line():
    url = sa.make_url("postgresql+psycopg://app:s3cret@db.example:5433/arenaer?sslmode=require")
    uri, env = postgres.libpq_target(url)
    assert "s3cret" not in uri
    assert uri == "postgresql://app@db.example:5433/arenaer?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret"
