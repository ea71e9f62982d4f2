"""Feed tokens: made here, shown to the user once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa

from app.extensions import db
from app.models import CalendarToken, User

TOKEN_BYTES = 32  # 256 bits of randomness: guessing is hopeless, so no rate limit is needed
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # what secrets.token_urlsafe(32) gives


def new_token() -> str:
    """A fresh random token, safe to put in a URL."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The hex SHA-256 of `token`: what the database stores and is searched by."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_active(token: str) -> CalendarToken | None:
    """The active token row for `token`, or None (unknown, malformed or revoked).

    The lookup is by digest, so the time it takes says nothing about the token itself; the
    final comparison is constant-time as well.
    """
    if not TOKEN_PATTERN.match(token):
        return None
    wanted = digest(token)
    record = db.session.scalar(
        sa.select(CalendarToken)
        .where(CalendarToken.token_hash == wanted, CalendarToken.revoked_at.is_(None))
    )
    if record is None or not hmac.compare_digest(record.token_hash, wanted):
        return None
    return record


def active_token_of(user: User) -> CalendarToken | None:
    """The user's active token, if they have one."""
    return db.session.scalar(
        sa.select(CalendarToken)
        .where(CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))
    )
