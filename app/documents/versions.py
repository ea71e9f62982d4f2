"""Where assembled files live, how they are written (atomically) and read back (checked)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Cycle, DocumentFormat, DocumentVersion

CHUNK = 1 << 16


class DocumentCorrupt(Exception):
    """A stored file is missing or no longer matches the SHA-256 recorded for it."""


def storage_dir() -> Path:
    """The folder assembled documents are kept in (DOCUMENT_STORAGE, else instance/documents)."""
    configured = current_app.config.get("DOCUMENT_STORAGE")
    return Path(configured) if configured else Path(current_app.instance_path) / "documents"


def new_relative_path(year: int, fmt: DocumentFormat) -> str:
    """A fresh file name for one assembly: never the name of an existing version."""
    return f"{year}/review-{year}-{uuid.uuid4().hex}.{fmt.value}"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomically(target: Path, write: Callable[[BinaryIO], None]) -> tuple[str, int]:
    """Write through `write` into a temporary file beside `target`, then move it into place.

    A failure at any point removes the temporary file: `target` either appears whole or not at
    all. Returns the SHA-256 and size of what was written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o644)  # mkstemp makes it private; a finished document is an ordinary file
        digest, size = sha256_of(temp), temp.stat().st_size
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return digest, size


def remove_files(paths: Iterable[Path]) -> None:
    """Delete files written for an assembly that was not recorded (best effort)."""
    for path in paths:
        path.unlink(missing_ok=True)


def version_path(version: DocumentVersion) -> Path:
    """The absolute path of a version's file."""
    return storage_dir() / version.file_path


def read_version(version: DocumentVersion) -> bytes:
    """The bytes of a version, refusing a file that was changed or lost since it was written."""
    try:
        data = version_path(version).read_bytes()
    except FileNotFoundError:
        raise DocumentCorrupt(f"file of version {version.id} is missing") from None
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise DocumentCorrupt(f"file of version {version.id} does not match its SHA-256")
    return data


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
