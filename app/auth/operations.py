"""Authentication: the one place that checks a password and records the attempt."""

from __future__ import annotations

from datetime import datetime

from app import audit
from app.auth import throttle
from app.auth.passwords import verify_password
from app.clock import now
from app.extensions import db
from app.models import User


def find_user(email: str) -> User | None:
    """The user with this e-mail (case-insensitive)."""
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user whose password matches, else None; both outcomes are audited."""
    user = find_user(email or "")
    ok = verify_password(user.password_hash if user else None, password or "")
    if not (ok and user and user.is_active):
        if user:
            audit.record(user, "user", user.id, "login_failed")
        return None
    user.last_login_at = now()
    audit.record(user, "user", user.id, "login")
    db.session.flush()
    return user


def sign_in(email: str, password: str, address: str) -> tuple[User | None, datetime | None]:
    """Password sign-in with the per-account hold: (user, None) on success, (None, until)
    while the account is held, (None, None) for a wrong e-mail or password. Audited."""
    user = find_user(email or "")
    if user is not None and (until := throttle.held_until(user)):
        audit.record(user, "user", user.id, "login_refused_held", address=address)
        return None, until
    signed_in = authenticate(email, password)
    if signed_in is not None:
        throttle.record_success(signed_in)
        return signed_in, None
    if user is not None and throttle.record_failure(user, address):
        return None, throttle.held_until(user)
    return None, None


def refuse_address(address: str) -> None:
    """Audit a sign-in refused because its address is over the limit."""
    audit.record(None, "sign_in", 0, "login_throttled", address=address)


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session cookie issued so far stops working."""
    user.session_epoch = (user.session_epoch or 0) + 1
    audit.record(user, "user", user.id, "logout")
    db.session.flush()
