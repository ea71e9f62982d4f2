"""Operations a user takes on their own account: language and calendar address.

Each checks, changes, writes one audit row and flushes. None of them commits. The calendar
token is returned to the caller to show once; only its digest is stored, never the token.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from app import audit
from app.calendar import tokens
from app.clock import now
from app.errors import ValidationFailed
from app.extensions import db
from app.models import CalendarToken, User
from workflows.engine import TransitionNotAllowed

LOCALES = ("nb", "en")


def change_locale(actor: User, locale: str) -> bool:
    """Store the user's interface language; False when it was already that."""
    if locale not in LOCALES:
        raise ValidationFailed({"locale": "invalid"})
    if actor.locale == locale:
        return False
    before, actor.locale = actor.locale, locale
    audit.record(actor, "user", actor.id, "locale_changed", old=before, new=locale)
    db.session.flush()
    return True


def _issue(actor: User) -> tuple[str, CalendarToken]:
    """A new active token for the actor; refused if another request made one meanwhile."""
    token = tokens.new_token()
    record = CalendarToken(user_id=actor.id, token_hash=tokens.digest(token), created_at=now())
    try:
        with db.session.begin_nested():  # the unique index on active tokens decides races
            db.session.add(record)
    except IntegrityError:
        raise TransitionNotAllowed("issue_calendar_token", ["already has an active token"]) \
            from None
    return token, record


def _active_or_refuse(actor: User, name: str) -> CalendarToken:
    active = tokens.active_token_of(actor)
    if active is None:
        raise TransitionNotAllowed(name, ["no active calendar token"])
    return active


def create_calendar_token(actor: User) -> str:
    """Give the actor a private feed address; returns the token (shown once, never stored)."""
    if tokens.active_token_of(actor) is not None:
        raise TransitionNotAllowed("create_calendar_token", ["already has an active token"])
    token, record = _issue(actor)
    audit.record(actor, "user", actor.id, "calendar_token_created", token_id=record.id)
    db.session.flush()
    return token


def regenerate_calendar_token(actor: User) -> str:
    """Revoke the actor's feed address and make a new one; returns the new token."""
    old = _active_or_refuse(actor, "regenerate_calendar_token")
    old.revoked_at = now()
    db.session.flush()  # revoked before the new one is inserted (one active token per user)
    token, record = _issue(actor)
    audit.record(actor, "user", actor.id, "calendar_token_regenerated", token_id=record.id,
                 revoked_token_id=old.id)
    db.session.flush()
    return token


def revoke_calendar_token(actor: User) -> None:
    """Turn the actor's feed address off; subscribed calendars stop updating (404)."""
    old = _active_or_refuse(actor, "revoke_calendar_token")
    old.revoked_at = now()
    audit.record(actor, "user", actor.id, "calendar_token_revoked", token_id=old.id)
    db.session.flush()
