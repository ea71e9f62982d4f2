"""The review document: assembled versions, assembly jobs, sentence overrides, settings."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.cycles import Cycle
from app.models.organisation import User
from app.models.types import UTCDateTime, enum_column, utcnow


class DocumentFormat(str, Enum):
    """The three formats the review is assembled in."""

    DOCX = "docx"
    PDF = "pdf"
    HTML = "html"

    @property
    def media_type(self) -> str:
        """The MIME type of a file in this format."""
        return MEDIA_TYPES[self]


MEDIA_TYPES = {
    DocumentFormat.DOCX:
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.HTML: "text/html",  # Werkzeug adds "; charset=utf-8" (once)
}


class JobStatus(str, Enum):
    """Where an assembly job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PartOrder(str, Enum):
    """How the arenas of each part are ordered in the document."""

    ALPHABETICAL = "alphabetical"
    CUSTOM = "custom"  # the office's order: Arena.sort_order, then name


class DocumentVersion(db.Model):
    """One assembled file. An assembly makes one number with one row per format."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "number", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    number: Mapped[int]
    format: Mapped[DocumentFormat] = mapped_column(enum_column(DocumentFormat, "document_format"))
    locale: Mapped[str] = mapped_column(sa.String(5), default="nb")
    file_path: Mapped[str] = mapped_column(sa.String(500))  # its name (the bytes: DocumentBlob)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int]
    data_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])


class DocumentBlob(db.Model):
    """The bytes of one document version, kept in the database so every machine serves them
    and one database backup holds them (never loaded with the version row)."""

    __tablename__ = "document_blobs"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class AssemblyJob(db.Model):
    """A request to assemble a cycle's document outside the web request."""

    __tablename__ = "assembly_jobs"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="nb")
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_automatic: Mapped[bool] = mapped_column(default=False)
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "assembly_job_status"), default=JobStatus.QUEUED, index=True
    )
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    version_number: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    requested_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        """Queued or running: another assembly of the cycle waits for this one."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class SentenceTemplate(db.Model):
    """The office's wording of one document sentence for one cycle and language."""

    __tablename__ = "sentence_templates"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "key", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(60))
    locale: Mapped[str] = mapped_column(sa.String(5))
    text: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class DocumentSettings(db.Model):
    """Per-cycle choices for the document beyond the cycle's own columns."""

    __tablename__ = "document_settings"

    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), primary_key=True)
    part_order: Mapped[PartOrder] = mapped_column(
        enum_column(PartOrder, "document_part_order"), default=PartOrder.ALPHABETICAL
    )
    document_date: Mapped[date | None]
    # Front matter: empty means the neutral default of the document's language.
    title: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    reference_label: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    council_basis: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Case numbers and votes printed with the council's decisions (off for illustrative data).
    show_council_details: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The statistics page's charts and tables in the appendix (off unless the office asks).
    show_statistics: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The office's order: arena ids, part 1 and part 2 together (arenas missing go last).
    arena_order: Mapped[list | None] = mapped_column(sa.JSON, default=list)
    # The office's own wording of generated paragraphs: "arena_id:paragraph:locale" -> text.
    paragraph_edits: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
