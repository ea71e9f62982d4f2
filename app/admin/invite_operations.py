"""Creating an account by invitation: no password until the person chooses one."""

from __future__ import annotations

import secrets
from typing import Any

from app.admin.operations import LOCALES, create_user
from app.auth.account_operations import TOKEN_BYTES, invite_user
from app.errors import ValidationFailed
from app.models import User
from workflows.roles import Role


def create_invited_user(actor: Any, *, email: str, name: str, roles: set[Role],
                        portfolio_ids: set[int], locale: str = "nb") -> User:
    """A new account without a password, and the invitation (in `locale`) to set one."""
    if locale not in LOCALES:
        raise ValidationFailed({"locale": "invalid"})
    user = create_user(actor, email=email, name=name, roles=roles, portfolio_ids=portfolio_ids,
                       password=secrets.token_urlsafe(TOKEN_BYTES))
    user.password_hash = ""  # nothing matches an empty hash: no password until one is chosen
    user.locale = locale
    invite_user(actor, user)
    return user
