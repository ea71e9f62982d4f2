"""Single sign-on views: off to the provider, back with a code, and the refusal page."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.auth import oidc
from app.auth.oidc_operations import (
    EMAIL_CONFLICT,
    INACTIVE,
    NO_EMAIL,
    PROVIDER,
    UNKNOWN,
    SignInRefused,
    refuse_sign_in,
    sign_in_with_identity,
)
from app.auth.sessions import start_session
from app.auth.views import bp
from app.database import read_only_transactions
from app.extensions import db
from app.main import safe_next

NEXT = "oidc_next"


def refusal_message(reason: str) -> str:
    """What the person is told when single sign-on gives them no session here."""
    messages = {
        UNKNOWN: _("Du er logget inn hos %(provider)s, men har ingen tilgang til denne "
                   "tjenesten. Ingen konto er opprettet. Kontakt administratoren hvis du "
                   "skal ha tilgang.", provider=oidc.provider_name()),
        INACTIVE: _("Kontoen din her er deaktivert. Kontakt administratoren."),
        EMAIL_CONFLICT: _("Det finnes allerede en konto med e-postadressen din, men den kan "
                          "ikke knyttes til innloggingen din automatisk. Kontakt "
                          "administratoren."),
        NO_EMAIL: _("%(provider)s sendte ingen e-postadresse, så det kan ikke opprettes en "
                    "konto. Kontakt administratoren.", provider=oidc.provider_name()),
    }
    return messages.get(reason) or _(
        "Innloggingen hos %(provider)s kunne ikke fullføres eller bekreftes. Prøv igjen. "
        "Skjer det igjen, kontakt administratoren.", provider=oidc.provider_name())


def _refused(reason: str, status: int):
    return render_template("auth/oidc_refused.html", message=refusal_message(reason)), status


@bp.app_context_processor
def sign_in_options() -> dict:
    """The login page's choices: single sign-on first when configured, and passwords."""
    enabled = oidc.is_enabled()
    return {"oidc_enabled": enabled, "oidc_provider": oidc.provider_name() if enabled else "",
            "local_passwords": oidc.local_passwords_allowed()}


@bp.get("/oidc/login")
def oidc_login():
    """Send the browser to the provider's sign-in page."""
    if not oidc.is_enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    session[NEXT] = safe_next(request.args.get("next"), url_for("main.index"))
    try:
        return oidc.authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except oidc.SignInFailed as failure:
        current_app.logger.warning("identity provider unreachable: %s", failure.reason)
        return _refused(PROVIDER, 503)


@bp.get("/oidc/callback")
def oidc_callback():
    """Verify the provider's answer, find (or make) the user and start a session."""
    if not oidc.is_enabled():
        abort(404)
    db.session.rollback()  # a GET begins read-only (SQLite: no write lock); this one writes
    with read_only_transactions(False):
        return _finish_callback()


def _finish_callback():
    address = request.remote_addr or "unknown"
    try:
        identity, id_token = oidc.finish_sign_in()
    except oidc.SignInFailed as failure:
        current_app.logger.warning("single sign-on failed: %s", failure.reason)
        refuse_sign_in(None, PROVIDER, address, detail=failure.reason)
        db.session.commit()
        return _refused(PROVIDER, 400)
    try:
        user = sign_in_with_identity(identity, address)
    except SignInRefused as refusal:
        db.session.commit()  # the audit row of the refusal
        return _refused(refusal.reason, 403)
    db.session.commit()
    target = safe_next(session.get(NEXT), url_for("main.index"))
    session.clear()  # a fresh session on login (no fixation)
    login_user(user)
    start_session()
    session[oidc.ID_TOKEN] = id_token  # the hint for the provider's sign-out
    return redirect(target)

