"""A restore that checks itself: a torn or foreign file is refused with a plain message and
nothing changed; the documents are in the same file and each one's SHA-256 is checked (a
damaged SQLite backup is refused before anything is copied); /healthz reports versions without
their document; database files are private to their owner."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.documents.operations import assemble_document
from app.documents.versions import read_version
from app.extensions import db
from app.models import Cycle, DocumentBlob, DocumentFormat, User
from tests.conftest import IS_POSTGRES, OFFICE, fingerprint, login
from tests.ops.conftest import other_app


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


def assembled(formats=(DocumentFormat.HTML, DocumentFormat.DOCX)) -> list:
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    made = assemble_document(cycle, office, formats=formats)
    db.session.commit()
    return made


def download(client, version) -> bytes:
    response = client.get(f"/documents/2021/versions/{version.id}/file")
    assert response.status_code == 200
    return response.data


def test_one_backup_file_brings_the_documents_back(
        app, runner, empty_database_url, tmp_path):
    made = assembled()
    expected = {v.id: read_version(v) for v in made}
    file = tmp_path / "with-documents.backup"
    backup(runner, file)
    assert not any(tmp_path.glob("**/*.html")) and not any(tmp_path.glob("**/*.docx"))

    with other_app(empty_database_url) as target, target.app_context():
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(file)])
        assert restored.exit_code == 0, restored.output
        login(client := target.test_client(), OFFICE)
        for version in made:
            assert download(client, version) == expected[version.id]
        assert client.get("/healthz").get_json()["documents"] == {"missing": 0}
        check = target.test_cli_runner().invoke(args=["backup", "check"])
        assert check.exit_code == 0 and "matches its SHA-256" in check.output


def test_a_backup_with_a_damaged_document_is_not_taken_for_whole(
        app, runner, empty_database_url, tmp_path):
    made = assembled()
    db.session.execute(sa.update(DocumentBlob).where(DocumentBlob.version_id == made[1].id)
                       .values(data=b"edited behind the app's back"))
    db.session.commit()
    file = tmp_path / "damaged.backup"
    backup(runner, file)
    named = f"version {made[1].id} (2021, no. {made[1].number}, DOCX) does not match its SHA-256"

    with other_app(empty_database_url) as target, target.app_context():
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(file)])
        assert restored.exit_code == 1 and named in restored.output
        if IS_POSTGRES:  # pg_restore cannot be asked first: restored, then named, exit 1
            assert "are missing or damaged: their downloads are refused" in restored.output
            login(client := target.test_client(), OFFICE)
            assert client.get(f"/documents/2021/versions/{made[1].id}/file").status_code != 200
        else:  # the SQLite file is checked before any page is copied
            assert "nothing was restored" in restored.output
            assert sa.inspect(db.engine).get_table_names() == []


def test_a_version_without_its_document_is_named_and_degrades_health(app, runner, client):
    made = assembled()
    assert client.get("/healthz").get_json()["documents"] == {"missing": 0}
    db.session.execute(sa.delete(DocumentBlob).where(DocumentBlob.version_id == made[0].id))
    db.session.commit()

    body = client.get("/healthz")
    assert body.status_code == 200  # the database serves; the document needs an operator
    assert body.get_json()["status"] == "degraded"
    assert body.get_json()["documents"] == {"missing": 1}
    again = runner.invoke(args=["backup", "check"])
    assert again.exit_code == 1 and "1 document(s) are missing or damaged" in again.output
    assert f"version {made[0].id} (2021, no. 1, HTML) has no stored document" in again.output


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
