"""Personal API tokens: the secret a system sends as `Authorization: Bearer ...`.

Only a SHA-256 digest of each token is stored; the token itself is shown to its owner once.
Revoked tokens stay as history.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class ApiToken(db.Model):
    """One named API token of one user; it acts with that user's roles, nothing more."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: never (older ones)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        """True until the token is revoked or has expired."""
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        """True once the expiry chosen at creation has passed."""
        return self.expires_at is not None and self.expires_at <= clock.now()
