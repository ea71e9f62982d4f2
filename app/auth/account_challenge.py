"""Between the password and the second factor: who has typed a right password, kept in the
session for a few minutes, without being signed in yet."""

from __future__ import annotations

from flask import redirect, session, url_for

from app import clock
from app.extensions import db
from app.models import User

PENDING = "_second_factor"
PENDING_SECONDS = 300  # the code must follow the password within five minutes


def ask_second_factor(user: User, next_url: str | None):
    """Remember that `user` passed the password step; on to the code page."""
    session[PENDING] = {"user": user.get_id(), "at": clock.now().timestamp(),
                        "next": next_url or ""}
    return redirect(url_for("auth.second_factor"))


def pending_user() -> tuple[User | None, str]:
    """(the user who passed the password step a moment ago, where to go next), else None."""
    data = session.get(PENDING) or {}
    if not data or clock.now().timestamp() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None, ""
    user_id, _, epoch = str(data.get("user", "")).partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or epoch != str(user.session_epoch) or not user.has_totp:
        return None, ""
    return user, data.get("next") or ""
