"""API tokens: made here, shown to their owner once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa

from app.clock import now
from app.extensions import db
from app.models import ApiToken, User

# A recognisable prefix lets secret scanners find a leaked token; 32 random bytes follow.
PREFIX = "sam_"
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^sam_[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    """A fresh random token."""
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The hex SHA-256 of `token`: what the database stores and is searched by."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_active(token: str) -> ApiToken | None:
    """The unrevoked, unexpired token row for `token` whose user is active, or None.

    The lookup is by digest, so its timing says nothing about the token; the final
    comparison is constant-time as well.
    """
    if not TOKEN_PATTERN.match(token):
        return None
    wanted = digest(token)
    record = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == wanted, ApiToken.revoked_at.is_(None)))
    if record is None or not hmac.compare_digest(record.token_hash, wanted):
        return None
    if record.expires_at is not None and record.expires_at <= now():
        return None
    return record if record.user.is_active else None


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))
