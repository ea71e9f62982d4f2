"""Operations on API tokens: create, revoke, and note when a token was last used.

Each checks, changes, writes an audit row (not for `mark_used`, which is bookkeeping like a
last login time) and flushes. None of them commits. A new token is returned to the caller to
show once; only its digest is stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app import audit
from app.api import tokens
from app.clock import now
from app.database import _read_only, read_only_transactions
from app.errors import NotPermitted, ValidationFailed
from app.extensions import db
from app.models import ApiToken, User
from workflows.engine import TransitionNotAllowed

NAME_MAX = 100
# A token works for a limited time, chosen when it is made.
DEFAULT_VALID_DAYS = 90
VALID_DAYS_CHOICES = (30, 90, 180, 365)
MAX_VALID_DAYS = 365
# "Last used" is kept to this precision, so most requests write nothing at all.
LAST_USED_PRECISION = timedelta(minutes=5)


def create_api_token(actor: User | None, name: str, owner: User | None = None,
                     valid_days: int = DEFAULT_VALID_DAYS) -> tuple[str, ApiToken]:
    """A new named token for `owner` (default: the actor; the CLI acts as the system).

    It works for `valid_days` days. Returns the token, to show once, and its row.
    """
    owner = owner or actor
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "required"})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": "too_long"})
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise ValidationFailed({"valid_days": "out_of_range"})
    token = tokens.new_token()
    created = now()
    record = ApiToken(user_id=owner.id, name=name, token_hash=tokens.digest(token),
                      created_at=created, expires_at=created + timedelta(days=valid_days))
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "user", owner.id, "api_token_created", token_id=record.id, name=name,
                 valid_days=valid_days)
    return token, record


def revoke_all_api_tokens(actor: Any, owner: User) -> int:
    """Turn every active token of `owner` off at once (logging out everywhere, deactivation)."""
    at = now()
    active = [t for t in tokens.tokens_of(owner) if t.revoked_at is None]
    for record in active:
        record.revoked_at = at
    if active:
        audit.record(actor, "user", owner.id, "api_tokens_revoked", count=len(active))
    db.session.flush()
    return len(active)


def revoke_api_token(actor: User, record: ApiToken) -> None:
    """Turn a token off at once; only its owner may."""
    if record.user_id != actor.id:
        raise NotPermitted("only the owner revokes a token")
    if record.revoked_at is not None:
        raise TransitionNotAllowed("revoke_api_token", ["already revoked"])
    record.revoked_at = now()
    audit.record(actor, "user", actor.id, "api_token_revoked", token_id=record.id,
                 name=record.name)
    db.session.flush()


def mark_used(record: ApiToken) -> None:
    """Note that the token was used, at most once per LAST_USED_PRECISION.

    A change (POST, PUT) writes it with the request's own changes. A read (GET) writes it in
    a short transaction of its own: the request's transaction only reads (see database.py).
    """
    at = now()
    if record.last_used_at is not None and at - record.last_used_at < LAST_USED_PRECISION:
        return
    if not _read_only.get():
        record.last_used_at = at
        return
    set_committed_value(record, "last_used_at", at)  # seen by this request, not dirty
    with read_only_transactions(False), db.engine.begin() as conn:
        conn.execute(sa.update(ApiToken).where(ApiToken.id == record.id)
                     .values(last_used_at=at))
