"""Operations on API tokens: create, revoke, and note when a token was last used.

Each checks, changes, writes an audit row (not for `mark_used`, which is bookkeeping like a
last login time) and flushes. None of them commits. A new token is returned to the caller to
show once; only its digest is stored.
"""

from __future__ import annotations

from datetime import timedelta

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
# "Last used" is kept to this precision, so most requests write nothing at all.
LAST_USED_PRECISION = timedelta(minutes=5)


def create_api_token(actor: User | None, name: str,
                     owner: User | None = None) -> tuple[str, ApiToken]:
    """A new named token for `owner` (default: the actor; the CLI acts as the system).

    Returns the token, to show once, and its row.
    """
    owner = owner or actor
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "required"})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": "too_long"})
    token = tokens.new_token()
    record = ApiToken(user_id=owner.id, name=name, token_hash=tokens.digest(token),
                      created_at=now())
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "user", owner.id, "api_token_created", token_id=record.id, name=name)
    return token, record


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
