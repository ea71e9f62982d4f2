"""What the scheduler has done (reminder rows) and who runs it (the lease)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, utcnow
from workflows.reminders import ReminderKind


class Reminder(db.Model):
    """One scheduled message about one assessment, queued once.

    The natural key (assessment, kind, due date) is unique in the database, so a job that runs
    twice, or in two processes at once, can queue a reminder only once.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "kind", "due_date",
                            name="uq_reminders_assessment_kind_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind, "reminder_kind"))
    due_date: Mapped[date]
    # The person of the first mail about it (a mail may list several; the outbox row lists
    # every assessment it was about).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id"))


class SchedulerLease(db.Model):
    """Which scheduler process is active (SQLite lease; on PostgreSQL a record only)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_tick_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_summary: Mapped[str] = mapped_column(sa.Text, default="")
