"""Mail: the transactional outbox and the templates the council office can edit."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, enum_column, utcnow


class MessageStatus(str, Enum):
    """Where a message is on its way out."""

    QUEUED = "queued"  # waiting for the deliverer (first try or a retry)
    SENDING = "sending"  # claimed by one deliverer
    SENT = "sent"  # accepted by the SMTP server
    FAILED = "failed"  # refused for good (5xx), or given up after MAIL_GIVE_UP_AFTER_HOURS
    CONSOLE = "console"  # no mail server configured: written to the log instead
    DROPPED = "dropped"  # not sent: what it was about was done before it could go out


class OutboxMessage(db.Model):
    """One e-mail to one person, rendered when queued, sent after the queuing commit."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    template_key: Mapped[str] = mapped_column(sa.String(40))
    to_email: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(500))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(5), default="nb")
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(200))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"))
    assessment_ids: Mapped[list] = mapped_column(sa.JSON, default=list)

    user: Mapped[User | None] = relationship()

    @property
    def is_delivered(self) -> bool:
        """Sent over SMTP or written to the log."""
        return self.status in (MessageStatus.SENT, MessageStatus.CONSOLE)


class MailTemplate(db.Model):
    """The council office's own wording of one template in one language."""

    __tablename__ = "mail_templates"
    __table_args__ = (sa.UniqueConstraint("key", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    locale: Mapped[str] = mapped_column(sa.String(5))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    updated_by: Mapped[User | None] = relationship()
