"""Session lifetime: an idle timeout and an absolute lifetime, and no caching of signed-in pages.

The times live in the (signed) session cookie: when it was started at sign-in and when it was
last used. A session idle for SESSION_IDLE_MINUTES, or older than SESSION_MAX_HOURS, ends at
the next request, which goes to the login page with a message saying why.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.clock import now

STARTED, SEEN = "_signed_in_at", "_seen_at"


def start_session() -> None:
    """Note when this session was signed in (call right after `login_user`)."""
    session[STARTED] = session[SEEN] = now().timestamp()


def _expired_reason() -> str | None:
    moment = now().timestamp()
    started = session.setdefault(STARTED, moment)  # a session from before this rule: from now
    seen = session.get(SEEN, moment)
    if moment - started > current_app.config["SESSION_MAX_HOURS"] * 3600:
        return _("Du er logget ut fordi økten var eldre enn %(hours)s timer. Logg inn igjen.",
                 hours=current_app.config["SESSION_MAX_HOURS"])
    if moment - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return _("Du er logget ut fordi du ikke har vært aktiv på %(minutes)s minutter. "
                 "Logg inn igjen.", minutes=current_app.config["SESSION_IDLE_MINUTES"])
    session[SEEN] = moment
    return None


def _is_page_request() -> bool:
    return not (request.path.startswith("/api/") or request.endpoint in (None, "static"))


def register_session_rules(bp: Blueprint) -> None:
    """Hook the lifetime check and the no-store header into every page request."""

    @bp.before_app_request
    def end_stale_session():
        if not _is_page_request() or not current_user.is_authenticated:
            return None
        reason = _expired_reason()
        if reason is None:
            return None
        logout_user()
        session.clear()
        flash(reason, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")
                                if request.method == "GET" else None))

    @bp.after_app_request
    def no_store_when_signed_in(response):
        if _is_page_request() and current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"  # a shared computer's back button
        return response
