"""documents: the bytes of each assembled version move from instance/documents/ into the database

Revision ID: 0021_document_blobs
Revises: 0020_local_accounts

Every version's file (DOCUMENT_STORAGE, else instance/documents/, plus the path recorded for the
version) is read and inserted into `document_blobs`. A file that is missing is named on stderr
and left out: the upgrade goes on, and `flask backup check` (and /healthz) keep naming that
version. The files are left where they were; remove the folder once the check is clean.
"""
import hashlib
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_document_blobs'
down_revision = '0020_local_accounts'
branch_labels = None
depends_on = None


def _old_folder() -> Path:
    """Where the files were kept: the app's DOCUMENT_STORAGE, else instance/documents."""
    try:
        from flask import current_app

        configured = current_app.config.get("DOCUMENT_STORAGE")
        return Path(configured) if configured else Path(current_app.instance_path) / "documents"
    except RuntimeError:  # run by Alembic without the app
        return Path(__file__).resolve().parents[2] / "instance" / "documents"


def upgrade():
    blobs = op.create_table(
        'document_blobs',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'],
                                name=op.f('fk_document_blobs_version_id_document_versions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('version_id', name=op.f('pk_document_blobs')),
    )
    _move_files_in(blobs)


def _move_files_in(blobs: sa.Table) -> None:
    connection = op.get_bind()
    folder = _old_folder()
    rows = connection.execute(sa.text(
        "SELECT id, file_path, sha256 FROM document_versions ORDER BY id")).all()
    moved = 0
    for version_id, file_path, sha256 in rows:
        path = folder / file_path
        try:
            data = path.read_bytes()
        except OSError as error:
            print(f"0021_document_blobs: version {version_id}: file {path} not moved "
                  f"({error.strerror or error})", file=sys.stderr)
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            print(f"0021_document_blobs: version {version_id}: file {path} does not match its "
                  "SHA-256; moved anyway, its download stays refused", file=sys.stderr)
        connection.execute(sa.insert(blobs).values(version_id=version_id, data=data))
        moved += 1
    if rows:
        print(f"0021_document_blobs: {moved} of {len(rows)} document file(s) moved into the "
              f"database from {folder}", file=sys.stderr)


def downgrade():
    # Back to files: write each stored document where the old code looks for it.
    folder = _old_folder()
    rows = op.get_bind().execute(sa.text(
        "SELECT v.file_path, b.data FROM document_blobs b "
        "JOIN document_versions v ON v.id = b.version_id")).all()
    for file_path, data in rows:
        target = folder / file_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes(data))
    op.drop_table('document_blobs')
