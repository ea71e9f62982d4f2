"""After a restore, and for monitoring: do the files the database points to exist?

Assembled documents are files in the storage folder, recorded with their path and SHA-256 in
`document_versions`. A database restored without the matching folder (or a folder lost on its
own) leaves versions whose download would fail; this says which, before a reader finds out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.documents.versions import storage_dir
from app.extensions import db
from app.models import DocumentVersion


@dataclass(frozen=True)
class MissingDocument:
    version_id: int
    year: int
    number: int
    format: str
    path: Path


def missing_documents() -> list[MissingDocument]:
    """Every document version whose file is not in the storage folder (existence only: the
    SHA-256 is checked on each download)."""
    folder = storage_dir()
    rows = db.session.execute(sa.select(DocumentVersion).order_by(DocumentVersion.id)).scalars()
    return [MissingDocument(v.id, v.cycle.year, v.number, v.format.value, folder / v.file_path)
            for v in rows if not (folder / v.file_path).is_file()]
