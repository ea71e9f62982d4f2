"""Login and logout views."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import DBAPIError

from app.api.operations import revoke_all_api_tokens
from app.auth import oidc, throttle
from app.auth.account_challenge import ask_second_factor
from app.auth.forms import LoginForm
from app.auth.operations import end_sessions, find_user, refuse_address, sign_in
from app.auth.passwords import verify_password
from app.auth.sessions import register_session_rules, start_session
from app.database import read_only_transactions
from app.errorpages import render_error
from app.extensions import db
from app.main import safe_next
from app.storage_faults import storage_fault

bp = Blueprint("auth", __name__, url_prefix="/auth")
register_session_rules(bp)


def _held_message(until) -> str:
    return _("Kontoen har hatt for mange feil passord på rad. Innlogging med passord er "
             "holdt tilbake til kl. %(time)s. Eieren av kontoen har fått en e-post om dette.",
             time=format_time(until, "short"))


def _start(user, form: LoginForm):
    session.clear()  # a fresh session on login (no fixation)
    if user.has_totp:  # the password was right; the code from the app comes next
        return ask_second_factor(user, form.next.data)
    login_user(user)
    start_session()
    return redirect(safe_next(form.next.data, url_for("main.index")))


def _checked_sign_in(form: LoginForm, address: str):
    """The sign-in with its counters and audit rows (all written, then committed)."""
    allowed = throttle.address_allowed(address)
    if not allowed:
        refuse_address(address)
    db.session.commit()  # the address counter (and audit row), seen by every worker
    if not allowed:
        return render_error(429)
    if not form.validate_on_submit():
        return None
    user, held = sign_in(form.email.data, form.password.data, address)
    db.session.commit()  # the counters and audit rows, also of a failed attempt
    if user is not None:
        return _start(user, form)
    form.password.errors.append(_held_message(held) if held else _("Feil e-post eller passord."))
    return None


def _sign_in_without_writes(form: LoginForm):
    """The database can not store anything now: a right password still signs in (reading is
    still possible), and the audit row that could not be written is logged instead."""
    db.session.rollback()
    if not form.validate_on_submit():
        return None
    user = find_user(form.email.data)
    if (user and user.is_active and not throttle.held_until(user)
            and verify_password(user.password_hash, form.password.data)):
        current_app.logger.warning("sign-in of user %s not audited: database not writable",
                                   user.id)
        return _start(user, form)
    form.password.errors.append(_("Feil e-post eller passord."))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the password and start a session."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST" and not oidc.local_passwords_allowed():
        return render_error(403, _("Innlogging med passord er slått av. Bruk «Logg inn med "
                                   "%(name)s».", name=oidc.provider_name()))
    if request.method == "POST":
        try:
            answer = _checked_sign_in(form, request.remote_addr or "unknown")
        except DBAPIError as error:
            if not storage_fault(error):
                raise
            with read_only_transactions():  # SQLite: no write lock for what is left to do
                return _sign_in_without_writes(form) or _login_page(form)
        if answer is not None:
            return answer
    return _login_page(form)


def _login_page(form: LoginForm):
    status = 200 if request.method == "GET" or form.errors == {} else 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """End the session (and the user's other sessions, so a copied cookie dies too)."""
    end_sessions(current_user)
    revoked = (revoke_all_api_tokens(current_user, current_user)
               if request.form.get("revoke_api_tokens") == "y" else 0)
    db.session.commit()
    id_token = session.get(oidc.ID_TOKEN)
    logout_user()
    session.clear()
    flash(_("Du er logget ut."), "success")
    if revoked:
        flash(_("API-nøklene dine er trukket tilbake."), "success")
    provider_logout = oidc.logout_url(id_token, url_for("auth.login", _external=True))
    return redirect(provider_logout or url_for("auth.login"))
