"""After a restore, before one (SQLite), and for monitoring: is every document there and whole?

Assembled documents are kept in the database (`document_blobs`), one row per version recorded
in `document_versions` with its SHA-256. A backup holds them, so a restore brings them back;
what can still go wrong is a version without its bytes (a file the move into the database did
not find) or bytes that no longer match (a damaged or edited backup). This names each one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from app.models import Cycle, DocumentBlob, DocumentVersion

VERSIONS, BLOBS, CYCLES = DocumentVersion.__table__, DocumentBlob.__table__, Cycle.__table__


@dataclass(frozen=True)
class DocumentProblem:
    version_id: int
    year: int
    number: int
    format: str
    problem: str  # "missing" or "damaged"

    def describe(self) -> str:
        """One line for the operator."""
        what = ("has no stored document" if self.problem == "missing"
                else "does not match its SHA-256")
        return (f"version {self.version_id} ({self.year}, no. {self.number}, "
                f"{self.format.upper()}) {what}")


def document_problems(connection: sa.Connection) -> list[DocumentProblem]:
    """Every document version whose bytes are missing or do not match the recorded SHA-256
    (read one row at a time: the documents can be large)."""
    query = (sa.select(VERSIONS.c.id, CYCLES.c.year, VERSIONS.c.number, VERSIONS.c.format,
                       VERSIONS.c.sha256, BLOBS.c.data)
             .join(CYCLES, CYCLES.c.id == VERSIONS.c.cycle_id)
             .outerjoin(BLOBS, BLOBS.c.version_id == VERSIONS.c.id).order_by(VERSIONS.c.id))
    problems = []
    for row in connection.execution_options(yield_per=1).execute(query):
        if row.data is None:
            problem = "missing"
        elif hashlib.sha256(row.data).hexdigest() != row.sha256:
            problem = "damaged"
        else:
            continue
        fmt = getattr(row.format, "value", row.format)
        problems.append(DocumentProblem(row.id, row.year, row.number, fmt, problem))
    return problems


def missing_count(connection: sa.Connection) -> int:
    """How many versions have no stored document (cheap: for /healthz, no checksums)."""
    return connection.scalar(
        sa.select(sa.func.count()).select_from(VERSIONS)
        .outerjoin(BLOBS, BLOBS.c.version_id == VERSIONS.c.id)
        .where(BLOBS.c.version_id.is_(None)))
