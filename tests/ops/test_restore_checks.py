"""A restore that checks itself: a torn or foreign file is refused with a plain message and
nothing changed; after restoring, every document file the database records is checked, and
/healthz reports missing ones; database files are private to their owner."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.documents.operations import assemble_document
from app.extensions import db
from app.models import Cycle, DocumentFormat, User
from tests.conftest import IS_POSTGRES, OFFICE, fingerprint
from tests.ops.conftest import other_app


@pytest.fixture()
def storage(app, tmp_path) -> Path:
    folder = tmp_path / "documents"
    app.config["DOCUMENT_STORAGE"] = str(folder)
    return folder


def backup(runner, file: Path) -> None:
    result = runner.invoke(args=["backup", "create", str(file)])
    assert result.exit_code == 0, result.output


def test_a_truncated_backup_is_refused_and_nothing_changes(app, runner, tmp_path):
    file = tmp_path / "demo.backup"
    backup(runner, file)
    whole = file.read_bytes()
    file.write_bytes(whole[: len(whole) // 2])
    db.session.remove()
    unchanged = fingerprint()

    result = runner.invoke(args=["backup", "restore", str(file), "--force"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    if IS_POSTGRES:
        assert "nothing was restored" in result.output or "as it was before" in result.output
    else:
        assert f"{file} is truncated" in result.output and "nothing was restored" in result.output
    db.session.remove()
    assert fingerprint() == unchanged


def test_a_file_cut_inside_the_header_is_refused(app, runner, tmp_path):
    file = tmp_path / "stub.backup"
    file.write_bytes(b"PGDMP" if IS_POSTGRES else b"SQLite format 3\x00" + b"\x10\x00")
    result = runner.invoke(args=["backup", "restore", str(file), "--force"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nothing was restored" in result.output or "truncated" in result.output


@pytest.mark.skipif(IS_POSTGRES, reason="a SQLite file from elsewhere")
def test_a_sqlite_database_of_another_program_is_refused(app, runner, tmp_path):
    file = tmp_path / "someone-else.sqlite3"
    with sqlite3.connect(file) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 500,)] * 50)
    db.session.remove()
    unchanged = fingerprint()
    result = runner.invoke(args=["backup", "restore", str(file), "--force"])
    assert result.exit_code == 1
    assert "is not a backup of this application's database" in result.output
    db.session.remove()
    assert fingerprint() == unchanged


def test_restore_names_document_files_that_are_not_there(
        app, runner, client, storage, empty_database_url, tmp_path):
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    made = assemble_document(cycle, office, formats=(DocumentFormat.HTML, DocumentFormat.DOCX))
    db.session.commit()
    file = tmp_path / "with-documents.backup"
    backup(runner, file)

    check = runner.invoke(args=["backup", "check"])
    assert check.exit_code == 0 and "is there" in check.output
    assert client.get("/healthz").get_json()["documents"] == {"missing": 0}

    lost = storage / made[1].file_path
    lost.unlink()  # the folder was not restored with the database
    with other_app(empty_database_url, DOCUMENT_STORAGE=str(storage)) as target, \
            target.app_context():
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(file)])
        assert restored.exit_code == 1
        assert "the database is restored, but 1 document file(s)" in restored.output
        assert str(lost) in restored.output
        assert f"version {made[1].id} (2021, no. {made[1].number}, DOCX)" in restored.output

        body = target.test_client().get("/healthz")
        assert body.status_code == 200  # the database serves; the files need an operator
        assert body.get_json()["status"] == "degraded"
        assert body.get_json()["documents"] == {"missing": 1}

        again = target.test_cli_runner().invoke(args=["backup", "check"])
        assert again.exit_code == 1 and "1 document file(s) are missing" in again.output


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite keeps the database in a file")
def test_a_new_sqlite_database_file_is_private_to_its_owner(tmp_path, monkeypatch):
    import os

    os.umask(0o022)  # the usual umask would make a new file readable by everyone
    path = tmp_path / "fresh.sqlite3"
    with other_app(f"sqlite:///{path}") as fresh, fresh.app_context():
        db.session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        db.session.commit()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite keeps the database in a file")
def test_a_restored_sqlite_database_file_is_private(app, runner, tmp_path):
    import os

    os.umask(0o022)
    file = tmp_path / "demo.backup"
    backup(runner, file)
    target_path = tmp_path / "restored.sqlite3"
    from app.backup import sqlite as sqlite_backup
    sqlite_backup.restore(file, target_path, timeout=5)
    assert stat.S_IMODE(target_path.stat().st_mode) == 0o600


@pytest.mark.skipif(not IS_POSTGRES, reason="pg_dump of a database of another program")
def test_a_dump_of_another_postgresql_database_is_refused(app, runner, empty_database_url,
                                                          tmp_path):
    from app.backup import postgres

    foreign = sa.create_engine(empty_database_url)
    try:
        with foreign.begin() as conn:
            conn.execute(sa.text("CREATE TABLE notes (id integer PRIMARY KEY, body text)"))
        file = tmp_path / "someone-else.backup"
        postgres.create(foreign, file)
    finally:
        foreign.dispose()
    db.session.remove()
    unchanged = fingerprint()
    result = runner.invoke(args=["backup", "restore", str(file), "--force"])
    assert result.exit_code == 1
    assert "is not a backup of this application's database" in result.output
    db.session.remove()
    assert fingerprint() == unchanged
