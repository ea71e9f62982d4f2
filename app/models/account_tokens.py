"""One-time account links (invitation, forgotten password) and TOTP recovery codes.

Only SHA-256 digests are stored: the token itself exists in the mail and nowhere else.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, enum_column, utcnow


class AccountTokenPurpose(str, Enum):
    """What a one-time link is for."""

    INVITE = "invite"  # an administrator invited the person: set a first password
    RESET = "reset"  # "Glemt passord?": set a new password


class AccountToken(db.Model):
    """One one-time link to set a password: used once, or never after it expires."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: Mapped[AccountTokenPurpose] = mapped_column(
        enum_column(AccountTokenPurpose, "account_token_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(db.Model):
    """One TOTP recovery code of one user (its digest), for when the phone is lost."""

    __tablename__ = "totp_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
