"""Authentication: the one place that checks a password and records the attempt."""

from __future__ import annotations

from app import audit
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


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session cookie issued so far stops working."""
    user.session_epoch = (user.session_epoch or 0) + 1
    audit.record(user, "user", user.id, "logout")
    db.session.flush()
