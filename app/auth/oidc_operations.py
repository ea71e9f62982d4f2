"""Single sign-on operations: who a verified identity is here, their roles from the group
claims, and the administrator's group mapping. Each audits and flushes; none commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import audit
from app.auth.oidc import Identity
from app.auth.operations import find_user
from app.clock import now
from app.errors import ValidationFailed
from app.extensions import db
from app.models import OidcGroupMapping, Portfolio, User, UserRole
from workflows.roles import Role

# Why a sign-in was refused; the view shows the matching sentence
UNKNOWN, INACTIVE, EMAIL_CONFLICT, NO_EMAIL, PROVIDER = (
    "unknown_user", "inactive", "email_conflict", "no_email", "provider_error")


class SignInRefused(Exception):
    """The identity is genuine but gets no session here (the reason is audited)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- sign-in


def refuse_sign_in(identity: Identity | None, reason: str, address: str, **details) -> None:
    """Audit a refused single sign-on; nothing else changes."""
    if identity is not None:
        details.update(subject=identity.subject, email=identity.email,
                       groups=list(identity.groups))
    audit.record(None, "sign_in", 0, "oidc_login_refused", reason=reason, address=address,
                 **details)
    db.session.flush()


def mappings_for(groups: tuple[str, ...]) -> list[OidcGroupMapping]:
    """The mapping rows whose group is among `groups`."""
    if not groups:
        return []
    query = db.select(OidcGroupMapping).where(OidcGroupMapping.group_id.in_(groups))
    return list(db.session.scalars(query.order_by(OidcGroupMapping.id)))


def _match(identity: Identity) -> User | None:
    """By subject; the first time by a verified e-mail of an account not yet linked."""
    user = db.session.scalar(db.select(User).where(User.oidc_subject == identity.subject))
    if user is not None or not identity.email:
        return user
    by_email = find_user(identity.email)
    if by_email is None:
        return None
    if not identity.email_verified or by_email.oidc_subject is not None:
        raise SignInRefused(EMAIL_CONFLICT)
    by_email.oidc_subject = identity.subject
    audit.record(by_email, "user", by_email.id, "oidc_subject_linked", subject=identity.subject)
    return by_email


def _create_just_in_time(identity: Identity) -> User:
    if not identity.email:
        raise SignInRefused(NO_EMAIL)
    user = User(email=identity.email, name=identity.name, password_hash="",
                oidc_subject=identity.subject)
    db.session.add(user)
    db.session.flush()
    audit.record(None, "user", user.id, "user_created_from_claims", subject=identity.subject,
                 groups=list(identity.groups))
    return user


def _snapshot(user: User) -> dict[str, list]:
    return {"roles": sorted(r.value for r in user.roles), "portfolios": sorted(user.portfolio_ids)}


def apply_group_roles(user: User, mappings: list[OidcGroupMapping], groups) -> bool:
    """Set the roles (and portfolios) the matching groups give; with no match, the
    administrator's choice stays. True (and an audit row) when anything changed."""
    if not mappings:
        return False
    before = _snapshot(user)
    roles = {m.role for m in mappings}
    for row in [r for r in user.role_rows if r.role not in roles]:
        user.role_rows.remove(row)
    for role in sorted(roles - user.roles):
        user.role_rows.append(UserRole(role=role))
    portfolios = {p.id: p for m in mappings for p in m.portfolios}
    if portfolios:
        user.portfolios = sorted(portfolios.values(), key=lambda p: p.code)
    after = _snapshot(user)
    if before == after:
        return False
    audit.record(None, "user", user.id, "roles_from_claims", groups=list(groups),
                 before=before, after=after)
    return True


def sign_in_with_identity(identity: Identity, address: str) -> User:
    """The user a verified identity signs in as (matched, or created just-in-time when a
    mapping says so), with roles from the group claims. Raises SignInRefused (audited)."""
    mappings = mappings_for(identity.groups)
    try:
        user = _match(identity)
        if user is None:
            if not any(m.is_just_in_time for m in mappings):
                raise SignInRefused(UNKNOWN)
            user = _create_just_in_time(identity)
        if not user.is_active:
            raise SignInRefused(INACTIVE)
    except SignInRefused as refusal:
        db.session.rollback()  # a link made on the way (e-mail match) is not kept
        refuse_sign_in(identity, refusal.reason, address)
        raise
    apply_group_roles(user, mappings, identity.groups)
    user.last_login_at = now()
    audit.record(user, "user", user.id, "login", method="oidc", address=address,
                 groups=list(identity.groups))
    db.session.flush()
    return user


# --------------------------------------------------------------------------- group mapping


@dataclass(frozen=True)
class GroupMappingInput:
    """What the administrator types for one group."""

    group_id: str
    role: Role
    description: str = ""
    portfolio_ids: frozenset[int] = frozenset()
    is_just_in_time: bool = False


def _check(data: GroupMappingInput, mapping: OidcGroupMapping | None) -> list[Portfolio]:
    group_id = data.group_id.strip()
    if not group_id:
        raise ValidationFailed({"group_id": "required"})
    clash = db.select(OidcGroupMapping.id).where(
        OidcGroupMapping.group_id == group_id, OidcGroupMapping.role == data.role)
    if mapping is not None:
        clash = clash.where(OidcGroupMapping.id != mapping.id)
    if db.session.scalar(clash):
        raise ValidationFailed({"group_id": "mapped"})
    ids = set(data.portfolio_ids)
    query = db.select(Portfolio).where(Portfolio.id.in_(ids))
    found = list(db.session.scalars(query)) if ids else []
    if len(found) != len(ids):
        raise ValidationFailed({"portfolios": "unknown"})
    return found


def _fill(mapping: OidcGroupMapping, data: GroupMappingInput, portfolios) -> dict[str, Any]:
    mapping.group_id = data.group_id.strip()
    mapping.role = data.role
    mapping.description = data.description.strip()
    mapping.is_just_in_time = data.is_just_in_time
    mapping.portfolios = portfolios
    return {"group_id": mapping.group_id, "role": data.role.value,
            "portfolios": sorted(data.portfolio_ids), "is_just_in_time": data.is_just_in_time}


def create_group_mapping(actor: Any, data: GroupMappingInput) -> OidcGroupMapping:
    """A new group → role row."""
    portfolios = _check(data, None)
    mapping = OidcGroupMapping()
    values = _fill(mapping, data, portfolios)
    db.session.add(mapping)
    db.session.flush()
    audit.record(actor, "oidc_group_mapping", mapping.id, "group_mapping_created", **values)
    return mapping


def update_group_mapping(actor: Any, mapping: OidcGroupMapping, data: GroupMappingInput) -> None:
    """Change one group → role row."""
    portfolios = _check(data, mapping)
    values = _fill(mapping, data, portfolios)
    audit.record(actor, "oidc_group_mapping", mapping.id, "group_mapping_updated", **values)
    db.session.flush()


def delete_group_mapping(actor: Any, mapping: OidcGroupMapping) -> None:
    """Remove a row; users keep the roles they have until their next sign-in."""
    audit.record(actor, "oidc_group_mapping", mapping.id, "group_mapping_deleted",
                 group_id=mapping.group_id, role=mapping.role.value)
    db.session.delete(mapping)
    db.session.flush()
