"""Sign-in throttling counters, shared by every worker and machine through the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class SignInThrottle(db.Model):
    """Failed password sign-ins of one address (per window) or one account (consecutive)."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)  # "address:…"/"account:…"
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
