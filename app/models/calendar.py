"""Calendar tokens: the secret in a user's private ICS feed address (only its hash is stored)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class CalendarToken(db.Model):
    """One feed address of one user; revoked tokens stay as history, at most one is active."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (
        # The database itself keeps "at most one active token per user".
        sa.Index(
            "uq_calendar_tokens_active_user", "user_id", unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None
