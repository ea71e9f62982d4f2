"""The upgrade that moves assembled documents from instance/documents/ into the database:
every file found is moved in (the folder is left alone), a missing one is named, not fatal."""

from __future__ import annotations

import hashlib

import flask_migrate
import sqlalchemy as sa

from app.documents.versions import read_version
from app.extensions import db
from app.models import Cycle, DocumentVersion
from tests.ops.conftest import other_app

BEFORE = "0021_document_blobs-1"  # the revision the move is upgraded from


def _version_row(conn, cycle_id: int, number: int, path: str, data: bytes) -> None:
    conn.execute(sa.text(
        "INSERT INTO document_versions (cycle_id, number, format, locale, file_path, sha256, "
        "size_bytes, data_fingerprint, created_at, is_published) VALUES (:c, :n, 'html', 'nb', "
        ":p, :s, :z, 'f', CURRENT_TIMESTAMP, false)"),
        {"c": cycle_id, "n": number, "p": path, "s": hashlib.sha256(data).hexdigest(),
         "z": len(data)})


def test_upgrade_moves_files_in_and_names_the_missing_one(database_url, tmp_path, capfd):
    folder = tmp_path / "documents"
    kept = b"<html><body>Gjennomgang 2021</body></html>"
    (folder / "2021").mkdir(parents=True)
    (folder / "2021" / "review-2021-a.html").write_bytes(kept)
    with other_app(database_url, DOCUMENT_STORAGE=str(folder)) as app, app.app_context():
        flask_migrate.downgrade(revision=BEFORE)
        cycle_id = db.session.scalar(sa.select(Cycle.id).where(Cycle.year == 2021))
        db.session.remove()
        with db.engine.begin() as conn:
            _version_row(conn, cycle_id, 1, "2021/review-2021-a.html", kept)
            _version_row(conn, cycle_id, 2, "2021/review-2021-gone.html", b"lost")
        capfd.readouterr()

        flask_migrate.upgrade(revision="heads")

        err = capfd.readouterr().err
        assert "review-2021-gone.html not moved" in err
        assert "1 of 2 document file(s) moved into the database" in err
        first, second = db.session.scalars(
            sa.select(DocumentVersion).order_by(DocumentVersion.number))
        assert read_version(first) == kept
        assert (folder / "2021" / "review-2021-a.html").read_bytes() == kept  # left alone
        second_id = second.id
        db.session.remove()
        check = app.test_cli_runner().invoke(args=["backup", "check"])
        assert check.exit_code == 1
        assert f"version {second_id} (2021, no. 2, HTML) has no stored document" in check.output
