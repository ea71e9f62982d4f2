"""Operations on users, portfolios and the municipality's settings (administrator, council office).

Each operation checks, changes, writes one audit row and flushes. None of them commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from app import audit
from app.api.operations import revoke_all_api_tokens
from app.archiving import set_archived
from app.auth.passwords import hash_password
from app.errors import ValidationFailed
from app.extensions import db
from app.labels import GENDERED_KEYS, GENDERS
from app.models import LABEL_KEYS, Organisation, Portfolio, User, UserRole
from workflows.engine import TransitionNotAllowed
from workflows.roles import Role

LOCALES = ("nb", "en")
PORTFOLIO_CODE_PATTERN = re.compile(r"^[0-9A-Za-zÆØÅæøå_-]{1,20}$")


# --------------------------------------------------------------------------- users


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


@dataclass(frozen=True)
class UserChanges:
    """What an administrator can change on an existing user (the e-mail stays)."""

    name: str
    roles: frozenset[Role]
    portfolio_ids: frozenset[int]
    is_active: bool = True
    locale: str = "nb"
    password: str = ""  # empty keeps the current password


def _user_snapshot(user: User) -> dict[str, Any]:
    return {"name": user.name, "roles": sorted(r.value for r in user.roles),
            "portfolios": sorted(user.portfolio_ids), "is_active": user.is_active_user,
            "locale": user.locale}


def _check_self(actor: Any, user: User, changes: UserChanges) -> None:
    """An administrator may not lock themselves out."""
    if getattr(actor, "id", None) != user.id:
        return
    if Role.ADMIN in user.roles and Role.ADMIN not in changes.roles:
        raise ValidationFailed({"roles": "own_admin"})
    if not changes.is_active:
        raise ValidationFailed({"is_active": "self"})


def update_user(actor: Any, user: User, changes: UserChanges) -> list[str]:
    """Change a user's name, roles, portfolios, active flag, locale and (optionally) password."""
    if not changes.name.strip():
        raise ValidationFailed({"name": "required"})
    if changes.locale not in LOCALES:
        raise ValidationFailed({"locale": "invalid"})
    _check_self(actor, user, changes)
    before = _user_snapshot(user)
    user.name = changes.name.strip()
    _set_roles(user, changes.roles)
    user.portfolios = _portfolios(set(changes.portfolio_ids))
    user.is_active_user = changes.is_active
    user.locale = changes.locale
    after = _user_snapshot(user)
    changed = [key for key in after if before[key] != after[key]]
    if changes.password:
        user.password_hash = hash_password(changes.password)
        user.session_epoch = (user.session_epoch or 0) + 1  # whoever had it is logged out
        changed.append("password")  # that it changed, never the value
    if changed:
        audit.record(actor, "user", user.id, "user_updated", fields=changed)
    db.session.flush()
    return changed


def _set_roles(user: User, roles: frozenset[Role]) -> None:
    # Only add and remove the difference: replacing every row would insert a (user, role)
    # key before the old row with the same key is deleted.
    for row in [r for r in user.role_rows if r.role not in roles]:
        user.role_rows.remove(row)
    for role in sorted(roles - user.roles):
        user.role_rows.append(UserRole(role=role))


def deactivate_user(actor: Any, user: User) -> None:
    """Stop a user from logging in; their history stays."""
    if getattr(actor, "id", None) == user.id:
        raise ValidationFailed({"is_active": "self"})
    if not user.is_active_user:
        raise TransitionNotAllowed("deactivate_user", ["already inactive"])
    user.is_active_user = False
    audit.record(actor, "user", user.id, "user_deactivated", fields=["is_active"])
    revoke_all_api_tokens(actor, user)  # a deactivated account's tokens end for good
    db.session.flush()


def _portfolios(ids: set[int]) -> list[Portfolio]:
    if not ids:
        return []
    found = list(db.session.scalars(db.select(Portfolio).where(Portfolio.id.in_(ids))))
    if len(found) != len(ids):
        raise ValidationFailed({"portfolios": "unknown"})
    return found


# --------------------------------------------------------------------------- portfolios


@dataclass(frozen=True)
class PortfolioInput:
    """A portfolio's code, names and the title of its head, in both languages."""

    code: str
    name_nb: str
    name_en: str = ""
    head_title_nb: str = ""
    head_title_en: str = ""


def _check_portfolio(data: PortfolioInput, portfolio_id: int | None) -> PortfolioInput:
    data = replace(data, **{f.name: (getattr(data, f.name) or "").strip()
                            for f in fields(PortfolioInput)})
    errors = {}
    if not PORTFOLIO_CODE_PATTERN.match(data.code):
        errors["code"] = "invalid"
    else:
        query = db.select(Portfolio.id).where(db.func.lower(Portfolio.code) == data.code.lower())
        if portfolio_id is not None:
            query = query.where(Portfolio.id != portfolio_id)
        if db.session.scalar(query.limit(1)) is not None:
            errors["code"] = "taken"
    if not data.name_nb:
        errors["name_nb"] = "required"
    if errors:
        raise ValidationFailed(errors)
    return data


def create_portfolio(actor: Any, data: PortfolioInput) -> Portfolio:
    """A new portfolio (department); its code must be unused."""
    data = _check_portfolio(data, None)
    portfolio = Portfolio(**{f.name: getattr(data, f.name) for f in fields(PortfolioInput)})
    db.session.add(portfolio)
    db.session.flush()
    audit.record(actor, "portfolio", portfolio.id, "portfolio_created",
                 fields=[f.name for f in fields(PortfolioInput) if getattr(data, f.name)])
    return portfolio


def update_portfolio(actor: Any, portfolio: Portfolio, data: PortfolioInput) -> list[str]:
    """Change a portfolio's code, names or head title. Returns the changed field names."""
    data = _check_portfolio(data, portfolio.id)
    changed = [f.name for f in fields(PortfolioInput)
               if getattr(portfolio, f.name) != getattr(data, f.name)]
    for name in changed:
        setattr(portfolio, name, getattr(data, name))
    if changed:
        audit.record(actor, "portfolio", portfolio.id, "portfolio_updated", fields=changed)
    db.session.flush()
    return changed


def archive_portfolio(actor: Any, portfolio: Portfolio) -> None:
    """Hide a portfolio from new choices; arenas and users keep it."""
    set_archived(actor, portfolio, "portfolio", True)


def unarchive_portfolio(actor: Any, portfolio: Portfolio) -> None:
    """Offer an archived portfolio as a choice again."""
    set_archived(actor, portfolio, "portfolio", False)


# --------------------------------------------------------------------------- settings


def update_settings(actor: Any, *, name: str, labels: dict[str, dict[str, str]]) -> list[str]:
    """Rename the municipality and its words for its own structure. Returns the changed keys."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "required"})
    unknown = set(labels) - set(LABEL_KEYS)
    if unknown:
        raise ValidationFailed({k: "unknown" for k in sorted(unknown)})
    cleaned = {key: {loc: (labels.get(key, {}).get(loc) or "").strip() for loc in LOCALES}
               for key in LABEL_KEYS}
    for key in GENDERED_KEYS:
        gender = labels.get(key, {}).get("gender") or "m"
        if gender not in GENDERS:
            raise ValidationFailed({f"{key}_gender": "invalid"})
        cleaned[key]["gender"] = gender
    missing = [key for key in LABEL_KEYS if not cleaned[key]["nb"]]
    if missing:
        raise ValidationFailed({f"{key}_nb": "required" for key in missing})
    org = db.session.scalar(db.select(Organisation).order_by(Organisation.id).limit(1))
    before = {"name": org.name, **(org.labels or {})} if org else {}
    for key in GENDERED_KEYS:  # a word stored before genders were asked for is masculine
        if isinstance(before.get(key), dict):
            before[key] = {"gender": "m", **before[key]}
    if org is None:
        org = Organisation()
        db.session.add(org)
    org.name = name
    org.labels = cleaned  # a new dict, so the JSON column sees the change
    changed = [key for key in ("name", *LABEL_KEYS)
               if before.get(key) != ({"name": name, **cleaned}).get(key)]
    db.session.flush()
    if changed:
        audit.record(actor, "organisation", org.id, "settings_updated", fields=changed)
    return changed
