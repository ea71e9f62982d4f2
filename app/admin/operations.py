"""Operations on users and portfolios (administrator and council office)."""

from __future__ import annotations

from typing import Any

from app import audit
from app.auth.passwords import hash_password
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Portfolio, User, UserRole
from workflows.roles import Role


def create_user(actor: Any, *, email: str, name: str, roles: set[Role], password: str,
                portfolio_ids: set[int]) -> User:
    """A new active user; the e-mail must be unused."""
    email = email.strip().lower()
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        raise ValidationFailed({"email": "taken"})
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                role_rows=[UserRole(role=r) for r in sorted(roles)],
                portfolios=_portfolios(portfolio_ids))
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user", user.id, "user_created",
                 roles=sorted(r.value for r in roles), portfolios=sorted(portfolio_ids))
    return user


def _portfolios(ids: set[int]) -> list[Portfolio]:
    if not ids:
        return []
    found = list(db.session.scalars(db.select(Portfolio).where(Portfolio.id.in_(ids))))
    if len(found) != len(ids):
        raise ValidationFailed({"portfolios": "unknown"})
    return found
