"""Accounts without single sign-on: invitations, forgotten passwords and the TOTP second factor.

A one-time link holds a random token (secrets.token_urlsafe(32), 256 bits); only its SHA-256
digest is stored. An invitation works for ACCOUNT_INVITE_HOURS (72), a forgotten-password link
for PASSWORD_RESET_MINUTES (60); each works once, and a newer link of the same kind replaces
an older one. Setting a password through a link ends every session of the account.

Each operation checks, changes, writes its audit rows and flushes; none commits or sends mail
(the mail waits in the outbox until the caller's commit).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from limits import parse_many

from app import audit, clock
from app.auth import totp
from app.auth.operations import end_sessions, find_user
from app.auth.passwords import hash_password
from app.auth.throttle import _bump as bump_counter
from app.errors import ValidationFailed
from app.extensions import db
from app.models import AccountToken, AccountTokenPurpose, Organisation, RecoveryCode, User
from app.notifications.outbox import absolute_link, queue_mail, recipient_locale, render_message
from workflows.engine import TransitionNotAllowed
from workflows.roles import Role

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # what secrets.token_urlsafe(32) gives
PASSWORD_MIN, PASSWORD_MAX = 10, 200  # the same rule as the administrator's user form
TEMPLATES = {AccountTokenPurpose.INVITE: "account_invitation",
             AccountTokenPurpose.RESET: "password_reset"}
RECOVERY_CODES = 8


def digest(secret: str) -> str:
    """The hex SHA-256 of a token or code: what the database stores and is searched by."""
    return hashlib.sha256(secret.encode()).hexdigest()


def lifetime(purpose: AccountTokenPurpose) -> timedelta:
    """How long a link of this kind works."""
    if purpose == AccountTokenPurpose.INVITE:
        return timedelta(hours=current_app.config["ACCOUNT_INVITE_HOURS"])
    return timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"])


def _valid_for(purpose: AccountTokenPurpose, locale: str) -> str:
    minutes = int(lifetime(purpose).total_seconds() // 60)
    with force_locale(locale):
        if minutes % 60:
            return ngettext("%(num)d minutt", "%(num)d minutter", minutes)
        return ngettext("%(num)d time", "%(num)d timer", minutes // 60)


def _mail_context(user: User | None, purpose: AccountTokenPurpose, token: str) -> dict:
    org = db.session.scalar(sa.select(Organisation).order_by(Organisation.id).limit(1))
    return {"municipality": org.name if org else "Kommunen",
            "valid_for": _valid_for(purpose, recipient_locale(user)),
            "link": absolute_link("auth.account_link", token=token)}


def _issue(actor: Any, user: User, purpose: AccountTokenPurpose) -> str:
    """A new link for `user` (older unused ones of the kind stop working); the token."""
    moment = clock.now()
    db.session.execute(sa.update(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None)).values(used_at=moment))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=digest(token),
                                created_at=moment, expires_at=moment + lifetime(purpose),
                                created_by_id=getattr(actor, "id", None)))
    # The deliverer removes the link from these templates' mail once it is sent.
    queue_mail(kind=TEMPLATES[purpose], template=TEMPLATES[purpose], to_user=user,
               context=_mail_context(user, purpose, token))
    db.session.flush()
    return token


# --------------------------------------------------------------------------- invitations


def invite_user(actor: Any, user: User) -> None:
    """Send `user` a link to set their own password (again, if invited before)."""
    if not user.is_active_user:
        raise TransitionNotAllowed("invite_user", ["the account is deactivated"])
    _issue(actor, user, AccountTokenPurpose.INVITE)
    audit.record(actor, "user", user.id, "invitation_sent",
                 hours=current_app.config["ACCOUNT_INVITE_HOURS"])


# --------------------------------------------------------------------------- forgotten password


def _within(limits: str, key: str) -> bool:
    moment, allowed = clock.now(), True
    for item in parse_many(limits):
        count = bump_counter(f"{key}:{item.get_expiry()}", timedelta(seconds=item.get_expiry()),
                             moment)
        allowed = allowed and count <= item.amount
    return allowed


def reset_allowed(email: str, address: str) -> bool:
    """Count one request for `email` from `address`; False when either is over its limit.
    The counters live in sign_in_throttles, shared by every worker."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    config = current_app.config
    by_email = _within(config["PASSWORD_RESET_EMAIL_LIMIT"],
                       f"reset-email:{digest(email.strip().lower())[:40]}")
    by_address = _within(config["PASSWORD_RESET_ADDRESS_LIMIT"], f"reset-address:{address}")
    return by_email and by_address


def request_password_reset(email: str, address: str) -> None:
    """Mail a link to set a new password when `email` belongs to an active account.

    The same work is done either way (a token is made and hashed, the mail rendered), so
    neither the answer nor its timing tells whether the address has an account.
    """
    user = find_user(email or "")
    if user is not None and user.is_active_user:
        _issue(None, user, AccountTokenPurpose.RESET)
        audit.record(None, "user", user.id, "password_reset_requested", address=address)
        return
    token = secrets.token_urlsafe(TOKEN_BYTES)
    digest(token)
    render_message("password_reset", "nb",
                   {"recipient_name": "", **_mail_context(None, AccountTokenPurpose.RESET,
                                                         token)})


# --------------------------------------------------------------------------- using a link


def find_valid_token(token: str) -> AccountToken | None:
    """The unused, unexpired link of an active account for `token`, else None."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    record = db.session.scalar(sa.select(AccountToken).where(
        AccountToken.token_hash == digest(token)))
    if (record is None or record.used_at is not None or record.expires_at <= clock.now()
            or not record.user.is_active_user):
        return None
    return record


def check_password_rule(password: str) -> None:
    """The project's rule for a password a person chooses: 10 to 200 characters."""
    if not PASSWORD_MIN <= len(password or "") <= PASSWORD_MAX:
        raise ValidationFailed({"password": "length"})


def set_password_with_token(token: str, password: str) -> User | None:
    """Use a link: store the new password and end every session of the account.
    None when the link is unknown, used, expired or was used by a concurrent request."""
    check_password_rule(password)
    record = find_valid_token(token)
    if record is None:
        return None
    moment = clock.now()
    taken = db.session.execute(sa.update(AccountToken).where(
        AccountToken.id == record.id, AccountToken.used_at.is_(None)).values(used_at=moment))
    if taken.rowcount != 1:  # another request used it first
        return None
    user = record.user
    db.session.execute(sa.update(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.used_at.is_(None)).values(used_at=moment))
    user.password_hash = hash_password(password)
    audit.record(user, "user", user.id, "password_set", purpose=record.purpose.value)
    end_sessions(user)
    return user


# --------------------------------------------------------------------------- TOTP


def totp_required(user: User) -> bool:
    """True when this account must have a second factor (administrators without SSO)."""
    config = current_app.config
    return (bool(config.get("REQUIRE_ADMIN_TOTP")) and not config.get("OIDC_ISSUER")
            and user.has_role(Role.ADMIN))


def start_totp_setup(actor: User) -> None:
    """Give the actor a new secret to scan; it counts only once confirmed with a code."""
    if actor.has_totp:
        raise TransitionNotAllowed("start_totp_setup", ["a second factor is already on"])
    actor.totp_secret = totp.new_secret()
    actor.totp_last_step = None
    audit.record(actor, "user", actor.id, "totp_setup_started")
    db.session.flush()


def confirm_totp(actor: User, code: str) -> list[str] | None:
    """Switch the second factor on when `code` matches; the new recovery codes (shown once),
    or None for a wrong code."""
    if actor.has_totp or not actor.totp_secret:
        raise TransitionNotAllowed("confirm_totp", ["no second factor is being set up"])
    step = totp.matching_step(actor.totp_secret, code, None, clock.now())
    if step is None:
        return None
    actor.totp_last_step = step
    actor.totp_enabled_at = clock.now()
    codes = _new_recovery_codes(actor)
    audit.record(actor, "user", actor.id, "totp_enabled")
    db.session.flush()
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [totp.new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=digest(totp.normalise(c)),
                                    created_at=clock.now()) for c in codes)
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    taken = db.session.execute(sa.update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == digest(totp.normalise(code))).values(used_at=clock.now()))
    return taken.rowcount == 1


def check_second_factor(user: User, code: str, address: str) -> bool:
    """True when `code` is the authenticator's current code (each accepted once) or an
    unused recovery code (then used up). Audited either way."""
    step = totp.matching_step(user.totp_secret or "", code, user.totp_last_step, clock.now())
    if step is not None:
        user.totp_last_step = step
        audit.record(user, "user", user.id, "totp_passed", address=address)
    elif _use_recovery_code(user, code):
        audit.record(user, "user", user.id, "totp_recovery_code_used", address=address)
    else:
        audit.record(user, "user", user.id, "totp_failed", address=address)
        db.session.flush()
        return False
    db.session.flush()
    return True


def disable_totp(actor: User, code: str) -> bool:
    """Switch the second factor off (a current code proves the phone is at hand); False for
    a wrong code. Refused where the second factor is required."""
    if not actor.has_totp:
        raise TransitionNotAllowed("disable_totp", ["no second factor is on"])
    if totp_required(actor):
        raise TransitionNotAllowed("disable_totp", ["required for administrators"])
    if totp.matching_step(actor.totp_secret, code, actor.totp_last_step, clock.now()) is None:
        return False
    actor.totp_secret = actor.totp_enabled_at = actor.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == actor.id))
    audit.record(actor, "user", actor.id, "totp_disabled")
    db.session.flush()
    return True
