"""What the administrator's user pages read: the filtered user list and its warnings."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import User, UserRole
from workflows.roles import Role


def find_users(text: str = "", role: Role | None = None) -> list[User]:
    """Accounts whose name or e-mail contains `text` (any case), with `role` if given, by
    name (roles and portfolios come with them: a fixed number of statements)."""
    query = sa.select(User).order_by(User.name, User.email)
    if text:
        query = query.where(sa.or_(User.name.icontains(text, autoescape=True),
                                   User.email.icontains(text, autoescape=True)))
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    return list(db.session.scalars(query))


def lacks_portfolio(user: User) -> bool:
    """An active contact who answers for no portfolio: nothing of a portfolio reaches them."""
    return user.is_active and Role.CONTACT in user.roles and not user.portfolios


def contacts_without_portfolio() -> list[User]:
    """Every active contact without a portfolio, by name (the list's warning, whatever the
    filter shows)."""
    return list(db.session.scalars(
        sa.select(User).where(User.is_active_user.is_(True),
                              User.role_rows.any(UserRole.role == Role.CONTACT),
                              ~User.portfolios.any())
        .order_by(User.name, User.email)))
