"""Where assembled documents live (in the database, `document_blobs`) and how they are read
back (checked against the SHA-256 recorded for the version).

Keeping the bytes in the database means every web machine serves every version and one
database backup holds the documents too; nothing of the app's state is on a machine's disk.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from app.extensions import db
from app.models import Cycle, DocumentBlob, DocumentFormat, DocumentVersion

BLOBS = DocumentBlob.__table__


class DocumentCorrupt(Exception):
    """A stored document is missing or no longer matches the SHA-256 recorded for it."""


def new_file_name(year: int, fmt: DocumentFormat) -> str:
    """A fresh name for one assembly's file: never the name of an existing version."""
    return f"{year}/review-{year}-{uuid.uuid4().hex}.{fmt.value}"


def render_bytes(write: Callable[[BinaryIO], None]) -> tuple[bytes, str]:
    """What `write` writes to a stream, with its SHA-256."""
    buffer = io.BytesIO()
    write(buffer)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def store_blobs(pairs: list[tuple[DocumentVersion, bytes]]) -> None:
    """Insert the bytes of flushed versions (in the caller's transaction)."""
    db.session.execute(sa.insert(BLOBS), [{"version_id": v.id, "data": data}
                                          for v, data in pairs])


def read_version(version: DocumentVersion) -> bytes:
    """The bytes of a version, refusing ones that were lost or changed since they were stored."""
    data = db.session.scalar(sa.select(BLOBS.c.data).where(BLOBS.c.version_id == version.id))
    if data is None:
        raise DocumentCorrupt(f"document of version {version.id} is missing")
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise DocumentCorrupt(f"document of version {version.id} does not match its SHA-256")
    return bytes(data)


def write_atomically(target: Path, write: Callable[[BinaryIO], None]) -> tuple[str, int]:
    """Write a copy to a local file (`flask review assemble --output`) through a temporary
    file beside `target`, so it appears whole or not at all. Returns its SHA-256 and size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o644)  # mkstemp makes it private; a finished document is an ordinary file
        digest = hashlib.sha256(temp.read_bytes()).hexdigest()
        size = temp.stat().st_size
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return digest, size


def versions_of(cycle: Cycle) -> list[DocumentVersion]:
    """Every version of a cycle, newest first."""
    return list(db.session.scalars(
        sa.select(DocumentVersion).where(DocumentVersion.cycle_id == cycle.id)
        .order_by(DocumentVersion.number.desc(), DocumentVersion.format)
    ))


def published_versions(cycle_id: int | None = None) -> list[DocumentVersion]:
    """The published files (of one cycle, or of all), newest year first."""
    query = (sa.select(DocumentVersion).join(DocumentVersion.cycle)
             .where(DocumentVersion.is_published.is_(True))
             .order_by(Cycle.year.desc(), DocumentVersion.format))
    if cycle_id is not None:
        query = query.where(DocumentVersion.cycle_id == cycle_id)
    return list(db.session.scalars(query))


def next_number(cycle_id: int) -> int:
    """The number the next assembly of a cycle gets."""
    current = db.session.scalar(
        sa.select(sa.func.max(DocumentVersion.number)).where(DocumentVersion.cycle_id == cycle_id))
    return (current or 0) + 1
