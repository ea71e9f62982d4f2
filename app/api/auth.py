"""Bearer tokens: the API's only way in. Session cookies are never consulted here."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from app.api import operations, tokens
from app.api.errors import ApiError
from app.models import User
from workflows.roles import Role


def authenticate() -> User:
    """The active user of the request's `Authorization: Bearer` token; ApiError(401) if none."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, _("Send en API-nøkkel: «Authorization: Bearer …»."))
    record = tokens.find_active(token.strip())
    if record is None:
        raise ApiError(401, _("API-nøkkelen er ugyldig eller trukket tilbake."))
    operations.mark_used(record)
    g.api_user = record.user
    return record.user


def actor() -> User:
    """The user the request's token acts for (after `authenticate`)."""
    return g.api_user


def require_role(*roles: Role) -> User:
    """The token's user if they hold one of `roles`; ApiError(403) otherwise."""
    user = actor()
    if not user.has_role(*roles):
        raise ApiError(403, _("Brukeren har ikke rollen som trengs for dette."))
    return user
